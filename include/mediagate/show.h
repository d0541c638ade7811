// Show: a podcast and its episodes, as a feed is rendered from them.
//
// Plain values read from the database (show_query and episodes_query, see
// [database]); thread-compatible. Times are UNIX seconds.
#ifndef MEDIAGATE_SHOW_H_
#define MEDIAGATE_SHOW_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mediagate {

struct Episode {
  std::string guid;  // stable identity, unique within the show
  std::string title;
  std::string notes_html;  // HTML show notes, any content
  int64_t published_at = 0;
  std::optional<int64_t> duration_seconds;
  std::optional<int64_t> season;
  std::optional<int64_t> episode;
  std::string episode_type = "full";  // "full", "trailer" or "bonus"
  std::string file_id;                // the media file (premium link's file id)
  std::string file_name;              // cosmetic name at the end of links
  int64_t length_bytes = 0;
  std::string mime_type = "audio/mpeg";
  bool premium = true;               // false: public from published_at on
  std::optional<int64_t> public_at;  // premium until then, public after
  int64_t updated_at = 0;            // last change of the row

  // True when anyone may have the episode at `now`.
  bool PublicAt(int64_t now) const {
    return !premium || (public_at.has_value() && *public_at <= now);
  }
};

struct Show {
  std::string slug;
  std::string title;
  std::string description;
  std::string author;
  std::string owner_name;
  std::string owner_email;
  std::string image_url;
  std::string language = "en";
  // Apple categories, "Top" or "Top > Sub", in order.
  std::vector<std::string> categories;
  bool explicit_content = false;
  std::string link;
  std::string copyright;
  std::string podcast_guid;       // podcast:guid (a UUID)
  int64_t updated_at = 0;         // last change of the show row
  std::vector<Episode> episodes;  // newest first
};

}  // namespace mediagate

#endif  // MEDIAGATE_SHOW_H_
