// Tests for strict unpadded base64url: known encodings, round trips of an
// email and of every byte value, and rejection of padding, the standard
// alphabet's '+' and '/', whitespace, impossible lengths and non-canonical
// trailing bits, so that each decoded value has exactly one accepted spelling.
#include "base/base64url.h"

#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

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
    ASSERT_EQ(Base64UrlDecode(Base64UrlEncode(prefix)), prefix) << "length " << n;
  }
}

TEST(Base64UrlTest, RejectsPadding) {
  ExpectAllRejected(Base64UrlDecode, {"QQ==", "QUI=", "YUBleGFtcGxlLmNvbQ=="});
}

TEST(Base64UrlTest, RejectsStandardAlphabet) {
  ExpectAllRejected(Base64UrlDecode, {"+/8", "-/8", "+_8"});
}

TEST(Base64UrlTest, RejectsWhitespaceAndOtherBytes) {
  ExpectAllRejected(Base64UrlDecode, {"QU I", " QUI", "QUI ", "QUI\n", "QU\tI", "QU.I", "QU*I",
                                      std::string("QU\0I", 4), "QU\xc3\xa9I"});
}

TEST(Base64UrlTest, RejectsImpossibleLength) {
  ExpectAllRejected(Base64UrlDecode, {"Q", "QUJDR"});
}

TEST(Base64UrlTest, RejectsNonCanonicalTrailingBits) {
  // Canonical: "QQ" = "A", "QUI" = "AB".
  ExpectAllRejected(Base64UrlDecode, {"QR", "QUJ", "YUBleGFtcGxlLmNvbR"});
}

}  // namespace
}  // namespace mediagate
