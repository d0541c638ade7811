// Feed and premium link URLs, and the feed request URI grammar.
//
//   private feed  <feed prefix>/<base64url(email)>/<token>/<slug>.xml
//   public feed   <feed prefix>/<slug>.xml
//   premium link  <url.prefix>/<base64url(email)>/<file id>/<token>/<name>
//   public link   <feed.public_media_prefix>/<file id>/<name>
//
// The premium link is the inverse of ParseMediaUri (mediagate/media_url.h):
// the name is percent-encoded (everything but A-Z a-z 0-9 - . _ ~), so every
// link made here is accepted by the decision. Pure functions; thread-safe.
#ifndef MEDIAGATE_FEED_FEED_LINKS_H_
#define MEDIAGATE_FEED_FEED_LINKS_H_

#include <string>
#include <string_view>

namespace mediagate {

// "<public_base><url_prefix>/<base64url(email)>/": the part of a
// subscriber's premium links before the file id.
std::string PremiumLinkPrefix(std::string_view public_base, std::string_view url_prefix,
                              std::string_view email);

// The part after the prefix: "<file id>/<token>/<percent-encoded name>".
std::string PremiumLinkTail(std::string_view file_id, std::string_view token,
                            std::string_view file_name);

// A subscriber's premium link: prefix + tail.
std::string PremiumLink(std::string_view public_base, std::string_view url_prefix,
                        std::string_view email, std::string_view file_id,
                        std::string_view token, std::string_view file_name);

// "<public_base><public_media_prefix>/<file id>/<percent-encoded name>".
std::string PublicMediaLink(std::string_view public_base, std::string_view public_media_prefix,
                            std::string_view file_id, std::string_view file_name);

// "<public_base><feed_prefix>/<base64url(email)>/<token>/<slug>.xml".
std::string PrivateFeedUrl(std::string_view public_base, std::string_view feed_prefix,
                           std::string_view email, std::string_view token,
                           std::string_view slug);

// "<public_base><feed_prefix>/<slug>.xml".
std::string PublicFeedUrl(std::string_view public_base, std::string_view feed_prefix,
                          std::string_view slug);

// True for a show slug: [a-z0-9][a-z0-9_-]{0,63}.
bool IsShowSlug(std::string_view slug);

struct FeedRequest {
  bool ok = false;  // the URI has one of the two feed shapes
  bool is_private = false;
  std::string email;  // decoded (private only)
  std::string email_b64;
  std::string token;  // private only; shape-checked
  std::string slug;
};

// Parses a feed request URI (path plus optional query, which is ignored).
// Anything else, including bad base64url, a malformed token or slug, is
// !ok: callers answer every such URI with the same 404.
FeedRequest ParseFeedUri(std::string_view uri, std::string_view feed_prefix, size_t max_bytes);

}  // namespace mediagate

#endif  // MEDIAGATE_FEED_FEED_LINKS_H_
