// DownloadCounter: windows in a hash map keyed "file \t network \t agent".
#include "audience/download_counter.h"

#include <arpa/inet.h>

#include <cstring>
#include <ctime>

#include "base/crypto.h"

namespace mediagate {

int64_t DownloadThreshold(const MediaSize& m) {
  if (m.duration_seconds < 60) return m.length_bytes;
  const int64_t audio = m.length_bytes - m.header_bytes;
  if (audio <= 0) return m.length_bytes;
  // ceil(60 * audio / duration) without overflow for any real file size.
  const int64_t minute = (60 * audio + m.duration_seconds - 1) / m.duration_seconds;
  return std::min(m.length_bytes, m.header_bytes + minute);
}

std::string ListenerNetwork(const std::string& address) {
  unsigned char bytes[16];
  if (address.find(':') == std::string::npos ||
      inet_pton(AF_INET6, address.c_str(), bytes) != 1) {
    return address;
  }
  std::memset(bytes + 8, 0, 8);
  char text[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, bytes, text, sizeof text);
  return std::string(text) + "/64";
}

std::string WindowKey(const std::string& file_id, const std::string& network,
                      const std::string& user_agent) {
  std::string data = file_id;
  data.append(1, '\0').append(network).append(1, '\0').append(user_agent);
  auto digest = Digest(HashAlgorithm::kSha256, data);
  return digest.ok() ? HexEncode(std::string_view(*digest).substr(0, 16)) : HexEncode(data);
}

std::string UtcDay(int64_t time_ms) {
  const time_t t = static_cast<time_t>(time_ms / 1000);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char out[16];
  strftime(out, sizeof out, "%Y-%m-%d", &tm);
  return out;
}

DownloadCounter::DownloadCounter(UserAgentRules* rules, MediaSizes* sizes,
                                 CountryLookup* countries)
    : rules_(rules), sizes_(sizes), countries_(countries) {}

void DownloadCounter::Observe(const DownloadEvent& event) { last_outcome_ = Count(event); }

const MediaSize* DownloadCounter::Size(const std::string& file_id) {
  auto it = size_cache_.find(file_id);
  if (it != size_cache_.end()) return &it->second;
  auto size = sizes_->Lookup(file_id);
  if (!size.ok()) {
    if (status_.ok()) status_ = size.status();
    return nullptr;
  }
  return &size_cache_.emplace(file_id, *size).first->second;
}

CountOutcome DownloadCounter::Count(const DownloadEvent& e) {
  if (e.time_ms > latest_ms_) latest_ms_ = e.time_ms;
  if (e.method != "GET") return CountOutcome::kSkippedMethod;
  if (e.status != 200 && e.status != 206) return CountOutcome::kSkippedStatus;
  if (e.user_ref.empty()) return CountOutcome::kNotAllowed;
  if (e.range == "bytes=0-1") return CountOutcome::kProbe;
  const UserAgentVerdict& ua = rules_->Classify(e.user_agent);
  if (ua.bot) return CountOutcome::kBot;
  if (ua.watch_duplicate) return CountOutcome::kWatchDuplicate;
  const MediaSize* size = Size(e.file_id);
  if (size == nullptr || size->length_bytes <= 0) return CountOutcome::kUnknownMedia;
  const auto first = FirstServedByte(e.status, e.range, size->length_bytes);
  if (!first) return CountOutcome::kUnknownMedia;

  const std::string key = WindowKey(e.file_id, ListenerNetwork(e.client), e.user_agent);
  Window& w = windows_[key];
  if (w.first_ms == 0 || e.time_ms - w.first_ms >= kWindowMs) w = Window{e.time_ms, false, {}};
  if (w.counted) return CountOutcome::kAlreadyCounted;
  dirty_.insert(key);
  w.ranges.Add(*first, *first + e.bytes_sent);
  if (w.ranges.Total() < DownloadThreshold(*size)) return CountOutcome::kBelowThreshold;
  w.counted = true;
  w.ranges = ServedRanges();  // no longer needed
  const std::string country = countries_ == nullptr ? "" : countries_->Country(e.client);
  ++downloads_[DailyKey{UtcDay(e.time_ms), e.file_id, ua.app, country}];
  return CountOutcome::kCounted;
}

void DownloadCounter::Restore(const std::vector<CounterWindow>& windows) {
  for (const CounterWindow& stored : windows) {
    auto ranges = ServedRanges::Decode(stored.ranges);
    if (!ranges) continue;
    windows_[stored.key] = Window{stored.first_ms, stored.counted, *ranges};
    if (stored.first_ms > latest_ms_) latest_ms_ = stored.first_ms;
  }
}

CounterChanges DownloadCounter::TakeChanges() {
  CounterChanges out;
  for (auto it = windows_.begin(); it != windows_.end();) {
    if (latest_ms_ - it->second.first_ms >= kWindowMs) {
      dirty_.erase(it->first);
      out.deletes.push_back(it->first);
      it = windows_.erase(it);
    } else {
      ++it;
    }
  }
  for (const std::string& key : dirty_) {
    const Window& w = windows_.at(key);
    out.upserts.push_back(CounterWindow{key, w.first_ms, w.counted, w.ranges.Encode()});
  }
  dirty_.clear();
  out.downloads.swap(downloads_);
  return out;
}

}  // namespace mediagate
