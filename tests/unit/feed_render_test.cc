// Tests for RenderFeed: which episodes each kind shows, their enclosures
// (premium links byte-identical to PremiumLink()), escaping, the notice.
#include "feed/feed_render.h"

#include <gtest/gtest.h>

#include "feed/feed_links.h"
#include "feed_fixtures.h"

namespace mediagate {
namespace {

constexpr char kBase[] = "https://media.example.com";
constexpr char kEmail[] = "alice@example.com";
constexpr char kToken[] = "cizf6t-3e6c858482244559c647e861a1fdba91";

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

class FeedRenderTest : public ::testing::Test {
 protected:
  std::string Render(FeedKind kind, std::string_view notice = "") {
    RenderedFeed f = RenderFeed(show_, kind, links_, kFeedNow);
    const std::string prefix = PremiumLinkPrefix(kBase, "/premium_media", kEmail);
    return f.xml.Fill(FeedSlotValues{prefix, kToken, notice});
  }
  Show show_ = SampleShow();
  FeedLinks links_{kBase, "/public_media"};
};

TEST_F(FeedRenderTest, PrivateFeedHasEveryPublishedEpisodeWithPremiumLinks) {
  const std::string xml = Render(FeedKind::kPrivate);
  for (const char* id : {"ep1", "ep2", "ep3"}) {
    const Episode& e = *std::find_if(show_.episodes.begin(), show_.episodes.end(),
                                     [&](const Episode& x) { return x.guid == id; });
    const std::string link =
        PremiumLink(kBase, "/premium_media", kEmail, e.file_id, kToken, e.file_name);
    EXPECT_NE(xml.find("<enclosure url=\"" + link + "\" length=\"1000\" type=\"audio/mpeg\"/>"),
              std::string::npos)
        << link;
  }
  EXPECT_EQ(xml.find("Future Four"), std::string::npos);
  EXPECT_EQ(Count(xml, "<item>"), 3u);
  EXPECT_EQ(Count(xml, "/public_media/"), 0u);
  EXPECT_NE(xml.find("<podcast:locked>yes</podcast:locked>"), std::string::npos);
}

TEST_F(FeedRenderTest, LapsedAndPublicFeedsHaveNoPremiumEnclosure) {
  for (FeedKind kind : {FeedKind::kLapsed, FeedKind::kPublic}) {
    const std::string xml = Render(kind, "<item><title>NOTICE</title></item>");
    EXPECT_EQ(xml.find("premium_media"), std::string::npos);
    EXPECT_EQ(xml.find(kToken), std::string::npos);
    EXPECT_EQ(xml.find("Premium One"), std::string::npos);
    EXPECT_NE(xml.find("<enclosure url=\"https://media.example.com/public_media/ep2-file/"
                       "Early%20Two.mp3\""),
              std::string::npos);
    EXPECT_NE(xml.find("/public_media/ep3-file/Free%20Three.mp3"), std::string::npos);
    EXPECT_EQ(Count(xml, "NOTICE"), kind == FeedKind::kLapsed ? 1u : 0u);
    EXPECT_EQ(xml.find("<podcast:locked>yes") != std::string::npos, kind == FeedKind::kLapsed);
  }
}

TEST_F(FeedRenderTest, EscapesEveryText) {
  const std::string xml = Render(FeedKind::kPrivate);
  EXPECT_NE(xml.find("<title>The &lt;Show&gt; &amp; Co</title>"), std::string::npos);
  EXPECT_NE(xml.find("About ]]&gt; things"), std::string::npos);
  EXPECT_NE(xml.find("&lt;script&gt;x]]&gt;y&lt;/script&gt;&lt;/p&gt;</content:encoded>"),
            std::string::npos);
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_EQ(xml.find("<script>"), std::string::npos);
  EXPECT_NE(xml.find("href=\"https://img.example.com/a.jpg?x=1&amp;y=2\""), std::string::npos);
  EXPECT_NE(xml.find("<itunes:category text=\"Society &amp; Culture\"><itunes:category "
                     "text=\"Documentary\"/></itunes:category>"),
            std::string::npos);
}

TEST_F(FeedRenderTest, LastModifiedAndNextChange) {
  EXPECT_EQ(RenderFeed(show_, FeedKind::kPrivate, links_, kFeedNow).last_modified,
            kFeedNow - 100);
  EXPECT_EQ(RenderFeed(show_, FeedKind::kPublic, links_, kFeedNow).last_modified,
            kFeedNow - 3600);  // ep2 became public then
  EXPECT_EQ(NextVisibilityChange(show_, kFeedNow), kFeedNow + 3600);
  show_.episodes.erase(show_.episodes.begin());
  EXPECT_FALSE(NextVisibilityChange(show_, kFeedNow).has_value());
}

TEST_F(FeedRenderTest, DigestFollowsContent) {
  const std::string a = RenderFeed(show_, FeedKind::kPrivate, links_, kFeedNow).digest;
  show_.episodes[1].title = "Renamed";
  EXPECT_NE(RenderFeed(show_, FeedKind::kPrivate, links_, kFeedNow).digest, a);
}

TEST_F(FeedRenderTest, NoticeItem) {
  const std::string item =
      NoticeItemXml("Renew <now>", "Text & more", "https://x/renew", "g-1", kFeedNow);
  EXPECT_NE(item.find("<title>Renew &lt;now&gt;</title>"), std::string::npos);
  EXPECT_NE(item.find("<description>Text &amp; more</description>"), std::string::npos);
  EXPECT_NE(item.find("<link>https://x/renew</link>"), std::string::npos);
  EXPECT_NE(item.find("<guid isPermaLink=\"false\">g-1</guid>"), std::string::npos);
  EXPECT_EQ(item.find("enclosure"), std::string::npos);
}

}  // namespace
}  // namespace mediagate
