// A small show for the feed tests, and a fake ShowStore.
#ifndef MEDIAGATE_TESTS_UNIT_FEED_FIXTURES_H_
#define MEDIAGATE_TESTS_UNIT_FEED_FIXTURES_H_

#include <map>
#include <string>

#include "mediagate/show_store.h"

namespace mediagate {

constexpr int64_t kFeedNow = 1735787045;  // 2025-01-02T03:04:05Z

// Three published episodes: "Premium One" (premium for good), "Early Two"
// (premium, public since an hour ago), "Free Three" (public), and one
// premium episode scheduled an hour from now.
inline Show SampleShow() {
  Show s;
  s.slug = "the-show";
  s.title = "The <Show> & Co";
  s.description = "About ]]> things";
  s.author = "Ann";
  s.owner_name = "Ann";
  s.owner_email = "ann@example.com";
  s.image_url = "https://img.example.com/a.jpg?x=1&y=2";
  s.categories = {"Technology", "Society & Culture > Documentary"};
  s.link = "https://example.com/show";
  s.podcast_guid = "917393e3-1b1e-5cef-ace4-edaa54e1f810";
  s.updated_at = kFeedNow - 86400;
  auto episode = [](std::string guid, std::string title, int64_t published, bool premium,
                    std::optional<int64_t> public_at) {
    Episode e;
    e.guid = guid;
    e.title = title;
    e.notes_html = "<p>Notes for " + title + " <script>x]]>y</script>\x01</p>";
    e.published_at = published;
    e.duration_seconds = 61;
    e.file_id = guid + "-file";
    e.file_name = title + ".mp3";
    e.length_bytes = 1000;
    e.premium = premium;
    e.public_at = public_at;
    e.updated_at = published;
    return e;
  };
  s.episodes = {episode("ep4", "Future Four", kFeedNow + 3600, true, std::nullopt),
                episode("ep1", "Premium One", kFeedNow - 100, true, std::nullopt),
                episode("ep2", "Early Two", kFeedNow - 7200, true, kFeedNow - 3600),
                episode("ep3", "Free Three", kFeedNow - 9000, false, std::nullopt)};
  return s;
}

class FakeShowStore : public ShowStore {
 public:
  Lookup<Show> FindShow(const std::string& slug) override {
    ++calls;
    if (down) return Lookup<Show>::Unavailable("fake show store down");
    auto it = shows.find(slug);
    return it == shows.end() ? Lookup<Show>::Missing() : Lookup<Show>::Found(it->second);
  }
  std::map<std::string, Show> shows;
  bool down = false;
  int calls = 0;
};

}  // namespace mediagate

#endif  // MEDIAGATE_TESTS_UNIT_FEED_FIXTURES_H_
