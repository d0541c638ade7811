// Tests for RecordSeal: values open only under the same secret and key.
#include "store/record_seal.h"

#include <gtest/gtest.h>

#include <string>

namespace mediagate {
namespace {

RecordSeal SealFor(const std::string& secret) {
  return RecordSeal::Create(Secret(secret, "test")).value();
}

TEST(RecordSealTest, OpensOnlyUnderItsKeyAndSecret) {
  const RecordSeal seal = SealFor("secret");
  const std::string value = R"({"v":1,"found":true,"status":"active"})";
  const std::string sealed = *seal.Seal("p:v2:user:ab", value);
  EXPECT_EQ(sealed.rfind("mg2", 0), 0u);
  EXPECT_EQ(seal.Open("p:v2:user:ab", sealed), value);
  EXPECT_FALSE(seal.Open("p:v2:user:cd", sealed).has_value());
  EXPECT_FALSE(SealFor("other secret").Open("p:v2:user:ab", sealed).has_value());
  EXPECT_FALSE(seal.Open("p:v2:user:ab", value).has_value());
  EXPECT_FALSE(seal.Open("p:v2:user:ab", "mg2" + value).has_value());
}

// The record key is derived with a label: it is not the token secret itself.
TEST(RecordSealTest, KeyIsNotTheSecret) {
  const std::string secret(32, 's');
  const std::string sealed = *SealFor(secret).Seal("k", "v");
  const AeadKey raw = AeadKey::Create(secret).value();
  EXPECT_FALSE(raw.Open("k", sealed.substr(3)).has_value());
}

}  // namespace
}  // namespace mediagate
