// RenderFeed: a show as RSS 2.0 with the itunes: and podcast: namespaces.
//
// Three kinds of feed come from one show:
//   kPrivate  every published episode; each enclosure is the subscriber's
//             premium link (slots kLinkPrefix + kToken); podcast:locked yes.
//   kLapsed   only the episodes public now, with public enclosures, and a
//             kNotice slot before the first item; podcast:locked yes. No
//             premium enclosure URL appears in it, slots filled or not.
//   kPublic   only the episodes public now, with public enclosures.
// Episodes published in the future appear in none. Every text and attribute
// is XML-escaped (feed/xml_escape.h); HTML show notes become escaped text in
// <description> and <content:encoded>. Pure functions; thread-safe.
#ifndef MEDIAGATE_FEED_FEED_RENDER_H_
#define MEDIAGATE_FEED_FEED_RENDER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "feed/feed_template.h"
#include "mediagate/show.h"

namespace mediagate {

enum class FeedKind { kPrivate = 0, kLapsed = 1, kPublic = 2 };

struct FeedLinks {
  std::string public_base;          // url.public_base
  std::string public_media_prefix;  // feed.public_media_prefix
};

struct RenderedFeed {
  FeedTemplate xml;
  int64_t last_modified = 0;  // UNIX seconds: the latest change it shows
  std::string digest;         // hex SHA-256 of the rendered literal XML
};

RenderedFeed RenderFeed(const Show& show, FeedKind kind, const FeedLinks& links, int64_t now);

// The first instant after `now` at which the clock alone changes a feed of
// the show (an episode is published, or becomes public); nullopt if none.
std::optional<int64_t> NextVisibilityChange(const Show& show, int64_t now);

// One <item> telling a lapsed subscriber to renew: title, text and link as
// configured, guid `guid` (stable per lapse), pubDate `published`.
std::string NoticeItemXml(const std::string& title, const std::string& text,
                          const std::string& link, const std::string& guid, int64_t published);

}  // namespace mediagate

#endif  // MEDIAGATE_FEED_FEED_RENDER_H_
