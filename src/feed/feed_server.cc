// FeedServer: route, check, fill, conditional GET.
#include "feed/feed_server.h"

#include "base/crypto.h"
#include "feed/feed_links.h"
#include "feed/http_date.h"

namespace mediagate {
namespace {

constexpr char kNotFound[] =
    "Status: 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n"
    "Cache-Control: no-store\r\nContent-Length: 10\r\n\r\nnot found\n";
constexpr char kUnavailable[] =
    "Status: 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    "Cache-Control: no-store\r\nRetry-After: 30\r\nContent-Length: 12\r\n\r\nunavailable\n";
constexpr char kMethod[] =
    "Status: 405 Method Not Allowed\r\nAllow: GET, HEAD\r\nContent-Type: text/plain; "
    "charset=utf-8\r\nCache-Control: no-store\r\nContent-Length: 19\r\n\r\nmethod not "
    "allowed\n";

std::string Sha256Hex(std::string_view data, size_t digits) {
  auto digest = Digest(HashAlgorithm::kSha256, data);
  return digest.ok() ? HexEncode(*digest).substr(0, digits) : std::string(digits, '0');
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

FeedResponse Fixed(const char* cgi, const char* outcome, std::string user_ref,
                   std::string detail) {
  return FeedResponse{cgi, outcome, std::move(user_ref), std::move(detail)};
}

}  // namespace

std::string FeedServer::NotFoundResponse() { return kNotFound; }

std::string NoticeGuid(const std::string& user_ref, const UserRecord& user) {
  const std::string lapse = user.paid_until ? "paid_until " + std::to_string(*user.paid_until)
                                            : "status " + user.status;
  return "mediagate-notice-" + Sha256Hex("mediagate.notice\n" + user_ref + "\n" + lapse, 24);
}

bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  if (etag.size() >= 2 && etag.substr(0, 2) == "W/") etag.remove_prefix(2);
  while (!if_none_match.empty()) {
    const size_t comma = if_none_match.find(',');
    std::string_view tag = Trim(if_none_match.substr(0, comma));
    if (tag == "*") return true;
    if (tag.size() >= 2 && tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    if (tag == etag) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

FeedServer::FeedServer(const Config& config, Decider* decider, ShowCache* shows, Clock* clock)
    : url_(config.url), feed_(config.feed), decider_(decider), shows_(shows), clock_(clock) {}

FeedResponse FeedServer::Serve(const FeedHttpRequest& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    return Fixed(kMethod, "method", "", "");
  }
  const FeedRequest req =
      ParseFeedUri(request.uri, feed_.prefix, static_cast<size_t>(url_.max_uri_bytes));
  if (!req.ok) return Fixed(kNotFound, "not_found", "", "bad feed URI");
  if (url_.public_base.empty())
    return Fixed(kNotFound, "not_found", "", "url.public_base unset");

  SubscriberCheck subscriber;
  if (req.is_private) {
    subscriber = decider_->CheckSubscriber(req.email, req.token);
    if (subscriber.reason == Reason::kUnavailable) {
      return Fixed(kUnavailable, "unavailable", subscriber.user_ref, subscriber.detail);
    }
    if (subscriber.reason != Reason::kAllow && subscriber.reason != Reason::kInactive) {
      return Fixed(kNotFound, "not_found", subscriber.user_ref, ReasonName(subscriber.reason));
    }
  }
  std::string error;
  const RenderedShow* show = shows_->Get(req.slug, &error);
  if (show == nullptr) return Fixed(kUnavailable, "unavailable", subscriber.user_ref, error);
  if (!show->found) return Fixed(kNotFound, "not_found", subscriber.user_ref, "unknown show");

  if (!req.is_private) {
    const RenderedFeed& feed = show->feeds[static_cast<int>(FeedKind::kPublic)];
    return Respond(request, feed, FeedSlotValues{}, "public", feed.last_modified, false,
                   "public");
  }
  const std::string link_prefix = PremiumLinkPrefix(url_.public_base, url_.prefix, req.email);
  if (subscriber.reason == Reason::kAllow) {
    const RenderedFeed& feed = show->feeds[static_cast<int>(FeedKind::kPrivate)];
    FeedResponse r = Respond(request, feed, FeedSlotValues{link_prefix, req.token, ""},
                             "private\n" + link_prefix + "\n" + req.token, feed.last_modified,
                             true, "private");
    r.user_ref = subscriber.user_ref;
    return r;
  }
  const RenderedFeed& feed = show->feeds[static_cast<int>(FeedKind::kLapsed)];
  const int64_t lapsed_at = subscriber.user.paid_until.value_or(feed.last_modified);
  const std::string notice =
      NoticeItemXml(feed_.notice_title, feed_.notice_text,
                    feed_.notice_link.empty() ? show->link : feed_.notice_link,
                    NoticeGuid(subscriber.user_ref, subscriber.user), lapsed_at);
  FeedResponse r = Respond(request, feed, FeedSlotValues{"", "", notice},
                           "lapsed\n" + link_prefix + "\n" + req.token + "\n" + notice,
                           std::max(feed.last_modified, lapsed_at), true, "lapsed");
  r.user_ref = subscriber.user_ref;
  return r;
}

FeedResponse FeedServer::Respond(const FeedHttpRequest& request, const RenderedFeed& feed,
                                 const FeedSlotValues& slots, std::string_view etag_input,
                                 int64_t last_modified, bool is_private, const char* outcome) {
  const std::string etag =
      "\"" + Sha256Hex(feed.digest + "\n" + std::string(etag_input), 32) + "\"";
  const int64_t modified = std::min(last_modified, clock_->NowUnix());
  std::string headers = "ETag: " + etag + "\r\nLast-Modified: " + FormatHttpDate(modified) +
                        "\r\nCache-Control: " + (is_private ? "private" : "public") +
                        ", max-age=" + std::to_string(feed_.max_age_seconds) + "\r\n";
  bool not_modified = false;
  if (!request.if_none_match.empty()) {
    not_modified = EtagMatches(request.if_none_match, etag);
  } else if (!request.if_modified_since.empty()) {
    const auto since = ParseHttpDate(request.if_modified_since);
    not_modified = since && modified <= *since;
  }
  if (not_modified) {
    return FeedResponse{"Status: 304 Not Modified\r\n" + headers + "\r\n", "not_modified", "",
                        outcome};
  }
  headers = "Status: 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\n" + headers;
  if (request.method == "HEAD") return FeedResponse{headers + "\r\n", outcome, "", ""};
  // Headers, then the body filled in behind them: one buffer, one copy.
  const std::string length = std::to_string(feed.xml.FilledSize(slots));
  FeedResponse r{std::move(headers), outcome, "", ""};
  r.cgi.append("Content-Length: ").append(length).append("\r\n\r\n");
  feed.xml.AppendFilled(slots, &r.cgi);
  return r;
}

}  // namespace mediagate
