// RequestHandler: routing, client address, decision logging, formatting.
#include "server/request_handler.h"

#include <spdlog/spdlog.h>

#include <cctype>
#include <chrono>

namespace mediagate {
namespace {

const char* StatusLine(int status) {
  switch (status) {
    case 200: return "200 OK";
    case 403: return "403 Forbidden";
    case 404: return "404 Not Found";
    case 503: return "503 Service Unavailable";
    default: return "500 Internal Server Error";
  }
}

std::string Param(const ParamLookup& param, const char* name) {
  const char* v = param(name);
  return v == nullptr ? std::string() : std::string(v);
}

// Printable ASCII only, capped: log lines must not be forgeable by clients.
std::string Sanitize(const std::string& s, size_t cap = 64) {
  std::string out;
  for (char c : s.substr(0, cap)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  return out;
}

}  // namespace

std::string FormatDecisionResponse(const Decision& d) {
  if (d.reason == Reason::kAllow) {
    return "Status: 200 OK\r\nX-Mediagate-Upstream: " + d.upstream +
           "\r\nX-Mediagate-Cache-Key: " + d.cache_key + "\r\nX-Mediagate-User: " + d.user_ref +
           "\r\nCache-Control: no-store\r\nContent-Length: 0\r\n\r\n";
  }
  return std::string("Status: 403 Forbidden\r\nX-Mediagate-Reason: ") + ReasonName(d.reason) +
         "\r\nCache-Control: no-store\r\nContent-Length: 0\r\n\r\n";
}

std::string FormatTextResponse(int status, const std::string& content_type,
                               const std::string& body) {
  return std::string("Status: ") + StatusLine(status) + "\r\nContent-Type: " + content_type +
         "\r\nCache-Control: no-store\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

RequestHandler::RequestHandler(const ServerConfig& config, ClientAddress clients,
                               Decider* decider, RecordStore* records, Metrics* metrics,
                               FeedServer* feeds)
    : config_(config),
      clients_(std::move(clients)),
      decider_(decider),
      records_(records),
      metrics_(metrics),
      feeds_(feeds) {
  client_ip_param_ = "HTTP_";
  for (char c : config.client_ip_header) {
    client_ip_param_.push_back(
        c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
}

std::string RequestHandler::Handle(const ParamLookup& param) {
  const std::string uri = Param(param, "REQUEST_URI");
  if (Param(param, "MEDIAGATE_ROUTE") == "feed") return Feed(uri, param);
  const std::string path = uri.substr(0, uri.find('?'));
  if (path == config_.metrics_path) {
    return FormatTextResponse(200, "text/plain; version=0.0.4", metrics_->RenderPrometheus());
  }
  if (path == config_.health_path) {
    return records_->Ping() ? FormatTextResponse(200, "text/plain", "ok\n")
                            : FormatTextResponse(503, "text/plain", "database unavailable\n");
  }
  return Decide(uri, param);
}

std::string RequestHandler::Decide(const std::string& uri, const ParamLookup& param) {
  const auto start = std::chrono::steady_clock::now();
  const std::string method = Param(param, "REQUEST_METHOD");
  const Decision d = decider_->Decide(AuthRequest{uri, method});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_->CountDecision(d.reason, seconds);

  const std::string client =
      clients_.Resolve(Param(param, "REMOTE_ADDR"), Param(param, client_ip_param_.c_str()));
  if (d.reason == Reason::kAllow) {
    spdlog::debug("allow file={} client={} user={}", Sanitize(d.file_id), Sanitize(client),
                  d.user_ref);
  } else {
    const auto level =
        d.reason == Reason::kUnavailable ? spdlog::level::warn : spdlog::level::info;
    spdlog::log(level, "deny reason={} detail={} file={} client={} user={}",
                ReasonName(d.reason), Sanitize(d.detail, 200),
                d.file_id.empty() ? "-" : Sanitize(d.file_id), Sanitize(client),
                d.user_ref.empty() ? "-" : d.user_ref);
  }
  return FormatDecisionResponse(d);
}

std::string RequestHandler::Feed(const std::string& uri, const ParamLookup& param) {
  if (feeds_ == nullptr) return FeedServer::NotFoundResponse();
  const std::string method = Param(param, "REQUEST_METHOD");
  const std::string inm = Param(param, "HTTP_IF_NONE_MATCH");
  const std::string ims = Param(param, "HTTP_IF_MODIFIED_SINCE");
  const FeedResponse r = feeds_->Serve(FeedHttpRequest{uri, method, inm, ims});
  // Never the URI: it holds the email and the token.
  const std::string client =
      clients_.Resolve(Param(param, "REMOTE_ADDR"), Param(param, client_ip_param_.c_str()));
  const auto level = std::string_view(r.outcome) == "unavailable" ? spdlog::level::warn
                     : std::string_view(r.outcome) == "not_found" ? spdlog::level::info
                                                                  : spdlog::level::debug;
  spdlog::log(level, "feed outcome={} detail={} client={} user={}", r.outcome,
              r.detail.empty() ? "-" : Sanitize(r.detail, 200), Sanitize(client),
              r.user_ref.empty() ? "-" : r.user_ref);
  return r.cgi;
}

}  // namespace mediagate
