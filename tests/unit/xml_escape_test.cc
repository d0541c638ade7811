// Tests for XML escaping: entities, forbidden characters, invalid UTF-8.
#include "feed/xml_escape.h"

#include <gtest/gtest.h>

namespace mediagate {
namespace {

TEST(XmlEscapeTest, EscapesMarkupAndQuotes) {
  EXPECT_EQ(XmlEscaped("<p class=\"a\">Tom & 'Jerry'</p>"),
            "&lt;p class=&quot;a&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/p&gt;");
  EXPECT_EQ(XmlEscaped("<![CDATA[x]]>"), "&lt;![CDATA[x]]&gt;");
}

TEST(XmlEscapeTest, DropsCharactersXmlForbids) {
  EXPECT_EQ(XmlEscaped(std::string("a\0b\x01\x08\x0b\x0c\x1f", 8) + "c"), "abc");
  EXPECT_EQ(XmlEscaped("tab\tnl\ncr\r"), "tab\tnl\ncr\r");
  EXPECT_EQ(XmlEscaped("x\xEF\xBF\xBEy\xEF\xBF\xBFz"), "xyz");  // U+FFFE, U+FFFF
}

TEST(XmlEscapeTest, KeepsValidUtf8AndRepairsInvalid) {
  EXPECT_EQ(XmlEscaped("Épisode 🎙"), "Épisode 🎙");
  EXPECT_EQ(XmlEscaped("a\xff"
                       "b"),
            "a\xEF\xBF\xBD"
            "b");                                          // stray byte -> U+FFFD
  EXPECT_EQ(XmlEscaped("\xC0\xAF<"), "\xEF\xBF\xBD&lt;");  // overlong "/"
  EXPECT_EQ(XmlEscaped("\xED\xA0\x80"), XmlEscaped("\xED\xA0\x80").substr(0));  // no crash
  for (char c : XmlEscaped("\xED\xA0\x80")) EXPECT_NE(c, '\xED');  // surrogate replaced
}

}  // namespace
}  // namespace mediagate
