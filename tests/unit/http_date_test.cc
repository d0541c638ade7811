// Tests for HTTP dates.
#include "feed/http_date.h"

#include <gtest/gtest.h>

namespace mediagate {
namespace {

TEST(HttpDateTest, FormatsAndParsesImfFixdate) {
  EXPECT_EQ(FormatHttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(ParseHttpDate(FormatHttpDate(1735787045)), 1735787045);
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
