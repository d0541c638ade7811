// Tests for ObjectCacheKey: one key per (scope, object key, version).
#include "mediagate/upstream.h"

#include <gtest/gtest.h>

#include <string>

namespace mediagate {
namespace {

std::string KeyOf(const std::string& scope, const std::string& key,
                  const std::string& version) {
  FileRecord file;
  file.object_key = key;
  file.version = version;
  auto cache_key = ObjectCacheKey(scope, file);
  EXPECT_TRUE(cache_key.ok());
  return *cache_key;
}

TEST(ObjectCacheKeyTest, FieldBoundariesCannotMove) {
  // Issue 9: "a\nx" + "v" and "a" + "x\nv" shared a key with newline joins.
  EXPECT_NE(KeyOf("s", "a\nx", "v"), KeyOf("s", "a", "x\nv"));
  EXPECT_NE(KeyOf("s\na", "x", "v"), KeyOf("s", "a\nx", "v"));
  EXPECT_NE(KeyOf("s", "1:a", "v"), KeyOf("s", "", "1:av"));
  EXPECT_NE(KeyOf("s", "ab", ""), KeyOf("s", "a", "b"));
}

TEST(ObjectCacheKeyTest, StableLowerHex) {
  const std::string key = KeyOf("https://s3.example media", "shows/ep1.mp3", "3");
  EXPECT_EQ(key, KeyOf("https://s3.example media", "shows/ep1.mp3", "3"));
  EXPECT_EQ(key.size(), 32u);
  EXPECT_EQ(key.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace mediagate
