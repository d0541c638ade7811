// OpenSSL 3 adapter: EVP_MD / EVP_MAC fetched once per process, contexts reused.
#include "base/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

namespace mediagate {
namespace {

const char* OpenSslName(HashAlgorithm algorithm) {
  return algorithm == HashAlgorithm::kSha1 ? "SHA1" : "SHA256";
}

// Explicitly fetched digests avoid a provider lookup on every use.
const EVP_MD* FetchedDigest(HashAlgorithm algorithm) {
  static EVP_MD* const sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return algorithm == HashAlgorithm::kSha1 ? sha1 : sha256;
}

bool digest_fails_for_testing = false;

EVP_MAC* FetchedHmac() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

}  // namespace

const char* HashAlgorithmName(HashAlgorithm algorithm) {
  return algorithm == HashAlgorithm::kSha1 ? "sha1" : "sha256";
}

Result<std::string> Digest(HashAlgorithm algorithm, std::string_view data) {
  const EVP_MD* md = FetchedDigest(algorithm);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (md == nullptr || digest_fails_for_testing ||
      EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) {
    return Status::Internal(std::string("OpenSSL digest failed: ") + OpenSslName(algorithm));
  }
  return std::string(reinterpret_cast<char*>(out), len);
}

ScopedDigestFailureForTesting::ScopedDigestFailureForTesting() {
  digest_fails_for_testing = true;
}
ScopedDigestFailureForTesting::~ScopedDigestFailureForTesting() {
  digest_fails_for_testing = false;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kHex[b >> 4];
    out[2 * i + 1] = kHex[b & 0x0f];
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

void Cleanse(std::string* s) {
  if (!s->empty()) OPENSSL_cleanse(s->data(), s->size());
  s->clear();
}

struct HmacKey::Impl {
  EVP_MAC_CTX* ctx = nullptr;
  ~Impl() { EVP_MAC_CTX_free(ctx); }
};

HmacKey::HmacKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HmacKey::HmacKey(HmacKey&&) noexcept = default;
HmacKey& HmacKey::operator=(HmacKey&&) noexcept = default;
HmacKey::~HmacKey() = default;

Result<HmacKey> HmacKey::Create(HashAlgorithm algorithm, std::string_view key) {
  auto impl = std::make_unique<Impl>();
  EVP_MAC* mac = FetchedHmac();
  if (mac != nullptr) impl->ctx = EVP_MAC_CTX_new(mac);
  if (impl->ctx == nullptr) return Status::Internal("OpenSSL HMAC unavailable");
  char digest_name[16];
  snprintf(digest_name, sizeof(digest_name), "%s", OpenSslName(algorithm));
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end()};
  // An empty key is legal HMAC; OpenSSL wants a non-null pointer for it.
  static const unsigned char kEmpty = 0;
  const auto* key_bytes =
      key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  if (EVP_MAC_init(impl->ctx, key_bytes, key.size(), params) != 1) {
    return Status::Internal("OpenSSL HMAC key setup failed");
  }
  return HmacKey(std::move(impl));
}

bool HmacKey::Sign(std::string_view data, std::string* mac) const {
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  // A null key re-initialises the context with the key it already holds.
  if (EVP_MAC_init(impl_->ctx, nullptr, 0, nullptr) != 1 ||
      EVP_MAC_update(impl_->ctx, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1 ||
      EVP_MAC_final(impl_->ctx, out, &len, sizeof(out)) != 1) {
    mac->clear();
    return false;
  }
  mac->assign(reinterpret_cast<char*>(out), len);
  return true;
}

}  // namespace mediagate
