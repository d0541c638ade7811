// AeadKey: EVP_aes_256_gcm with a fresh context per call.
#include "base/aead.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "base/crypto.h"

namespace mediagate {
namespace {

constexpr int kNonce = 12;
constexpr int kTag = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

unsigned char* Bytes(std::string* s) { return reinterpret_cast<unsigned char*>(s->data()); }

}  // namespace

Result<AeadKey> AeadKey::Create(std::string_view key) {
  if (key.size() != kKeySize) return Status::InvalidArgument("AES-256-GCM needs a 32-byte key");
  return AeadKey(std::string(key));
}

AeadKey::~AeadKey() { Cleanse(&key_); }

std::optional<std::string> AeadKey::Seal(std::string_view associated,
                                         std::string_view plaintext) const {
  std::string out(kNonce + plaintext.size() + kTag, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  unsigned char* nonce = Bytes(&out);
  unsigned char* body = nonce + kNonce;
  if (ctx == nullptr || RAND_bytes(nonce, kNonce) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key_), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(associated),
                        static_cast<int>(associated.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), body, &len, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), body + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, body + plaintext.size()) !=
          1) {
    return std::nullopt;
  }
  return out;
}

std::optional<std::string> AeadKey::Open(std::string_view associated,
                                         std::string_view sealed) const {
  if (sealed.size() < kOverhead) return std::nullopt;
  const size_t body_size = sealed.size() - kOverhead;
  std::string out(body_size, '\0');
  std::string tag(sealed.substr(kNonce + body_size));
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  if (ctx == nullptr ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key_), Bytes(sealed)) !=
          1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(associated),
                        static_cast<int>(associated.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), Bytes(&out), &len, Bytes(sealed) + kNonce,
                        static_cast<int>(body_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, Bytes(&tag)) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), Bytes(&out) + len, &len) != 1) {
    return std::nullopt;
  }
  return out;
}

}  // namespace mediagate
