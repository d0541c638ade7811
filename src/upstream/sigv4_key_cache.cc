// SigV4 signing-key derivation and its per-day cache.
#include "upstream/sigv4_key_cache.h"

namespace mediagate {
namespace {

bool Chain(const std::string& key, const std::string& data, std::string* out) {
  auto hmac = HmacKey::Create(HashAlgorithm::kSha256, key);
  return hmac.ok() && hmac->Sign(data, out);
}

}  // namespace

SigV4KeyCache::SigV4KeyCache(std::string secret_access_key, std::string region)
    : aws4_secret_("AWS4" + secret_access_key), region_(std::move(region)) {
  Cleanse(&secret_access_key);
}

SigV4KeyCache::~SigV4KeyCache() { Cleanse(&aws4_secret_); }

const HmacKey* SigV4KeyCache::KeyFor(const std::string& day) {
  if (key_ && day == day_) return &*key_;
  key_.reset();
  std::string k_date, k_region, k_service, k_signing;
  const bool ok = Chain(aws4_secret_, day, &k_date) && Chain(k_date, region_, &k_region) &&
                  Chain(k_region, "s3", &k_service) &&
                  Chain(k_service, "aws4_request", &k_signing);
  if (ok) {
    auto key = HmacKey::Create(HashAlgorithm::kSha256, k_signing);
    if (key.ok()) {
      key_.emplace(std::move(*key));
      day_ = day;
      ++derivations_;
    }
  }
  for (std::string* s : {&k_date, &k_region, &k_service, &k_signing}) Cleanse(s);
  return key_ ? &*key_ : nullptr;
}

}  // namespace mediagate
