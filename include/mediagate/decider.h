// Decider: the pure decision for one auth_request subrequest.
//
//   method -> parse URI -> user -> token -> entitlement -> file -> upstream
//
// The order matters: nothing about a file is revealed (not_found) before the
// token and the subscription have been verified, and every backend failure
// ends in kUnavailable, never in an allow. Not thread-safe (one per worker).
#ifndef MEDIAGATE_DECIDER_H_
#define MEDIAGATE_DECIDER_H_

#include <memory>
#include <string>
#include <string_view>

#include "mediagate/clock.h"
#include "mediagate/config.h"
#include "mediagate/decision.h"
#include "mediagate/record_store.h"
#include "mediagate/result.h"
#include "mediagate/token.h"
#include "mediagate/upstream.h"

namespace mediagate {

class HmacKey;

struct AuthRequest {
  std::string_view uri;     // REQUEST_URI: the client's original URI
  std::string_view method;  // REQUEST_METHOD
};

class Decider {
 public:
  // Builds the token checker from config.token. The pointers must outlive
  // the Decider. InvalidArgument/NotFound if the token config is unusable.
  static Result<std::unique_ptr<Decider>> Create(const Config& config, Upstream* upstream,
                                                 RecordStore* records, Clock* clock);
  // The same with a token checker the caller already built from config.token.
  static std::unique_ptr<Decider> Create(const Config& config, TokenGenerator tokens,
                                         Upstream* upstream, RecordStore* records,
                                         Clock* clock);

  ~Decider();

  Decision Decide(const AuthRequest& request);

 private:
  Decider(const Config& config, TokenGenerator tokens, Upstream* upstream, RecordStore* records,
          Clock* clock);
  std::string UserRef(const std::string& email) const;

  UrlConfig url_;
  EntitlementConfig entitlement_;
  TokenGenerator tokens_;
  std::unique_ptr<HmacKey> user_ref_key_;  // null if OpenSSL failed
  Upstream* upstream_;
  RecordStore* records_;
  Clock* clock_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_DECIDER_H_
