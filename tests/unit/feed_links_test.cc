// Tests for feed and premium link URLs and the feed URI grammar.
#include "feed/feed_links.h"

#include <gtest/gtest.h>

#include "mediagate/media_url.h"
#include "test_util.h"

namespace mediagate {
namespace {

constexpr char kToken[] = "cizf6t-3e6c858482244559c647e861a1fdba91";

TEST(FeedLinksTest, PremiumLinkIsWhatTheDecisionParses) {
  const std::string link = PremiumLink("https://media.example.com", "/premium_media",
                                       "a@example.com", "42", kToken, "Épisode 1.mp3");
  EXPECT_EQ(link, "https://media.example.com/premium_media/YUBleGFtcGxlLmNvbQ/42/" +
                      std::string(kToken) + "/%C3%89pisode%201.mp3");
  const UrlParseResult parsed = ParseMediaUri(
      link.substr(std::string("https://media.example.com").size()), "/premium_media", 2048);
  ASSERT_TRUE(parsed.ok()) << UrlRejectName(parsed.reject);
  EXPECT_EQ(parsed.request.email, "a@example.com");
  EXPECT_EQ(parsed.request.file_id, "42");
  EXPECT_EQ(parsed.request.token, kToken);
  EXPECT_EQ(parsed.request.file_name, "Épisode 1.mp3");
}

// tests/vectors/file_names.json: every link Django 3.2 minted (reverse() of the
// seed's URL pattern, file names as its storage saved them) is byte for byte
// what a feed's enclosure gives for the same email, file id, token and name.
TEST(FeedLinksTest, PremiumLinkIsWhatDjangoMints) {
  size_t minted = 0;
  for (const auto& v : ReferenceVectors("file_names.json")) {
    if (!v.at("minted").get<bool>()) continue;
    ++minted;
    const std::string path = v.at("path").get<std::string>();
    SCOPED_TRACE(v.at("name").get<std::string>());
    EXPECT_EQ(PremiumLink("", "/premium_media", "a@example.com", "42", kToken,
                          v.at("saved").get<std::string>()),
              path);
  }
  EXPECT_GE(minted, 35u);
}

TEST(FeedLinksTest, PublicMediaLinkIsWhatThePublicGrammarParses) {
  const std::string link = PublicMediaLink("http://h:8080", "/public_media", "ep-1", "a b.mp3");
  EXPECT_EQ(link, "http://h:8080/public_media/ep-1/a%20b.mp3");
  const UrlParseResult parsed =
      ParsePublicMediaUri("/public_media/ep-1/a%20b.mp3?x=1", "/public_media", 2048);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.request.file_id, "ep-1");
  EXPECT_EQ(parsed.request.file_name, "a b.mp3");
  for (const char* bad : {"/public_media/ep-1", "/public_media/e%31/x", "/public_media/../x",
                          "/public_media/a/b/c", "/public_media//x", "/public_mediax/a/b"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(ParsePublicMediaUri(bad, "/public_media", 2048).ok());
  }
}

TEST(FeedLinksTest, FeedUrlsRoundTrip) {
  const std::string priv =
      PrivateFeedUrl("https://m.example", "/feeds", "a@example.com", kToken, "my-show");
  EXPECT_EQ(priv, "https://m.example/feeds/YUBleGFtcGxlLmNvbQ/" + std::string(kToken) +
                      "/my-show.xml");
  FeedRequest r = ParseFeedUri(priv.substr(priv.find("/feeds")), "/feeds", 2048);
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.is_private);
  EXPECT_EQ(r.email, "a@example.com");
  EXPECT_EQ(r.token, kToken);
  EXPECT_EQ(r.slug, "my-show");
  EXPECT_EQ(PublicFeedUrl("https://m.example", "/feeds", "my-show"),
            "https://m.example/feeds/my-show.xml");
  r = ParseFeedUri("/feeds/my-show.xml?utm=1", "/feeds", 2048);
  ASSERT_TRUE(r.ok);
  EXPECT_FALSE(r.is_private);
  EXPECT_EQ(r.slug, "my-show");
}

TEST(FeedLinksTest, RejectsEverythingElse) {
  const std::string t = kToken;
  for (const std::string& bad :
       {std::string("/feeds/"), std::string("/feeds/my-show"), std::string("/feeds/.xml"),
        std::string("/feeds/My-Show.xml"), std::string("/feedsx/my-show.xml"),
        std::string("/feeds/../my-show.xml"), "/feeds/YUBleGFtcGxlLmNvbQ/" + t + "/",
        "/feeds/YUBleGFtcGxlLmNvbQ=/" + t + "/s.xml",                // padded base64
        std::string("/feeds/YUBleGFtcGxlLmNvbQ/not-a-token/s.xml"),  // token shape
        "/feeds/YUBleGFtcGxlLmNvbQ/" + t + "/s.xml/x",               // four segments
        "/feeds/x/YUBleGFtcGxlLmNvbQ/" + t + "/s.xml",               // five
        "/feeds//" + t + "/s.xml", std::string("/feeds/s%2E.xml")}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(ParseFeedUri(bad, "/feeds", 2048).ok);
  }
  EXPECT_FALSE(ParseFeedUri("/feeds/" + std::string(3000, 'a') + ".xml", "/feeds", 2048).ok);
}

}  // namespace
}  // namespace mediagate
