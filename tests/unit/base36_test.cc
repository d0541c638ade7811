// Tests for Django-compatible base36 timestamps: IntToBase36 known values up
// to INT64_MAX, and CanonicalBase36ToInt accepting exactly the canonical
// spellings (1-13 lowercase digits, no leading zero, no overflow) and
// rejecting everything else, plus a round trip over assorted values.
#include "base/base36.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "test_util.h"

namespace mediagate {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

TEST(Base36Test, IntToBase36KnownValues) {
  EXPECT_EQ(IntToBase36(0), "0");
  EXPECT_EQ(IntToBase36(1), "1");
  EXPECT_EQ(IntToBase36(35), "z");
  EXPECT_EQ(IntToBase36(36), "10");
  EXPECT_EQ(IntToBase36(757479845), "cizf6t");
  EXPECT_EQ(IntToBase36(kInt64Max), "1y2p0ij32e8e7");
}

TEST(Base36Test, AcceptsCanonicalSpellings) {
  EXPECT_EQ(CanonicalBase36ToInt("0"), 0);
  EXPECT_EQ(CanonicalBase36ToInt("z"), 35);
  EXPECT_EQ(CanonicalBase36ToInt("10"), 36);
  EXPECT_EQ(CanonicalBase36ToInt("cizf6t"), 757479845);
  EXPECT_EQ(CanonicalBase36ToInt("1y2p0ij32e8e7"), kInt64Max);
}

TEST(Base36Test, RejectsEmpty) { EXPECT_EQ(CanonicalBase36ToInt(""), std::nullopt); }

TEST(Base36Test, RejectsUppercase) {
  ExpectAllRejected(CanonicalBase36ToInt, {"CIZF6T", "cizF6t", "Z"});
}

TEST(Base36Test, RejectsLeadingZero) {
  ExpectAllRejected(CanonicalBase36ToInt, {"0a", "00", "0cizf6t"});
}

TEST(Base36Test, RejectsMoreThan13Digits) {
  // 14 digits, even with leading zeros.
  ExpectAllRejected(CanonicalBase36ToInt, {"10000000000000", "00000000cizf6t"});
}

TEST(Base36Test, RejectsOverflow) {
  // The first is INT64_MAX + 1.
  ExpectAllRejected(CanonicalBase36ToInt, {"1y2p0ij32e8e8", "zzzzzzzzzzzzz", "1y2p0ij32e8f0"});
}

TEST(Base36Test, RejectsSignsSpacesAndPunctuation) {
  ExpectAllRejected(CanonicalBase36ToInt,
                    {"-1", "+1", " 1", "1 ", "c izf6t", "ci_zf6t", "ciz!6t", "1.0", "\t1", "-0",
                     std::string("1\0", 2)});
}

TEST(Base36Test, RoundTrip) {
  for (int64_t v :
       {int64_t{0}, int64_t{1}, int64_t{35}, int64_t{36}, int64_t{1295}, int64_t{1296},
        int64_t{757479845}, int64_t{3153600000}, kInt64Max - 1, kInt64Max}) {
    SCOPED_TRACE(v);
    EXPECT_EQ(CanonicalBase36ToInt(IntToBase36(v)), v);
  }
}

}  // namespace
}  // namespace mediagate
