// Decider::Decide and ReasonName.
#include "mediagate/decider.h"

#include "decide/user_ref.h"
#include "decide/entitlement.h"
#include "mediagate/media_url.h"

namespace mediagate {

const char* ReasonName(Reason reason) {
  switch (reason) {
    case Reason::kAllow: return "allow";
    case Reason::kBadRequest: return "bad_request";
    case Reason::kBadToken: return "bad_token";
    case Reason::kUnknownUser: return "unknown_user";
    case Reason::kInactive: return "inactive";
    case Reason::kNotFound: return "not_found";
    case Reason::kMethod: return "method";
    case Reason::kUnavailable: return "unavailable";
    case Reason::kShared: return "shared";
  }
  return "unavailable";
}

Result<std::unique_ptr<Decider>> Decider::Create(const Config& config, Upstream* upstream,
                                                 RecordStore* records, Clock* clock) {
  auto tokens = TokenGenerator::Create(config.token);
  if (!tokens.ok()) return tokens.status();
  return Create(config, std::move(*tokens), upstream, records, clock);
}

std::unique_ptr<Decider> Decider::Create(const Config& config, TokenGenerator tokens,
                                         Upstream* upstream, RecordStore* records,
                                         Clock* clock) {
  return std::unique_ptr<Decider>(
      new Decider(config, std::move(tokens), upstream, records, clock));
}

Decider::Decider(const Config& config, TokenGenerator tokens, Upstream* upstream,
                 RecordStore* records, Clock* clock)
    : url_(config.url),
      public_media_prefix_(config.feed.public_media_prefix + "/"),
      entitlement_(config.entitlement),
      tokens_(std::move(tokens)),
      upstream_(upstream),
      records_(records),
      user_refs_(std::make_unique<UserRefKey>(config.token.secret)),
      clock_(clock) {}

Decider::~Decider() = default;

SubscriberCheck Decider::CheckSubscriber(const std::string& email, std::string_view token) {
  SubscriberCheck c;
  c.user_ref = user_refs_->Ref(email);
  auto fail = [&c](Reason reason, std::string detail) {
    c.reason = reason;
    c.detail = std::move(detail);
    return c;
  };
  Lookup<UserRecord> user = records_->FindUser(email);
  if (user.state == LookupState::kUnavailable) {
    return fail(Reason::kUnavailable, "user lookup: " + user.error);
  }
  if (user.state == LookupState::kMissing) return fail(Reason::kUnknownUser, "");

  const int64_t now = clock_->NowUnix();
  const TokenVerdict verdict = tokens_.Check(user.record.fields, token, now);
  if (verdict == TokenVerdict::kMissingField) {
    return fail(Reason::kUnavailable,
                "user_query does not return every field of token.hash_value");
  }
  if (verdict != TokenVerdict::kValid)
    return fail(Reason::kBadToken, TokenVerdictName(verdict));
  c.user = std::move(user.record);
  if (c.user.suspended) return fail(Reason::kShared, "suspended for sharing");
  if (!IsEntitled(entitlement_, c.user, now)) {
    return fail(Reason::kInactive, "status " + c.user.status.substr(0, 32));
  }
  c.reason = Reason::kAllow;
  return c;
}

Decision Decider::Decide(const AuthRequest& request) {
  Decision d;
  auto deny = [&d](Reason reason, std::string detail) {
    d.reason = reason;
    d.detail = std::move(detail);
    return d;
  };
  if (request.method != "GET" && request.method != "HEAD") {
    return deny(Reason::kMethod, "method " + std::string(request.method.substr(0, 16)));
  }
  if (request.uri.substr(0, public_media_prefix_.size()) == public_media_prefix_) {
    return DecidePublic(request.uri);
  }
  UrlParseResult parsed =
      ParseMediaUri(request.uri, url_.prefix, static_cast<size_t>(url_.max_uri_bytes));
  if (!parsed.ok()) return deny(Reason::kBadRequest, UrlRejectName(parsed.reject));
  const MediaRequest& req = parsed.request;
  d.file_id = req.file_id;
  SubscriberCheck subscriber = CheckSubscriber(req.email, req.token);
  d.user_ref = std::move(subscriber.user_ref);
  if (subscriber.reason != Reason::kAllow) {
    return deny(subscriber.reason, std::move(subscriber.detail));
  }

  const int64_t now = clock_->NowUnix();
  return Allow(req.file_id, now, false, std::move(d));
}

Decision Decider::DecidePublic(std::string_view uri) {
  Decision d;
  d.user_ref = "public";
  const UrlParseResult parsed =
      ParsePublicMediaUri(uri, public_media_prefix_.substr(0, public_media_prefix_.size() - 1),
                          static_cast<size_t>(url_.max_uri_bytes));
  if (!parsed.ok()) {
    d.reason = Reason::kBadRequest;
    d.detail = UrlRejectName(parsed.reject);
    return d;
  }
  d.file_id = parsed.request.file_id;
  return Allow(parsed.request.file_id, clock_->NowUnix(), true, std::move(d));
}

Decision Decider::Allow(const std::string& file_id, int64_t now, bool public_only, Decision d) {
  auto deny = [&d](Reason reason, std::string detail) {
    d.reason = reason;
    d.detail = std::move(detail);
    return d;
  };
  Lookup<FileRecord> file = records_->FindFile(file_id);
  if (file.state == LookupState::kUnavailable) {
    return deny(Reason::kUnavailable, "file lookup: " + file.error);
  }
  if (file.state == LookupState::kMissing) return deny(Reason::kNotFound, "");
  if (public_only && !(file.record.public_at && *file.record.public_at <= now)) {
    return deny(Reason::kNotFound, "not public");  // a premium file is not there for anyone
  }

  Result<std::string> upstream = upstream_->Locate(file.record, now);
  if (!upstream.ok()) {
    return deny(Reason::kNotFound, "object key: " + upstream.status().message());
  }
  Result<std::string> cache_key = upstream_->CacheKey(file.record);
  if (!cache_key.ok()) return deny(Reason::kUnavailable, cache_key.status().message());
  d.reason = Reason::kAllow;
  d.upstream = std::move(*upstream);
  d.cache_key = std::move(*cache_key);
  return d;
}

}  // namespace mediagate
