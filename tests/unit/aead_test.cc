// Tests for AeadKey: what opens, and everything that must not.
#include "base/aead.h"

#include <gtest/gtest.h>

#include <string>

namespace mediagate {
namespace {

AeadKey Key(char fill) { return AeadKey::Create(std::string(32, fill)).value(); }

TEST(AeadKeyTest, OpensWhatItSealed) {
  const AeadKey key = Key('k');
  const auto sealed = key.Seal("ad", "plaintext");
  ASSERT_TRUE(sealed.has_value());
  EXPECT_EQ(sealed->size(), 9 + AeadKey::kOverhead);
  EXPECT_EQ(sealed->find("plaintext"), std::string::npos);
  EXPECT_EQ(key.Open("ad", *sealed), "plaintext");
  EXPECT_EQ(key.Open("", *key.Seal("", "")), "");
  EXPECT_NE(*key.Seal("ad", "plaintext"), *sealed);  // a fresh nonce each time
}

TEST(AeadKeyTest, RejectsEveryChange) {
  const AeadKey key = Key('k');
  const std::string sealed = *key.Seal("ad", "plaintext");
  EXPECT_FALSE(key.Open("ad2", sealed).has_value());
  EXPECT_FALSE(Key('x').Open("ad", sealed).has_value());
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string flipped = sealed;
    flipped[i] ^= 0x01;
    EXPECT_FALSE(key.Open("ad", flipped).has_value()) << i;
  }
  EXPECT_FALSE(key.Open("ad", sealed.substr(0, sealed.size() - 1)).has_value());
  EXPECT_FALSE(key.Open("ad", sealed.substr(0, 10)).has_value());
  EXPECT_FALSE(key.Open("ad", "").has_value());
}

TEST(AeadKeyTest, NeedsA32ByteKey) {
  EXPECT_FALSE(AeadKey::Create("short").ok());
  EXPECT_FALSE(AeadKey::Create(std::string(33, 'k')).ok());
}

}  // namespace
}  // namespace mediagate
