// Tests for the record codec: users and files survive an encode/decode round
// trip (with and without paid_until, suspended or not, found and not found), every kind of bad
// cache value decodes as kUnavailable rather than as a record, records that
// cannot be JSON are not encoded, and the cache keys have their documented
// shapes (the user key never holds the email).
#include "store/record_codec.h"

#include <gtest/gtest.h>

#include <string>

#include "base/crypto.h"

namespace mediagate {
namespace {

UserRecord SampleUser() {
  UserRecord user;
  user.fields = {{"id", "42"},
                 {"uuid", "0b7e4f5c-6d1e-4b9a-8a53-2f0f8e1c9d77"},
                 {"is_paysubscribed", "True"},
                 {"empty", ""},
                 {"quoted", "a\"b\\c\n\xc3\xa9"}};
  user.status = "past_due";
  user.paid_until = 1735787045;
  return user;
}

TEST(RecordCodecTest, UserRoundTripWithPaidUntil) {
  const UserRecord user = SampleUser();
  const auto encoded = EncodeUser(&user);
  ASSERT_TRUE(encoded.has_value());
  const Lookup<UserRecord> decoded = DecodeUser(*encoded);
  ASSERT_EQ(decoded.state, LookupState::kFound) << decoded.error;
  EXPECT_EQ(decoded.record.fields, user.fields);
  EXPECT_EQ(decoded.record.status, "past_due");
  ASSERT_TRUE(decoded.record.paid_until.has_value());
  EXPECT_EQ(*decoded.record.paid_until, 1735787045);
}

TEST(RecordCodecTest, UserRoundTripWithoutPaidUntil) {
  UserRecord user = SampleUser();
  user.paid_until.reset();
  const auto encoded = EncodeUser(&user);
  ASSERT_TRUE(encoded.has_value());
  const Lookup<UserRecord> decoded = DecodeUser(*encoded);
  ASSERT_EQ(decoded.state, LookupState::kFound);
  EXPECT_EQ(decoded.record.fields, user.fields);
  EXPECT_FALSE(decoded.record.paid_until.has_value());
}

TEST(RecordCodecTest, UserRoundTripNegativeAndZeroPaidUntil) {
  for (int64_t paid_until : {int64_t{0}, int64_t{-1}, int64_t{4102444800}}) {
    UserRecord user = SampleUser();
    user.paid_until = paid_until;
    const Lookup<UserRecord> decoded = DecodeUser(*EncodeUser(&user));
    ASSERT_EQ(decoded.state, LookupState::kFound);
    EXPECT_EQ(decoded.record.paid_until, paid_until);
  }
}

TEST(RecordCodecTest, UserWithNoFieldsRoundTrips) {
  UserRecord user;
  user.status = "active";
  const Lookup<UserRecord> decoded = DecodeUser(*EncodeUser(&user));
  ASSERT_EQ(decoded.state, LookupState::kFound);
  EXPECT_TRUE(decoded.record.fields.empty());
  EXPECT_EQ(decoded.record.status, "active");
}

TEST(RecordCodecTest, UserSuspendedRoundTrips) {
  for (bool suspended : {true, false}) {
    UserRecord user = SampleUser();
    user.suspended = suspended;
    const Lookup<UserRecord> decoded = DecodeUser(*EncodeUser(&user));
    ASSERT_EQ(decoded.state, LookupState::kFound) << decoded.error;
    EXPECT_EQ(decoded.record.suspended, suspended);
  }
  EXPECT_TRUE(DecodeUser(R"({"v":1,"found":true,"fields":{},"status":"active",)"
                         R"("suspended":true})")
                  .record.suspended);
}

TEST(RecordCodecTest, FileRoundTrip) {
  const FileRecord file{"shows/episode 1.mp3", "2024-05-01T12:00:00Z"};
  const auto encoded = EncodeFile(&file);
  ASSERT_TRUE(encoded.has_value());
  const Lookup<FileRecord> decoded = DecodeFile(*encoded);
  ASSERT_EQ(decoded.state, LookupState::kFound) << decoded.error;
  EXPECT_EQ(decoded.record.object_key, "shows/episode 1.mp3");
  EXPECT_EQ(decoded.record.version, "2024-05-01T12:00:00Z");
  EXPECT_FALSE(decoded.record.public_at.has_value());
}

TEST(RecordCodecTest, FilePublicAtRoundTrips) {
  FileRecord file{"k", "v"};
  file.public_at = 1735787045;
  const Lookup<FileRecord> decoded = DecodeFile(*EncodeFile(&file));
  ASSERT_EQ(decoded.state, LookupState::kFound) << decoded.error;
  EXPECT_EQ(decoded.record.public_at, 1735787045);
}

TEST(RecordCodecTest, NegativeEntriesRoundTrip) {
  const auto user = EncodeUser(nullptr);
  const auto file = EncodeFile(nullptr);
  ASSERT_TRUE(user.has_value());
  ASSERT_TRUE(file.has_value());
  EXPECT_EQ(DecodeUser(*user).state, LookupState::kMissing);
  EXPECT_EQ(DecodeFile(*file).state, LookupState::kMissing);
}

TEST(RecordCodecTest, NegativeEntryIsTheDocumentedJson) {
  EXPECT_EQ(DecodeUser(R"({"v":1,"found":false})").state, LookupState::kMissing);
  EXPECT_EQ(DecodeFile(R"({"found":false,"v":1})").state, LookupState::kMissing);
}

TEST(RecordCodecTest, CorruptUserValuesAreUnavailable) {
  for (const char* value : {
           "",
           "{",
           "not json",
           "null",
           "[]",
           "42",
           R"("string")",
           R"({})",
           R"({"found":false})",
           R"({"v":2,"found":false})",
           R"({"v":0,"found":false})",
           R"({"v":"1","found":false})",
           R"({"v":1})",
           R"({"v":1,"found":"false"})",
           R"({"v":1,"found":0})",
           R"({"v":1,"found":true})",
           R"({"v":1,"found":true,"status":"active"})",
           R"({"v":1,"found":true,"fields":{}})",
           R"({"v":1,"found":true,"fields":{"id":1},"status":"active"})",
           R"({"v":1,"found":true,"fields":{"id":null},"status":"active"})",
           R"({"v":1,"found":true,"fields":{},"status":7})",
           R"({"v":1,"found":true,"fields":{},"status":"active","paid_until":"x"})",
           // A v2-era entry, without "suspended", must not read as not suspended.
           R"({"v":1,"found":true,"fields":{},"status":"active"})",
           R"({"v":1,"found":true,"fields":{},"status":"active","suspended":"true"})",
           R"({"v":1,"found":true,"fields":{},"status":"active","suspended":1})",
       }) {
    const Lookup<UserRecord> decoded = DecodeUser(value);
    EXPECT_EQ(decoded.state, LookupState::kUnavailable) << value;
    EXPECT_FALSE(decoded.error.empty()) << value;
  }
}

TEST(RecordCodecTest, CorruptFileValuesAreUnavailable) {
  for (const char* value : {
           "",
           "}",
           "[1,2]",
           R"({"v":2,"found":true,"object_key":"a","version":"1"})",
           R"({"v":1,"found":true})",
           R"({"v":1,"found":true,"object_key":"a"})",
           R"({"v":1,"found":true,"version":"1"})",
           R"({"v":1,"found":true,"object_key":1,"version":"1"})",
           R"({"v":1,"found":true,"object_key":"a","version":null})",
       }) {
    EXPECT_EQ(DecodeFile(value).state, LookupState::kUnavailable) << value;
  }
}

TEST(RecordCodecTest, UserEntryIsNotAFileEntry) {
  const UserRecord user = SampleUser();
  EXPECT_EQ(DecodeFile(*EncodeUser(&user)).state, LookupState::kUnavailable);
  const FileRecord file{"a", "1"};
  EXPECT_EQ(DecodeUser(*EncodeFile(&file)).state, LookupState::kUnavailable);
}

TEST(RecordCodecTest, InvalidUtf8IsNotEncoded) {
  UserRecord user = SampleUser();
  user.fields["uuid"] = "\xff";
  EXPECT_FALSE(EncodeUser(&user).has_value());

  user = SampleUser();
  user.status = "act\xc3";
  EXPECT_FALSE(EncodeUser(&user).has_value());

  user = SampleUser();
  user.fields["\xfe"] = "x";
  EXPECT_FALSE(EncodeUser(&user).has_value());

  const FileRecord file{"shows/\xff.mp3", "1"};
  EXPECT_FALSE(EncodeFile(&file).has_value());
}

TEST(RecordCodecTest, UserCacheKeyIsSha256OfEmail) {
  EXPECT_EQ(UserCacheKey("mediagate", "alice@example.com").value(),
            "mediagate:v3:user:"
            "ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976");
}

TEST(RecordCodecTest, UserCacheKeyHidesEmailAndIsStable) {
  const std::string key = UserCacheKey("mg", "alice@example.com").value();
  EXPECT_EQ(key, UserCacheKey("mg", "alice@example.com").value());
  EXPECT_EQ(key.find("alice"), std::string::npos);
  EXPECT_EQ(key.find("example.com"), std::string::npos);
  EXPECT_EQ(key.rfind("mg:v3:user:", 0), 0u);
  EXPECT_NE(key, UserCacheKey("mg", "bob@example.com").value());
  EXPECT_NE(key, UserCacheKey("other", "alice@example.com").value());
}

// A user never gets a fallback key that every user would share.
TEST(RecordCodecTest, UserCacheKeyFailsWhenDigestFails) {
  ScopedDigestFailureForTesting digest_fails;
  const Result<std::string> key = UserCacheKey("mg", "alice@example.com");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), Status::Code::kInternal);
}

TEST(RecordCodecTest, FileCacheKeyFormat) {
  EXPECT_EQ(FileCacheKey("mediagate", "ep1"), "mediagate:v3:file:ep1");
  EXPECT_EQ(FileCacheKey("p", "A-b_9"), "p:v3:file:A-b_9");
}

}  // namespace
}  // namespace mediagate
