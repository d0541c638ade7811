// SharingDetector: flags a subscriber whose links are used from more
// networks or user agents within a rolling window than [sharing] allows.
//
// A DownloadSink over the download log. What counts: every event whose
// user_ref is a subscriber's ("u" + 15 hex digits, decide/user_ref.h);
// "public", "" (a request mediagate did not allow) and "unknown" are ignored. HEADs and
// `bytes=0-1` probes count too: only a request with a valid token gets a user_ref, and a probe
// from a network proves the link reached it (whoever shares a link also GETs with it). Per
// subscriber it keeps the distinct networks (network_prefix.h: /24 IPv4, /64 IPv6) and user
// agents seen in the last window_seconds of event time (the log's clock, not the wall clock:
// replaying an old log gives the same flags).
//
// The flag rule: when, after an event, the networks exceed max_networks or
// the user agents exceed max_user_agents and the subscriber is not already
// flagged, the callback gets one SharingFlag and the subscriber is marked
// flagged. The mark is lifted only once both counts are back at or below
// their thresholds (entries older than the window expired); a later excess
// then flags again. So one excess gives one flag, however many requests it
// lasts. (SharingStore::Flag is also idempotent while a flag is open.)
//
// Bounded memory: entries older than the window are dropped when the
// subscriber is seen again and by a sweep of all subscribers every quarter
// window of event time; a subscriber keeps at most kMaxEntriesPerUser
// networks and as many user agents (the oldest go first). Events older than
// the window (time_ms stepping far back) are ignored.
//
// Pure (no I/O); not thread-safe (the ingester calls it from one thread).
#ifndef MEDIAGATE_AUDIENCE_SHARING_DETECTOR_H_
#define MEDIAGATE_AUDIENCE_SHARING_DETECTOR_H_

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "audience/download_sink.h"
#include "mediagate/config.h"

namespace mediagate {

struct SharingFlag {
  std::string user_ref;  // "u" + 15 hex digits
  int64_t time_ms = 0;   // event time of the request that crossed a threshold
  int64_t networks = 0;  // distinct networks in the window then
  int64_t user_agents = 0;
};

class SharingDetector : public DownloadSink {
 public:
  using FlagCallback = std::function<void(const SharingFlag&)>;
  static constexpr size_t kMaxEntriesPerUser = 1024;

  // Uses config.max_networks, max_user_agents and window_seconds.
  SharingDetector(const SharingConfig& config, FlagCallback on_flag);
  // The same with config.sharing (what `mediagate ingest` has).
  SharingDetector(const Config& config, FlagCallback on_flag)
      : SharingDetector(config.sharing, std::move(on_flag)) {}

  void Observe(const DownloadEvent& event) override;

  // Subscribers and (network + user agent) entries held now; for tests and
  // metrics.
  size_t users() const { return users_.size(); }
  size_t entries() const;

 private:
  // Keys with the event time each was last seen, also ordered by that time,
  // so that expiring the old ones costs O(log n) per key, not a scan.
  class LastSeen {
   public:
    // Records `key` at `time_ms` (a later time replaces an earlier one); at
    // `limit` keys, the least recently seen one goes first.
    void Touch(const std::string& key, int64_t time_ms, size_t limit);
    // Drops the keys last seen at or before `cutoff_ms`.
    void ExpireUpTo(int64_t cutoff_ms);
    size_t size() const { return last_.size(); }
    bool empty() const { return last_.empty(); }

   private:
    std::unordered_map<std::string, int64_t> last_;
    // (time, the key in last_: its nodes do not move).
    std::set<std::pair<int64_t, const std::string*>> by_time_;
  };
  struct Subscriber {
    LastSeen networks;
    LastSeen agents;
    bool flagged = false;
  };
  void Sweep(int64_t cutoff_ms);

  int64_t max_networks_;
  int64_t max_user_agents_;
  int64_t window_ms_;
  FlagCallback on_flag_;
  int64_t now_ms_ = 0;         // the latest event time seen
  int64_t next_sweep_ms_ = 0;  // event time of the next sweep
  std::unordered_map<std::string, Subscriber> users_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_AUDIENCE_SHARING_DETECTOR_H_
