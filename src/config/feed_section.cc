// [feed]: podcast feeds.
#include "config/sections.h"

namespace mediagate {
namespace {

const std::vector<ConfigKey<FeedConfig>> kKeys = {
    StringKey(
        "prefix", &FeedConfig::prefix,
        "Path prefix of feeds: <prefix>/<email>/<token>/<slug>.xml and <prefix>/<slug>.xml"),
    StringKey("public_media_prefix", &FeedConfig::public_media_prefix,
              "Path prefix of public episodes' enclosures: <prefix>/<file id>/<name>"),
    StringKey("notice_title", &FeedConfig::notice_title,
              "Title of the item a lapsed subscriber's feed shows"),
    StringKey("notice_text", &FeedConfig::notice_text, "Text of that item"),
    StringKey("notice_link", &FeedConfig::notice_link,
              "Renewal link of that item (\"\": the show's link)"),
    IntKey("cache_seconds", &FeedConfig::cache_seconds, 0, 86400,
           "Seconds a worker reuses a rendered show (changes notified end it sooner)"),
    IntKey("max_age_seconds", &FeedConfig::max_age_seconds, 0, 86400,
           "Cache-Control max-age of feeds, in seconds"),
};

Status Validate(const SectionContext&, const ConfigSection& sec, FeedConfig* out) {
  Status s = CheckPathPrefix(sec, "prefix", out->prefix, "/feeds");
  if (!s.ok()) return s;
  s = CheckPathPrefix(sec, "public_media_prefix", out->public_media_prefix, "/public_media");
  if (!s.ok()) return s;
  if (out->notice_title.empty()) return sec.Error("notice_title", "must not be empty");
  return Status::Ok();
}

}  // namespace

SectionDef FeedSection() { return MakeSection("feed", &Config::feed, kKeys, Validate); }

}  // namespace mediagate
