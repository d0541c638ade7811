// [token] section.
#include "config/sections.h"
#include "token/django_clock.h"
#include "token/hash_template.h"
#include "config/secret_loader.h"

namespace mediagate {

Status LoadTokenSection(const SectionContext& ctx, TokenConfig* out) {
  ConfigSection sec(ctx.file, *ctx.root, "token");
  Status s;
  if (!(s = sec.String("secret_file", &out->secret_file)).ok()) return s;
  if (!(s = sec.StringList("fallback_secret_files", &out->fallback_secret_files)).ok()) {
    return s;
  }
  if (!(s = sec.String("key_salt", &out->key_salt)).ok()) return s;
  if (!(s = sec.OneOf("algorithm", {"sha256", "sha1"}, &out->algorithm)).ok()) return s;
  if (!(s = sec.Bool("accept_legacy", &out->accept_legacy)).ok()) return s;
  if (!(s = sec.String("hash_value", &out->hash_value)).ok()) return s;
  if (!(s = sec.Int("timeout_seconds", 0, int64_t{1} << 40, &out->timeout_seconds)).ok()) {
    return s;
  }
  if (!(s = sec.String("time_zone", &out->time_zone)).ok()) return s;
  if (!(s = sec.Finish()).ok()) return s;

  if (out->key_salt.empty()) return sec.Error("key_salt", "must not be empty");
  auto tmpl = HashTemplate::Parse(out->hash_value);
  if (!tmpl.ok()) return sec.Error("hash_value", tmpl.status().message());
  if (tmpl->field_names().empty()) {
    return sec.Error("hash_value", "names no user field; tokens would not be "
                                   "bound to a user");
  }
  auto clock = DjangoClock::Create(out->time_zone);
  if (!clock.ok()) return sec.Error("time_zone", clock.status().message());

  auto secret = LoadSecret(ctx.file + ": token.secret_file", out->secret_file,
                           "MEDIAGATE_TOKEN_SECRET", *ctx.env, true, ctx.warnings);
  if (!secret.ok()) return secret.status();
  out->secret = std::move(*secret);
  out->fallback_secrets.clear();
  for (size_t i = 0; i < out->fallback_secret_files.size(); ++i) {
    auto fallback = LoadSecret(
        ctx.file + ": token.fallback_secret_files[" + std::to_string(i) + "]",
        out->fallback_secret_files[i], nullptr, *ctx.env, true, ctx.warnings);
    if (!fallback.ok()) return fallback.status();
    out->fallback_secrets.push_back(std::move(*fallback));
  }
  return Status::Ok();
}

}  // namespace mediagate
