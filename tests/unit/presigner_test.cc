// Tests for Presigner, SigV4 query-string presigning: every vector in
// tests/vectors/presign.json must reproduce botocore's URL byte for byte;
// named tests pin the AWS documentation and s3rver known answers, HEAD vs
// GET, the key/expiry/endpoint/bucket validation, and ParseAmzDate.
#include "mediagate/presigner.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "mediagate/config.h"
#include "test_util.h"

namespace mediagate {
namespace {

constexpr int64_t kAwsDocsAt = 1369353600;  // 20130524T000000Z

StorageConfig AwsDocsConfig() {
  StorageConfig config;
  config.endpoint = "https://s3.amazonaws.com";
  config.region = "us-east-1";
  config.bucket = "examplebucket";
  config.addressing = "virtual";
  config.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  config.secret_access_key = Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "test");
  return config;
}

Presigner MustCreate(const StorageConfig& config) {
  auto presigner = Presigner::Create(config);
  EXPECT_TRUE(presigner.ok()) << presigner.status().ToString();
  return std::move(presigner).value();
}

// Why Presigner::Create refuses `config` (OK, after a test failure, if it
// accepts it).
Status CreateFailure(const StorageConfig& config) {
  auto presigner = Presigner::Create(config);
  EXPECT_FALSE(presigner.ok());
  return presigner.ok() ? Status::Ok() : presigner.status();
}

// Expects Presigner::Create to refuse `config` with a message naming `key`.
void ExpectRefusedNaming(const StorageConfig& config, const std::string& key) {
  EXPECT_NE(CreateFailure(config).message().find(key), std::string::npos) << key;
}

TEST(PresignerTest, AllReferenceVectors) {
  const nlohmann::json vectors = ReferenceVectors("presign.json");
  ASSERT_GE(vectors.size(), 60u);
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.at("name").get<std::string>());
    StorageConfig config;
    config.endpoint = v.at("endpoint").get<std::string>();
    config.region = v.at("region").get<std::string>();
    config.bucket = v.at("bucket").get<std::string>();
    config.addressing = v.at("addressing").get<std::string>();
    config.access_key_id = v.at("access_key_id").get<std::string>();
    config.secret_access_key = Secret(v.at("secret_access_key").get<std::string>(), "v");
    config.session_token = Secret(v.at("session_token").get<std::string>(), "v");
    auto presigner = Presigner::Create(config);
    ASSERT_TRUE(presigner.ok()) << presigner.status().ToString();
    auto at = ParseAmzDate(v.at("at").get<std::string>());
    ASSERT_TRUE(at.ok()) << at.status().ToString();
    const std::string method = v.at("method").get<std::string>();
    ASSERT_TRUE(method == "GET" || method == "HEAD");
    auto url =
        presigner->Presign(method == "HEAD" ? HttpMethod::kHead : HttpMethod::kGet,
                           v.at("key").get<std::string>(), *at, v.at("expires").get<int64_t>());
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    EXPECT_EQ(*url, v.at("url").get<std::string>());
  }
}

TEST(PresignerTest, AwsDocsVector) {
  Presigner presigner = MustCreate(AwsDocsConfig());
  EXPECT_EQ(presigner.origin(), "https://examplebucket.s3.amazonaws.com");
  auto url = presigner.Presign(HttpMethod::kGet, "test.txt", kAwsDocsAt, 86400);
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(*url,
            "https://examplebucket.s3.amazonaws.com/test.txt"
            "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2F"
            "aws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400"
            "&X-Amz-SignedHeaders=host&X-Amz-Signature="
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(PresignerTest, PathStyleS3rverVector) {
  StorageConfig config;
  config.endpoint = "http://localhost:4568";
  config.bucket = "bucket";
  config.addressing = "path";
  config.access_key_id = "S3RVER";
  config.secret_access_key = Secret("S3RVER", "test");
  Presigner presigner = MustCreate(config);
  EXPECT_EQ(presigner.origin(), "http://localhost:4568");
  auto url = presigner.Presign(HttpMethod::kGet, "dir/a b+c=\xc3\xbc.txt", kAwsDocsAt, 3600);
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(*url,
            "http://localhost:4568/bucket/dir/a%20b%2Bc%3D%C3%BC.txt"
            "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=S3RVER%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature="
            "0e2f8d2fd74d923c4d0fcbb0d154d49994fb98547cb5c45a3c4379bc7fa554a8");
}

TEST(PresignerTest, HeadDiffersFromGet) {
  EXPECT_STREQ(HttpMethodName(HttpMethod::kGet), "GET");
  EXPECT_STREQ(HttpMethodName(HttpMethod::kHead), "HEAD");
  Presigner presigner = MustCreate(AwsDocsConfig());
  auto get = presigner.Presign(HttpMethod::kGet, "test.txt", kAwsDocsAt, 86400);
  auto head = presigner.Presign(HttpMethod::kHead, "test.txt", kAwsDocsAt, 86400);
  ASSERT_TRUE(get.ok());
  ASSERT_TRUE(head.ok());
  const size_t sig = get->find("&X-Amz-Signature=");
  ASSERT_NE(sig, std::string::npos);
  EXPECT_EQ(get->substr(0, sig), head->substr(0, sig));  // only the signature differs
  EXPECT_NE(*get, *head);
  EXPECT_NE(head->find("f9c58dec0c3cada1e6f133547c7b6b2ef9d7df87447a785ad1b23079005271e5"),
            std::string::npos);
}

TEST(PresignerTest, RejectsEmptyKey) {
  Presigner presigner = MustCreate(AwsDocsConfig());
  auto url = presigner.Presign(HttpMethod::kGet, "", kAwsDocsAt, 600);
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.status().code(), Status::Code::kInvalidArgument);
}

TEST(PresignerTest, RejectsKeyOver1024Bytes) {
  Presigner presigner = MustCreate(AwsDocsConfig());
  EXPECT_TRUE(
      presigner.Presign(HttpMethod::kGet, std::string(1024, 'k'), kAwsDocsAt, 600).ok());
  auto url = presigner.Presign(HttpMethod::kGet, std::string(1025, 'k'), kAwsDocsAt, 600);
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.status().code(), Status::Code::kInvalidArgument);
}

TEST(PresignerTest, RejectsInvalidUtf8Key) {
  Presigner presigner = MustCreate(AwsDocsConfig());
  for (const char* key : {"\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80", "a\x80z"}) {
    SCOPED_TRACE(key);
    auto url = presigner.Presign(HttpMethod::kGet, key, kAwsDocsAt, 600);
    ASSERT_FALSE(url.ok());
    EXPECT_EQ(url.status().code(), Status::Code::kInvalidArgument);
  }
}

TEST(PresignerTest, RejectsExpiryOutOfRange) {
  Presigner presigner = MustCreate(AwsDocsConfig());
  for (int64_t expires : {int64_t{0}, int64_t{-1}, int64_t{604801}}) {
    SCOPED_TRACE(expires);
    auto url = presigner.Presign(HttpMethod::kGet, "test.txt", kAwsDocsAt, expires);
    ASSERT_FALSE(url.ok());
    EXPECT_EQ(url.status().code(), Status::Code::kInvalidArgument);
  }
  EXPECT_TRUE(presigner.Presign(HttpMethod::kGet, "test.txt", kAwsDocsAt, 1).ok());
  EXPECT_TRUE(presigner.Presign(HttpMethod::kGet, "test.txt", kAwsDocsAt, 604800).ok());
}

TEST(PresignerTest, RejectsBadEndpoint) {
  for (const char* endpoint :
       {"ftp://x", "http://host/path", "http://host:99999", "http://host:0", "https://",
        "s3.amazonaws.com", "http://user@host", "http://host?x=1"}) {
    SCOPED_TRACE(endpoint);
    StorageConfig config = AwsDocsConfig();
    config.endpoint = endpoint;
    EXPECT_EQ(CreateFailure(config).code(), Status::Code::kInvalidArgument);
    ExpectRefusedNaming(config, "storage.endpoint");
  }
}

TEST(PresignerTest, RejectsVirtualWithNonDnsBucket) {
  for (const char* bucket : {"My_Bucket", "ab", "-bucket", "bucket.with.dots"}) {
    SCOPED_TRACE(bucket);
    StorageConfig config = AwsDocsConfig();
    config.bucket = bucket;
    ExpectRefusedNaming(config, "storage.bucket");
  }
  StorageConfig path = AwsDocsConfig();
  path.bucket = "My_Bucket";
  path.addressing = "path";
  EXPECT_TRUE(Presigner::Create(path).ok());
}

TEST(PresignerTest, RejectsVirtualWithIpEndpoint) {
  for (const char* endpoint : {"http://127.0.0.1:9000", "http://[::1]:9000"}) {
    SCOPED_TRACE(endpoint);
    StorageConfig config = AwsDocsConfig();
    config.endpoint = endpoint;
    ExpectRefusedNaming(config, "storage.addressing");
    config.addressing = "path";
    EXPECT_TRUE(Presigner::Create(config).ok());
  }
}

TEST(PresignerTest, RejectsBadCredentials) {
  StorageConfig no_id = AwsDocsConfig();
  no_id.access_key_id = "";
  EXPECT_FALSE(Presigner::Create(no_id).ok());
  StorageConfig no_secret = AwsDocsConfig();
  no_secret.secret_access_key = Secret();
  EXPECT_FALSE(Presigner::Create(no_secret).ok());
  StorageConfig bad_region = AwsDocsConfig();
  bad_region.region = "us east 1";
  EXPECT_FALSE(Presigner::Create(bad_region).ok());
}

TEST(PresignerTest, ParseAmzDate) {
  auto at = ParseAmzDate("20130524T000000Z");
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(*at, kAwsDocsAt);
  EXPECT_EQ(ParseAmzDate("20240229T235959Z").value(), 1709251199);
  for (const char* bad :
       {"2013-05-24", "20130230T000000Z", "20130524T000000", "20130524T240000Z",
        "20130524t000000Z", "", "20230229T000000Z", " 20130524T000000Z", "20130524T000000Z "}) {
    SCOPED_TRACE(bad);
    auto r = ParseAmzDate(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  }
}

}  // namespace
}  // namespace mediagate
