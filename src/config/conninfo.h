// The libpq connection string mediagate opens PostgreSQL with.
//
// Parsing uses libpq's PQconninfoParse (the C library only, no connection is
// made), so that [database] can be validated when the config is loaded.
// Pure functions; thread-safe.
#ifndef MEDIAGATE_CONFIG_CONNINFO_H_
#define MEDIAGATE_CONFIG_CONNINFO_H_

#include <string>

#include "mediagate/config.h"
#include "mediagate/result.h"

namespace mediagate {

// Which server of a multi-host url (host=a,b) a connection needs.
enum class PgTarget {
  kAsConfigured,  // the url's own target_session_attrs: decisions may read a standby
  kPrimary,       // target_session_attrs=read-write, whatever the url says: writes,
                  // LISTEN and NOTIFY (a standby neither runs nor relays them)
};

// The libpq connection string for `config`: its url plus connect_timeout,
// statement_timeout (as options) and the password; for kPrimary, the url's
// target_session_attrs replaced. InvalidArgument if the url does not parse
// (the message never contains the password).
// `application` names the connection in pg_stat_activity unless the url
// names it already.
Result<std::string> BuildConnectionString(const DatabaseConfig& config,
                                          PgTarget target = PgTarget::kAsConfigured,
                                          const char* application = "mediagate");

// True when the libpq connection string `url` carries a password.
bool ConnInfoHasPassword(const std::string& url);

}  // namespace mediagate

#endif  // MEDIAGATE_CONFIG_CONNINFO_H_
