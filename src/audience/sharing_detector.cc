// SharingDetector: per-subscriber last-seen maps over a rolling window.
#include "audience/sharing_detector.h"

#include <algorithm>
#include <utility>

#include "audience/network_prefix.h"
#include "decide/user_ref.h"

namespace mediagate {

SharingDetector::SharingDetector(const SharingConfig& config, FlagCallback on_flag)
    : max_networks_(config.max_networks),
      max_user_agents_(config.max_user_agents),
      window_ms_(config.window_seconds * 1000),
      on_flag_(std::move(on_flag)) {}

size_t SharingDetector::entries() const {
  size_t n = 0;
  for (const auto& [ref, s] : users_) n += s.networks.size() + s.agents.size();
  return n;
}

void SharingDetector::LastSeen::Touch(const std::string& key, int64_t time_ms, size_t limit) {
  auto it = last_.find(key);
  if (it != last_.end()) {
    if (time_ms <= it->second) return;
    by_time_.erase({it->second, &it->first});
    by_time_.emplace(time_ms, &it->first);
    it->second = time_ms;
    return;
  }
  if (last_.size() >= limit && !by_time_.empty()) {
    const std::string* oldest = by_time_.begin()->second;
    by_time_.erase(by_time_.begin());
    last_.erase(last_.find(*oldest));  // by iterator: *oldest is that node's own key
  }
  it = last_.emplace(key, time_ms).first;
  by_time_.emplace(time_ms, &it->first);
}

void SharingDetector::LastSeen::ExpireUpTo(int64_t cutoff_ms) {
  while (!by_time_.empty() && by_time_.begin()->first <= cutoff_ms) {
    const std::string* key = by_time_.begin()->second;
    by_time_.erase(by_time_.begin());
    last_.erase(last_.find(*key));  // by iterator: *key is that node's own key
  }
}

void SharingDetector::Sweep(int64_t cutoff_ms) {
  for (auto it = users_.begin(); it != users_.end();) {
    it->second.networks.ExpireUpTo(cutoff_ms);
    it->second.agents.ExpireUpTo(cutoff_ms);
    if (it->second.networks.empty() && it->second.agents.empty()) {
      it = users_.erase(it);
    } else {
      ++it;
    }
  }
}

void SharingDetector::Observe(const DownloadEvent& event) {
  if (!IsUserRef(event.user_ref)) return;
  now_ms_ = std::max(now_ms_, event.time_ms);
  const int64_t cutoff_ms = now_ms_ - window_ms_;
  if (event.time_ms <= cutoff_ms) return;
  if (now_ms_ >= next_sweep_ms_) {
    Sweep(cutoff_ms);
    next_sweep_ms_ = now_ms_ + std::max<int64_t>(window_ms_ / 4, 1);
  }

  Subscriber& s = users_[event.user_ref];
  s.networks.ExpireUpTo(cutoff_ms);
  s.agents.ExpireUpTo(cutoff_ms);
  const std::string network = NetworkPrefix(event.client);
  if (!network.empty()) s.networks.Touch(network, event.time_ms, kMaxEntriesPerUser);
  s.agents.Touch(event.user_agent, event.time_ms, kMaxEntriesPerUser);

  const auto networks = static_cast<int64_t>(s.networks.size());
  const auto agents = static_cast<int64_t>(s.agents.size());
  const bool over = networks > max_networks_ || agents > max_user_agents_;
  if (!over) {
    s.flagged = false;
    return;
  }
  if (s.flagged) return;
  s.flagged = true;
  if (on_flag_) on_flag_(SharingFlag{event.user_ref, event.time_ms, networks, agents});
}

}  // namespace mediagate
