// Tests for the OpenSSL adapter in crypto.h: SHA-1/SHA-256 known answers,
// lowercase HexEncode, ConstantTimeEquals on equal, different, differently
// sized and empty inputs, Cleanse, and HmacKey against RFC 4231 (HMAC-SHA256)
// and RFC 2202 (HMAC-SHA1) test vectors, including reuse of one key for many
// messages and the empty key.
#include "base/crypto.h"

#include <gtest/gtest.h>

#include <string>

namespace mediagate {
namespace {

std::string Hmac(HashAlgorithm algorithm, const std::string& key, const std::string& data) {
  auto hmac = HmacKey::Create(algorithm, key);
  EXPECT_TRUE(hmac.ok()) << hmac.status().ToString();
  if (!hmac.ok()) return "";
  std::string mac;
  EXPECT_TRUE(hmac->Sign(data, &mac));
  return HexEncode(mac);
}

TEST(CryptoTest, AlgorithmNames) {
  EXPECT_STREQ(HashAlgorithmName(HashAlgorithm::kSha1), "sha1");
  EXPECT_STREQ(HashAlgorithmName(HashAlgorithm::kSha256), "sha256");
}

TEST(CryptoTest, Sha1OfAbc) {
  auto d = Digest(HashAlgorithm::kSha1, "abc");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->size(), 20u);
  EXPECT_EQ(HexEncode(*d), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(CryptoTest, Sha256OfAbc) {
  auto d = Digest(HashAlgorithm::kSha256, "abc");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->size(), 32u);
  EXPECT_EQ(HexEncode(*d), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoTest, Sha256OfEmpty) {
  auto d = Digest(HashAlgorithm::kSha256, "");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(HexEncode(*d), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(CryptoTest, HexEncodeIsLowercaseTwoDigitsPerByte) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode(std::string("\x00\x01\x7f\x80\xab\xff", 6)), "00017f80abff");
}

TEST(CryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abcdef", "abcdef"));
  EXPECT_FALSE(ConstantTimeEquals("abcdef", "abcdeg"));
  EXPECT_FALSE(ConstantTimeEquals("abcdef", "bbcdef"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEquals("abcd", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(CryptoTest, CleanseClears) {
  std::string s = "secret";
  Cleanse(&s);
  EXPECT_TRUE(s.empty());
  std::string empty;
  Cleanse(&empty);
  EXPECT_TRUE(empty.empty());
}

TEST(CryptoTest, HmacSha256Rfc4231Case2) {
  EXPECT_EQ(Hmac(HashAlgorithm::kSha256, "Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoTest, HmacSha1Rfc2202Case2) {
  EXPECT_EQ(Hmac(HashAlgorithm::kSha1, "Jefe", "what do ya want for nothing?"),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST(CryptoTest, HmacSha256Rfc4231Case6LongKey) {
  // A 131-byte key is longer than the block size and gets hashed first.
  EXPECT_EQ(Hmac(HashAlgorithm::kSha256, std::string(131, '\xaa'),
                 "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(CryptoTest, SignTwiceGivesSameMac) {
  auto key = HmacKey::Create(HashAlgorithm::kSha256, "Jefe");
  ASSERT_TRUE(key.ok());
  std::string first, other, second;
  ASSERT_TRUE(key->Sign("what do ya want for nothing?", &first));
  ASSERT_TRUE(key->Sign("something else entirely", &other));
  ASSERT_TRUE(key->Sign("what do ya want for nothing?", &second));
  EXPECT_EQ(first, second);
  EXPECT_NE(first, other);
  EXPECT_EQ(HexEncode(second),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoTest, SignOverwritesPreviousContents) {
  auto key = HmacKey::Create(HashAlgorithm::kSha1, "Jefe");
  ASSERT_TRUE(key.ok());
  std::string mac = "leftover bytes that must disappear";
  ASSERT_TRUE(key->Sign("what do ya want for nothing?", &mac));
  EXPECT_EQ(HexEncode(mac), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST(CryptoTest, MovedKeyStillSigns) {
  auto key = HmacKey::Create(HashAlgorithm::kSha256, "Jefe");
  ASSERT_TRUE(key.ok());
  HmacKey moved = std::move(*key);
  std::string mac;
  ASSERT_TRUE(moved.Sign("what do ya want for nothing?", &mac));
  EXPECT_EQ(HexEncode(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoTest, EmptyKeyWorks) {
  EXPECT_EQ(Hmac(HashAlgorithm::kSha256, "", ""),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  EXPECT_EQ(Hmac(HashAlgorithm::kSha1, "", ""), "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d");
}

}  // namespace
}  // namespace mediagate
