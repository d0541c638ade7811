// [token]: how links are minted and checked (Django-compatible). Validated by
// the TokenGenerator's own rules (template, clock, algorithm), then by
// building one with the loaded secrets.
#include "config/sections.h"
#include "mediagate/token.h"

namespace mediagate {
namespace {

std::string SecretNote(const TokenConfig& t) { return "secret: " + t.secret.Redacted(); }

std::string FallbackNote(const TokenConfig& t) {
  std::string out;
  for (const Secret& s : t.fallback_secrets) {
    out += (out.empty() ? "" : "\n") + ("fallback: " + s.Redacted());
  }
  return out.empty() ? "fallbacks: none" : out;
}

const std::vector<ConfigKey<TokenConfig>> kKeys = {
    StringKey("secret_file", &TokenConfig::secret_file,
              "File holding Django's SECRET_KEY ($MEDIAGATE_TOKEN_SECRET overrides)")
        .Note(SecretNote),
    StringListKey("fallback_secret_files", &TokenConfig::fallback_secret_files,
                  "SECRET_KEY_FALLBACKS: files tried in order after secret_file")
        .Note(FallbackNote),
    StringKey("key_salt", &TokenConfig::key_salt, "Django's key_salt"),
    OneOfKey("algorithm", &TokenConfig::algorithm, {"sha256", "sha1"},
             "HMAC hash (Django >= 3.1: sha256)"),
    BoolKey("accept_legacy", &TokenConfig::accept_legacy,
            "Also accept Django 3.2's legacy sha1 and day-count tokens"),
    StringKey("hash_value", &TokenConfig::hash_value,
              "Hash value template: {field} by column name, {ts} the token timestamp"),
    IntKey("timeout_seconds", &TokenConfig::timeout_seconds, 0, int64_t{1} << 40,
           "Maximum token age in seconds (needs {ts} in hash_value to expire anything)"),
    StringKey("time_zone", &TokenConfig::time_zone,
              "Django's settings.TIME_ZONE (IANA name), for timestamps"),
};

Status Validate(const SectionContext& ctx, const ConfigSection& sec, TokenConfig* out) {
  if (out->key_salt.empty()) return sec.Error("key_salt", "must not be empty");
  // Without {ts} the MAC does not cover the timestamp (as in Django with such
  // a template): anyone can restamp a token, so no age limit holds.
  if (out->timeout_seconds < TokenConfig().timeout_seconds &&
      out->hash_value.find("{ts}") == std::string::npos) {
    ctx.warnings->push_back(
        "token.timeout_seconds has no effect: token.hash_value lacks {ts}, so the token "
        "timestamp is not signed and links never expire");
  }
  Status s = InFile(ctx, TokenGenerator::CheckConfig(*out));
  if (!s.ok()) return s;
  s = LoadSectionSecret(ctx, sec, "secret_file", out->secret_file, "MEDIAGATE_TOKEN_SECRET",
                        true, &out->secret);
  if (!s.ok()) return s;
  out->fallback_secrets.clear();
  out->fallback_secrets.resize(out->fallback_secret_files.size());
  for (size_t i = 0; i < out->fallback_secret_files.size(); ++i) {
    s = LoadSectionSecret(ctx, sec, "fallback_secret_files[" + std::to_string(i) + "]",
                          out->fallback_secret_files[i], nullptr, true,
                          &out->fallback_secrets[i]);
    if (!s.ok()) return s;
  }
  return InFile(ctx, TokenGenerator::Create(*out).status());
}

}  // namespace

SectionDef TokenSection() { return MakeSection("token", &Config::token, kKeys, Validate); }

}  // namespace mediagate
