// Tests for TokenGenerator, Django's PasswordResetTokenGenerator: every
// vector in tests/vectors/tokens.json (minted by Django itself) is re-minted
// where applicable and checked; named tests cover each verdict (malformed
// shapes, bad signatures, expiry, fallbacks, legacy sha1 tokens, missing
// fields) and the configurations Create() must refuse.
#include "mediagate/token.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mediagate/config.h"
#include "test_util.h"

namespace mediagate {
namespace {

// The known answer from tests/vectors/README.md.
constexpr char kSecret[] = "test-secret-key";
constexpr char kTemplate[] = "{pk}{password}{last_login}{ts}{email}";
constexpr int64_t kMakeAt = 1735787045;  // 2025-01-02T03:04:05Z
constexpr char kToken[] = "cizf6t-3e6c858482244559c647e861a1fdba91";
constexpr char kHash[] = "3e6c858482244559c647e861a1fdba91";

const FieldMap& Fields() {
  static const FieldMap fields{{"pk", "42"},
                               {"password", "pbkdf2_sha256$260000$salt$hash="},
                               {"last_login", "2024-05-01 12:34:56"},
                               {"email", "a@example.com"}};
  return fields;
}

TokenConfig BaseConfig() {
  TokenConfig config;
  config.secret = Secret(kSecret, "test");
  config.hash_value = kTemplate;
  config.timeout_seconds = 259200;
  return config;
}

TokenGenerator MustCreate(const TokenConfig& config) {
  auto gen = TokenGenerator::Create(config);
  EXPECT_TRUE(gen.ok()) << gen.status().ToString();
  return std::move(gen).value();
}

TokenVerdict CheckKnown(const std::string& token) {
  return MustCreate(BaseConfig()).Check(Fields(), token, kMakeAt);
}

// Expects CheckKnown() to find each of `tokens` malformed.
void ExpectMalformed(const std::vector<std::string>& tokens) {
  for (const std::string& token : tokens) {
    EXPECT_EQ(CheckKnown(token), TokenVerdict::kMalformed) << "'" << token << "'";
  }
}

TEST(TokenTest, AllReferenceVectors) {
  const nlohmann::json vectors = ReferenceVectors("tokens.json");
  ASSERT_GE(vectors.size(), 80u);
  int minted = 0;
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.at("name").get<std::string>());
    TokenConfig config;
    config.secret = Secret(v.at("secret").get<std::string>(), "vector");
    for (const auto& f : v.at("fallbacks")) {
      config.fallback_secrets.emplace_back(f.get<std::string>(), "vector");
    }
    config.key_salt = v.at("key_salt").get<std::string>();
    config.algorithm = v.at("algorithm").get<std::string>();
    config.accept_legacy = v.at("accept_legacy").get<bool>();
    config.hash_value = v.at("template").get<std::string>();
    config.timeout_seconds = v.at("timeout_seconds").get<int64_t>();
    config.time_zone = v.at("time_zone").get<std::string>();
    FieldMap fields;
    for (const auto& [name, value] : v.at("fields").items()) {
      fields[name] = value.get<std::string>();
    }
    const std::string token = v.at("token").get<std::string>();

    if (v.at("minted").get<bool>()) {
      TokenConfig make_config = config;
      make_config.secret = Secret(v.at("make_secret").get<std::string>(), "vector");
      make_config.fallback_secrets.clear();
      auto made = MustCreate(make_config).Make(fields, v.at("make_at").get<int64_t>());
      ASSERT_TRUE(made.ok()) << made.status().ToString();
      EXPECT_EQ(*made, token);
      ++minted;
    }
    const TokenVerdict verdict =
        MustCreate(config).Check(fields, token, v.at("check_at").get<int64_t>());
    EXPECT_EQ(verdict == TokenVerdict::kValid, v.at("valid").get<bool>())
        << "verdict " << TokenVerdictName(verdict);
  }
  EXPECT_GT(minted, 0);
}

TEST(TokenTest, MakesKnownAnswer) {
  const TokenGenerator gen = MustCreate(BaseConfig());
  auto token = gen.Make(Fields(), kMakeAt);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(*token, kToken);
  EXPECT_EQ(gen.Check(Fields(), kToken, kMakeAt), TokenVerdict::kValid);
  EXPECT_EQ(gen.field_names(),
            (std::vector<std::string>{"pk", "password", "last_login", "email"}));
}

TEST(TokenTest, RejectsFlippedHexDigit) {
  std::string token = kToken;
  token.back() = '0';
  EXPECT_EQ(CheckKnown(token), TokenVerdict::kBadSignature);
  token = kToken;
  token[7] = '4';  // first hash digit 3 -> 4
  EXPECT_EQ(CheckKnown(token), TokenVerdict::kBadSignature);
}

TEST(TokenTest, RejectsChangedTimestamp) {
  EXPECT_EQ(CheckKnown(std::string("cizf6u-") + kHash), TokenVerdict::kBadSignature);
}

TEST(TokenTest, RejectsWrongSecret) {
  TokenConfig config = BaseConfig();
  config.secret = Secret("another-secret", "test");
  EXPECT_EQ(MustCreate(config).Check(Fields(), kToken, kMakeAt), TokenVerdict::kBadSignature);
}

TEST(TokenTest, RejectsChangedField) {
  FieldMap fields = Fields();
  fields["password"] = "changed";
  EXPECT_EQ(MustCreate(BaseConfig()).Check(fields, kToken, kMakeAt),
            TokenVerdict::kBadSignature);
}

TEST(TokenTest, RejectsExtraDash) {
  ExpectMalformed({"cizf6t-3e6c858482244559-c647e861a1fdba91", std::string(kToken) + "-",
                   std::string("-") + kToken});
}

TEST(TokenTest, RejectsEmptySide) {
  ExpectMalformed(
      {std::string("-") + kHash, "cizf6t-", "-", "", std::string("cizf6t") + kHash});
}

TEST(TokenTest, RejectsNonHex) {
  ExpectMalformed({"cizf6t-3e6c858482244559c647e861a1fdba9g",
                   "cizf6t-3e6c858482244559c647e861a1fdba9 ", std::string("ciz!6t-") + kHash,
                   std::string("ci_zf6t-") + kHash, std::string(" cizf6t-") + kHash});
}

TEST(TokenTest, RejectsUppercaseHex) {
  ExpectMalformed({"cizf6t-3E6C858482244559C647E861A1FDBA91", std::string("CIZF6T-") + kHash});
}

TEST(TokenTest, RejectsWrongLength) {
  const std::string hash = kHash;
  for (size_t len : {0u, 19u, 21u, 31u}) {
    SCOPED_TRACE(len);
    EXPECT_EQ(CheckKnown("cizf6t-" + hash.substr(0, len)), TokenVerdict::kMalformed);
  }
  EXPECT_EQ(CheckKnown("cizf6t-" + hash + "0"), TokenVerdict::kMalformed);
  // A 20-digit (sha1-length) hash is well formed, merely not this signature.
  EXPECT_EQ(CheckKnown("cizf6t-" + hash.substr(0, 20)), TokenVerdict::kBadSignature);
}

TEST(TokenTest, RejectsOutOfRangeTs) {
  ExpectMalformed({std::string("00000000cizf6t-") + kHash,
                   std::string("10000000000000-") + kHash,
                   std::string("1y2p0ij32e8e8-") + kHash, std::string("0cizf6t-") + kHash});
  // INT64_MAX itself is in range: well formed, wrong signature.
  EXPECT_EQ(CheckKnown(std::string("1y2p0ij32e8e7-") + kHash), TokenVerdict::kBadSignature);
}

TEST(TokenTest, RejectsExpired) {
  const TokenGenerator gen = MustCreate(BaseConfig());
  EXPECT_EQ(gen.Check(Fields(), kToken, kMakeAt + 259200), TokenVerdict::kValid);
  EXPECT_EQ(gen.Check(Fields(), kToken, kMakeAt + 259201), TokenVerdict::kExpired);
  // A token from the future is not expired (Django only checks now - ts).
  EXPECT_EQ(gen.Check(Fields(), kToken, kMakeAt - 86400), TokenVerdict::kValid);
}

TEST(TokenTest, AcceptsFallbackSecret) {
  TokenConfig config = BaseConfig();
  config.secret = Secret("new-secret", "test");
  config.fallback_secrets = {Secret("older-secret", "test"), Secret(kSecret, "test")};
  const TokenGenerator gen = MustCreate(config);
  EXPECT_EQ(gen.Check(Fields(), kToken, kMakeAt), TokenVerdict::kValid);
  // New tokens are minted with the primary secret only.
  auto made = gen.Make(Fields(), kMakeAt);
  ASSERT_TRUE(made.ok());
  EXPECT_NE(*made, kToken);
  EXPECT_EQ(gen.Check(Fields(), *made, kMakeAt), TokenVerdict::kValid);
  EXPECT_EQ(MustCreate(BaseConfig()).Check(Fields(), *made, kMakeAt),
            TokenVerdict::kBadSignature);
}

TEST(TokenTest, LegacyOnlyWhenEnabled) {
  TokenConfig sha1 = BaseConfig();
  sha1.algorithm = "sha1";
  auto legacy_token = MustCreate(sha1).Make(Fields(), kMakeAt);
  ASSERT_TRUE(legacy_token.ok());
  ASSERT_EQ(legacy_token->size(), std::string("cizf6t-").size() + 20);

  TokenConfig strict = BaseConfig();
  strict.accept_legacy = false;
  EXPECT_EQ(MustCreate(strict).Check(Fields(), *legacy_token, kMakeAt),
            TokenVerdict::kBadSignature);
  TokenConfig lenient = BaseConfig();
  lenient.accept_legacy = true;
  EXPECT_EQ(MustCreate(lenient).Check(Fields(), *legacy_token, kMakeAt), TokenVerdict::kValid);
}

TEST(TokenTest, MissingFieldReported) {
  FieldMap fields = Fields();
  fields.erase("email");
  const TokenGenerator gen = MustCreate(BaseConfig());
  EXPECT_EQ(gen.Check(fields, kToken, kMakeAt), TokenVerdict::kMissingField);
  auto made = gen.Make(fields, kMakeAt);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(made.status().message().find("email"), std::string::npos);
}

TEST(TokenTest, CreateFailsForBadConfig) {
  TokenConfig bad_algorithm = BaseConfig();
  bad_algorithm.algorithm = "md5";
  EXPECT_EQ(TokenGenerator::Create(bad_algorithm).status().code(),
            Status::Code::kInvalidArgument);
  TokenConfig bad_zone = BaseConfig();
  bad_zone.time_zone = "Not/AZone";
  EXPECT_EQ(TokenGenerator::Create(bad_zone).status().code(), Status::Code::kNotFound);
  TokenConfig bad_template = BaseConfig();
  bad_template.hash_value = "{pk";
  EXPECT_EQ(TokenGenerator::Create(bad_template).status().code(),
            Status::Code::kInvalidArgument);
  TokenConfig empty_secret = BaseConfig();
  empty_secret.secret = Secret();
  EXPECT_EQ(TokenGenerator::Create(empty_secret).status().code(),
            Status::Code::kInvalidArgument);
  TokenConfig negative_timeout = BaseConfig();
  negative_timeout.timeout_seconds = -1;
  EXPECT_FALSE(TokenGenerator::Create(negative_timeout).ok());
}

TEST(TokenTest, VerdictNames) {
  using V = TokenVerdict;
  ExpectNames(TokenVerdictName, {{V::kValid, "valid"},
                                 {V::kMalformed, "malformed"},
                                 {V::kBadSignature, "bad_signature"},
                                 {V::kExpired, "expired"},
                                 {V::kMissingField, "missing_field"}});
}

}  // namespace
}  // namespace mediagate
