// Tests for IsEntitled: a table of statuses, paid_until values, grace
// settings and instants, each with the answer the [entitlement] section
// documents (allowed statuses always; grace statuses only with use_paid_until
// and only strictly before paid_until + grace_seconds).
#include "decide/entitlement.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mediagate {
namespace {

constexpr int64_t kNow = 1735787045;

struct Case {
  const char* name;
  std::string status;
  std::optional<int64_t> paid_until;
  bool use_paid_until;
  int64_t grace_seconds;
  bool entitled;
};

UserRecord User(const std::string& status, std::optional<int64_t> paid_until) {
  UserRecord user;
  user.status = status;
  user.paid_until = paid_until;
  return user;
}

TEST(EntitlementTest, DefaultConfigTable) {
  const std::vector<Case> cases = {
      {"active", "active", std::nullopt, false, 0, true},
      {"trialing", "trialing", std::nullopt, false, 0, true},
      {"active ignores a past paid_until", "active", kNow - 86400, true, 0, true},
      {"past_due without use_paid_until", "past_due", kNow + 86400, false, 0, false},
      {"canceled without use_paid_until", "canceled", kNow + 86400, false, 0, false},
      {"past_due, paid period running", "past_due", kNow + 1, true, 0, true},
      {"past_due, paid period just ended", "past_due", kNow, true, 0, false},
      {"past_due, paid period ended", "past_due", kNow - 3600, true, 0, false},
      {"past_due, within grace", "past_due", kNow - 3600, true, 3601, true},
      {"past_due, grace just over", "past_due", kNow - 3600, true, 3600, false},
      {"canceled, paid period running", "canceled", kNow + 60, true, 0, true},
      {"past_due, no paid_until", "past_due", std::nullopt, true, 86400, false},
      // PostgreSQL 'infinity' / '-infinity' saturate (store/pg_record_store.cc).
      {"past_due, period never ends", "past_due", INT64_MAX, true, 366 * 86400, true},
      {"past_due, period ended at -infinity", "past_due", INT64_MIN, true, 366 * 86400, false},
      {"unpaid is no grace status", "unpaid", kNow + 86400, true, 86400, false},
      {"none", "none", std::nullopt, false, 0, false},
      {"empty status", "", kNow + 86400, true, 86400, false},
      {"status is case sensitive", "Active", std::nullopt, false, 0, false},
      {"no trimming", "active ", std::nullopt, false, 0, false},
  };
  for (const Case& c : cases) {
    EntitlementConfig config;
    config.use_paid_until = c.use_paid_until;
    config.grace_seconds = c.grace_seconds;
    EXPECT_EQ(IsEntitled(config, User(c.status, c.paid_until), kNow), c.entitled) << c.name;
  }
}

TEST(EntitlementTest, CustomStatusLists) {
  EntitlementConfig config;
  config.allowed_statuses = {"paid"};
  config.grace_statuses = {"grace"};
  config.use_paid_until = true;
  EXPECT_TRUE(IsEntitled(config, User("paid", std::nullopt), kNow));
  EXPECT_FALSE(IsEntitled(config, User("active", std::nullopt), kNow));
  EXPECT_TRUE(IsEntitled(config, User("grace", kNow + 10), kNow));
  EXPECT_FALSE(IsEntitled(config, User("past_due", kNow + 10), kNow));
}

TEST(EntitlementTest, EmptyAllowedListEntitlesNobody) {
  EntitlementConfig config;
  config.allowed_statuses.clear();
  config.grace_statuses.clear();
  config.use_paid_until = true;
  EXPECT_FALSE(IsEntitled(config, User("active", kNow + 86400), kNow));
}

TEST(EntitlementTest, GraceDependsOnTheInstant) {
  EntitlementConfig config;
  config.use_paid_until = true;
  config.grace_seconds = 100;
  const UserRecord user = User("past_due", kNow);
  EXPECT_TRUE(IsEntitled(config, user, kNow));
  EXPECT_TRUE(IsEntitled(config, user, kNow + 99));
  EXPECT_FALSE(IsEntitled(config, user, kNow + 100));
  EXPECT_FALSE(IsEntitled(config, user, kNow + 86400));
}

}  // namespace
}  // namespace mediagate
