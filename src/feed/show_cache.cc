// ShowCache: stamp + TTL + visibility-change validity.
#include "feed/show_cache.h"

#include <algorithm>

namespace mediagate {

ShowCache::ShowCache(int64_t ttl_seconds, FeedLinks links, ShowStore* shows, Clock* clock,
                     ShowStampReader stamps, size_t max_entries)
    : ttl_(ttl_seconds),
      links_(std::move(links)),
      shows_(shows),
      clock_(clock),
      stamps_(std::move(stamps)),
      max_entries_(max_entries) {}

const RenderedShow* ShowCache::Get(const std::string& slug, std::string* error) {
  const int64_t now = clock_->NowUnix();
  const ShowStamp stamp = stamps_ ? stamps_(slug) : ShowStamp{};
  auto it = entries_.find(slug);
  if (it != entries_.end() && it->second.stamp == stamp && now < it->second.expires) {
    return &it->second.show;
  }
  Lookup<Show> show = shows_->FindShow(slug);
  if (show.state == LookupState::kUnavailable) {
    *error = show.error;
    return nullptr;
  }
  Entry entry;
  entry.stamp = stamp;
  entry.expires = now + ttl_;
  if (show.state == LookupState::kFound) {
    const Show& s = show.record;
    entry.show.found = true;
    entry.show.link = s.link;
    for (FeedKind kind : {FeedKind::kPrivate, FeedKind::kLapsed, FeedKind::kPublic}) {
      entry.show.feeds[static_cast<int>(kind)] = RenderFeed(s, kind, links_, now);
    }
    if (auto next = NextVisibilityChange(s, now))
      entry.expires = std::min(entry.expires, *next);
  }
  if (it == entries_.end() && entries_.size() >= max_entries_) entries_.clear();
  Entry& stored = entries_[slug] = std::move(entry);
  return &stored.show;
}

}  // namespace mediagate
