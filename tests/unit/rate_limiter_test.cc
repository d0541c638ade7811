// Tests for LogRateLimiter with an injected steady clock: the first line for a
// key passes, repeats within the interval are held back and counted, the next
// line after the interval passes with that count, and keys are independent.
#include "base/rate_limiter.h"

#include <chrono>
#include <cstdint>

#include <gtest/gtest.h>

namespace mediagate {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class RateLimiterTest : public ::testing::Test {
 protected:
  RateLimiterTest()
      : now_(std::chrono::steady_clock::time_point() + seconds(1000)),
        limiter_(seconds(10), [this] { return now_; }) {}

  std::chrono::steady_clock::time_point now_;
  LogRateLimiter limiter_;
};

TEST_F(RateLimiterTest, FirstLineIsAllowed) {
  uint64_t suppressed = 99;
  EXPECT_TRUE(limiter_.Allow("redis", &suppressed));
  EXPECT_EQ(suppressed, 0u);
}

TEST_F(RateLimiterTest, RepeatsWithinIntervalAreSuppressed) {
  uint64_t suppressed = 0;
  ASSERT_TRUE(limiter_.Allow("redis", &suppressed));
  EXPECT_FALSE(limiter_.Allow("redis", &suppressed));
  now_ += seconds(5);
  EXPECT_FALSE(limiter_.Allow("redis", &suppressed));
  now_ += milliseconds(4999);
  EXPECT_FALSE(limiter_.Allow("redis", &suppressed));
}

TEST_F(RateLimiterTest, AllowedAfterIntervalWithSuppressedCount) {
  uint64_t suppressed = 0;
  ASSERT_TRUE(limiter_.Allow("redis", &suppressed));
  for (int i = 0; i < 7; ++i) {
    now_ += seconds(1);
    EXPECT_FALSE(limiter_.Allow("redis", &suppressed));
  }
  now_ += seconds(3);  // 10 s after the first line
  EXPECT_TRUE(limiter_.Allow("redis", &suppressed));
  EXPECT_EQ(suppressed, 7u);

  // The count starts again, and so does the interval.
  now_ += seconds(9);
  EXPECT_FALSE(limiter_.Allow("redis", &suppressed));
  now_ += seconds(1);
  EXPECT_TRUE(limiter_.Allow("redis", &suppressed));
  EXPECT_EQ(suppressed, 1u);
  now_ += seconds(60);
  EXPECT_TRUE(limiter_.Allow("redis", &suppressed));
  EXPECT_EQ(suppressed, 0u);
}

TEST_F(RateLimiterTest, KeysAreIndependent) {
  uint64_t suppressed = 0;
  ASSERT_TRUE(limiter_.Allow("redis", &suppressed));
  EXPECT_FALSE(limiter_.Allow("redis", &suppressed));
  EXPECT_FALSE(limiter_.Allow("redis", &suppressed));
  EXPECT_TRUE(limiter_.Allow("postgres", &suppressed));
  EXPECT_EQ(suppressed, 0u);
  EXPECT_FALSE(limiter_.Allow("postgres", &suppressed));

  now_ += seconds(10);
  EXPECT_TRUE(limiter_.Allow("redis", &suppressed));
  EXPECT_EQ(suppressed, 2u);
  EXPECT_TRUE(limiter_.Allow("postgres", &suppressed));
  EXPECT_EQ(suppressed, 1u);
}

}  // namespace
}  // namespace mediagate
