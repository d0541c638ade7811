// Tests for RequestHandler: the metrics and health paths (query strings
// included) are routed before any decision; allows carry the X-Mediagate-*
// headers and denials only X-Mediagate-Reason with a 403, whatever the reason;
// decisions are counted; and neither the response nor the log line ever holds
// the token or the email. The Decider is real, over FakeRecordStore.
#include "server/request_handler.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "base/base64url.h"
#include "fakes.h"
#include "feed_fixtures.h"
#include "mediagate/config.h"
#include "mediagate/token.h"
#include "mediagate/upstream.h"
#include "test_util.h"

namespace mediagate {
namespace {

constexpr int64_t kNow = 1735787045;
constexpr char kEmail[] = "alice@example.com";

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}
bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

class RequestHandlerTest : public ::testing::Test {
 protected:
  RequestHandlerTest() : clock_(kNow), metrics_(Metrics::CreatePrivate()) {
    config_.token.secret = Secret("s", "t");
    config_.token.hash_value = "{id}{uuid}{link_generation}";
    config_.storage.backend = "local";
    config_.storage.local_url = "http://127.0.0.1:8089";
    UserRecord user;
    user.fields = {{"id", "1"}, {"uuid", "u-1"}, {"link_generation", "0"}};
    user.status = "active";
    records_.users[kEmail] = Lookup<UserRecord>::Found(user);
    records_.files["ep1"] = Lookup<FileRecord>::Found(FileRecord{"shows/ep1.mp3", "v1"});
  }

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(BuildDecider(config_, &records_, &clock_, &upstream_, &decider_));
    auto tokens = TokenGenerator::Create(config_.token);
    ASSERT_TRUE(tokens.ok());
    auto token = tokens->Make(records_.users[kEmail].record.fields, kNow);
    ASSERT_TRUE(token.ok());
    token_ = *token;

    config_.server.trusted_proxies = {"10.0.0.0/8"};
    auto clients = ClientAddress::Create(config_.server.trusted_proxies);
    ASSERT_TRUE(clients.ok());
    handler_ = std::make_unique<RequestHandler>(config_.server, std::move(*clients),
                                                decider_.get(), &records_, metrics_.get());

    // Capture the log lines the handler writes.
    saved_logger_ = spdlog::default_logger();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
    auto logger = std::make_shared<spdlog::logger>("test", sink);
    logger->set_level(spdlog::level::trace);
    logger->set_pattern("%l %v");
    spdlog::set_default_logger(logger);
  }

  void TearDown() override {
    if (saved_logger_) spdlog::set_default_logger(saved_logger_);
  }

  std::string Handle(std::map<std::string, std::string> params) {
    return handler_->Handle([&params](const char* name) -> const char* {
      auto it = params.find(name);
      return it == params.end() ? nullptr : it->second.c_str();
    });
  }

  std::string MediaUri(const std::string& token) const {
    return "/premium_media/" + Base64UrlEncode(kEmail) + "/ep1/" + token + "/ep1.mp3";
  }

  std::string Get(const std::string& uri) {
    return Handle({{"REQUEST_URI", uri},
                   {"REQUEST_METHOD", "GET"},
                   {"REMOTE_ADDR", "10.1.2.3"},
                   {"HTTP_X_FORWARDED_FOR", "198.51.100.1, 203.0.113.77"}});
  }

  Config config_;
  FakeRecordStore records_;
  FakeClock clock_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<Upstream> upstream_;
  std::unique_ptr<Decider> decider_;
  std::unique_ptr<RequestHandler> handler_;
  std::string token_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> saved_logger_;
};

TEST_F(RequestHandlerTest, MetricsPathServesPrometheus) {
  metrics_->CountDecision(Reason::kInactive, 0.001);
  const std::string response = Get("/mediagate/metrics");
  EXPECT_TRUE(StartsWith(response, "Status: 200 OK\r\n")) << response;
  EXPECT_TRUE(Contains(response, "Content-Type: text/plain; version=0.0.4\r\n"));
  EXPECT_TRUE(Contains(response, "\r\n\r\n# HELP mediagate_decisions_total"));
  EXPECT_TRUE(Contains(response, "mediagate_decisions_total{reason=\"inactive\"} 1\n"));
  EXPECT_EQ(records_.user_calls, 0);
  EXPECT_EQ(records_.ping_calls, 0);
}

TEST_F(RequestHandlerTest, MetricsPathWithQueryStringIsMetrics) {
  const std::string response = Get("/mediagate/metrics?name[]=x&y=%2F");
  EXPECT_TRUE(StartsWith(response, "Status: 200 OK\r\n")) << response;
  EXPECT_TRUE(Contains(response, "mediagate_workers "));
  EXPECT_EQ(metrics_->Decisions(Reason::kBadRequest), 0u);
}

TEST_F(RequestHandlerTest, MetricsBodyLengthMatchesHeader) {
  const std::string response = Get("/mediagate/metrics");
  const size_t end = response.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos);
  const std::string body = response.substr(end + 4);
  EXPECT_TRUE(Contains(response, "Content-Length: " + std::to_string(body.size()) + "\r\n"));
}

TEST_F(RequestHandlerTest, HealthIsOkWhenDirectoryAnswers) {
  const std::string response = Get("/mediagate/health");
  EXPECT_TRUE(StartsWith(response, "Status: 200 OK\r\n")) << response;
  EXPECT_EQ(response.substr(response.size() - 3), "ok\n");
  EXPECT_EQ(records_.ping_calls, 1);
  EXPECT_EQ(metrics_->Decisions(Reason::kBadRequest), 0u);
}

TEST_F(RequestHandlerTest, HealthIs503WhenDirectoryIsDown) {
  records_.down = true;
  const std::string response = Get("/mediagate/health?verbose=1");
  EXPECT_TRUE(StartsWith(response, "Status: 503 Service Unavailable\r\n")) << response;
  EXPECT_EQ(records_.ping_calls, 1);
}

TEST_F(RequestHandlerTest, OtherPathsAreDecisions) {
  for (const char* uri : {"/mediagate/metricsx", "/mediagate/health/", "/mediagate", "/"}) {
    const std::string response = Get(uri);
    EXPECT_TRUE(StartsWith(response, "Status: 403 Forbidden\r\n")) << uri;
    EXPECT_TRUE(Contains(response, "X-Mediagate-Reason: bad_request\r\n")) << uri;
  }
  EXPECT_EQ(metrics_->Decisions(Reason::kBadRequest), 4u);
  EXPECT_EQ(records_.ping_calls, 0);
}

// Only the feed location's MEDIAGATE_ROUTE makes a request a feed request:
// an auth subrequest is never answered with a feed, a feed never with a
// decision, and the log line holds neither the email nor the token.
TEST_F(RequestHandlerTest, FeedRouteIsChosenByTheFeedLocationOnly) {
  config_.url.public_base = "https://media.example.com";
  FakeShowStore shows;
  shows.shows["the-show"] = SampleShow();
  ShowCache cache(60, FeedLinks{config_.url.public_base, "/public_media"}, &shows, &clock_,
                  nullptr);
  BuildDecider(config_, &records_, &clock_, &upstream_, &decider_);
  FeedServer feeds(config_, decider_.get(), &cache, &clock_);
  auto clients = ClientAddress::Create({});
  RequestHandler handler(config_.server, std::move(*clients), decider_.get(), &records_,
                         metrics_.get(), &feeds);
  const std::string feed_uri =
      "/feeds/" + Base64UrlEncode(kEmail) + "/" + token_ + "/the-show.xml";
  auto handle = [&](std::map<std::string, std::string> params) {
    return handler.Handle([&params](const char* name) -> const char* {
      auto it = params.find(name);
      return it == params.end() ? nullptr : it->second.c_str();
    });
  };
  const std::string feed = handle(
      {{"REQUEST_URI", feed_uri}, {"REQUEST_METHOD", "GET"}, {"MEDIAGATE_ROUTE", "feed"}});
  EXPECT_TRUE(StartsWith(feed, "Status: 200 OK\r\nContent-Type: application/rss+xml"));
  const std::string auth = handle({{"REQUEST_URI", feed_uri}, {"REQUEST_METHOD", "GET"}});
  EXPECT_TRUE(Contains(auth, "X-Mediagate-Reason: bad_request\r\n")) << auth;
  EXPECT_FALSE(Contains(auth, "<rss"));
  const std::string media = handle({{"REQUEST_URI", MediaUri(token_)},
                                    {"REQUEST_METHOD", "GET"},
                                    {"MEDIAGATE_ROUTE", "feed"}});
  EXPECT_EQ(media, FeedServer::NotFoundResponse());
  EXPECT_FALSE(Contains(log_.str(), token_));
  EXPECT_FALSE(Contains(log_.str(), kEmail));
  EXPECT_FALSE(Contains(log_.str(), Base64UrlEncode(kEmail)));
  EXPECT_TRUE(Contains(log_.str(), "feed outcome=private")) << log_.str();
}

TEST_F(RequestHandlerTest, AllowCarriesUpstreamHeaders) {
  const std::string response = Get(MediaUri(token_));
  EXPECT_TRUE(StartsWith(response, "Status: 200 OK\r\n")) << response;
  EXPECT_TRUE(
      Contains(response, "X-Mediagate-Upstream: http://127.0.0.1:8089/shows/ep1.mp3\r\n"))
      << response;
  const std::string key_header = "X-Mediagate-Cache-Key: ";
  const size_t key = response.find(key_header);
  ASSERT_NE(key, std::string::npos);
  EXPECT_EQ(response.find("\r\n", key), key + key_header.size() + 32);
  EXPECT_TRUE(Contains(response, "X-Mediagate-User: u"));
  EXPECT_FALSE(Contains(response, "X-Mediagate-Reason"));
  EXPECT_TRUE(Contains(response, "Cache-Control: no-store\r\n"));
  EXPECT_EQ(response.substr(response.size() - 4), "\r\n\r\n");
  EXPECT_EQ(metrics_->Decisions(Reason::kAllow), 1u);
}

TEST_F(RequestHandlerTest, DenyIs403WithReason) {
  std::string bad = token_;
  bad.back() = bad.back() == 'a' ? 'b' : 'a';
  const std::string response = Get(MediaUri(bad));
  EXPECT_TRUE(StartsWith(response, "Status: 403 Forbidden\r\n")) << response;
  EXPECT_TRUE(Contains(response, "X-Mediagate-Reason: bad_token\r\n")) << response;
  EXPECT_FALSE(Contains(response, "X-Mediagate-Upstream"));
  EXPECT_FALSE(Contains(response, "X-Mediagate-Cache-Key"));
  EXPECT_EQ(metrics_->Decisions(Reason::kBadToken), 1u);
}

TEST_F(RequestHandlerTest, UnavailableIsStill403) {
  records_.users[kEmail] = Lookup<UserRecord>::Unavailable("pg down");
  const std::string response = Get(MediaUri(token_));
  EXPECT_TRUE(StartsWith(response, "Status: 403 Forbidden\r\n")) << response;
  EXPECT_TRUE(Contains(response, "X-Mediagate-Reason: unavailable\r\n"));
  EXPECT_FALSE(Contains(response, "pg down"));
}

TEST_F(RequestHandlerTest, NotFoundIsStill403) {
  records_.files.clear();
  const std::string response = Get(MediaUri(token_));
  EXPECT_TRUE(StartsWith(response, "Status: 403 Forbidden\r\n")) << response;
  EXPECT_TRUE(Contains(response, "X-Mediagate-Reason: not_found\r\n"));
}

TEST_F(RequestHandlerTest, MissingMethodIsMethodDenial) {
  const std::string response = Handle({{"REQUEST_URI", MediaUri(token_)}});
  EXPECT_TRUE(Contains(response, "X-Mediagate-Reason: method\r\n")) << response;
  EXPECT_EQ(records_.user_calls, 0);
}

TEST_F(RequestHandlerTest, EveryReasonFormatsAs200Or403) {
  for (int r = 0; r < kReasonCount; ++r) {
    Decision d;
    d.reason = static_cast<Reason>(r);
    d.upstream = "http://127.0.0.1:8089/x";
    d.cache_key = "0123456789abcdef0123456789abcdef";
    d.user_ref = "u0123";
    d.file_id = "ep1";
    d.detail = "internal detail";
    const std::string response = FormatDecisionResponse(d);
    const std::string status_line = response.substr(0, response.find("\r\n"));
    if (d.reason == Reason::kAllow) {
      EXPECT_EQ(status_line, "Status: 200 OK");
      EXPECT_FALSE(Contains(response, "X-Mediagate-Reason"));
    } else {
      EXPECT_EQ(status_line, "Status: 403 Forbidden") << ReasonName(d.reason);
      EXPECT_TRUE(Contains(
          response, std::string("\r\nX-Mediagate-Reason: ") + ReasonName(d.reason) + "\r\n"));
      EXPECT_FALSE(Contains(response, "X-Mediagate-Upstream"));
      EXPECT_FALSE(Contains(response, d.cache_key));
    }
    for (const char* forbidden : {"Status: 500", "Status: 404", "Status: 503"}) {
      EXPECT_FALSE(Contains(response, forbidden)) << ReasonName(d.reason);
    }
    EXPECT_FALSE(Contains(response, "internal detail"));
    EXPECT_EQ(response.substr(response.size() - 4), "\r\n\r\n");
  }
}

TEST_F(RequestHandlerTest, NeverLeaksTokenOrEmail) {
  std::string bad = token_;
  bad.back() = bad.back() == 'a' ? 'b' : 'a';
  const std::string b64 = Base64UrlEncode(kEmail);
  for (const std::string& token : {token_, bad}) {
    log_.str("");
    const std::string response = Get(MediaUri(token));
    for (const std::string& secret : {token, std::string(kEmail), b64}) {
      EXPECT_FALSE(Contains(response, secret)) << response;
      EXPECT_FALSE(Contains(log_.str(), secret)) << log_.str();
    }
  }
  records_.users.clear();  // unknown_user
  log_.str("");
  const std::string response = Get(MediaUri(token_));
  EXPECT_TRUE(Contains(response, "X-Mediagate-Reason: unknown_user"));
  EXPECT_FALSE(Contains(response, kEmail));
  EXPECT_FALSE(Contains(log_.str(), kEmail)) << log_.str();
  EXPECT_FALSE(Contains(log_.str(), token_)) << log_.str();
}

TEST_F(RequestHandlerTest, LogsOneDenialLineWithReasonAndClient) {
  records_.users[kEmail].record.status = "canceled";
  Get(MediaUri(token_));
  const std::string log = log_.str();
  EXPECT_TRUE(StartsWith(log, "info deny reason=inactive ")) << log;
  EXPECT_TRUE(Contains(log, " file=ep1 ")) << log;
  EXPECT_TRUE(Contains(log, " client=203.0.113.77 ")) << log;
  EXPECT_EQ(log.find('\n'), log.size() - 1) << log;
}

TEST_F(RequestHandlerTest, UntrustedPeerIsLoggedAsItself) {
  records_.users.clear();
  Handle({{"REQUEST_URI", MediaUri(token_)},
          {"REQUEST_METHOD", "GET"},
          {"REMOTE_ADDR", "192.0.2.50"},
          {"HTTP_X_FORWARDED_FOR", "203.0.113.77"}});
  EXPECT_TRUE(Contains(log_.str(), " client=192.0.2.50 ")) << log_.str();
  EXPECT_FALSE(Contains(log_.str(), "203.0.113.77")) << log_.str();
}

TEST_F(RequestHandlerTest, ClientControlledLogFieldsAreSanitized) {
  const std::string response = Handle({{"REQUEST_URI", "/x"},
                                       {"REQUEST_METHOD", "G\nwarn forged\x1b"},
                                       {"REMOTE_ADDR", "10.1.2.3"},
                                       {"HTTP_X_FORWARDED_FOR", "1.1.1.1\nwarn forged line"}});
  EXPECT_TRUE(Contains(response, "X-Mediagate-Reason: method"));
  const std::string log = log_.str();
  EXPECT_EQ(log.find('\n'), log.size() - 1) << log;
  EXPECT_TRUE(Contains(log, "G?warn forged?")) << log;
  EXPECT_FALSE(Contains(log, "\x1b")) << log;
}

TEST(FormatTextResponseTest, StatusLinesAndLength) {
  EXPECT_EQ(FormatTextResponse(200, "text/plain", "ok\n"),
            "Status: 200 OK\r\nContent-Type: text/plain\r\nCache-Control: "
            "no-store\r\nContent-Length: 3\r\n\r\nok\n");
  EXPECT_TRUE(StartsWith(FormatTextResponse(503, "text/plain", ""),
                         "Status: 503 Service Unavailable\r\n"));
  EXPECT_TRUE(
      StartsWith(FormatTextResponse(404, "text/plain", ""), "Status: 404 Not Found\r\n"));
}

}  // namespace
}  // namespace mediagate
