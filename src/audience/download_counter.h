// DownloadCounter: the IAB Podcast Measurement v2.2 download count, a
// DownloadSink (FACTS.md "IAB").
//
// Rules: only allowed (user reference non-empty) GETs answered 200 or 206;
// HEAD, 304 and everything else excluded; "bytes=0-1" probes ignored; bots
// (UserAgentRules, empty agent included) and Apple Watch duplicates dropped.
// A listener is the client address (IPv6 truncated to its /64) plus the user
// agent; per file and listener a window runs 24 h from its first request
// (rolling, not reset by later requests). A window counts one download, on
// the request after which the union of bytes served to it (each response
// covers [first byte, first byte + bytes sent)) reaches DownloadThreshold.
// The download is credited to the UTC day of that request, the app of the
// user agent and the country of the client address ("" without a lookup).
//
// The caller persists TakeChanges() with the log position in one
// transaction, and Restore()s the windows on start. Not thread-safe.
#ifndef MEDIAGATE_AUDIENCE_DOWNLOAD_COUNTER_H_
#define MEDIAGATE_AUDIENCE_DOWNLOAD_COUNTER_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "audience/country_lookup.h"
#include "audience/download_sink.h"
#include "audience/media_sizes.h"
#include "audience/served_ranges.h"
#include "audience/user_agent_rules.h"
#include "mediagate/status.h"

namespace mediagate {

// One row of mediagate_downloads_daily: (day "YYYY-MM-DD", file, app, country).
using DailyKey = std::tuple<std::string, std::string, std::string, std::string>;

// One open window, as stored (mediagate_audience_windows).
struct CounterWindow {
  std::string key;  // WindowKey()
  int64_t first_ms = 0;
  bool counted = false;
  std::string ranges;  // ServedRanges::Encode()
};

struct CounterChanges {
  std::map<DailyKey, int64_t> downloads;  // to add
  std::vector<CounterWindow> upserts;     // windows that changed
  std::vector<std::string> deletes;       // windows that ended (keys)
};

// Why an event was not counted (for metrics); kCounted when it was.
enum class CountOutcome {
  kCounted,
  kSkippedMethod,  // not GET
  kSkippedStatus,  // not 200/206 (304, 403, 416...)
  kNotAllowed,     // no user reference
  kProbe,          // bytes=0-1
  kBot,
  kWatchDuplicate,
  kUnknownMedia,    // length unknown, or a range we cannot place
  kAlreadyCounted,  // within the listener's 24 h window
  kBelowThreshold,
};

class DownloadCounter : public DownloadSink {
 public:
  // REQUIRES: rules, sizes and countries (may be null: country "") outlive
  // the counter.
  DownloadCounter(UserAgentRules* rules, MediaSizes* sizes, CountryLookup* countries = nullptr);

  void Observe(const DownloadEvent& event) override;

  // The outcome of the last Observe.
  CountOutcome last_outcome() const { return last_outcome_; }
  // Not OK once MediaSizes failed: the events since the last TakeChanges()
  // were not all counted; the caller must not commit them.
  const Status& status() const { return status_; }

  // Loads stored windows (on start). Windows with malformed ranges are dropped.
  void Restore(const std::vector<CounterWindow>& windows);
  // The counts and window changes since the last call; ends windows older
  // than 24 h before the latest event.
  CounterChanges TakeChanges();
  size_t open_windows() const { return windows_.size(); }

  static constexpr int64_t kWindowMs = 24LL * 3600 * 1000;

 private:
  struct Window {
    int64_t first_ms = 0;
    bool counted = false;
    ServedRanges ranges;
  };
  CountOutcome Count(const DownloadEvent& e);
  const MediaSize* Size(const std::string& file_id);

  UserAgentRules* rules_;
  MediaSizes* sizes_;
  CountryLookup* countries_;
  Status status_;
  CountOutcome last_outcome_ = CountOutcome::kCounted;
  int64_t latest_ms_ = 0;
  std::unordered_map<std::string, Window> windows_;
  std::unordered_map<std::string, MediaSize> size_cache_;
  std::set<std::string> dirty_;
  std::map<DailyKey, int64_t> downloads_;
};

// The listener part of a window key: an IPv4 address as is, an IPv6 address
// as its /64 ("2001:db8:1:2::/64"); the text as is when it is neither.
std::string ListenerNetwork(const std::string& address);

// The key of a window: the hex of the first 16 bytes of SHA-256 over file id,
// network and user agent. Stored instead of them: the windows table holds no
// client address or user agent.
std::string WindowKey(const std::string& file_id, const std::string& network,
                      const std::string& user_agent);

// "YYYY-MM-DD" of a Unix time in ms, UTC.
std::string UtcDay(int64_t time_ms);

}  // namespace mediagate

#endif  // MEDIAGATE_AUDIENCE_DOWNLOAD_COUNTER_H_
