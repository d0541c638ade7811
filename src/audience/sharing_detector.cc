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

void SharingDetector::Expire(Subscriber* s, int64_t cutoff_ms) {
  if (s->oldest_ms > cutoff_ms) return;
  int64_t oldest = INT64_MAX;
  for (LastSeen* seen : {&s->networks, &s->agents}) {
    for (auto it = seen->begin(); it != seen->end();) {
      if (it->second <= cutoff_ms) {
        it = seen->erase(it);
      } else {
        oldest = std::min(oldest, it->second);
        ++it;
      }
    }
  }
  s->oldest_ms = oldest;
}

void SharingDetector::Remember(LastSeen* seen, const std::string& key, int64_t time_ms) {
  auto it = seen->find(key);
  if (it != seen->end()) {
    it->second = std::max(it->second, time_ms);
    return;
  }
  if (seen->size() >= kMaxEntriesPerUser) {
    seen->erase(std::min_element(seen->begin(), seen->end(), [](const auto& a, const auto& b) {
      return a.second < b.second;
    }));
  }
  seen->emplace(key, time_ms);
}

void SharingDetector::Sweep(int64_t cutoff_ms) {
  for (auto it = users_.begin(); it != users_.end();) {
    Expire(&it->second, cutoff_ms);
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
  Expire(&s, cutoff_ms);
  const std::string network = NetworkPrefix(event.client);
  if (!network.empty()) Remember(&s.networks, network, event.time_ms);
  Remember(&s.agents, event.user_agent, event.time_ms);
  s.oldest_ms = std::min(s.oldest_ms, event.time_ms);

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
