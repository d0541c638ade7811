// Feed and premium link URLs; the feed URI grammar.
#include "feed/feed_links.h"

#include <algorithm>
#include <optional>

#include "base/base64url.h"
#include "mediagate/media_url.h"
#include "token/token_shape.h"
#include "upstream/percent_encode.h"

namespace mediagate {
namespace {

constexpr std::string_view kFeedSuffix = ".xml";

std::string Concat(std::initializer_list<std::string_view> parts) {
  size_t n = 0;
  for (std::string_view p : parts) n += p.size();
  std::string out;
  out.reserve(n);
  for (std::string_view p : parts) out.append(p);
  return out;
}

// "<slug>.xml" -> slug, or nullopt.
std::optional<std::string_view> SlugOf(std::string_view segment) {
  if (segment.size() <= kFeedSuffix.size() ||
      segment.substr(segment.size() - kFeedSuffix.size()) != kFeedSuffix) {
    return std::nullopt;
  }
  const std::string_view slug = segment.substr(0, segment.size() - kFeedSuffix.size());
  if (!IsShowSlug(slug)) return std::nullopt;
  return slug;
}

}  // namespace

std::string PremiumLinkPrefix(std::string_view public_base, std::string_view url_prefix,
                              std::string_view email) {
  return Concat({public_base, url_prefix, "/", Base64UrlEncode(email), "/"});
}

std::string PremiumLinkTail(std::string_view file_id, std::string_view token,
                            std::string_view file_name) {
  std::string out = Concat({file_id, "/", token, "/"});
  PercentEncode(file_name, false, &out);
  return out;
}

std::string PremiumLink(std::string_view public_base, std::string_view url_prefix,
                        std::string_view email, std::string_view file_id,
                        std::string_view token, std::string_view file_name) {
  return PremiumLinkPrefix(public_base, url_prefix, email) +
         PremiumLinkTail(file_id, token, file_name);
}

std::string PublicMediaLink(std::string_view public_base, std::string_view public_media_prefix,
                            std::string_view file_id, std::string_view file_name) {
  std::string out = Concat({public_base, public_media_prefix, "/", file_id, "/"});
  PercentEncode(file_name, false, &out);
  return out;
}

std::string PrivateFeedUrl(std::string_view public_base, std::string_view feed_prefix,
                           std::string_view email, std::string_view token,
                           std::string_view slug) {
  return Concat({public_base, feed_prefix, "/", Base64UrlEncode(email), "/", token, "/", slug,
                 kFeedSuffix});
}

std::string PublicFeedUrl(std::string_view public_base, std::string_view feed_prefix,
                          std::string_view slug) {
  return Concat({public_base, feed_prefix, "/", slug, kFeedSuffix});
}

bool IsShowSlug(std::string_view slug) {
  auto lower_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  return !slug.empty() && slug.size() <= 64 && lower_digit(slug[0]) &&
         std::all_of(slug.begin(), slug.end(),
                     [&](char c) { return lower_digit(c) || c == '-' || c == '_'; });
}

FeedRequest ParseFeedUri(std::string_view uri, std::string_view feed_prefix, size_t max_bytes) {
  FeedRequest r;
  if (uri.size() > max_bytes) return r;
  const std::string_view path = uri.substr(0, uri.find('?'));
  if (path.size() <= feed_prefix.size() || path.substr(0, feed_prefix.size()) != feed_prefix ||
      path[feed_prefix.size()] != '/') {
    return r;
  }
  std::string_view segs[4];
  size_t count = 0;
  std::string_view rest = path.substr(feed_prefix.size() + 1);
  while (count < 4) {
    const size_t slash = rest.find('/');
    segs[count++] = rest.substr(0, slash);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
    if (count == 4) return r;  // more than three segments
  }
  if (count == 1) {
    const auto slug = SlugOf(segs[0]);
    if (!slug) return r;
    r.slug = std::string(*slug);
    r.ok = true;
    return r;
  }
  if (count != 3) return r;
  const auto slug = SlugOf(segs[2]);
  std::optional<std::string> email = Base64UrlDecode(segs[0]);
  if (!slug || !email || !IsLinkEmail(*email) || !HasTokenShape(segs[1])) return r;
  r.ok = true;
  r.is_private = true;
  r.email = std::move(*email);
  r.email_b64 = std::string(segs[0]);
  r.token = std::string(segs[1]);
  r.slug = std::string(*slug);
  return r;
}

}  // namespace mediagate
