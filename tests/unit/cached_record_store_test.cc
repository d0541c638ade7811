// Tests for CachedRecordStore, the cache-aside lookup in front of PostgreSQL: each
// degradation rule in record_source.h is one test here, driven through a
// FakeRecordStore and a FakeCache and observed through their call counts, the
// entries and TTLs written, and the real Metrics counters.
#include "store/cached_record_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "base/crypto.h"
#include "base/rate_limiter.h"
#include "fakes.h"
#include "mediagate/metrics.h"
#include "store/invalidation_board.h"
#include "store/record_codec.h"

namespace mediagate {
namespace {

constexpr char kEmail[] = "alice@example.com";
constexpr char kFileId[] = "ep1";
constexpr char kPrefix[] = "test";

UserRecord Alice() {
  UserRecord user;
  user.fields = {{"id", "1"}, {"uuid", "u-1"}};
  user.status = "active";
  user.paid_until = 1735787045;
  return user;
}

class CachedRecordStoreTest : public ::testing::Test {
 protected:
  CachedRecordStoreTest()
      : metrics_(Metrics::CreatePrivate()), limiter_(std::chrono::seconds(10)) {
    config_.key_prefix = kPrefix;
    config_.user_ttl_seconds = 61;
    config_.file_ttl_seconds = 301;
    config_.negative_ttl_seconds = 11;
    origin_.users[kEmail] = Lookup<UserRecord>::Found(Alice());
    origin_.files[kFileId] = Lookup<FileRecord>::Found(FileRecord{"shows/ep1.mp3", "v1"});
  }

  CachedRecordStore Source(KeyValueCache* cache) {
    return CachedRecordStore(config_, &origin_, cache, &seal_, metrics_.get(), &limiter_);
  }
  // The value mediagate would write for `key`, and the value stored under it.
  std::string Sealed(const std::string& key, const std::string& value) const {
    return seal_.Seal(key, value).value();
  }
  std::string Stored(const std::string& key) {
    return seal_.Open(key, cache_.entries[key]).value_or("(does not open)");
  }

  std::string UserKey(const std::string& email = kEmail) const {
    return UserCacheKey(kPrefix, email).value();
  }
  std::string FileKey(const std::string& id = kFileId) const {
    return FileCacheKey(kPrefix, id);
  }
  bool Rendered(const std::string& line) const {
    return metrics_->RenderPrometheus().find("\n" + line + "\n") != std::string::npos;
  }

  RedisConfig config_;
  RecordSeal seal_ = RecordSeal::Create(Secret("test-secret", "test")).value();
  FakeRecordStore origin_;
  FakeCache cache_;
  std::unique_ptr<Metrics> metrics_;
  LogRateLimiter limiter_;
};

TEST_F(CachedRecordStoreTest, MissAsksDirectoryAndCachesUserWithUserTtl) {
  CachedRecordStore source = Source(&cache_);
  const Lookup<UserRecord> user = source.FindUser(kEmail);
  ASSERT_EQ(user.state, LookupState::kFound);
  EXPECT_EQ(user.record.fields, Alice().fields);
  EXPECT_EQ(origin_.user_calls, 1);
  source.Flush();
  ASSERT_EQ(cache_.sets.size(), 1u);
  EXPECT_EQ(cache_.sets[0].key, UserKey());
  EXPECT_EQ(cache_.sets[0].ttl_seconds, 61);
  const Lookup<UserRecord> cached = DecodeUser(Stored(cache_.sets[0].key));
  ASSERT_EQ(cached.state, LookupState::kFound);
  EXPECT_EQ(cached.record.fields, Alice().fields);
  EXPECT_EQ(cached.record.status, "active");
  EXPECT_EQ(cached.record.paid_until, Alice().paid_until);
  EXPECT_EQ(metrics_->RedisCount(Metrics::CacheResult::kMiss), 1u);
  EXPECT_TRUE(Rendered("mediagate_postgres_queries_total 1"));
  EXPECT_TRUE(Rendered("mediagate_postgres_errors_total 0"));
}

// Without its own cache key a user is not looked up (nor cached under a key
// that every user would share): the decision is unavailable.
TEST_F(CachedRecordStoreTest, UserIsUnavailableWhenCacheKeyFails) {
  CachedRecordStore source = Source(&cache_);
  ScopedDigestFailureForTesting digest_fails;
  const Lookup<UserRecord> user = source.FindUser(kEmail);
  EXPECT_EQ(user.state, LookupState::kUnavailable);
  EXPECT_EQ(cache_.get_calls, 0);
  EXPECT_TRUE(cache_.sets.empty());
  EXPECT_EQ(origin_.user_calls, 0);
}

TEST_F(CachedRecordStoreTest, MissCachesFileWithFileTtl) {
  CachedRecordStore source = Source(&cache_);
  const Lookup<FileRecord> file = source.FindFile(kFileId);
  ASSERT_EQ(file.state, LookupState::kFound);
  EXPECT_EQ(file.record.object_key, "shows/ep1.mp3");
  EXPECT_EQ(file.record.version, "v1");
  source.Flush();
  ASSERT_EQ(cache_.sets.size(), 1u);
  EXPECT_EQ(cache_.sets[0].key, FileKey());
  EXPECT_EQ(cache_.sets[0].ttl_seconds, 301);
  EXPECT_EQ(DecodeFile(Stored(cache_.sets[0].key)).state, LookupState::kFound);
}

TEST_F(CachedRecordStoreTest, UnknownUserAndFileAreCachedWithNegativeTtl) {
  CachedRecordStore source = Source(&cache_);
  EXPECT_EQ(source.FindUser("nobody@example.com").state, LookupState::kMissing);
  EXPECT_EQ(source.FindFile("nope").state, LookupState::kMissing);
  source.Flush();
  ASSERT_EQ(cache_.sets.size(), 2u);
  EXPECT_EQ(cache_.sets[0].key, UserKey("nobody@example.com"));
  EXPECT_EQ(cache_.sets[0].ttl_seconds, 11);
  EXPECT_EQ(DecodeUser(Stored(cache_.sets[0].key)).state, LookupState::kMissing);
  EXPECT_EQ(cache_.sets[1].key, FileKey("nope"));
  EXPECT_EQ(cache_.sets[1].ttl_seconds, 11);
  EXPECT_EQ(DecodeFile(Stored(cache_.sets[1].key)).state, LookupState::kMissing);

  // The negative entries answer the next lookups.
  EXPECT_EQ(source.FindUser("nobody@example.com").state, LookupState::kMissing);
  EXPECT_EQ(source.FindFile("nope").state, LookupState::kMissing);
  EXPECT_EQ(origin_.user_calls, 1);
  EXPECT_EQ(origin_.file_calls, 1);
}

TEST_F(CachedRecordStoreTest, HitDoesNotAskDirectory) {
  const UserRecord alice = Alice();
  cache_.entries[UserKey()] = Sealed(UserKey(), *EncodeUser(&alice));
  CachedRecordStore source = Source(&cache_);
  const Lookup<UserRecord> user = source.FindUser(kEmail);
  ASSERT_EQ(user.state, LookupState::kFound);
  EXPECT_EQ(user.record.fields, alice.fields);
  EXPECT_EQ(origin_.user_calls, 0);
  EXPECT_TRUE(cache_.sets.empty());
  EXPECT_EQ(metrics_->RedisCount(Metrics::CacheResult::kHit), 1u);
  EXPECT_TRUE(Rendered("mediagate_postgres_queries_total 0"));
}

TEST_F(CachedRecordStoreTest, SecondLookupIsAHit) {
  CachedRecordStore source = Source(&cache_);
  ASSERT_EQ(source.FindFile(kFileId).state, LookupState::kFound);
  ASSERT_EQ(source.FindFile(kFileId).state, LookupState::kFound);
  EXPECT_EQ(origin_.file_calls, 1);
  EXPECT_EQ(metrics_->RedisCount(Metrics::CacheResult::kMiss), 1u);
  EXPECT_EQ(metrics_->RedisCount(Metrics::CacheResult::kHit), 1u);
}

TEST_F(CachedRecordStoreTest, CacheErrorFallsBackToDirectoryAndWritesNothing) {
  cache_.error = true;
  CachedRecordStore source = Source(&cache_);
  const Lookup<UserRecord> user = source.FindUser(kEmail);
  ASSERT_EQ(user.state, LookupState::kFound);
  EXPECT_EQ(user.record.status, "active");
  EXPECT_EQ(source.FindFile(kFileId).state, LookupState::kFound);
  EXPECT_EQ(origin_.user_calls, 1);
  EXPECT_EQ(origin_.file_calls, 1);
  EXPECT_TRUE(cache_.sets.empty());
  EXPECT_EQ(metrics_->RedisCount(Metrics::CacheResult::kError), 2u);
  EXPECT_EQ(metrics_->RedisCount(Metrics::CacheResult::kMiss), 0u);
  EXPECT_TRUE(Rendered("mediagate_redis_requests_total{result=\"error\"} 2"));
}

TEST_F(CachedRecordStoreTest, DirectoryUnavailableOnMissIsUnavailableAndNotCached) {
  origin_.down = true;
  CachedRecordStore source = Source(&cache_);
  const Lookup<UserRecord> user = source.FindUser(kEmail);
  EXPECT_EQ(user.state, LookupState::kUnavailable);
  EXPECT_FALSE(user.error.empty());
  EXPECT_EQ(source.FindFile(kFileId).state, LookupState::kUnavailable);
  EXPECT_TRUE(cache_.sets.empty());
  EXPECT_TRUE(cache_.entries.empty());
  EXPECT_TRUE(Rendered("mediagate_postgres_queries_total 2"));
  EXPECT_TRUE(Rendered("mediagate_postgres_errors_total 2"));
}

TEST_F(CachedRecordStoreTest, WarmCacheServesWhileDirectoryIsDown) {
  CachedRecordStore source = Source(&cache_);
  ASSERT_EQ(source.FindUser(kEmail).state, LookupState::kFound);
  ASSERT_EQ(source.FindFile(kFileId).state, LookupState::kFound);
  origin_.down = true;
  const Lookup<UserRecord> user = source.FindUser(kEmail);
  ASSERT_EQ(user.state, LookupState::kFound);
  EXPECT_EQ(user.record.fields, Alice().fields);
  const Lookup<FileRecord> file = source.FindFile(kFileId);
  ASSERT_EQ(file.state, LookupState::kFound);
  EXPECT_EQ(file.record.object_key, "shows/ep1.mp3");
  EXPECT_EQ(origin_.user_calls, 1);
  EXPECT_EQ(origin_.file_calls, 1);
}

TEST_F(CachedRecordStoreTest, CorruptCacheValueIsRefetchedAndRewritten) {
  cache_.entries[UserKey()] = Sealed(UserKey(), "{not json");
  cache_.entries[FileKey()] = Sealed(FileKey(), R"({"v":1,"found":true})");
  CachedRecordStore source = Source(&cache_);
  const Lookup<UserRecord> user = source.FindUser(kEmail);
  ASSERT_EQ(user.state, LookupState::kFound);
  EXPECT_EQ(user.record.fields, Alice().fields);
  EXPECT_EQ(source.FindFile(kFileId).state, LookupState::kFound);
  source.Flush();
  EXPECT_EQ(origin_.user_calls, 1);
  EXPECT_EQ(origin_.file_calls, 1);
  EXPECT_EQ(DecodeUser(Stored(UserKey())).state, LookupState::kFound);
  EXPECT_EQ(DecodeFile(Stored(FileKey())).state, LookupState::kFound);
  EXPECT_EQ(metrics_->RedisCount(Metrics::CacheResult::kHit), 0u);
}

// Issue 9: anyone who can write to Redis could let a cancelled subscriber in.
TEST_F(CachedRecordStoreTest, ForgedValueIsAMissAndCounted) {
  UserRecord forged = Alice();
  forged.status = "active";
  origin_.users[kEmail].record.status = "canceled";
  cache_.entries[UserKey()] = *EncodeUser(&forged);  // plain JSON, as an attacker writes it
  CachedRecordStore source = Source(&cache_);
  const Lookup<UserRecord> user = source.FindUser(kEmail);
  ASSERT_EQ(user.state, LookupState::kFound);
  EXPECT_EQ(user.record.status, "canceled");
  source.Flush();
  EXPECT_EQ(origin_.user_calls, 1);
  EXPECT_EQ(metrics_->RedisCount(Metrics::CacheResult::kUnverified), 1u);
  EXPECT_EQ(metrics_->RedisCount(Metrics::CacheResult::kHit), 0u);
  EXPECT_TRUE(Rendered("mediagate_redis_requests_total{result=\"unverified\"} 1"));
  EXPECT_EQ(DecodeUser(Stored(UserKey())).record.status, "canceled");  // rewritten, sealed
}

// A genuine value copied to another key (another file id) does not open there.
TEST_F(CachedRecordStoreTest, ValueMovedToAnotherKeyIsAMiss) {
  const FileRecord secret_file{"private/other.mp3", "v9"};
  cache_.entries[FileKey()] = Sealed(FileKey("other"), *EncodeFile(&secret_file));
  CachedRecordStore source = Source(&cache_);
  const Lookup<FileRecord> file = source.FindFile(kFileId);
  ASSERT_EQ(file.state, LookupState::kFound);
  EXPECT_EQ(file.record.object_key, "shows/ep1.mp3");
  EXPECT_EQ(metrics_->RedisCount(Metrics::CacheResult::kUnverified), 1u);
}

// The token fields (a user's uuid) are not readable in Redis.
TEST_F(CachedRecordStoreTest, CachedValueHidesTokenFields) {
  CachedRecordStore source = Source(&cache_);
  source.FindUser(kEmail);
  source.Flush();
  ASSERT_EQ(cache_.sets.size(), 1u);
  EXPECT_EQ(cache_.sets[0].value.find("u-1"), std::string::npos);
  EXPECT_EQ(cache_.sets[0].value.find("active"), std::string::npos);
  EXPECT_NE(Stored(UserKey()).find("u-1"), std::string::npos);
}

TEST_F(CachedRecordStoreTest, CorruptCacheValueWithDirectoryDownIsUnavailable) {
  cache_.entries[UserKey()] = "garbage";
  origin_.down = true;
  CachedRecordStore source = Source(&cache_);
  EXPECT_EQ(source.FindUser(kEmail).state, LookupState::kUnavailable);
  EXPECT_EQ(cache_.entries[UserKey()], "garbage");
}

TEST_F(CachedRecordStoreTest, WorksWithoutCache) {
  CachedRecordStore source = Source(nullptr);
  EXPECT_EQ(source.FindUser(kEmail).state, LookupState::kFound);
  EXPECT_EQ(source.FindUser(kEmail).state, LookupState::kFound);
  EXPECT_EQ(source.FindUser("nobody@example.com").state, LookupState::kMissing);
  EXPECT_EQ(source.FindFile(kFileId).state, LookupState::kFound);
  EXPECT_EQ(origin_.user_calls, 3);
  EXPECT_EQ(origin_.file_calls, 1);
  EXPECT_EQ(metrics_->RedisCount(Metrics::CacheResult::kHit) +
                metrics_->RedisCount(Metrics::CacheResult::kMiss) +
                metrics_->RedisCount(Metrics::CacheResult::kError),
            0u);
  origin_.down = true;
  EXPECT_EQ(source.FindUser(kEmail).state, LookupState::kUnavailable);
}

TEST_F(CachedRecordStoreTest, BothDownIsUnavailable) {
  cache_.error = true;
  origin_.down = true;
  CachedRecordStore source = Source(&cache_);
  EXPECT_EQ(source.FindUser(kEmail).state, LookupState::kUnavailable);
  EXPECT_EQ(source.FindFile(kFileId).state, LookupState::kUnavailable);
  EXPECT_TRUE(cache_.sets.empty());
  EXPECT_EQ(metrics_->RedisCount(Metrics::CacheResult::kError), 2u);
  EXPECT_TRUE(Rendered("mediagate_postgres_errors_total 2"));
}

TEST_F(CachedRecordStoreTest, CachedMissingUserStaysMissingWhileDirectoryIsDown) {
  CachedRecordStore source = Source(&cache_);
  const std::string email = "carol@example.com";
  ASSERT_EQ(source.FindUser(email).state, LookupState::kMissing);

  // The user signs up, but the directory then goes down: the negative entry
  // answers, and never turns into a found user.
  origin_.users[email] = Lookup<UserRecord>::Found(Alice());
  origin_.down = true;
  for (int i = 0; i < 3; ++i) {
    const Lookup<UserRecord> user = source.FindUser(email);
    EXPECT_EQ(user.state, LookupState::kMissing);
    EXPECT_TRUE(user.record.fields.empty());
  }
  EXPECT_EQ(origin_.user_calls, 1);
}

TEST_F(CachedRecordStoreTest, UsesEmailDigestNotEmailInKey) {
  CachedRecordStore source = Source(&cache_);
  source.FindUser(kEmail);
  source.Flush();
  ASSERT_EQ(cache_.entries.size(), 1u);
  const std::string& key = cache_.entries.begin()->first;
  EXPECT_EQ(key.rfind("test:v3:user:", 0), 0u) << key;
  EXPECT_EQ(key.find(kEmail), std::string::npos) << key;
}

TEST_F(CachedRecordStoreTest, UnencodableRecordIsServedButNotCached) {
  UserRecord odd = Alice();
  odd.fields["uuid"] = "\xff\xfe";
  origin_.users[kEmail] = Lookup<UserRecord>::Found(odd);
  CachedRecordStore source = Source(&cache_);
  const Lookup<UserRecord> user = source.FindUser(kEmail);
  ASSERT_EQ(user.state, LookupState::kFound);
  EXPECT_EQ(user.record.fields.at("uuid"), "\xff\xfe");
  source.Flush();
  EXPECT_TRUE(cache_.sets.empty());
}

// A change announced while PostgreSQL was being asked: the answer is used but
// not written to Redis, where it would undo the listener's delete.
TEST_F(CachedRecordStoreTest, AnswerChangedDuringFetchIsNotCached) {
  auto board = InvalidationBoard::CreatePrivate();
  HookedRecordStore origin;
  origin.users = origin_.users;
  origin.during = [&] { board->Invalidate(InvalidationBoard::Kind::kUser, kEmail); };
  CachedRecordStore source(config_, &origin, &cache_, &seal_, metrics_.get(), &limiter_,
                           board.get());
  EXPECT_EQ(source.FindUser(kEmail).state, LookupState::kFound);
  source.Flush();
  EXPECT_TRUE(cache_.sets.empty());
  origin.during = nullptr;  // no change this time: cached
  EXPECT_EQ(source.FindUser(kEmail).state, LookupState::kFound);
  source.Flush();
  ASSERT_EQ(cache_.sets.size(), 1u);
  EXPECT_EQ(cache_.sets[0].key, UserKey());
}

TEST_F(CachedRecordStoreTest, ChangeOfAnotherKeyDoesNotStopCaching) {
  auto board = InvalidationBoard::CreatePrivate();
  HookedRecordStore origin;
  origin.files = origin_.files;
  origin.during = [&] { board->Invalidate(InvalidationBoard::Kind::kUser, kFileId); };
  CachedRecordStore source(config_, &origin, &cache_, &seal_, metrics_.get(), &limiter_,
                           board.get());
  EXPECT_EQ(source.FindFile(kFileId).state, LookupState::kFound);
  source.Flush();
  ASSERT_EQ(cache_.sets.size(), 1u);  // a user key of the same name is another slot kind
  EXPECT_EQ(cache_.sets[0].key, FileKey());
}

// A busy worker's write goes out with its next read (one round trip), or
// when the worker is about to wait (Flush), never lost in between.
TEST_F(CachedRecordStoreTest, WriteIsHeldUntilTheNextLookupOrFlush) {
  CachedRecordStore source = Source(&cache_);
  ASSERT_EQ(source.FindUser(kEmail).state, LookupState::kFound);
  EXPECT_TRUE(source.HasPending());
  EXPECT_TRUE(cache_.sets.empty());
  const int gets = cache_.get_calls;
  ASSERT_EQ(source.FindFile(kFileId).state, LookupState::kFound);
  EXPECT_EQ(cache_.get_calls, gets + 1);
  ASSERT_EQ(cache_.sets.size(), 1u);  // handed over before the file's read
  EXPECT_EQ(cache_.sets[0].key, UserKey());
  source.Flush();
  EXPECT_FALSE(source.HasPending());
  ASSERT_EQ(cache_.sets.size(), 2u);
  EXPECT_EQ(cache_.sets[1].key, FileKey());
  EXPECT_EQ(cache_.flushes, 1);
  source.Flush();  // nothing held: nothing written twice
  EXPECT_EQ(cache_.sets.size(), 2u);
}

// A change announced after the fetch but before the held write went out: the
// write is dropped (it would undo the listener's delete).
TEST_F(CachedRecordStoreTest, HeldWriteWhoseKeyChangedIsDropped) {
  auto board = InvalidationBoard::CreatePrivate();
  CachedRecordStore source(config_, &origin_, &cache_, &seal_, metrics_.get(), &limiter_,
                           board.get());
  ASSERT_EQ(source.FindUser(kEmail).state, LookupState::kFound);
  board->Invalidate(InvalidationBoard::Kind::kUser, kEmail);
  ASSERT_EQ(source.FindFile(kFileId).state, LookupState::kFound);  // checked here
  board->Invalidate(InvalidationBoard::Kind::kFile, kFileId);
  source.Flush();  // and here
  EXPECT_TRUE(cache_.sets.empty());
  EXPECT_FALSE(source.HasPending());
  ASSERT_EQ(source.FindUser("nobody@example.com").state, LookupState::kMissing);
  source.Flush();  // an unchanged key's write is still made
  ASSERT_EQ(cache_.sets.size(), 1u);
  EXPECT_EQ(cache_.sets[0].key, UserKey("nobody@example.com"));
}

}  // namespace
}  // namespace mediagate
