// Tests for ObjectCacheKey: one key per (scope, object key, version).
#include "mediagate/upstream.h"

#include <gtest/gtest.h>

#include <string>

#include "mediagate/config.h"

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

FileRecord Episode() {
  FileRecord file;
  file.object_key = "shows/ep 1.mp3";
  file.version = "2";
  return file;
}

// The URL `config`'s upstream gives for Episode() at a fixed time.
std::string Located(const StorageConfig& config) {
  auto upstream = MakeUpstream(config);
  EXPECT_TRUE(upstream.ok()) << upstream.status().ToString();
  auto url = (*upstream)->Locate(Episode(), 1700000000);
  EXPECT_TRUE(url.ok()) << url.status().ToString();
  return url.ok() ? *url : "";
}

StorageConfig S3Config() {
  StorageConfig config;
  config.endpoint = "https://s3.eu-central-1.amazonaws.com";
  config.region = "eu-central-1";
  config.access_key_id = "AKIDEXAMPLE";
  config.secret_access_key = Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "test");
  return config;
}

// Several edges: the storage URL, whole, behind the parent and the cache key.
TEST(ViaParentCacheTest, StorageUrlIsKeptWholeBehindParentAndCacheKey) {
  for (StorageConfig config : {S3Config(), StorageConfig()}) {
    if (config.access_key_id.empty()) config.backend = "local";
    const std::string direct = Located(config);
    auto key = (*MakeUpstream(config))->CacheKey(Episode());
    ASSERT_TRUE(key.ok());
    config.parent_cache_url = "http://10.0.0.11:8090";
    const std::string scheme = direct.substr(0, direct.find("://"));
    EXPECT_EQ(Located(config), "http://10.0.0.11:8090/" + *key + "/" + scheme + "/" +
                                   direct.substr(scheme.size() + 3))
        << config.backend;
    EXPECT_EQ(*(*MakeUpstream(config))->CacheKey(Episode()), *key) << config.backend;
  }
}

}  // namespace
}  // namespace mediagate
