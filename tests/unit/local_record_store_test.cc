// Tests for LocalRecordStore (the per-worker record cache) and the
// InvalidationBoard it checks: hits, TTLs, pushed invalidation of one key or
// of everything, a change during the fetch, no caching of unavailable
// answers, and the size bound. Observed through the origin's call counts.
#include "store/local_record_store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "fakes.h"
#include "mediagate/metrics.h"
#include "store/invalidation_board.h"

namespace mediagate {
namespace {

using Kind = InvalidationBoard::Kind;

constexpr char kEmail[] = "alice@example.com";
constexpr char kFileId[] = "ep1";

class LocalRecordStoreTest : public ::testing::Test {
 protected:
  LocalRecordStoreTest()
      : board_(InvalidationBoard::CreatePrivate()),
        metrics_(Metrics::CreatePrivate()),
        clock_(1000000) {
    ttls_.user_ttl_seconds = 60;
    ttls_.file_ttl_seconds = 300;
    ttls_.negative_ttl_seconds = 10;
    UserRecord alice;
    alice.fields = {{"id", "1"}};
    alice.status = "active";
    origin_.users[kEmail] = Lookup<UserRecord>::Found(alice);
    origin_.files[kFileId] = Lookup<FileRecord>::Found(FileRecord{"shows/ep1.mp3", "v1"});
  }

  LocalRecordStore Store(size_t max_entries = 65536) {
    return LocalRecordStore(ttls_, &origin_, board_.get(), &clock_, metrics_.get(),
                            max_entries);
  }

  RedisConfig ttls_;
  std::unique_ptr<InvalidationBoard> board_;
  std::unique_ptr<Metrics> metrics_;
  FakeClock clock_;
  HookedRecordStore origin_;
};

TEST_F(LocalRecordStoreTest, RepeatIsAnsweredLocally) {
  LocalRecordStore store = Store();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(store.FindUser(kEmail).record.status, "active");
    EXPECT_EQ(store.FindFile(kFileId).record.object_key, "shows/ep1.mp3");
  }
  EXPECT_EQ(origin_.user_calls, 1);
  EXPECT_EQ(origin_.file_calls, 1);
  const std::string text = metrics_->RenderPrometheus();
  EXPECT_NE(text.find("mediagate_local_cache_requests_total{result=\"hit\"} 8\n"),
            std::string::npos);
  EXPECT_NE(text.find("mediagate_local_cache_requests_total{result=\"miss\"} 2\n"),
            std::string::npos);
}

TEST_F(LocalRecordStoreTest, EntriesExpireAfterTheirTtl) {
  LocalRecordStore store = Store();
  store.FindUser(kEmail);
  store.FindFile(kFileId);
  store.FindUser("nobody@example.com");
  clock_.now += 9;
  store.FindUser("nobody@example.com");
  EXPECT_EQ(origin_.user_calls, 2);
  clock_.now += 1;  // 10 s: the negative TTL is over
  store.FindUser("nobody@example.com");
  EXPECT_EQ(origin_.user_calls, 3);
  clock_.now += 49;  // 59 s
  store.FindUser(kEmail);
  EXPECT_EQ(origin_.user_calls, 3);
  clock_.now += 1;  // 60 s
  store.FindUser(kEmail);
  EXPECT_EQ(origin_.user_calls, 4);
  store.FindFile(kFileId);
  EXPECT_EQ(origin_.file_calls, 1);  // 300 s for files
  clock_.now += 240;
  store.FindFile(kFileId);
  EXPECT_EQ(origin_.file_calls, 2);
}

TEST_F(LocalRecordStoreTest, InvalidatedKeyIsRefetchedOthersAreNot) {
  LocalRecordStore store = Store();
  origin_.users["bob@example.com"] = origin_.users[kEmail];
  store.FindUser(kEmail);
  store.FindUser("bob@example.com");
  store.FindFile(kFileId);
  origin_.users[kEmail].record.status = "canceled";
  board_->Invalidate(Kind::kUser, kEmail);
  EXPECT_EQ(store.FindUser(kEmail).record.status, "canceled");
  EXPECT_EQ(origin_.user_calls, 3);
  store.FindUser(kEmail);
  EXPECT_EQ(origin_.user_calls, 3);
  // The file of the same name is another kind; bob is (almost surely) another slot.
  board_->Invalidate(Kind::kUser, kFileId);
  store.FindFile(kFileId);
  EXPECT_EQ(origin_.file_calls, 1);
  board_->Invalidate(Kind::kFile, kFileId);
  store.FindFile(kFileId);
  EXPECT_EQ(origin_.file_calls, 2);
}

TEST_F(LocalRecordStoreTest, InvalidateAllRefetchesEverything) {
  LocalRecordStore store = Store();
  store.FindUser(kEmail);
  store.FindFile(kFileId);
  board_->InvalidateAll();
  store.FindUser(kEmail);
  store.FindFile(kFileId);
  EXPECT_EQ(origin_.user_calls, 2);
  EXPECT_EQ(origin_.file_calls, 2);
}

// The stamp is read before the fetch: a change announced while the origin was
// answering leaves the entry stale at once, so the next lookup refetches.
TEST_F(LocalRecordStoreTest, ChangeDuringFetchIsNotHidden) {
  LocalRecordStore store = Store();
  origin_.during = [&] { board_->Invalidate(Kind::kUser, kEmail); };
  store.FindUser(kEmail);
  origin_.during = nullptr;
  store.FindUser(kEmail);
  EXPECT_EQ(origin_.user_calls, 2);
  store.FindUser(kEmail);
  EXPECT_EQ(origin_.user_calls, 2);
}

TEST_F(LocalRecordStoreTest, UnavailableIsNeverCachedAndDropsTheEntry) {
  LocalRecordStore store = Store();
  store.FindUser(kEmail);
  board_->Invalidate(Kind::kUser, kEmail);
  origin_.down = true;
  EXPECT_EQ(store.FindUser(kEmail).state, LookupState::kUnavailable);
  EXPECT_EQ(store.FindUser(kEmail).state, LookupState::kUnavailable);
  EXPECT_EQ(origin_.user_calls, 3);
  origin_.down = false;
  EXPECT_EQ(store.FindUser(kEmail).state, LookupState::kFound);
}

TEST_F(LocalRecordStoreTest, SizeIsBounded) {
  LocalRecordStore store = Store(3);
  for (int i = 0; i < 3; ++i) store.FindUser("u" + std::to_string(i) + "@x");
  EXPECT_EQ(origin_.user_calls, 3);
  store.FindUser("u0@x");
  EXPECT_EQ(origin_.user_calls, 3);
  store.FindUser("u3@x");  // full: cleared, then u3 stored
  store.FindUser("u0@x");
  EXPECT_EQ(origin_.user_calls, 5);
}

TEST(InvalidationBoardTest, SharedBoardIsSeenAcrossFork) {
  auto board = InvalidationBoard::CreateShared();
  ASSERT_NE(board, nullptr);
  const auto stamp = board->Read(Kind::kUser, kEmail);
  const pid_t pid = fork();
  if (pid == 0) {
    board->Invalidate(Kind::kUser, kEmail);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_FALSE(board->Current(Kind::kUser, kEmail, stamp));
  EXPECT_TRUE(board->Current(Kind::kUser, kEmail, board->Read(Kind::kUser, kEmail)));
}

}  // namespace
}  // namespace mediagate
