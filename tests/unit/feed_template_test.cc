// Tests for FeedTemplate: segments, slots and escaping.
#include "feed/feed_template.h"

#include <gtest/gtest.h>

namespace mediagate {
namespace {

TEST(FeedTemplateTest, FillsEachSlotWhereItWasAdded) {
  FeedTemplate t;
  t.Append("<a href=\"");
  t.AddSlot(FeedSlot::kLinkPrefix);
  t.Append("f1/");
  t.AddSlot(FeedSlot::kToken);
  t.Append("/n\"/>");
  t.AddSlot(FeedSlot::kNotice);
  t.AppendText("<end>");
  EXPECT_EQ(t.slot_count(), 3u);
  EXPECT_EQ(t.Fill(FeedSlotValues{"https://h/p/e/", "1-ab", "<item/>"}),
            "<a href=\"https://h/p/e/f1/1-ab/n\"/><item/>&lt;end&gt;");
  EXPECT_EQ(t.Literal(), "<a href=\"f1//n\"/>&lt;end&gt;");
}

TEST(FeedTemplateTest, WithoutSlotsIsTheLiteral) {
  FeedTemplate t;
  t.Append("<x>");
  t.AppendText("a&b");
  t.Append("</x>");
  EXPECT_EQ(t.Fill(FeedSlotValues{"p", "t", "n"}), "<x>a&amp;b</x>");
}

}  // namespace
}  // namespace mediagate
