// TokenGenerator: Django token minting and checking.
#include "mediagate/token.h"

#include <vector>

#include "base/base36.h"
#include "base/crypto.h"
#include "mediagate/config.h"
#include "token/django_clock.h"
#include "token/hash_template.h"
#include "token/token_shape.h"

namespace mediagate {
namespace {

constexpr int64_t kSecondsPerDay = 24 * 60 * 60;
constexpr size_t kLegacyMaxTsDigits = 3;  // Django 3.2: len(ts_b36) < 4

// Django's salted_hmac(): the MAC key is H(key_salt + secret).
Result<HmacKey> SaltedKey(HashAlgorithm algorithm, const std::string& key_salt,
                          const std::string& secret) {
  auto key = Digest(algorithm, key_salt + secret);
  if (!key.ok()) return key.status();
  auto hmac = HmacKey::Create(algorithm, *key);
  Cleanse(&*key);
  return hmac;
}

// hexdigest()[::2]: the high nibble of every byte.
std::string EveryOtherHexDigit(const std::string& mac) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(mac.size(), '0');
  for (size_t i = 0; i < mac.size(); ++i) {
    out[i] = kHex[static_cast<unsigned char>(mac[i]) >> 4];
  }
  return out;
}

}  // namespace

const char* TokenVerdictName(TokenVerdict verdict) {
  switch (verdict) {
    case TokenVerdict::kValid: return "valid";
    case TokenVerdict::kMalformed: return "malformed";
    case TokenVerdict::kBadSignature: return "bad_signature";
    case TokenVerdict::kExpired: return "expired";
    case TokenVerdict::kMissingField: return "missing_field";
  }
  return "unknown";
}

struct TokenGenerator::Impl {
  HashTemplate hash_template;
  DjangoClock clock;
  int64_t timeout_seconds;
  bool accept_legacy;
  // Keys for the configured algorithm: primary secret first, then fallbacks.
  std::vector<HmacKey> keys;
  // With accept_legacy: sha1 keys for the same secrets.
  std::vector<HmacKey> legacy_keys;
};

TokenGenerator::TokenGenerator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TokenGenerator::TokenGenerator(TokenGenerator&&) noexcept = default;
TokenGenerator& TokenGenerator::operator=(TokenGenerator&&) noexcept = default;
TokenGenerator::~TokenGenerator() = default;

Status TokenGenerator::CheckConfig(const TokenConfig& config) {
  auto tmpl = HashTemplate::Parse(config.hash_value);
  if (!tmpl.ok()) return tmpl.status().Annotate("token.hash_value");
  if (tmpl->field_names().empty()) {
    return Status::InvalidArgument(
        "token.hash_value: names no user field; tokens would not be bound to a user");
  }
  auto clock = DjangoClock::Create(config.time_zone);
  if (!clock.ok()) return clock.status().Annotate("token.time_zone");
  if (config.timeout_seconds < 0) {
    return Status::InvalidArgument("token.timeout_seconds must be >= 0");
  }
  if (config.algorithm != "sha256" && config.algorithm != "sha1") {
    return Status::InvalidArgument("token.algorithm must be \"sha256\" or \"sha1\"");
  }
  return Status::Ok();
}

Result<TokenGenerator> TokenGenerator::Create(const TokenConfig& config) {
  Status checked = CheckConfig(config);
  if (!checked.ok()) return checked;
  if (config.secret.empty()) return Status::InvalidArgument("token secret is empty");
  auto tmpl = HashTemplate::Parse(config.hash_value);
  auto clock = DjangoClock::Create(config.time_zone);
  if (!tmpl.ok() || !clock.ok()) return Status::Internal("token config changed");
  const HashAlgorithm algorithm =
      config.algorithm == "sha1" ? HashAlgorithm::kSha1 : HashAlgorithm::kSha256;

  auto impl = std::unique_ptr<Impl>(new Impl{std::move(*tmpl),
                                             std::move(*clock),
                                             config.timeout_seconds,
                                             config.accept_legacy,
                                             {},
                                             {}});
  std::vector<const Secret*> secrets{&config.secret};
  for (const Secret& s : config.fallback_secrets) secrets.push_back(&s);
  for (const Secret* s : secrets) {
    auto key = SaltedKey(algorithm, config.key_salt, s->Reveal());
    if (!key.ok()) return key.status();
    impl->keys.push_back(std::move(*key));
    if (config.accept_legacy && algorithm != HashAlgorithm::kSha1) {
      auto legacy = SaltedKey(HashAlgorithm::kSha1, config.key_salt, s->Reveal());
      if (!legacy.ok()) return legacy.status();
      impl->legacy_keys.push_back(std::move(*legacy));
    }
  }
  return TokenGenerator(std::move(impl));
}

const std::vector<std::string>& TokenGenerator::field_names() const {
  return impl_->hash_template.field_names();
}

Result<std::string> TokenGenerator::Make(const FieldMap& fields, int64_t unix_now) const {
  const int64_t ts = impl_->clock.SecondsSince2001(unix_now);
  if (ts < 0) return Status::InvalidArgument("instant is before 2001-01-01");
  std::string value;
  Status s = impl_->hash_template.Render(fields, ts, &value);
  if (!s.ok()) return s;
  std::string mac;
  if (!impl_->keys.front().Sign(value, &mac)) {
    return Status::Internal("HMAC failed");
  }
  return IntToBase36(ts) + "-" + EveryOtherHexDigit(mac);
}

TokenVerdict TokenGenerator::Check(const FieldMap& fields, std::string_view token,
                                   int64_t unix_now) const {
  if (!HasTokenShape(token)) return TokenVerdict::kMalformed;
  const size_t dash = token.find('-');
  const std::string_view ts_b36 = token.substr(0, dash);
  const std::string_view hash = token.substr(dash + 1);
  const std::optional<int64_t> parsed_ts = CanonicalBase36ToInt(ts_b36);
  if (!parsed_ts) return TokenVerdict::kMalformed;

  std::string value;
  if (!impl_->hash_template.Render(fields, *parsed_ts, &value).ok()) {
    return TokenVerdict::kMissingField;
  }
  // Try every key even after a match, so timing does not tell which matched.
  bool matched = false;
  std::string mac;
  auto try_keys = [&](const std::vector<HmacKey>& keys) {
    for (const HmacKey& key : keys) {
      if (key.Sign(value, &mac) && ConstantTimeEquals(EveryOtherHexDigit(mac), hash)) {
        matched = true;
      }
    }
  };
  try_keys(impl_->keys);
  try_keys(impl_->legacy_keys);
  if (!matched) return TokenVerdict::kBadSignature;

  int64_t ts = *parsed_ts;
  if (impl_->accept_legacy && ts_b36.size() <= kLegacyMaxTsDigits) {
    // Django 3.2: a day count, placed at the current time of day.
    ts = ts * kSecondsPerDay + impl_->clock.SecondsSinceMidnight(unix_now);
  }
  const int64_t now = impl_->clock.SecondsSince2001(unix_now);
  // Django: (now - ts) > timeout means expired. ts may lie in the future.
  if (now > ts && now - ts > impl_->timeout_seconds) return TokenVerdict::kExpired;
  return TokenVerdict::kValid;
}

}  // namespace mediagate
