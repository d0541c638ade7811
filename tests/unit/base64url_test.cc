// Tests for strict unpadded base64url: known encodings, round trips of an
// email and of every byte value, and rejection of padding, the standard
// alphabet's '+' and '/', whitespace, impossible lengths and non-canonical
// trailing bits, so that each decoded value has exactly one accepted spelling.
#include "base/base64url.h"

#include <string>

#include <gtest/gtest.h>

namespace mediagate {
namespace {

TEST(Base64UrlTest, EncodesKnownValues) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("A"), "QQ");
  EXPECT_EQ(Base64UrlEncode("AB"), "QUI");
  EXPECT_EQ(Base64UrlEncode("ABC"), "QUJD");
  EXPECT_EQ(Base64UrlEncode("a@example.com"), "YUBleGFtcGxlLmNvbQ");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlEncode("\xfb\xef\xbe"), "----");
}

TEST(Base64UrlTest, DecodesKnownValues) {
  EXPECT_EQ(Base64UrlDecode(""), std::string());
  EXPECT_EQ(Base64UrlDecode("QQ"), "A");
  EXPECT_EQ(Base64UrlDecode("QUI"), "AB");
  EXPECT_EQ(Base64UrlDecode("YUBleGFtcGxlLmNvbQ"), "a@example.com");
  EXPECT_EQ(Base64UrlDecode("-_8"), "\xfb\xff");
}

TEST(Base64UrlTest, RoundTripsEmail) {
  const std::string email = "a@example.com";
  EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(email)), email);
}

TEST(Base64UrlTest, RoundTripsAllByteValues) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  const std::string encoded = Base64UrlEncode(all);
  EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos);
  EXPECT_EQ(Base64UrlDecode(encoded), all);
  // Every prefix length exercises all three tail shapes, including NUL bytes.
  for (size_t n = 0; n <= all.size(); ++n) {
    const std::string prefix = all.substr(0, n);
    ASSERT_EQ(Base64UrlDecode(Base64UrlEncode(prefix)), prefix)
        << "length " << n;
  }
}

TEST(Base64UrlTest, RejectsPadding) {
  EXPECT_EQ(Base64UrlDecode("QQ=="), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("QUI="), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("YUBleGFtcGxlLmNvbQ=="), std::nullopt);
}

TEST(Base64UrlTest, RejectsStandardAlphabet) {
  EXPECT_EQ(Base64UrlDecode("+/8"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("-/8"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("+_8"), std::nullopt);
}

TEST(Base64UrlTest, RejectsWhitespaceAndOtherBytes) {
  for (const char* bad :
       {"QU I", " QUI", "QUI ", "QUI\n", "QU\tI", "QU.I", "QU*I"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(Base64UrlDecode(bad), std::nullopt);
  }
  EXPECT_EQ(Base64UrlDecode(std::string("QU\0I", 4)), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("QU\xc3\xa9I"), std::nullopt);
}

TEST(Base64UrlTest, RejectsImpossibleLength) {
  EXPECT_EQ(Base64UrlDecode("Q"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("QUJDR"), std::nullopt);
}

TEST(Base64UrlTest, RejectsNonCanonicalTrailingBits) {
  EXPECT_EQ(Base64UrlDecode("QR"), std::nullopt);   // canonical "QQ" = "A"
  EXPECT_EQ(Base64UrlDecode("QUJ"), std::nullopt);  // canonical "QUI" = "AB"
  EXPECT_EQ(Base64UrlDecode("YUBleGFtcGxlLmNvbR"), std::nullopt);
}

}  // namespace
}  // namespace mediagate
