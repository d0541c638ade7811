// RequestHandler: one FastCGI request in, one FastCGI response out.
//
// Routes the metrics and health paths, resolves the client address, asks
// the Decider, logs denials (one line each, no token, no URL, no secret) and
// formats the response. Independent of libfcgi: parameters come through a
// lookup function, so tests drive it directly. Not thread-safe.
#ifndef MEDIAGATE_REQUEST_HANDLER_H_
#define MEDIAGATE_REQUEST_HANDLER_H_

#include <functional>
#include <string>

#include "feed/feed_server.h"
#include "mediagate/client_address.h"
#include "mediagate/config.h"
#include "mediagate/decider.h"
#include "mediagate/metrics.h"
#include "mediagate/record_store.h"

namespace mediagate {

// Looks a FastCGI parameter up; nullptr when absent.
using ParamLookup = std::function<const char*(const char*)>;

class RequestHandler {
 public:
  // The pointers must outlive the handler; `feeds` may be null (every feed
  // request is then the feed 404).
  RequestHandler(const ServerConfig& config, ClientAddress clients, Decider* decider,
                 RecordStore* records, Metrics* metrics, FeedServer* feeds = nullptr);

  // The complete response (CGI headers and body) for the request. A request
  // whose FastCGI parameter MEDIAGATE_ROUTE is "feed" (set only by the feed
  // location of the nginx snippet) is a feed request; anything else is an
  // auth_request subrequest (or metrics/health), so neither can be answered
  // as the other.
  std::string Handle(const ParamLookup& param);

 private:
  std::string Decide(const std::string& uri, const ParamLookup& param);
  std::string Feed(const std::string& uri, const ParamLookup& param);

  ServerConfig config_;
  std::string client_ip_param_;  // e.g. HTTP_X_FORWARDED_FOR
  ClientAddress clients_;
  Decider* decider_;
  RecordStore* records_;  // health checks ask it to Ping()
  Metrics* metrics_;
  FeedServer* feeds_;
};

// "Status: 200 OK" plus the X-Mediagate-* headers for an allow; "Status: 403
// Forbidden" plus X-Mediagate-Reason for anything else. No body.
std::string FormatDecisionResponse(const Decision& decision);

// A plain response with a body (metrics, health).
std::string FormatTextResponse(int status, const std::string& content_type,
                               const std::string& body);

}  // namespace mediagate

#endif  // MEDIAGATE_REQUEST_HANDLER_H_
