// Migrate: libpqxx, one transaction per migration.
#include "store/migrate.h"

#include <pqxx/pqxx>

#include "base/first_line.h"
#include "store/pg_connect.h"
#include "schema_sql.h"

namespace mediagate {
namespace {

constexpr long kAdvisoryLock = 0x6d65646961676174;  // "mediagat"

}  // namespace

Status Migrate(const DatabaseConfig& config, std::string* report) {
  auto connected = ConnectPostgres(config);
  if (!connected.ok()) return connected.status();
  std::unique_ptr<pqxx::connection> conn = std::move(*connected);
  for (const Migration& m : kMigrations) {
    try {
      pqxx::work tx(*conn);
      tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kAdvisoryLock) + ")");
      tx.exec(
          "CREATE TABLE IF NOT EXISTS mediagate_schema_migrations ("
          " version integer PRIMARY KEY, name text NOT NULL,"
          " applied_at timestamptz NOT NULL DEFAULT now())");
      const pqxx::result done =
          tx.exec("SELECT 1 FROM mediagate_schema_migrations WHERE version = " +
                  std::to_string(m.version));
      if (!done.empty()) {
        tx.commit();
        continue;
      }
      tx.exec(m.sql);
      tx.exec("INSERT INTO mediagate_schema_migrations (version, name) VALUES (" +
              std::to_string(m.version) + ", " + tx.quote(m.name) + ")");
      tx.commit();
      *report += std::string("applied ") + m.name + "\n";
    } catch (const pqxx::broken_connection& e) {
      return Status::Unavailable("PostgreSQL connection lost: " + FirstLineOf(e.what()));
    } catch (const std::exception& e) {
      return Status::Internal(std::string("migration ") + m.name +
                              " failed (rolled back): " + FirstLineOf(e.what()));
    }
  }
  if (report->empty()) *report = "schema is up to date\n";
  return Status::Ok();
}

}  // namespace mediagate
