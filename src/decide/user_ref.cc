// UserRefKey: HMAC-SHA256 over the email with a key derived from the token
// secret.
#include "decide/user_ref.h"

#include "base/crypto.h"

namespace mediagate {

UserRefKey::UserRefKey(const Secret& token_secret) {
  auto key = Digest(HashAlgorithm::kSha256, "mediagate.user-ref\n" + token_secret.Reveal());
  if (!key.ok()) return;
  auto hmac = HmacKey::Create(HashAlgorithm::kSha256, *key);
  Cleanse(&*key);
  if (hmac.ok()) key_ = std::make_unique<HmacKey>(std::move(*hmac));
}

UserRefKey::~UserRefKey() = default;
UserRefKey::UserRefKey(UserRefKey&&) noexcept = default;
UserRefKey& UserRefKey::operator=(UserRefKey&&) noexcept = default;

std::string UserRefKey::Ref(const std::string& email) const {
  std::string mac;
  if (!key_ || !key_->Sign(email, &mac)) return "unknown";
  return "u" + HexEncode(mac).substr(0, 15);
}

}  // namespace mediagate
