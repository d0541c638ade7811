// UserRefKey: the opaque, non-reversible reference of a subscriber that
// mediagate hands to nginx (X-Mediagate-User) and the download log carries.
//
// A reference is "u" + the first 15 hex digits of HMAC-SHA256(K, email), K a
// key derived from the token secret: it cannot be reversed or correlated
// across deployments without that secret. The decider computes it for every
// request; sharing detection (src/store/sharing_store.h) resolves one back
// to an email by computing the reference of every subscriber. One derivation
// for both. Immutable after creation; Ref() is thread-compatible.
#ifndef MEDIAGATE_DECIDE_USER_REF_H_
#define MEDIAGATE_DECIDE_USER_REF_H_

#include <memory>
#include <string>
#include <string_view>

#include "mediagate/secret.h"

namespace mediagate {

class HmacKey;

class UserRefKey {
 public:
  // The key for `token_secret`. When OpenSSL fails, every Ref() is "unknown".
  explicit UserRefKey(const Secret& token_secret);
  ~UserRefKey();
  UserRefKey(UserRefKey&&) noexcept;
  UserRefKey& operator=(UserRefKey&&) noexcept;

  // "u" + 15 lowercase hex digits for `email`; "unknown" if the key could
  // not be made or the MAC failed.
  std::string Ref(const std::string& email) const;

 private:
  std::unique_ptr<HmacKey> key_;  // null if OpenSSL failed
};

// True when `ref` has the shape Ref() gives a subscriber: "u" and 15
// lowercase hex digits (not "unknown", "public" or "").
bool IsUserRef(std::string_view ref);

}  // namespace mediagate

#endif  // MEDIAGATE_DECIDE_USER_REF_H_
