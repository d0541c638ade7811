// Tests for Decider: every Reason is reached from a real request URI, with
// tokens minted by the real TokenGenerator, records from FakeRecordStore and
// the real local and S3 upstreams. The order of the checks is pinned by
// counting lookups: a bad method, URI, token or subscription never reaches the
// file lookup, so nothing about a file leaks to an unverified client.
#include "mediagate/decider.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "base/base64url.h"
#include "base/crypto.h"
#include "fakes.h"
#include "mediagate/config.h"
#include "mediagate/presigner.h"
#include "mediagate/token.h"
#include "mediagate/upstream.h"
#include "test_util.h"

namespace mediagate {
namespace {

constexpr int64_t kNow = 1735787045;  // 2025-01-02T03:04:05Z
constexpr char kEmail[] = "alice@example.com";
constexpr char kOtherEmail[] = "bob@example.com";
constexpr char kFileId[] = "ep1";

UserRecord ActiveUser(const std::string& id) {
  UserRecord user;
  user.fields = {{"id", id},
                 {"uuid", "0b7e4f5c-6d1e-4b9a-8a53-2f0f8e1c9d7" + id},
                 {"link_generation", "0"}};
  user.status = "active";
  return user;
}

bool IsLowerHex32(const std::string& s) {
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

class DeciderTest : public ::testing::Test {
 protected:
  DeciderTest() : clock_(kNow) {
    config_.token.secret = Secret("s", "t");
    config_.token.hash_value = "{id}{uuid}{link_generation}";
    config_.storage.backend = "local";
    config_.storage.local_url = "http://127.0.0.1:8089/media";
    records_.users[kEmail] = Lookup<UserRecord>::Found(ActiveUser("1"));
    records_.users[kOtherEmail] = Lookup<UserRecord>::Found(ActiveUser("2"));
    records_.files[kFileId] =
        Lookup<FileRecord>::Found(FileRecord{"shows/episode 1.mp3", "v1"});
  }

  // (Re)builds the upstream and decider from config_.
  void Build() { BuildDecider(config_, &records_, &clock_, &upstream_, &decider_); }

  std::string Mint(const FieldMap& fields, int64_t at = kNow) {
    auto tokens = TokenGenerator::Create(config_.token);
    EXPECT_TRUE(tokens.ok()) << tokens.status().ToString();
    if (!tokens.ok()) return "";
    auto token = tokens->Make(fields, at);
    EXPECT_TRUE(token.ok()) << token.status().ToString();
    return token.ok() ? *token : "";
  }

  std::string TokenFor(const std::string& email) {
    return Mint(records_.users.at(email).record.fields);
  }

  static std::string Uri(const std::string& email, const std::string& file_id,
                         const std::string& token) {
    return "/premium_media/" + Base64UrlEncode(email) + "/" + file_id + "/" + token +
           "/episode.mp3";
  }

  Decision Decide(const std::string& uri, const std::string& method = "GET") {
    if (!decider_) Build();
    if (!decider_) return Decision{};
    return decider_->Decide(AuthRequest{uri, method});
  }

  // A request for kFileId by `email` with a freshly minted valid token.
  Decision DecideValid(const std::string& email = kEmail, const std::string& method = "GET") {
    return Decide(Uri(email, kFileId, TokenFor(email)), method);
  }

  // kEmail is past_due and paid until `paid_until`; entitlement honours
  // paid_until with `grace_seconds`.
  void SetPastDue(int64_t grace_seconds, int64_t paid_until) {
    config_.entitlement.use_paid_until = true;
    config_.entitlement.grace_seconds = grace_seconds;
    records_.users[kEmail].record.status = "past_due";
    records_.users[kEmail].record.paid_until = paid_until;
  }

  Config config_;
  FakeRecordStore records_;
  FakeClock clock_;
  std::unique_ptr<Upstream> upstream_;
  std::unique_ptr<Decider> decider_;
};

TEST_F(DeciderTest, AllowsValidGetWithLocalUpstream) {
  const Decision d = DecideValid();
  ASSERT_EQ(d.reason, Reason::kAllow) << d.detail;
  EXPECT_EQ(d.upstream, "http://127.0.0.1:8089/media/shows/episode%201.mp3");
  EXPECT_TRUE(IsLowerHex32(d.cache_key)) << d.cache_key;
  EXPECT_FALSE(d.user_ref.empty());
  EXPECT_EQ(d.user_ref.find(kEmail), std::string::npos);
  EXPECT_EQ(d.user_ref.find("alice"), std::string::npos);
  EXPECT_EQ(d.user_ref.find(Base64UrlEncode(kEmail)), std::string::npos);
  EXPECT_EQ(d.file_id, kFileId);
  EXPECT_EQ(records_.user_calls, 1);
  EXPECT_EQ(records_.file_calls, 1);
}

TEST_F(DeciderTest, AllowsHead) {
  EXPECT_EQ(DecideValid(kEmail, "HEAD").reason, Reason::kAllow);
}

TEST_F(DeciderTest, AllowsWithS3PresignedUrl) {
  config_.storage.backend = "s3";
  config_.storage.endpoint = "https://s3.amazonaws.com";
  config_.storage.region = "us-east-1";
  config_.storage.bucket = "examplebucket";
  config_.storage.addressing = "virtual";
  config_.storage.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  config_.storage.secret_access_key =
      Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "test");
  config_.storage.expires_seconds = 900;
  Build();

  const Decision d = DecideValid();
  ASSERT_EQ(d.reason, Reason::kAllow) << d.detail;
  auto presigner = Presigner::Create(config_.storage);
  ASSERT_TRUE(presigner.ok()) << presigner.status().ToString();
  auto expected = presigner->Presign(HttpMethod::kGet, "shows/episode 1.mp3", kNow, 900);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(d.upstream, *expected);
  EXPECT_EQ(
      d.upstream.rfind("https://examplebucket.s3.amazonaws.com/shows/episode%201.mp3?", 0), 0u)
      << d.upstream;
  EXPECT_NE(d.upstream.find("X-Amz-Date=20250102T030405Z"), std::string::npos);
  EXPECT_NE(d.upstream.find("X-Amz-Expires=900"), std::string::npos);
  EXPECT_NE(d.upstream.find("X-Amz-Signature="), std::string::npos);
  EXPECT_TRUE(IsLowerHex32(d.cache_key)) << d.cache_key;
  EXPECT_EQ(d.upstream.find(d.cache_key), std::string::npos);

  // A later request gets a new signature but the same cache key.
  clock_.now += 3600;
  const Decision later = DecideValid();
  ASSERT_EQ(later.reason, Reason::kAllow) << later.detail;
  EXPECT_NE(later.upstream, d.upstream);
  EXPECT_EQ(later.cache_key, d.cache_key);
}

TEST_F(DeciderTest, DeniesPostPutAndEmptyMethodBeforeAnyLookup) {
  for (const char* method : {"POST", "PUT", "", "get", "DELETE"}) {
    const Decision d = DecideValid(kEmail, method);
    EXPECT_EQ(d.reason, Reason::kMethod) << "method '" << method << "'";
    EXPECT_TRUE(d.upstream.empty());
    EXPECT_TRUE(d.cache_key.empty());
  }
  EXPECT_EQ(records_.user_calls, 0);
  EXPECT_EQ(records_.file_calls, 0);
}

TEST_F(DeciderTest, MethodIsCheckedBeforeTheUri) {
  EXPECT_EQ(Decide("not a media uri", "POST").reason, Reason::kMethod);
}

TEST_F(DeciderTest, DeniesMalformedUrisWithoutLookups) {
  const std::string token = TokenFor(kEmail);
  const std::string b64 = Base64UrlEncode(kEmail);
  for (const std::string& uri : {
           std::string(""),
           std::string("/"),
           std::string("/other_prefix/" + b64 + "/ep1/" + token + "/a.mp3"),
           std::string("/premium_media/" + b64 + "/ep1/" + token),
           std::string("/premium_media/" + b64 + "/ep1/" + token + "/a.mp3/extra"),
           std::string("/premium_media/" + b64 + "=/ep1/" + token + "/a.mp3"),
           std::string("/premium_media/" + b64 + "/ep%31/" + token + "/a.mp3"),
           std::string("/premium_media/" + b64 + "/../" + token + "/a.mp3"),
           std::string("/premium_media/" + b64 + "/ep1/not-a-token/a.mp3"),
           std::string("/premium_media/" + b64 + "/ep1/" + token + "/a%2Fb.mp3"),
       }) {
    const Decision d = Decide(uri);
    EXPECT_EQ(d.reason, Reason::kBadRequest) << uri;
    EXPECT_FALSE(d.detail.empty()) << uri;
  }
  EXPECT_EQ(records_.user_calls, 0);
  EXPECT_EQ(records_.file_calls, 0);
}

TEST_F(DeciderTest, DeniesOverlongUri) {
  config_.url.max_uri_bytes = 64;
  EXPECT_EQ(DecideValid().reason, Reason::kBadRequest);
}

TEST_F(DeciderTest, QueryStringIsIgnored) {
  const std::string uri = Uri(kEmail, kFileId, TokenFor(kEmail)) + "?t=1&x=%2F";
  EXPECT_EQ(Decide(uri).reason, Reason::kAllow);
}

TEST_F(DeciderTest, DeniesUnknownUserWithoutFileLookup) {
  const std::string token = TokenFor(kEmail);
  const Decision d = Decide(Uri("mallory@example.com", kFileId, token));
  EXPECT_EQ(d.reason, Reason::kUnknownUser);
  EXPECT_EQ(records_.user_calls, 1);
  EXPECT_EQ(records_.file_calls, 0);
}

TEST_F(DeciderTest, DeniesFlippedDigitWithoutFileLookup) {
  std::string token = TokenFor(kEmail);
  ASSERT_FALSE(token.empty());
  token.back() = token.back() == '0' ? '1' : '0';
  const Decision d = Decide(Uri(kEmail, kFileId, token));
  EXPECT_EQ(d.reason, Reason::kBadToken);
  EXPECT_EQ(records_.file_calls, 0);
  EXPECT_TRUE(d.upstream.empty());
  EXPECT_TRUE(d.cache_key.empty());
}

TEST_F(DeciderTest, DeniesAnotherUsersToken) {
  const Decision d = Decide(Uri(kEmail, kFileId, TokenFor(kOtherEmail)));
  EXPECT_EQ(d.reason, Reason::kBadToken);
  EXPECT_EQ(records_.file_calls, 0);
}

TEST_F(DeciderTest, DeniesTokenAfterLinkGenerationChanges) {
  const std::string token = TokenFor(kEmail);
  records_.users[kEmail].record.fields["link_generation"] = "1";
  EXPECT_EQ(Decide(Uri(kEmail, kFileId, token)).reason, Reason::kBadToken);
}

TEST_F(DeciderTest, DeniesExpiredToken) {
  config_.token.timeout_seconds = 60;
  const std::string token = Mint(records_.users.at(kEmail).record.fields, kNow - 3600);
  const Decision d = Decide(Uri(kEmail, kFileId, token));
  EXPECT_EQ(d.reason, Reason::kBadToken);
  EXPECT_EQ(d.detail, "expired");
  EXPECT_EQ(records_.file_calls, 0);

  // The same token within its lifetime is accepted.
  clock_.now = kNow - 3600 + 30;
  EXPECT_EQ(Decide(Uri(kEmail, kFileId, token)).reason, Reason::kAllow);
}

TEST_F(DeciderTest, DeniesCanceledWithoutFileLookup) {
  records_.users[kEmail].record.status = "canceled";
  const Decision d = DecideValid();
  EXPECT_EQ(d.reason, Reason::kInactive);
  EXPECT_EQ(records_.file_calls, 0);
  EXPECT_TRUE(d.upstream.empty());
}

TEST_F(DeciderTest, DeniesSuspendedAsSharedWithoutFileLookup) {
  records_.users[kEmail].record.suspended = true;
  const Decision d = DecideValid();
  EXPECT_EQ(d.reason, Reason::kShared);
  EXPECT_STREQ(ReasonName(d.reason), "shared");
  EXPECT_EQ(records_.file_calls, 0);
  EXPECT_TRUE(d.upstream.empty());
  EXPECT_FALSE(d.user_ref.empty());  // sharing detection and logs still see who
  EXPECT_EQ(DecideValid(kOtherEmail).reason, Reason::kAllow);
}

TEST_F(DeciderTest, SuspendedWithBadTokenIsBadToken) {
  records_.users[kEmail].record.suspended = true;
  EXPECT_EQ(Decide(Uri(kEmail, kFileId, TokenFor(kOtherEmail))).reason, Reason::kBadToken);
}

TEST_F(DeciderTest, SuspendedIsSharedEvenWhenAlsoCanceled) {
  records_.users[kEmail].record.suspended = true;
  records_.users[kEmail].record.status = "canceled";
  EXPECT_EQ(DecideValid().reason, Reason::kShared);
}

TEST_F(DeciderTest, DeniesPastDueWithoutUsePaidUntil) {
  records_.users[kEmail].record.status = "past_due";
  records_.users[kEmail].record.paid_until = kNow + 86400;
  EXPECT_EQ(DecideValid().reason, Reason::kInactive);
}

TEST_F(DeciderTest, DeniesPastDueWhosePaidPeriodEnded) {
  SetPastDue(/*grace_seconds=*/60, /*paid_until=*/kNow - 3600);
  EXPECT_EQ(DecideValid().reason, Reason::kInactive);
  EXPECT_EQ(records_.file_calls, 0);
}

TEST_F(DeciderTest, AllowsPastDueWithinGrace) {
  SetPastDue(/*grace_seconds=*/3600, /*paid_until=*/kNow - 60);
  EXPECT_EQ(DecideValid().reason, Reason::kAllow);
}

TEST_F(DeciderTest, DeniesMissingFileAfterVerification) {
  records_.files.clear();
  const Decision d = DecideValid();
  EXPECT_EQ(d.reason, Reason::kNotFound);
  EXPECT_EQ(records_.file_calls, 1);
  EXPECT_TRUE(d.upstream.empty());
}

TEST_F(DeciderTest, DeniesObjectKeyOutsideTheMediaDirectory) {
  records_.files[kFileId] = Lookup<FileRecord>::Found(FileRecord{"../etc/passwd", "v1"});
  const Decision d = DecideValid();
  EXPECT_EQ(d.reason, Reason::kNotFound);
  EXPECT_TRUE(d.upstream.empty());
}

TEST_F(DeciderTest, PublicLinkOnlyForAFileThatIsPublicNow) {
  const std::string uri = "/public_media/" + std::string(kFileId) + "/episode.mp3";
  EXPECT_EQ(Decide(uri).reason, Reason::kNotFound);  // premium only
  records_.files[kFileId].record.public_at = kNow + 1;
  EXPECT_EQ(Decide(uri).reason, Reason::kNotFound);  // early access still running
  records_.files[kFileId].record.public_at = kNow;
  const Decision d = Decide(uri);
  EXPECT_EQ(d.reason, Reason::kAllow);
  EXPECT_EQ(d.user_ref, "public");
  EXPECT_FALSE(d.upstream.empty());
  EXPECT_EQ(Decide("/public_media/no-such/x.mp3").reason, Reason::kNotFound);
  EXPECT_EQ(Decide("/public_media/" + std::string(kFileId)).reason, Reason::kBadRequest);
  EXPECT_EQ(Decide(uri, "POST").reason, Reason::kMethod);
}

TEST_F(DeciderTest, UnavailableWhenUserLookupFails) {
  const std::string token = TokenFor(kEmail);
  records_.users[kEmail] = Lookup<UserRecord>::Unavailable("pg down");
  const Decision d = Decide(Uri(kEmail, kFileId, token));
  EXPECT_EQ(d.reason, Reason::kUnavailable);
  EXPECT_NE(d.detail.find("pg down"), std::string::npos) << d.detail;
  EXPECT_EQ(records_.file_calls, 0);
}

TEST_F(DeciderTest, UnavailableWhenFileLookupFails) {
  records_.files[kFileId] = Lookup<FileRecord>::Unavailable("pg down");
  const Decision d = DecideValid();
  EXPECT_EQ(d.reason, Reason::kUnavailable);
  EXPECT_TRUE(d.upstream.empty());
}

TEST_F(DeciderTest, UnavailableNotAllowWhenUserRowLacksTemplateField) {
  const std::string token = TokenFor(kEmail);
  records_.users[kEmail].record.fields.erase("link_generation");
  const Decision d = Decide(Uri(kEmail, kFileId, token));
  EXPECT_EQ(d.reason, Reason::kUnavailable);
  EXPECT_EQ(records_.file_calls, 0);
}

TEST_F(DeciderTest, SameFileForTwoUsersSharesCacheKeyNotUserRef) {
  const Decision a = DecideValid(kEmail);
  const Decision b = DecideValid(kOtherEmail);
  ASSERT_EQ(a.reason, Reason::kAllow) << a.detail;
  ASSERT_EQ(b.reason, Reason::kAllow) << b.detail;
  EXPECT_EQ(a.cache_key, b.cache_key);
  EXPECT_EQ(a.upstream, b.upstream);
  EXPECT_NE(a.user_ref, b.user_ref);
}

// Every object would share one nginx cache entry under a fallback key.
TEST_F(DeciderTest, UnavailableNotAllowWhenCacheKeyFails) {
  const std::string uri = Uri(kEmail, kFileId, TokenFor(kEmail));
  Build();
  ScopedDigestFailureForTesting digest_fails;
  const Decision d = Decide(uri);
  EXPECT_EQ(d.reason, Reason::kUnavailable) << d.detail;
  EXPECT_EQ(d.cache_key, "");
  EXPECT_EQ(d.upstream, "");
}

TEST_F(DeciderTest, UserRefIsStableAndDependsOnSecret) {
  const std::string first = DecideValid().user_ref;
  EXPECT_EQ(DecideValid().user_ref, first);

  config_.token.secret = Secret("another secret", "t");
  decider_.reset();
  const Decision other = DecideValid();
  ASSERT_EQ(other.reason, Reason::kAllow) << other.detail;
  EXPECT_NE(other.user_ref, first);
}

TEST_F(DeciderTest, NewVersionChangesCacheKey) {
  const Decision v1 = DecideValid();
  records_.files[kFileId].record.version = "v2";
  const Decision v2 = DecideValid();
  ASSERT_EQ(v1.reason, Reason::kAllow);
  ASSERT_EQ(v2.reason, Reason::kAllow);
  EXPECT_NE(v1.cache_key, v2.cache_key);
  EXPECT_EQ(v1.upstream, v2.upstream);
}

TEST_F(DeciderTest, CreateRejectsBadTokenTemplate) {
  config_.token.hash_value = "{id";
  auto upstream = MakeUpstream(config_.storage);
  ASSERT_TRUE(upstream.ok());
  auto decider = Decider::Create(config_, upstream->get(), &records_, &clock_);
  EXPECT_FALSE(decider.ok());
}

TEST(ReasonNameTest, NamesEveryReason) {
  ExpectNames(ReasonName, {{Reason::kAllow, "allow"},
                           {Reason::kBadRequest, "bad_request"},
                           {Reason::kBadToken, "bad_token"},
                           {Reason::kUnknownUser, "unknown_user"},
                           {Reason::kInactive, "inactive"},
                           {Reason::kNotFound, "not_found"},
                           {Reason::kMethod, "method"},
                           {Reason::kUnavailable, "unavailable"},
                           {Reason::kShared, "shared"}});
}

// The file name is cosmetic: any accepted name, Unicode or empty, yields the
// same upstream and cache key as the canonical one.
TEST_F(DeciderTest, FileNameNeverChangesWhatIsServed) {
  const std::string token = TokenFor(kEmail);
  const std::string base =
      "/premium_media/" + Base64UrlEncode(kEmail) + "/" + kFileId + "/" + token + "/";
  const Decision canonical = Decide(base + "episode.mp3");
  ASSERT_EQ(canonical.reason, Reason::kAllow) << canonical.detail;
  for (const std::string& name :
       {std::string("%C3%89pisode_1.mp3"), std::string(""), std::string("x.txt"),
        std::string("%E7%AC%AC%E4%B8%80%E9%9B%86.mp3"), std::string("a%20b%2Dc")}) {
    SCOPED_TRACE(name);
    const Decision d = Decide(base + name);
    ASSERT_EQ(d.reason, Reason::kAllow) << d.detail;
    EXPECT_EQ(d.upstream, canonical.upstream);
    EXPECT_EQ(d.cache_key, canonical.cache_key);
    EXPECT_EQ(d.file_id, kFileId);
  }
}

}  // namespace
}  // namespace mediagate
