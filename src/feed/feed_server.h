// FeedServer: one feed request in, one CGI response out.
//
//   GET|HEAD <feed prefix>/<base64url email>/<token>/<slug>.xml  (private)
//   GET|HEAD <feed prefix>/<slug>.xml                             (public)
//
// A private feed's token and entitlement are checked by the Decider, exactly
// as for a media link. Entitled: every episode, enclosures being the
// subscriber's premium links (the feed URL's token). Token valid but not
// entitled (lapsed): 200 with the public episodes only and one notice item
// whose guid is stable per lapse. Unknown subscriber, bad token, unknown
// show, or a URI of neither shape: the same 404, byte for byte. ETag (strong,
// over the render, the kind, the link prefix and token, the notice) and
// Last-Modified; 304 for a matching If-None-Match, or, without one, for an
// If-Modified-Since not older than Last-Modified. HEAD: headers only.
// Not thread-safe (one per worker).
#ifndef MEDIAGATE_FEED_FEED_SERVER_H_
#define MEDIAGATE_FEED_FEED_SERVER_H_

#include <string>
#include <string_view>

#include "feed/show_cache.h"
#include "mediagate/config.h"
#include "mediagate/decider.h"

namespace mediagate {

struct FeedHttpRequest {
  std::string_view uri;                // REQUEST_URI
  std::string_view method;             // REQUEST_METHOD
  std::string_view if_none_match;      // "" when absent
  std::string_view if_modified_since;  // "" when absent
};

struct FeedResponse {
  std::string cgi;       // status line, headers and body for FastCGI
  const char* outcome;   // "private", "lapsed", "public", "not_modified",
                         // "not_found", "method", "unavailable"
  std::string user_ref;  // for logs ("" if none)
  std::string detail;    // internal reason for logs, never sent
};

class FeedServer {
 public:
  // The pointers must outlive the server.
  FeedServer(const Config& config, Decider* decider, ShowCache* shows, Clock* clock);

  FeedResponse Serve(const FeedHttpRequest& request);

  // The body and headers every "no such feed" answer has.
  static std::string NotFoundResponse();

 private:
  FeedResponse Respond(const FeedHttpRequest& request, const RenderedFeed& feed,
                       const FeedSlotValues& slots, std::string_view etag_input,
                       int64_t last_modified, bool is_private, const char* outcome);

  UrlConfig url_;
  FeedConfig feed_;
  Decider* decider_;
  ShowCache* shows_;
  Clock* clock_;
};

// The lapse notice's guid: "mediagate-notice-" + 24 hex digits of SHA-256
// over the user reference and the lapse (paid_until, else the status).
std::string NoticeGuid(const std::string& user_ref, const UserRecord& user);

// True when an If-None-Match value lists `etag` ("*", or the same opaque tag,
// with or without W/: nginx's gzip makes ETags weak).
bool EtagMatches(std::string_view if_none_match, std::string_view etag);

}  // namespace mediagate

#endif  // MEDIAGATE_FEED_FEED_SERVER_H_
