// Metrics: the shared block and its Prometheus rendering.
#include "mediagate/metrics.h"

#include <sys/mman.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <new>

namespace mediagate {
namespace {

// Upper bounds of the latency histogram, in seconds.
constexpr double kBuckets[] = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                               0.025,   0.05,   0.1,     0.25,   0.5,   1.0,    2.5};
constexpr int kBucketCount = sizeof(kBuckets) / sizeof(kBuckets[0]);

using Counter = std::atomic<uint64_t>;

struct Slot {
  Counter decisions[kReasonCount];
  Counter redis[4];
  Counter local[2];  // hit, miss
  Counter pg_queries;
  Counter pg_errors;
  Counter latency[kBucketCount + 1];  // per bucket, last = +Inf
  Counter latency_sum_ns;
  Counter fcgi_rejected[2];  // invalid head, timed out
  std::atomic<int64_t> serving_pid;
};

void Add(Counter& c, uint64_t n = 1) { c.fetch_add(n, std::memory_order_relaxed); }

}  // namespace

struct Metrics::Block {
  Counter worker_restarts;
  std::atomic<int64_t> workers;
  Slot slots[kMaxSlots];
};

static_assert(std::atomic<uint64_t>::is_always_lock_free,
              "shared-memory counters need lock-free atomics");

Metrics::Metrics(Block* block, bool shared) : block_(block), shared_(shared) {}

Metrics::~Metrics() {
  if (shared_) {
    munmap(block_, sizeof(Block));
  } else {
    delete block_;
  }
}

std::unique_ptr<Metrics> Metrics::CreateShared() {
  void* p =
      mmap(nullptr, sizeof(Block), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  return std::unique_ptr<Metrics>(new Metrics(new (p) Block(), true));
}

std::unique_ptr<Metrics> Metrics::CreatePrivate() {
  return std::unique_ptr<Metrics>(new Metrics(new Block(), false));
}

void Metrics::CountDecision(Reason reason, double seconds) {
  Slot& s = block_->slots[slot_];
  Add(s.decisions[static_cast<int>(reason)]);
  int b = 0;
  while (b < kBucketCount && seconds > kBuckets[b]) ++b;
  Add(s.latency[b]);
  Add(s.latency_sum_ns, static_cast<uint64_t>(std::llround(seconds * 1e9)));
}

void Metrics::CountRedis(CacheResult result) {
  Add(block_->slots[slot_].redis[static_cast<int>(result)]);
}

void Metrics::CountLocal(bool hit) { Add(block_->slots[slot_].local[hit ? 0 : 1]); }

void Metrics::CountPostgres(bool error) {
  Slot& s = block_->slots[slot_];
  Add(s.pg_queries);
  if (error) Add(s.pg_errors);
}

void Metrics::CountWorkerRestart() { Add(block_->worker_restarts); }

void Metrics::CountFcgiRejected(FcgiReject why) {
  Add(block_->slots[slot_].fcgi_rejected[static_cast<int>(why)]);
}

void Metrics::MarkServing(int64_t pid) { block_->slots[slot_].serving_pid.store(pid); }

bool Metrics::Serving(int slot, int64_t pid) const {
  return block_->slots[slot].serving_pid.load() == pid;
}

uint64_t Metrics::FcgiRejected(FcgiReject why) const {
  uint64_t n = 0;
  for (const Slot& s : block_->slots) n += s.fcgi_rejected[static_cast<int>(why)].load();
  return n;
}

void Metrics::SetWorkers(int n) { block_->workers.store(n, std::memory_order_relaxed); }

uint64_t Metrics::Decisions(Reason reason) const {
  uint64_t n = 0;
  for (const Slot& s : block_->slots) n += s.decisions[static_cast<int>(reason)].load();
  return n;
}

uint64_t Metrics::RedisCount(CacheResult result) const {
  uint64_t n = 0;
  for (const Slot& s : block_->slots) n += s.redis[static_cast<int>(result)].load();
  return n;
}

uint64_t Metrics::WorkerRestarts() const { return block_->worker_restarts.load(); }

std::string Metrics::RenderPrometheus() const {
  uint64_t decisions[kReasonCount] = {}, redis[4] = {0, 0, 0, 0}, local[2] = {0, 0};
  uint64_t pg_q = 0, pg_e = 0, sum_ns = 0;
  uint64_t latency[kBucketCount + 1] = {};
  for (const Slot& s : block_->slots) {  // one pass over every slot
    for (int r = 0; r < kReasonCount; ++r) decisions[r] += s.decisions[r].load();
    for (int i = 0; i < 4; ++i) redis[i] += s.redis[i].load();
    for (int i = 0; i < 2; ++i) local[i] += s.local[i].load();
    pg_q += s.pg_queries.load();
    pg_e += s.pg_errors.load();
    sum_ns += s.latency_sum_ns.load();
    for (int b = 0; b <= kBucketCount; ++b) latency[b] += s.latency[b].load();
  }
  std::string out;
  char line[256];
  auto emit = [&](const char* fmt, auto... args) {
    std::snprintf(line, sizeof(line), fmt, args...);
    out += line;
  };
  out +=
      "# HELP mediagate_decisions_total Decisions by outcome.\n"
      "# TYPE mediagate_decisions_total counter\n";
  for (int r = 0; r < kReasonCount; ++r) {
    emit("mediagate_decisions_total{reason=\"%s\"} %llu\n", ReasonName(static_cast<Reason>(r)),
         static_cast<unsigned long long>(decisions[r]));
  }
  out +=
      "# HELP mediagate_redis_requests_total Record cache lookups by result.\n"
      "# TYPE mediagate_redis_requests_total counter\n";
  const char* redis_names[] = {"hit", "miss", "error", "unverified"};
  for (int i = 0; i < 4; ++i) {
    emit("mediagate_redis_requests_total{result=\"%s\"} %llu\n", redis_names[i],
         static_cast<unsigned long long>(redis[i]));
  }
  out +=
      "# HELP mediagate_local_cache_requests_total Per-worker record cache lookups by result.\n"
      "# TYPE mediagate_local_cache_requests_total counter\n";
  emit("mediagate_local_cache_requests_total{result=\"hit\"} %llu\n",
       static_cast<unsigned long long>(local[0]));
  emit("mediagate_local_cache_requests_total{result=\"miss\"} %llu\n",
       static_cast<unsigned long long>(local[1]));
  out +=
      "# HELP mediagate_postgres_queries_total PostgreSQL lookups.\n"
      "# TYPE mediagate_postgres_queries_total counter\n";
  emit("mediagate_postgres_queries_total %llu\n", static_cast<unsigned long long>(pg_q));
  out +=
      "# HELP mediagate_postgres_errors_total PostgreSQL lookups that failed.\n"
      "# TYPE mediagate_postgres_errors_total counter\n";
  emit("mediagate_postgres_errors_total %llu\n", static_cast<unsigned long long>(pg_e));
  out +=
      "# HELP mediagate_decision_duration_seconds Time to decide a request.\n"
      "# TYPE mediagate_decision_duration_seconds histogram\n";
  uint64_t cumulative = 0;
  for (int b = 0; b < kBucketCount; ++b) {
    cumulative += latency[b];
    emit("mediagate_decision_duration_seconds_bucket{le=\"%g\"} %llu\n", kBuckets[b],
         static_cast<unsigned long long>(cumulative));
  }
  cumulative += latency[kBucketCount];
  emit("mediagate_decision_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
       static_cast<unsigned long long>(cumulative));
  emit("mediagate_decision_duration_seconds_sum %.9f\n", static_cast<double>(sum_ns) / 1e9);
  emit("mediagate_decision_duration_seconds_count %llu\n",
       static_cast<unsigned long long>(cumulative));
  out +=
      "# HELP mediagate_worker_restarts_total Workers replaced after dying.\n"
      "# TYPE mediagate_worker_restarts_total counter\n";
  emit("mediagate_worker_restarts_total %llu\n",
       static_cast<unsigned long long>(WorkerRestarts()));
  out +=
      "# HELP mediagate_workers Worker processes the master keeps.\n"
      "# TYPE mediagate_workers gauge\n";
  emit("mediagate_workers %lld\n", static_cast<long long>(block_->workers.load()));
  out +=
      "# HELP mediagate_fastcgi_rejected_total FastCGI connections closed unread, by reason.\n"
      "# TYPE mediagate_fastcgi_rejected_total counter\n";
  emit("mediagate_fastcgi_rejected_total{reason=\"invalid\"} %llu\n",
       static_cast<unsigned long long>(FcgiRejected(FcgiReject::kInvalid)));
  emit("mediagate_fastcgi_rejected_total{reason=\"timeout\"} %llu\n",
       static_cast<unsigned long long>(FcgiRejected(FcgiReject::kTimeout)));
  return out;
}

}  // namespace mediagate
