// ShowCache: each worker's rendered shows, keyed by slug.
//
// A show is read (ShowStore) and rendered into its three feeds
// (feed/feed_render.h) once; the result is reused while the show's change
// stamp is unchanged (the change listener bumps it on a NOTIFY 'show
// <slug>', or `mediagate invalidate --show`), feed.cache_seconds have not
// passed, and no episode has been published or become public since. The
// stamp is read BEFORE the fetch, so a change during it is never hidden.
// Unknown shows are cached the same way; unavailable answers never are.
// At most `max_entries`; a full cache is cleared. Not thread-safe.
#ifndef MEDIAGATE_FEED_SHOW_CACHE_H_
#define MEDIAGATE_FEED_SHOW_CACHE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "feed/feed_render.h"
#include "mediagate/clock.h"
#include "mediagate/show_store.h"

namespace mediagate {

// A show's change counters; any change of them means "re-read the show".
using ShowStamp = std::array<uint64_t, 2>;
using ShowStampReader = std::function<ShowStamp(std::string_view slug)>;

struct RenderedShow {
  bool found = false;
  std::string link;                   // the show's link (notice fallback)
  std::array<RenderedFeed, 3> feeds;  // by FeedKind
};

class ShowCache {
 public:
  // The pointers must outlive the cache. `stamps` may be null (no
  // notifications: only the TTL bounds a change).
  ShowCache(int64_t ttl_seconds, FeedLinks links, ShowStore* shows, Clock* clock,
            ShowStampReader stamps, size_t max_entries = 4096);

  // The rendered show (found or not), valid until the next call; nullptr
  // when the store could not answer, with the reason in *error.
  const RenderedShow* Get(const std::string& slug, std::string* error);

 private:
  struct Entry {
    RenderedShow show;
    ShowStamp stamp;
    int64_t expires;  // UNIX seconds, exclusive
  };

  int64_t ttl_;
  FeedLinks links_;
  ShowStore* shows_;
  Clock* clock_;
  ShowStampReader stamps_;
  size_t max_entries_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_FEED_SHOW_CACHE_H_
