// Tests for Metrics: decisions are counted per reason and summed over slots,
// the latency histogram is cumulative with _count equal to the decisions
// made, the Prometheus text carries every documented metric name, and the
// shared block really is shared with a forked child.
#include "mediagate/metrics.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>
#include <string>

namespace mediagate {
namespace {

bool HasLine(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

TEST(MetricsTest, StartsAtZero) {
  auto metrics = Metrics::CreatePrivate();
  ASSERT_NE(metrics, nullptr);
  for (int r = 0; r < kReasonCount; ++r) {
    EXPECT_EQ(metrics->Decisions(static_cast<Reason>(r)), 0u);
  }
  EXPECT_EQ(metrics->RedisCount(Metrics::CacheResult::kHit), 0u);
  EXPECT_EQ(metrics->WorkerRestarts(), 0u);
  const std::string text = metrics->RenderPrometheus();
  EXPECT_TRUE(HasLine(text, "mediagate_decision_duration_seconds_count 0")) << text;
  EXPECT_TRUE(HasLine(text, "mediagate_workers 0")) << text;
}

TEST(MetricsTest, CountsDecisionsPerReason) {
  auto metrics = Metrics::CreatePrivate();
  metrics->CountDecision(Reason::kAllow, 0.001);
  metrics->CountDecision(Reason::kAllow, 0.001);
  metrics->CountDecision(Reason::kBadToken, 0.001);
  metrics->CountDecision(Reason::kUnavailable, 0.001);
  EXPECT_EQ(metrics->Decisions(Reason::kAllow), 2u);
  EXPECT_EQ(metrics->Decisions(Reason::kBadToken), 1u);
  EXPECT_EQ(metrics->Decisions(Reason::kUnavailable), 1u);
  EXPECT_EQ(metrics->Decisions(Reason::kNotFound), 0u);
  const std::string text = metrics->RenderPrometheus();
  EXPECT_TRUE(HasLine(text, "mediagate_decisions_total{reason=\"allow\"} 2")) << text;
  EXPECT_TRUE(HasLine(text, "mediagate_decisions_total{reason=\"bad_token\"} 1"));
  EXPECT_TRUE(HasLine(text, "mediagate_decisions_total{reason=\"unavailable\"} 1"));
  EXPECT_TRUE(HasLine(text, "mediagate_decisions_total{reason=\"method\"} 0"));
}

TEST(MetricsTest, SlotsAreSummed) {
  auto metrics = Metrics::CreatePrivate();
  metrics->UseSlot(0);
  metrics->CountDecision(Reason::kAllow, 0.001);
  metrics->CountRedis(Metrics::CacheResult::kHit);
  metrics->CountPostgres(false);
  metrics->UseSlot(1);
  metrics->CountDecision(Reason::kAllow, 0.002);
  metrics->CountRedis(Metrics::CacheResult::kHit);
  metrics->CountPostgres(true);
  metrics->UseSlot(Metrics::kMaxSlots - 1);
  metrics->CountDecision(Reason::kInactive, 0.003);
  metrics->CountRedis(Metrics::CacheResult::kError);
  EXPECT_EQ(metrics->Decisions(Reason::kAllow), 2u);
  EXPECT_EQ(metrics->Decisions(Reason::kInactive), 1u);
  EXPECT_EQ(metrics->RedisCount(Metrics::CacheResult::kHit), 2u);
  EXPECT_EQ(metrics->RedisCount(Metrics::CacheResult::kError), 1u);
  const std::string text = metrics->RenderPrometheus();
  EXPECT_TRUE(HasLine(text, "mediagate_redis_requests_total{result=\"hit\"} 2"));
  EXPECT_TRUE(HasLine(text, "mediagate_redis_requests_total{result=\"miss\"} 0"));
  EXPECT_TRUE(HasLine(text, "mediagate_redis_requests_total{result=\"error\"} 1"));
  EXPECT_TRUE(HasLine(text, "mediagate_postgres_queries_total 2"));
  EXPECT_TRUE(HasLine(text, "mediagate_postgres_errors_total 1"));
  EXPECT_TRUE(HasLine(text, "mediagate_decision_duration_seconds_count 3"));
}

TEST(MetricsTest, HistogramIsCumulative) {
  auto metrics = Metrics::CreatePrivate();
  metrics->CountDecision(Reason::kAllow, 0.00001);  // first bucket
  metrics->CountDecision(Reason::kAllow, 0.001);    // exactly on a bound
  metrics->CountDecision(Reason::kBadToken, 0.003);
  metrics->UseSlot(3);
  metrics->CountDecision(Reason::kNotFound, 10.0);  // only +Inf
  const std::string text = metrics->RenderPrometheus();
  const char* b = "mediagate_decision_duration_seconds_bucket";
  EXPECT_TRUE(HasLine(text, std::string(b) + "{le=\"5e-05\"} 1")) << text;
  EXPECT_TRUE(HasLine(text, std::string(b) + "{le=\"0.0005\"} 1"));
  EXPECT_TRUE(HasLine(text, std::string(b) + "{le=\"0.001\"} 2"));
  EXPECT_TRUE(HasLine(text, std::string(b) + "{le=\"0.0025\"} 2"));
  EXPECT_TRUE(HasLine(text, std::string(b) + "{le=\"0.005\"} 3"));
  EXPECT_TRUE(HasLine(text, std::string(b) + "{le=\"2.5\"} 3"));
  EXPECT_TRUE(HasLine(text, std::string(b) + "{le=\"+Inf\"} 4"));
  EXPECT_TRUE(HasLine(text, "mediagate_decision_duration_seconds_count 4"));
  EXPECT_TRUE(HasLine(text, "mediagate_decision_duration_seconds_sum 10.004010000")) << text;

  // Every bucket line is at least the one before it.
  uint64_t previous = 0;
  int buckets = 0;
  size_t pos = 0;
  while ((pos = text.find(b, pos)) != std::string::npos) {
    const size_t space = text.find(' ', pos);
    const uint64_t value = std::stoull(text.substr(space + 1));
    EXPECT_GE(value, previous) << text.substr(pos, 80);
    previous = value;
    ++buckets;
    pos = space;
  }
  EXPECT_EQ(buckets, 16);
}

TEST(MetricsTest, RendersDocumentedNames) {
  auto metrics = Metrics::CreatePrivate();
  metrics->CountDecision(Reason::kAllow, 0.0002);
  metrics->CountRedis(Metrics::CacheResult::kHit);
  metrics->CountRedis(Metrics::CacheResult::kMiss);
  metrics->CountPostgres(false);
  metrics->CountWorkerRestart();
  metrics->CountWorkerRestart();
  metrics->SetWorkers(4);
  const std::string text = metrics->RenderPrometheus();
  for (const char* line : {
           "mediagate_decisions_total{reason=\"allow\"} 1",
           "mediagate_decisions_total{reason=\"bad_request\"} 0",
           "mediagate_decisions_total{reason=\"unknown_user\"} 0",
           "mediagate_decisions_total{reason=\"inactive\"} 0",
           "mediagate_decisions_total{reason=\"not_found\"} 0",
           "mediagate_redis_requests_total{result=\"hit\"} 1",
           "mediagate_redis_requests_total{result=\"miss\"} 1",
           "mediagate_postgres_queries_total 1",
           "mediagate_postgres_errors_total 0",
           "mediagate_decision_duration_seconds_bucket{le=\"+Inf\"} 1",
           "mediagate_decision_duration_seconds_sum 0.000200000",
           "mediagate_decision_duration_seconds_count 1",
           "mediagate_worker_restarts_total 2",
           "mediagate_workers 4",
           "# TYPE mediagate_decisions_total counter",
           "# TYPE mediagate_decision_duration_seconds histogram",
           "# TYPE mediagate_workers gauge",
       }) {
    EXPECT_TRUE(HasLine(text, line)) << line << "\n" << text;
  }
  EXPECT_EQ(metrics->WorkerRestarts(), 2u);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
}

TEST(MetricsTest, SharedBlockIsSharedWithForkedChild) {
  auto metrics = Metrics::CreateShared();
  ASSERT_NE(metrics, nullptr);
  metrics->UseSlot(0);
  metrics->CountDecision(Reason::kAllow, 0.001);

  const pid_t pid = fork();
  ASSERT_NE(pid, -1);
  if (pid == 0) {
    metrics->UseSlot(1);
    metrics->CountDecision(Reason::kAllow, 0.001);
    metrics->CountDecision(Reason::kBadToken, 0.001);
    metrics->CountRedis(Metrics::CacheResult::kMiss);
    metrics->CountWorkerRestart();
    metrics->SetWorkers(7);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(metrics->Decisions(Reason::kAllow), 2u);
  EXPECT_EQ(metrics->Decisions(Reason::kBadToken), 1u);
  EXPECT_EQ(metrics->RedisCount(Metrics::CacheResult::kMiss), 1u);
  EXPECT_EQ(metrics->WorkerRestarts(), 1u);
  EXPECT_TRUE(HasLine(metrics->RenderPrometheus(), "mediagate_workers 7"));
}

TEST(MetricsTest, PrivateBlockIsNotSharedWithForkedChild) {
  auto metrics = Metrics::CreatePrivate();
  const pid_t pid = fork();
  ASSERT_NE(pid, -1);
  if (pid == 0) {
    metrics->CountDecision(Reason::kAllow, 0.001);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_EQ(metrics->Decisions(Reason::kAllow), 0u);
}

}  // namespace
}  // namespace mediagate
