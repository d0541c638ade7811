// Tests for FeedServer: who gets which feed, identical 404s, conditional
// GET, HEAD.
#include "feed/feed_server.h"

#include <gtest/gtest.h>

#include "base/base64url.h"
#include "fakes.h"
#include "feed/feed_links.h"
#include "feed/http_date.h"
#include "feed_fixtures.h"
#include "test_util.h"

namespace mediagate {
namespace {

constexpr char kAlice[] = "alice@example.com";
constexpr char kBob[] = "bob@example.com";

UserRecord User(const std::string& id, const std::string& status) {
  UserRecord u;
  u.fields = {{"id", id}, {"uuid", "u" + id}, {"link_generation", "1"}};
  u.status = status;
  return u;
}

std::string Header(const std::string& cgi, const std::string& name) {
  const size_t at = cgi.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  const size_t start = at + name.size() + 4;
  return cgi.substr(start, cgi.find("\r\n", start) - start);
}

std::string Body(const std::string& cgi) { return cgi.substr(cgi.find("\r\n\r\n") + 4); }

class FeedServerTest : public ::testing::Test {
 protected:
  FeedServerTest() : clock_(kFeedNow) {
    config_.token.secret = Secret("s", "t");
    config_.token.hash_value = "{id}{uuid}{link_generation}";
    config_.storage.backend = "local";
    config_.url.public_base = "https://media.example.com";
    records_.users[kAlice] = Lookup<UserRecord>::Found(User("1", "active"));
    records_.users[kBob] = Lookup<UserRecord>::Found(User("2", "canceled"));
    shows_.shows["the-show"] = SampleShow();
    Build();
  }
  void Build() {
    BuildDecider(config_, &records_, &clock_, &upstream_, &decider_);
    cache_ = std::make_unique<ShowCache>(
        60, FeedLinks{config_.url.public_base, config_.feed.public_media_prefix}, &shows_,
        &clock_, [this](std::string_view) { return stamp_; });
    server_ = std::make_unique<FeedServer>(config_, decider_.get(), cache_.get(), &clock_);
  }
  std::string TokenFor(const std::string& email) {
    auto tokens = TokenGenerator::Create(config_.token);
    return *tokens->Make(records_.users.at(email).record.fields, kFeedNow - 10);
  }
  std::string PrivateUri(const std::string& email, const std::string& token,
                         const std::string& slug = "the-show") {
    return "/feeds/" + Base64UrlEncode(email) + "/" + token + "/" + slug + ".xml";
  }
  FeedResponse Get(const std::string& uri, std::string_view inm = "", std::string_view ims = "",
                   std::string_view method = "GET") {
    return server_->Serve(FeedHttpRequest{uri, method, inm, ims});
  }

  Config config_;
  FakeRecordStore records_;
  FakeShowStore shows_;
  FakeClock clock_;
  ShowStamp stamp_{0, 0};
  std::unique_ptr<Upstream> upstream_;
  std::unique_ptr<Decider> decider_;
  std::unique_ptr<ShowCache> cache_;
  std::unique_ptr<FeedServer> server_;
};

TEST_F(FeedServerTest, EntitledSubscriberGetsPremiumLinksWithHerToken) {
  const std::string token = TokenFor(kAlice);
  const FeedResponse r = Get(PrivateUri(kAlice, token));
  EXPECT_STREQ(r.outcome, "private");
  EXPECT_EQ(r.cgi.substr(0, 15), "Status: 200 OK\r");
  EXPECT_EQ(Header(r.cgi, "Content-Type"), "application/rss+xml; charset=utf-8");
  EXPECT_EQ(Header(r.cgi, "Cache-Control"), "private, max-age=300");
  const std::string body = Body(r.cgi);
  EXPECT_EQ(Header(r.cgi, "Content-Length"), std::to_string(body.size()));
  EXPECT_NE(body.find(PremiumLink("https://media.example.com", "/premium_media", kAlice,
                                  "ep1-file", token, "Premium One.mp3")),
            std::string::npos);
  EXPECT_NE(body.find("Premium One"), std::string::npos);
}

TEST_F(FeedServerTest, LapsedSubscriberGetsTheNoticeAndNoPremiumEnclosure) {
  const std::string token = TokenFor(kBob);
  const FeedResponse r = Get(PrivateUri(kBob, token));
  EXPECT_STREQ(r.outcome, "lapsed");
  const std::string body = Body(r.cgi);
  EXPECT_EQ(body.find("premium_media"), std::string::npos);
  EXPECT_EQ(body.find(token), std::string::npos);
  EXPECT_EQ(body.find("Premium One"), std::string::npos);
  EXPECT_NE(body.find("<title>Your subscription has ended</title>"), std::string::npos);
  EXPECT_NE(body.find("<link>https://example.com/show</link>"), std::string::npos);
  const std::string guid = NoticeGuid(r.user_ref, records_.users.at(kBob).record);
  EXPECT_NE(body.find(guid), std::string::npos);
  EXPECT_EQ(Body(Get(PrivateUri(kBob, token)).cgi), body);  // stable per lapse
  UserRecord later = records_.users.at(kBob).record;
  later.paid_until = kFeedNow;
  EXPECT_NE(NoticeGuid(r.user_ref, later), guid);  // another lapse, another notice
}

TEST_F(FeedServerTest, RenewalBringsThePremiumEpisodesBackAtTheSameUrl) {
  const std::string uri = PrivateUri(kBob, TokenFor(kBob));
  EXPECT_STREQ(Get(uri).outcome, "lapsed");
  records_.users[kBob].record.status = "active";
  EXPECT_STREQ(Get(uri).outcome, "private");
  EXPECT_NE(Body(Get(uri).cgi).find("Premium One"), std::string::npos);
}

TEST_F(FeedServerTest, UnknownSubscriberBadTokenAndUnknownShowAreTheSame404) {
  const std::string token = TokenFor(kAlice);
  std::string forged = token;
  forged.back() = forged.back() == '0' ? '1' : '0';
  const std::string expected = FeedServer::NotFoundResponse();
  for (const std::string& uri :
       {PrivateUri(kAlice, forged), PrivateUri("nobody@example.com", token),
        PrivateUri(kAlice, token, "no-show"), std::string("/feeds/no-show.xml"),
        std::string("/feeds/x"), PrivateUri(kBob, token)}) {
    SCOPED_TRACE(uri);
    const FeedResponse r = Get(uri);
    EXPECT_EQ(r.cgi, expected);
    EXPECT_STREQ(r.outcome, "not_found");
  }
  EXPECT_EQ(expected.find("the-show"), std::string::npos);
}

// A subscriber suspended for sharing gets the same 404 as a forged token: the
// shared feed URL stops working, and nothing tells a stranger why.
TEST_F(FeedServerTest, SuspendedSubscriberGetsTheSame404) {
  const std::string uri = PrivateUri(kAlice, TokenFor(kAlice));
  EXPECT_STREQ(Get(uri).outcome, "private");
  records_.users[kAlice].record.suspended = true;
  const FeedResponse r = Get(uri);
  EXPECT_EQ(r.cgi, FeedServer::NotFoundResponse());
  EXPECT_STREQ(r.outcome, "not_found");
  records_.users[kAlice].record.suspended = false;
  EXPECT_STREQ(Get(uri).outcome, "private");
}

TEST_F(FeedServerTest, PublicFeed) {
  const FeedResponse r = Get("/feeds/the-show.xml");
  EXPECT_STREQ(r.outcome, "public");
  EXPECT_EQ(Header(r.cgi, "Cache-Control"), "public, max-age=300");
  EXPECT_NE(Body(r.cgi).find("https://media.example.com/public_media/ep2-file/Early%20Two.mp3"),
            std::string::npos);
  EXPECT_EQ(Body(r.cgi).find("Premium One"), std::string::npos);
}

TEST_F(FeedServerTest, ConditionalGetAndHead) {
  const std::string uri = PrivateUri(kAlice, TokenFor(kAlice));
  const FeedResponse first = Get(uri);
  const std::string etag = Header(first.cgi, "ETag");
  const std::string modified = Header(first.cgi, "Last-Modified");
  ASSERT_EQ(etag.size(), 34u);
  EXPECT_EQ(modified, FormatHttpDate(kFeedNow - 100));
  for (const std::string& inm : {etag, "W/" + etag, "\"x\", " + etag, std::string("*")}) {
    const FeedResponse r = Get(uri, inm);
    EXPECT_STREQ(r.outcome, "not_modified");
    EXPECT_EQ(r.cgi.substr(0, 25), "Status: 304 Not Modified\r");
    EXPECT_EQ(Body(r.cgi), "");
    EXPECT_EQ(Header(r.cgi, "ETag"), etag);
  }
  EXPECT_STREQ(Get(uri, "\"other\"").outcome, "private");
  EXPECT_STREQ(Get(uri, "", modified).outcome, "not_modified");
  EXPECT_STREQ(Get(uri, "", FormatHttpDate(kFeedNow - 101)).outcome, "private");
  EXPECT_STREQ(Get(uri, "\"other\"", modified).outcome, "private");  // INM wins
  const FeedResponse head = Get(uri, "", "", "HEAD");
  EXPECT_EQ(Body(head.cgi), "");
  EXPECT_EQ(Header(head.cgi, "ETag"), etag);
  EXPECT_STREQ(Get(uri, "", "", "POST").outcome, "method");
}

TEST_F(FeedServerTest, EtagChangesWithANewEpisodeAndPerSubscriber) {
  const std::string uri = PrivateUri(kAlice, TokenFor(kAlice));
  const std::string etag = Header(Get(uri).cgi, "ETag");
  Episode e = shows_.shows["the-show"].episodes[1];
  e.guid = "ep5";
  shows_.shows["the-show"].episodes.insert(shows_.shows["the-show"].episodes.begin(), e);
  EXPECT_EQ(Header(Get(uri).cgi, "ETag"), etag);  // cached until notified
  stamp_[1] = 1;
  EXPECT_NE(Header(Get(uri).cgi, "ETag"), etag);
  records_.users["carol@example.com"] = Lookup<UserRecord>::Found(User("3", "active"));
  EXPECT_NE(
      Header(Get(PrivateUri("carol@example.com", TokenFor("carol@example.com"))).cgi, "ETag"),
      Header(Get(uri).cgi, "ETag"));
}

TEST_F(FeedServerTest, UnavailableBackendsAre503NotFeeds) {
  shows_.down = true;
  EXPECT_STREQ(Get("/feeds/the-show.xml").outcome, "unavailable");
  shows_.down = false;
  records_.down = true;
  const FeedResponse r = Get(PrivateUri(kAlice, TokenFor(kAlice)));
  EXPECT_STREQ(r.outcome, "unavailable");
  EXPECT_EQ(r.cgi.substr(0, 33), "Status: 503 Service Unavailable\r\n");
}

TEST_F(FeedServerTest, NoPublicBaseNoFeeds) {
  config_.url.public_base = "";
  Build();
  EXPECT_EQ(Get("/feeds/the-show.xml").cgi, FeedServer::NotFoundResponse());
}

}  // namespace
}  // namespace mediagate
