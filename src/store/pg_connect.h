// ConnectPostgres: one libpqxx connection to the primary of [database] (the
// read-write server of a multi-host url), for the commands that write
// (migrate, ingest).
#ifndef MEDIAGATE_STORE_PG_CONNECT_H_
#define MEDIAGATE_STORE_PG_CONNECT_H_

#include <memory>
#include <pqxx/connection>

#include "mediagate/config.h"
#include "mediagate/result.h"

namespace mediagate {

// A new open connection. InvalidArgument for a bad [database] (conninfo,
// password); Unavailable "cannot connect to PostgreSQL: ..." otherwise.
Result<std::unique_ptr<pqxx::connection>> ConnectPostgres(const DatabaseConfig& config);

}  // namespace mediagate

#endif  // MEDIAGATE_STORE_PG_CONNECT_H_
