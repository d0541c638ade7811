// RenderFeed: channel, items, enclosures.
#include "feed/feed_render.h"

#include <algorithm>

#include "base/crypto.h"
#include "feed/feed_links.h"
#include "feed/http_date.h"
#include "feed/xml_escape.h"

namespace mediagate {
namespace {

constexpr char kHead[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<rss version=\"2.0\" xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\" "
    "xmlns:podcast=\"https://podcastindex.org/namespace/1.0\" "
    "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\n<channel>\n";

void Element(FeedTemplate* t, const char* name, std::string_view text) {
  t->Append("<");
  t->Append(name);
  t->Append(">");
  t->AppendText(text);
  t->Append("</");
  t->Append(name);
  t->Append(">\n");
}

void OptionalElement(FeedTemplate* t, const char* name, std::string_view text) {
  if (!text.empty()) Element(t, name, text);
}

bool Shown(const Episode& e, FeedKind kind, int64_t now) {
  return e.published_at <= now && (kind == FeedKind::kPrivate || e.PublicAt(now));
}

// When the episode became what this kind of feed shows.
int64_t ChangedAt(const Episode& e, FeedKind kind) {
  int64_t t = std::max(e.updated_at, e.published_at);
  if (kind != FeedKind::kPrivate && e.premium && e.public_at) t = std::max(t, *e.public_at);
  return t;
}

void Categories(const Show& show, FeedTemplate* t) {
  for (const std::string& c : show.categories) {
    const size_t sep = c.find(" > ");
    t->Append("<itunes:category text=\"");
    t->AppendText(c.substr(0, sep));
    if (sep == std::string::npos) {
      t->Append("\"/>\n");
      continue;
    }
    t->Append("\"><itunes:category text=\"");
    t->AppendText(c.substr(sep + 3));
    t->Append("\"/></itunes:category>\n");
  }
}

void Channel(const Show& show, FeedKind kind, int64_t last_modified, FeedTemplate* t) {
  t->Append(kHead);
  Element(t, "title", show.title);
  OptionalElement(t, "link", show.link);
  Element(t, "description", show.description);
  Element(t, "language", show.language);
  OptionalElement(t, "copyright", show.copyright);
  Element(t, "lastBuildDate", FormatHttpDate(last_modified));
  t->Append("<generator>mediagate</generator>\n");
  OptionalElement(t, "itunes:author", show.author);
  if (!show.owner_name.empty() || !show.owner_email.empty()) {
    t->Append("<itunes:owner>");
    Element(t, "itunes:name", show.owner_name);
    Element(t, "itunes:email", show.owner_email);
    t->Append("</itunes:owner>\n");
  }
  if (!show.image_url.empty()) {
    t->Append("<itunes:image href=\"");
    t->AppendText(show.image_url);
    t->Append("\"/>\n");
  }
  Categories(show, t);
  Element(t, "itunes:explicit", show.explicit_content ? "true" : "false");
  t->Append("<itunes:type>episodic</itunes:type>\n");
  OptionalElement(t, "podcast:guid", show.podcast_guid);
  if (kind != FeedKind::kPublic) t->Append("<podcast:locked>yes</podcast:locked>\n");
}

void Item(const Episode& e, FeedKind kind, const FeedLinks& links, FeedTemplate* t) {
  t->Append("<item>\n");
  Element(t, "title", e.title);
  Element(t, "description", e.notes_html);
  Element(t, "content:encoded", e.notes_html);
  t->Append("<guid isPermaLink=\"false\">");
  t->AppendText(e.guid);
  t->Append("</guid>\n");
  Element(t, "pubDate", FormatHttpDate(e.published_at));
  t->Append("<enclosure url=\"");
  if (kind == FeedKind::kPrivate) {
    // PremiumLink() = PremiumLinkPrefix() + PremiumLinkTail(): the prefix is
    // the subscriber's, the tail's token too.
    t->AddSlot(FeedSlot::kLinkPrefix);
    t->AppendText(e.file_id);
    t->Append("/");
    t->AddSlot(FeedSlot::kToken);
    const std::string tail = PremiumLinkTail("", "", e.file_name);  // "//<name>"
    t->AppendText(std::string_view(tail).substr(1));
  } else {
    t->AppendText(
        PublicMediaLink(links.public_base, links.public_media_prefix, e.file_id, e.file_name));
  }
  t->Append("\" length=\"");
  t->Append(std::to_string(std::max<int64_t>(e.length_bytes, 0)));
  t->Append("\" type=\"");
  t->AppendText(e.mime_type);
  t->Append("\"/>\n");
  if (e.duration_seconds) Element(t, "itunes:duration", std::to_string(*e.duration_seconds));
  Element(t, "itunes:episodeType", e.episode_type);
  if (e.season) Element(t, "itunes:season", std::to_string(*e.season));
  if (e.episode) Element(t, "itunes:episode", std::to_string(*e.episode));
  t->Append("</item>\n");
}

}  // namespace

RenderedFeed RenderFeed(const Show& show, FeedKind kind, const FeedLinks& links, int64_t now) {
  RenderedFeed out;
  out.last_modified = show.updated_at;
  for (const Episode& e : show.episodes) {
    if (Shown(e, kind, now))
      out.last_modified = std::max(out.last_modified, ChangedAt(e, kind));
  }
  Channel(show, kind, out.last_modified, &out.xml);
  if (kind == FeedKind::kLapsed) out.xml.AddSlot(FeedSlot::kNotice);
  for (const Episode& e : show.episodes) {
    if (Shown(e, kind, now)) Item(e, kind, links, &out.xml);
  }
  out.xml.Append("</channel>\n</rss>\n");
  auto digest = Digest(HashAlgorithm::kSha256, out.xml.Literal());
  out.digest = digest.ok() ? HexEncode(*digest) : std::to_string(now);
  return out;
}

std::optional<int64_t> NextVisibilityChange(const Show& show, int64_t now) {
  std::optional<int64_t> next;
  auto consider = [&](int64_t t) {
    if (t > now && (!next || t < *next)) next = t;
  };
  for (const Episode& e : show.episodes) {
    consider(e.published_at);
    if (e.public_at) consider(*e.public_at);
  }
  return next;
}

std::string NoticeItemXml(const std::string& title, const std::string& text,
                          const std::string& link, const std::string& guid, int64_t published) {
  FeedTemplate t;
  t.Append("<item>\n");
  Element(&t, "title", title);
  Element(&t, "description", text);
  OptionalElement(&t, "link", link);
  t.Append("<guid isPermaLink=\"false\">");
  t.AppendText(guid);
  t.Append("</guid>\n");
  Element(&t, "pubDate", FormatHttpDate(published));
  t.Append("<itunes:episodeType>bonus</itunes:episodeType>\n</item>\n");
  return t.Literal();
}

}  // namespace mediagate
