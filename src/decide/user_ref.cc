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

bool IsUserRef(std::string_view ref) {
  if (ref.size() != 16 || ref[0] != 'u') return false;
  for (char c : ref.substr(1)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace mediagate
