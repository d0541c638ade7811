// Tests for HTTP dates.
#include "feed/http_date.h"

#include <gtest/gtest.h>

#include <limits>

namespace mediagate {
namespace {

TEST(HttpDateTest, FormatsAndParsesImfFixdate) {
  EXPECT_EQ(FormatHttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(ParseHttpDate(FormatHttpDate(1735787045)), 1735787045);
}

// A period end of -infinity / infinity (saturated int64, e.g. a lapse notice's
// date) gives a valid date, never garbage such as "00 Jan 1900".
TEST(HttpDateTest, ClampsInfiniteTimes) {
  EXPECT_EQ(FormatHttpDate(std::numeric_limits<int64_t>::min()),
            "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(FormatHttpDate(std::numeric_limits<int64_t>::max()),
            "Fri, 31 Dec 9999 23:59:59 GMT");
  EXPECT_TRUE(ParseHttpDate(FormatHttpDate(std::numeric_limits<int64_t>::max())).has_value());
}

TEST(HttpDateTest, RejectsOtherForms) {
  for (const char* bad :
       {"", "yesterday", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
        "Sun, 06 Nov 1994 08:49:37 GMTx", "Sun, 06 Nov 1994 08:49:37 UTC"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(ParseHttpDate(bad).has_value());
  }
}

}  // namespace
}  // namespace mediagate
