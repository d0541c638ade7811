// Tests for Backoff: ready at first, not ready until the delay after a
// failure, the delay doubling up to the maximum, and a success resetting both
// the wait and the delay.
#include "base/backoff.h"

#include <gtest/gtest.h>

#include <chrono>

namespace mediagate {
namespace {

using std::chrono::milliseconds;

const Backoff::Clock::time_point kT0 = Backoff::Clock::time_point() + std::chrono::hours(1);

TEST(BackoffTest, ReadyInitially) {
  Backoff backoff(milliseconds(100), milliseconds(5000));
  EXPECT_TRUE(backoff.Ready(kT0));
  EXPECT_TRUE(backoff.Ready(Backoff::Clock::now()));
}

TEST(BackoffTest, NotReadyUntilDelayAfterFailure) {
  Backoff backoff(milliseconds(100), milliseconds(5000));
  backoff.Failure(kT0);
  EXPECT_FALSE(backoff.Ready(kT0));
  EXPECT_FALSE(backoff.Ready(kT0 + milliseconds(99)));
  EXPECT_TRUE(backoff.Ready(kT0 + milliseconds(100)));
  EXPECT_TRUE(backoff.Ready(kT0 + milliseconds(10000)));
}

TEST(BackoffTest, DelayDoublesUpToMax) {
  Backoff backoff(milliseconds(100), milliseconds(500));
  auto t = kT0;
  for (int expected : {100, 200, 400, 500, 500, 500}) {
    EXPECT_EQ(backoff.Failure(t), milliseconds(expected));
    EXPECT_FALSE(backoff.Ready(t + milliseconds(expected - 1))) << expected;
    EXPECT_TRUE(backoff.Ready(t + milliseconds(expected))) << expected;
    t += milliseconds(expected);
  }
}

TEST(BackoffTest, SuccessResets) {
  Backoff backoff(milliseconds(100), milliseconds(5000));
  backoff.Failure(kT0);
  backoff.Failure(kT0 + milliseconds(100));
  backoff.Failure(kT0 + milliseconds(300));
  EXPECT_FALSE(backoff.Ready(kT0 + milliseconds(400)));
  backoff.Success();
  EXPECT_TRUE(backoff.Ready(kT0 + milliseconds(400)));

  // The next failure waits the initial delay again.
  backoff.Failure(kT0 + milliseconds(1000));
  EXPECT_FALSE(backoff.Ready(kT0 + milliseconds(1099)));
  EXPECT_TRUE(backoff.Ready(kT0 + milliseconds(1100)));
}

}  // namespace
}  // namespace mediagate
