// ShowFromRows: libpqxx rows to the feed model.
#include "store/show_rows.h"

#include <optional>
#include <string>

#include "store/unix_seconds.h"

namespace mediagate {
namespace {

std::string Text(const pqxx::row& row, const char* name) {
  const pqxx::field f = row[name];
  return f.is_null() ? std::string() : std::string(f.c_str());
}

std::optional<int64_t> OptionalInt(const pqxx::row& row, const char* name) {
  const pqxx::field f = row[name];
  if (f.is_null()) return std::nullopt;
  return f.as<int64_t>();
}

int64_t Int(const pqxx::row& row, const char* name) {
  return OptionalInt(row, name).value_or(0);
}

// PostgreSQL booleans print as t/f; Django-shaped queries may give text.
bool Bool(const pqxx::row& row, const char* name) {
  const std::string v = Text(row, name);
  if (v == "t" || v == "true" || v == "True" || v == "1") return true;
  if (v.empty() || v == "f" || v == "false" || v == "False" || v == "0") return false;
  throw pqxx::conversion_error(std::string("column ") + name + " is not a boolean");
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

Show ShowFromRows(const pqxx::row& row, const pqxx::result& episodes) {
  Show show;
  show.slug = Text(row, "slug");
  show.title = Text(row, "title");
  show.description = Text(row, "description");
  show.author = Text(row, "author");
  show.owner_name = Text(row, "owner_name");
  show.owner_email = Text(row, "owner_email");
  show.image_url = Text(row, "image_url");
  show.language = Text(row, "language");
  show.categories = Lines(Text(row, "categories"));
  show.explicit_content = Bool(row, "explicit");
  show.link = Text(row, "link");
  show.copyright = Text(row, "copyright");
  show.podcast_guid = Text(row, "podcast_guid");
  show.updated_at = OptionalUnixSeconds(row["updated_at"], "updated_at").value_or(0);
  show.episodes.reserve(episodes.size());
  for (const pqxx::row& r : episodes) {
    Episode e;
    e.guid = Text(r, "guid");
    e.title = Text(r, "title");
    e.notes_html = Text(r, "notes_html");
    e.published_at = OptionalUnixSeconds(r["published_at"], "published_at").value_or(0);
    e.duration_seconds = OptionalInt(r, "duration_seconds");
    e.season = OptionalInt(r, "season");
    e.episode = OptionalInt(r, "episode");
    e.episode_type = Text(r, "episode_type");
    if (e.episode_type != "trailer" && e.episode_type != "bonus") e.episode_type = "full";
    e.file_id = Text(r, "file_id");
    e.file_name = Text(r, "file_name");
    e.length_bytes = Int(r, "length_bytes");
    e.mime_type = Text(r, "mime_type");
    if (e.mime_type.empty()) e.mime_type = "audio/mpeg";
    e.premium = Bool(r, "premium");
    e.public_at = OptionalUnixSeconds(r["public_at"], "public_at");
    e.updated_at = OptionalUnixSeconds(r["updated_at"], "updated_at").value_or(0);
    show.episodes.push_back(std::move(e));
  }
  return show;
}

}  // namespace mediagate
