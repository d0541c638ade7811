// Decider: the pure decision for one auth_request subrequest.
//
//   method -> parse URI -> user -> token -> suspension -> entitlement -> file -> upstream
//
// A public episode's link (<feed.public_media_prefix>/<file id>/<name>)
// skips the user steps and is allowed only for a file public at that time.
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

class UserRefKey;

struct AuthRequest {
  std::string_view uri;     // REQUEST_URI: the client's original URI
  std::string_view method;  // REQUEST_METHOD
};

// A subscriber's token and entitlement, checked as for a premium link.
struct SubscriberCheck {
  // kAllow (token valid, entitled), kInactive (token valid, not entitled),
  // kShared (token valid, suspended for sharing), kBadToken, kUnknownUser or
  // kUnavailable.
  Reason reason = Reason::kUnavailable;
  std::string detail;    // internal reason for logs
  std::string user_ref;  // opaque, non-reversible user reference
  UserRecord user;       // meaningful for kAllow and kInactive
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

  // The user -> token -> entitlement steps of Decide() for `email` and
  // `token` (feeds use the same verifier and rules as media links).
  SubscriberCheck CheckSubscriber(const std::string& email, std::string_view token);

 private:
  Decider(const Config& config, TokenGenerator tokens, Upstream* upstream, RecordStore* records,
          Clock* clock);
  // <feed.public_media_prefix>/<file id>/<name>: allowed for anyone once the
  // file's public_at has come, else not_found.
  Decision DecidePublic(std::string_view uri);
  // file -> upstream for an authorized request (d carries its user and file
  // refs); with public_only, only a file that is public at `now`.
  Decision Allow(const std::string& file_id, int64_t now, bool public_only, Decision d);

  UrlConfig url_;
  std::string public_media_prefix_;  // with a trailing '/'
  EntitlementConfig entitlement_;
  TokenGenerator tokens_;
  Upstream* upstream_;
  RecordStore* records_;
  std::unique_ptr<UserRefKey> user_refs_;  // X-Mediagate-User
  Clock* clock_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_DECIDER_H_
