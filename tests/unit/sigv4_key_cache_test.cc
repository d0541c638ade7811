// Tests for SigV4KeyCache: the derived signing key reproduces the AWS
// documentation's presigned-URL signature, keys differ by day and region, and
// the key is derived once per day (repeat calls for the same day hit the
// cache; a new day derives again).
#include "upstream/sigv4_key_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace mediagate {
namespace {

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
// The string to sign of the AWS docs example (GET examplebucket/test.txt,
// 20130524T000000Z, 86400 s); its canonical request hashes to 3bfa29...
constexpr char kStringToSign[] =
    "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
    "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04";

std::string SignHex(const HmacKey* key, const std::string& data) {
  EXPECT_NE(key, nullptr);
  if (key == nullptr) return "";
  std::string mac;
  EXPECT_TRUE(key->Sign(data, &mac));
  return HexEncode(mac);
}

TEST(SigV4KeyCacheTest, SignsAwsDocsExample) {
  SigV4KeyCache cache(kSecret, "us-east-1");
  EXPECT_EQ(SignHex(cache.KeyFor("20130524"), kStringToSign),
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(SigV4KeyCacheTest, KeyDependsOnDay) {
  SigV4KeyCache cache(kSecret, "us-east-1");
  EXPECT_EQ(SignHex(cache.KeyFor("20130524"), "x"),
            "1b1329eb3788428ec57c605f56c86ab572a428332563d2d4c2c0ee4076832ac4");
  EXPECT_EQ(SignHex(cache.KeyFor("20130525"), "x"),
            "1ab27bc41618ecfcca2827725d4a3aeab17e4d67fe4d1d8892467d6c21d938cd");
  // Going back to the first day derives its key again, correctly.
  EXPECT_EQ(SignHex(cache.KeyFor("20130524"), kStringToSign),
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(SigV4KeyCacheTest, KeyDependsOnRegion) {
  SigV4KeyCache east(kSecret, "us-east-1");
  SigV4KeyCache west(kSecret, "eu-west-3");
  EXPECT_NE(SignHex(east.KeyFor("20130524"), "x"), SignHex(west.KeyFor("20130524"), "x"));
}

TEST(SigV4KeyCacheTest, DerivesOncePerDay) {
  SigV4KeyCache cache(kSecret, "us-east-1");
  EXPECT_EQ(cache.derivations(), 0);
  const HmacKey* first = cache.KeyFor("20130524");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(cache.derivations(), 1);
  const HmacKey* second = cache.KeyFor("20130524");
  EXPECT_EQ(second, first);
  EXPECT_EQ(cache.derivations(), 1);
  ASSERT_NE(cache.KeyFor("20130525"), nullptr);
  EXPECT_EQ(cache.derivations(), 2);
  ASSERT_NE(cache.KeyFor("20130525"), nullptr);
  EXPECT_EQ(cache.derivations(), 2);
}

TEST(SigV4KeyCacheTest, MovedCacheKeepsWorking) {
  SigV4KeyCache cache(kSecret, "us-east-1");
  ASSERT_NE(cache.KeyFor("20130524"), nullptr);
  SigV4KeyCache moved = std::move(cache);
  EXPECT_EQ(SignHex(moved.KeyFor("20130524"), kStringToSign),
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  EXPECT_EQ(moved.derivations(), 1);
}

}  // namespace
}  // namespace mediagate
