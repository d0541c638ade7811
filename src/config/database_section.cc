// [database]: PostgreSQL. Validated by building the libpq connection string.
#include "config/conninfo.h"
#include "config/sections.h"

namespace mediagate {
namespace {

std::string RedactUrl(const std::string& url) {
  return ConnInfoHasPassword(url) ? "<redacted: holds a password>" : url;
}
std::string PasswordNote(const DatabaseConfig& d) {
  return "password: " + d.password.Redacted();
}

const std::vector<ConfigKey<DatabaseConfig>> kKeys = {
    StringKey("url", &DatabaseConfig::url, "libpq connection string or URI, no password")
        .Display(RedactUrl),
    StringKey("password_file", &DatabaseConfig::password_file,
              "Optional file holding the password ($MEDIAGATE_DATABASE_PASSWORD "
              "overrides)")
        .Note(PasswordNote),
    StringKey("user_query", &DatabaseConfig::user_query,
              "One row for $1 = the email: every token.hash_value field, status, "
              "optional paid_until"),
    StringKey("file_query", &DatabaseConfig::file_query,
              "One row for $1 = the file id: object_key and version"),
    StringKey("show_query", &DatabaseConfig::show_query,
              "Feeds: one row for $1 = the show slug (see the README for the columns)"),
    StringKey("episodes_query", &DatabaseConfig::episodes_query,
              "Feeds: the show's episodes for $1 = the slug, newest first"),
    IntKey("connect_timeout_ms", &DatabaseConfig::connect_timeout_ms, 1, 600000,
           "Connection timeout in milliseconds"),
    IntKey("statement_timeout_ms", &DatabaseConfig::statement_timeout_ms, 1, 600000,
           "Per-statement timeout in milliseconds"),
};

Status Validate(const SectionContext& ctx, const ConfigSection& sec, DatabaseConfig* out) {
  if (out->url.empty()) return sec.Error("url", "must not be empty");
  if (out->user_query.find("$1") == std::string::npos) {
    return sec.Error("user_query", "must use the parameter $1");
  }
  if (out->file_query.find("$1") == std::string::npos) {
    return sec.Error("file_query", "must use the parameter $1");
  }
  for (const char* key : {"show_query", "episodes_query"}) {
    const std::string& q = key[0] == 's' ? out->show_query : out->episodes_query;
    if (q.find("$1") == std::string::npos) return sec.Error(key, "must use the parameter $1");
  }
  Status s = InFile(ctx, BuildConnectionString(*out).status());
  if (!s.ok()) return s;
  if (ConnInfoHasPassword(out->url)) {
    ctx.warnings->push_back(
        "database.url holds a password; move it to "
        "database.password_file or $MEDIAGATE_DATABASE_PASSWORD");
  }
  return LoadSectionSecret(ctx, sec, "password_file", out->password_file,
                           "MEDIAGATE_DATABASE_PASSWORD", false, &out->password);
}

}  // namespace

SectionDef DatabaseSection() {
  return MakeSection("database", &Config::database, kKeys, Validate);
}

}  // namespace mediagate
