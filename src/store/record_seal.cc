// RecordSeal: key derivation and the sealed value layout.
#include "store/record_seal.h"

#include "base/crypto.h"

namespace mediagate {
namespace {

// The derivation label: this key seals Redis records and nothing else.
constexpr char kLabel[] = "mediagate redis record seal v2";
// Starts every sealed value, so a value of another format is told apart.
constexpr char kMagic[] = "mg2";

}  // namespace

Result<RecordSeal> RecordSeal::Create(const Secret& token_secret) {
  auto hmac = HmacKey::Create(HashAlgorithm::kSha256, token_secret.Reveal());
  if (!hmac.ok()) return hmac.status().Annotate("record seal");
  std::string derived;
  if (!hmac->Sign(kLabel, &derived)) return Status::Internal("record seal: HMAC failed");
  auto key = AeadKey::Create(derived);
  Cleanse(&derived);
  if (!key.ok()) return key.status().Annotate("record seal");
  return RecordSeal(std::move(*key));
}

std::optional<std::string> RecordSeal::Seal(const std::string& redis_key,
                                            const std::string& value) const {
  auto sealed = key_.Seal(redis_key, value);
  if (!sealed) return std::nullopt;
  return kMagic + *sealed;
}

std::optional<std::string> RecordSeal::Open(const std::string& redis_key,
                                            const std::string& sealed) const {
  const std::string magic = kMagic;
  if (sealed.compare(0, magic.size(), magic) != 0) return std::nullopt;
  return key_.Open(redis_key, std::string_view(sealed).substr(magic.size()));
}

}  // namespace mediagate
