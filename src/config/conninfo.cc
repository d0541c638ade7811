// libpq connection strings: parsed by libpq itself, never by hand.
#include "config/conninfo.h"

#include <libpq-fe.h>

#include <algorithm>

namespace mediagate {
namespace {

std::string Quote(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

// libpq quotes parts of the connection string in its errors, and those parts
// can hold the password: drop every quoted span.
std::string WithoutQuotedParts(const std::string& msg) {
  std::string out;
  bool quoted = false;
  for (char c : msg) {
    if (c == '"') {
      if (!quoted) out += "\"...\"";
      quoted = !quoted;
    } else if (!quoted && c != '\n') {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

bool ConnInfoHasPassword(const std::string& url) {
  PQconninfoOption* options = PQconninfoParse(url.c_str(), nullptr);
  if (options == nullptr) return false;
  bool found = false;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    found |= std::string(o->keyword) == "password" && o->val != nullptr && *o->val;
  }
  PQconninfoFree(options);
  return found;
}

Result<std::string> BuildConnectionString(const DatabaseConfig& config, PgTarget target,
                                          const char* application) {
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(config.url.c_str(), &err);
  if (options == nullptr) {
    std::string msg = err != nullptr ? err : "out of memory";
    if (err != nullptr) PQfreemem(err);
    return Status::InvalidArgument("database.url: " + WithoutQuotedParts(msg));
  }
  std::string out;
  std::string extra_options;
  bool has_app_name = false;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string key = o->keyword;
    if (key == "options") {
      extra_options = o->val;
      continue;
    }
    if (key == "connect_timeout" || (key == "password" && !config.password.empty()) ||
        (key == "target_session_attrs" && target == PgTarget::kPrimary)) {
      continue;
    }
    has_app_name |= key == "application_name";
    out += key + "=" + Quote(o->val) + " ";
  }
  PQconninfoFree(options);
  const int64_t connect_s = std::max<int64_t>(2, (config.connect_timeout_ms + 999) / 1000);
  out += "connect_timeout=" + std::to_string(connect_s) + " ";
  out += "options=" +
         Quote("-c statement_timeout=" + std::to_string(config.statement_timeout_ms) +
               (extra_options.empty() ? "" : " " + extra_options)) +
         " ";
  if (!has_app_name) out += "application_name=" + Quote(application) + " ";
  if (target == PgTarget::kPrimary) out += "target_session_attrs='read-write' ";
  if (!config.password.empty()) out += "password=" + Quote(config.password.Reveal());
  return out;
}
}  // namespace mediagate
