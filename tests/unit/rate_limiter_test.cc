// Tests for LogRateLimiter with an injected steady clock: the first line for a
// key passes, repeats within the interval are held back and counted, the next
// line after the interval passes with that count, and keys are independent.
#include "base/rate_limiter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace mediagate {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class RateLimiterTest : public ::testing::Test {
 protected:
  RateLimiterTest()
      : now_(std::chrono::steady_clock::time_point() + seconds(1000)),
        limiter_(seconds(10), [this] { return now_; }) {}

  // One line asked for after the clock moved `after`: whether it is
  // allowed and, when `held` is given, the suppressed count it reports.
  struct Step {
    milliseconds after;
    const char* key;
    bool allowed;
    std::optional<uint64_t> held = std::nullopt;
  };

  void Run(const std::vector<Step>& steps) {
    for (size_t i = 0; i < steps.size(); ++i) {
      const Step& step = steps[i];
      now_ += step.after;
      uint64_t suppressed = 99;
      EXPECT_EQ(limiter_.Allow(step.key, &suppressed), step.allowed) << "step " << i;
      if (step.held) {
        EXPECT_EQ(suppressed, *step.held) << "step " << i;
      }
    }
  }

  std::chrono::steady_clock::time_point now_;
  LogRateLimiter limiter_;
};

constexpr milliseconds kAtOnce{0};

TEST_F(RateLimiterTest, FirstLineIsAllowed) { Run({{kAtOnce, "redis", true, 0}}); }

TEST_F(RateLimiterTest, RepeatsWithinIntervalAreSuppressed) {
  Run({{kAtOnce, "redis", true},
       {kAtOnce, "redis", false},
       {seconds(5), "redis", false},
       {milliseconds(4999), "redis", false}});
}

TEST_F(RateLimiterTest, AllowedAfterIntervalWithSuppressedCount) {
  std::vector<Step> steps = {{kAtOnce, "redis", true}};
  for (int i = 0; i < 7; ++i) steps.push_back({seconds(1), "redis", false});
  // 10 s after the first line; then the count starts again, and so does the
  // interval.
  steps.insert(steps.end(), {{seconds(3), "redis", true, 7},
                             {seconds(9), "redis", false},
                             {seconds(1), "redis", true, 1},
                             {seconds(60), "redis", true, 0}});
  Run(steps);
}

TEST_F(RateLimiterTest, KeysAreIndependent) {
  Run({{kAtOnce, "redis", true},
       {kAtOnce, "redis", false},
       {kAtOnce, "redis", false},
       {kAtOnce, "postgres", true, 0},
       {kAtOnce, "postgres", false},
       {seconds(10), "redis", true, 2},
       {kAtOnce, "postgres", true, 1}});
}

}  // namespace
}  // namespace mediagate
