// [storage]: where media objects live. Validated by building the presigner,
// which owns the endpoint, bucket and region rules.
#include <regex>

#include "config/sections.h"
#include "mediagate/presigner.h"

namespace mediagate {
namespace {

bool IsLocal(const StorageConfig& s) { return s.backend == "local"; }
bool IsS3(const StorageConfig& s) { return s.backend != "local"; }
std::string SecretNote(const StorageConfig& s) {
  return "secret_access_key: " + s.secret_access_key.Redacted();
}
std::string SessionTokenNote(const StorageConfig& s) {
  return "session_token: " + s.session_token.Redacted();
}

const std::vector<ConfigKey<StorageConfig>> kKeys = {
    OneOfKey("backend", &StorageConfig::backend, {"s3", "local"},
             "s3: presigned SigV4 URLs; local: files served by a loopback nginx server"),
    StringKey("endpoint", &StorageConfig::endpoint, "S3 endpoint, http(s)://host[:port]")
        .ShownIf(IsS3),
    StringKey("region", &StorageConfig::region, "SigV4 region (\"auto\" for R2)").ShownIf(IsS3),
    StringKey("bucket", &StorageConfig::bucket, "Bucket name").ShownIf(IsS3),
    OneOfKey("addressing", &StorageConfig::addressing, {"virtual", "path"},
             "virtual: bucket.host/key; path: host/bucket/key")
        .ShownIf(IsS3),
    StringKey("access_key_id", &StorageConfig::access_key_id,
              "Access key id ($MEDIAGATE_S3_ACCESS_KEY_ID overrides)")
        .ShownIf(IsS3),
    StringKey("secret_access_key_file", &StorageConfig::secret_access_key_file,
              "File holding the secret access key ($MEDIAGATE_S3_SECRET_ACCESS_KEY "
              "overrides)")
        .ShownIf(IsS3)
        .Note(SecretNote),
    StringKey("session_token_file", &StorageConfig::session_token_file,
              "Optional file holding a session token ($MEDIAGATE_S3_SESSION_TOKEN "
              "overrides)")
        .ShownIf(IsS3)
        .Note(SessionTokenNote),
    IntKey("expires_seconds", &StorageConfig::expires_seconds, 1, 604800,
           "Presigned URL lifetime; must cover the longest uncached slice download")
        .ShownIf(IsS3),
    StringKey("local_url", &StorageConfig::local_url,
              "backend = local: the loopback nginx server serving the media directory")
        .ShownIf(IsLocal),
    StringKey("parent_cache_url", &StorageConfig::parent_cache_url,
              "Several edges: http://HOST:PORT of the node running "
              "mediagate-parent-cache.conf (\"\": ask storage directly)"),
};

Status ValidateParent(const ConfigSection& sec, const StorageConfig& out) {
  static const std::regex kParentUrl(
      R"(^http://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5}$)");
  if (!out.parent_cache_url.empty() && !std::regex_match(out.parent_cache_url, kParentUrl)) {
    return sec.Error("parent_cache_url",
                     "must be \"\" or http://HOST:PORT with no path, e.g. "
                     "\"http://10.0.0.11:8090\"");
  }
  return Status::Ok();
}

Status ValidateLocal(const ConfigSection& sec, const StorageConfig& out) {
  static const std::regex kLocalUrl(
      R"(^http://[A-Za-z0-9.:\[\]-]+(/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-])?$)");
  if (!std::regex_match(out.local_url, kLocalUrl)) {
    return sec.Error("local_url",
                     "must be http://HOST[:PORT][/PATH] with no trailing "
                     "'/', e.g. \"http://127.0.0.1:8089\"");
  }
  return Status::Ok();
}

Status Validate(const SectionContext& ctx, const ConfigSection& sec, StorageConfig* out) {
  if (Status s = ValidateParent(sec, *out); !s.ok()) return s;
  if (IsLocal(*out)) return ValidateLocal(sec, *out);
  if (const char* id = (*ctx.env)("MEDIAGATE_S3_ACCESS_KEY_ID"); id && *id) {
    out->access_key_id = id;
  }
  if (out->access_key_id.empty()) {
    return sec.Error("access_key_id",
                     "required for backend \"s3\" (or set $MEDIAGATE_S3_ACCESS_KEY_ID)");
  }
  Status s = LoadSectionSecret(ctx, sec, "secret_access_key_file", out->secret_access_key_file,
                               "MEDIAGATE_S3_SECRET_ACCESS_KEY", true, &out->secret_access_key);
  if (!s.ok()) return s;
  s = LoadSectionSecret(ctx, sec, "session_token_file", out->session_token_file,
                        "MEDIAGATE_S3_SESSION_TOKEN", false, &out->session_token);
  if (!s.ok()) return s;
  return InFile(ctx, Presigner::Create(*out).status());
}

}  // namespace

SectionDef StorageSection() {
  return MakeSection("storage", &Config::storage, kKeys, Validate);
}

}  // namespace mediagate
