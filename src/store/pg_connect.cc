// ConnectPostgres: libpqxx's connect exception becomes a Status here.
#include "store/pg_connect.h"

#include <pqxx/pqxx>

#include "base/first_line.h"
#include "config/conninfo.h"

namespace mediagate {

Result<std::unique_ptr<pqxx::connection>> ConnectPostgres(const DatabaseConfig& config) {
  auto conninfo = BuildConnectionString(config, PgTarget::kPrimary);
  if (!conninfo.ok()) return conninfo.status();
  try {
    return std::make_unique<pqxx::connection>(*conninfo);
  } catch (const std::exception& e) {
    return Status::Unavailable("cannot connect to PostgreSQL: " + FirstLineOf(e.what()));
  }
}

}  // namespace mediagate
