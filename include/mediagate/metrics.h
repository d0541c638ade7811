// Metrics: counters shared by the master and every worker process.
//
// One block of shared anonymous memory is mapped before the workers fork;
// each worker adds to its own slot with relaxed atomic operations, and any
// process can render the Prometheus text by summing every slot. Slots are
// never cleared, so the counters stay monotonic when a worker is replaced.
// Thread- and process-safe.
#ifndef MEDIAGATE_METRICS_H_
#define MEDIAGATE_METRICS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "mediagate/decision.h"

namespace mediagate {

class Metrics {
 public:
  static constexpr int kMaxSlots = 512;

  // Maps the shared block (MAP_SHARED | MAP_ANONYMOUS); nullptr if mmap fails.
  static std::unique_ptr<Metrics> CreateShared();
  // Process-private counters, for tests and one-shot commands.
  static std::unique_ptr<Metrics> CreatePrivate();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Selects the slot this process adds to. REQUIRES: 0 <= slot < kMaxSlots.
  void UseSlot(int slot) { slot_ = slot; }

  void CountDecision(Reason reason, double seconds);
  // kUnverified: a Redis value that did not open (store/record_seal.h).
  enum class CacheResult { kHit, kMiss, kError, kUnverified };
  void CountRedis(CacheResult result);
  void CountLocal(bool hit);  // the per-worker record cache
  void CountPostgres(bool error);
  void CountWorkerRestart();
  void SetWorkers(int n);
  // FastCGI connections closed before libfcgi read them (server/connection_gate.h).
  enum class FcgiReject { kInvalid, kTimeout };
  void CountFcgiRejected(FcgiReject why);
  // Records that the worker `pid` in the current slot has started serving.
  void MarkServing(int64_t pid);
  // True when the worker `pid` in `slot` got as far as serving.
  bool Serving(int slot, int64_t pid) const;

  // The Prometheus text exposition (version 0.0.4) of every counter.
  std::string RenderPrometheus() const;

  // Sums for tests.
  uint64_t Decisions(Reason reason) const;
  uint64_t RedisCount(CacheResult result) const;
  uint64_t WorkerRestarts() const;
  uint64_t FcgiRejected(FcgiReject why) const;

 private:
  struct Block;
  Metrics(Block* block, bool shared);
  Block* block_;
  bool shared_;
  int slot_ = 0;
};

}  // namespace mediagate

#endif  // MEDIAGATE_METRICS_H_
