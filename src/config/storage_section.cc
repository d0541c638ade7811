// [storage] section.
#include <regex>

#include "config/sections.h"
#include "mediagate/presigner.h"
#include "config/secret_loader.h"

namespace mediagate {

Status LoadStorageSection(const SectionContext& ctx, StorageConfig* out) {
  ConfigSection sec(ctx.file, *ctx.root, "storage");
  Status s;
  if (!(s = sec.OneOf("backend", {"s3", "local"}, &out->backend)).ok()) return s;
  if (!(s = sec.String("endpoint", &out->endpoint)).ok()) return s;
  if (!(s = sec.String("region", &out->region)).ok()) return s;
  if (!(s = sec.String("bucket", &out->bucket)).ok()) return s;
  if (!(s = sec.OneOf("addressing", {"virtual", "path"}, &out->addressing)).ok()) return s;
  if (!(s = sec.String("access_key_id", &out->access_key_id)).ok()) return s;
  if (!(s = sec.String("secret_access_key_file", &out->secret_access_key_file)).ok()) {
    return s;
  }
  if (!(s = sec.String("session_token_file", &out->session_token_file)).ok()) return s;
  if (!(s = sec.Int("expires_seconds", 1, 604800, &out->expires_seconds)).ok()) return s;
  if (!(s = sec.String("local_url", &out->local_url)).ok()) return s;
  if (!(s = sec.Finish()).ok()) return s;

  if (out->backend == "local") {
    static const std::regex kLocalUrl(R"(^http://[A-Za-z0-9.:\[\]-]+(/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-])?$)");
    if (!std::regex_match(out->local_url, kLocalUrl)) {
      return sec.Error("local_url", "must be http://HOST[:PORT][/PATH] with no trailing "
                                    "'/', e.g. \"http://127.0.0.1:8089\"");
    }
    return Status::Ok();
  }

  if (const char* id = (*ctx.env)("MEDIAGATE_S3_ACCESS_KEY_ID"); id && *id) {
    out->access_key_id = id;
  }
  if (out->access_key_id.empty()) {
    return sec.Error("access_key_id",
                     "required for backend \"s3\" (or set $MEDIAGATE_S3_ACCESS_KEY_ID)");
  }
  auto secret = LoadSecret(ctx.file + ": storage.secret_access_key_file",
                           out->secret_access_key_file, "MEDIAGATE_S3_SECRET_ACCESS_KEY",
                           *ctx.env, true, ctx.warnings);
  if (!secret.ok()) return secret.status();
  out->secret_access_key = std::move(*secret);
  auto token = LoadSecret(ctx.file + ": storage.session_token_file",
                          out->session_token_file, "MEDIAGATE_S3_SESSION_TOKEN",
                          *ctx.env, false, ctx.warnings);
  if (!token.ok()) return token.status();
  out->session_token = std::move(*token);

  // The presigner owns the endpoint/bucket/region rules; reuse them here.
  auto presigner = Presigner::Create(*out);
  if (!presigner.ok()) {
    return Status::InvalidArgument(ctx.file + ": " + presigner.status().message());
  }
  return Status::Ok();
}

}  // namespace mediagate
