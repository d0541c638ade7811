// Tests for ServedRanges (union of byte spans) and FirstServedByte.
#include "audience/served_ranges.h"

#include <gtest/gtest.h>

namespace mediagate {
namespace {

TEST(ServedRangesTest, UnionCountsOverlapsOnce) {
  ServedRanges r;
  r.Add(0, 100);
  r.Add(50, 150);   // overlaps
  r.Add(150, 200);  // adjacent
  r.Add(300, 310);
  r.Add(5, 10);  // inside
  r.Add(10, 5);  // inverted: ignored
  EXPECT_EQ(r.Total(), 210);
  EXPECT_EQ(r.Encode(), "0-200,300-310");
  r.Add(190, 305);  // bridges
  EXPECT_EQ(r.Encode(), "0-310");
}

TEST(ServedRangesTest, DecodeRoundTripsAndRefusesGarbage) {
  auto r = ServedRanges::Decode("0-200,300-310");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Total(), 210);
  EXPECT_TRUE(ServedRanges::Decode(""));
  for (const char* bad : {"x", "5-5", "9-1", "1-2,", "-1-2", "1-2,3"}) {
    EXPECT_FALSE(ServedRanges::Decode(bad)) << bad;
  }
}

TEST(ServedRangesTest, FirstServedByte) {
  EXPECT_EQ(FirstServedByte(200, "bytes=500-", 1000), 0);  // range ignored by the server
  EXPECT_EQ(FirstServedByte(206, "bytes=500-", 1000), 500);
  EXPECT_EQ(FirstServedByte(206, "bytes=500-599", 1000), 500);
  EXPECT_EQ(FirstServedByte(206, "bytes=-100", 1000), 900);
  EXPECT_EQ(FirstServedByte(206, "bytes=-5000", 1000), 0);
  EXPECT_FALSE(FirstServedByte(206, "bytes=-100", 0));
  EXPECT_FALSE(FirstServedByte(206, "bytes=0-1,5-6", 1000));
  EXPECT_FALSE(FirstServedByte(206, "items=0-1", 1000));
  EXPECT_FALSE(FirstServedByte(206, "bytes=a-", 1000));
  EXPECT_FALSE(FirstServedByte(206, "", 1000));
  EXPECT_FALSE(FirstServedByte(304, "", 1000));
}

}  // namespace
}  // namespace mediagate
