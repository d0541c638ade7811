// Applying the built-in schema (sql/*.sql, embedded) to PostgreSQL.
#ifndef MEDIAGATE_MIGRATE_H_
#define MEDIAGATE_MIGRATE_H_

#include <string>

#include "mediagate/config.h"
#include "mediagate/status.h"

namespace mediagate {

// Applies every migration newer than the database's, each in its own
// transaction, recorded in mediagate_schema_migrations and serialised by an
// advisory lock, so concurrent runs are safe and a second run is a no-op.
// *report lists what was applied. Unavailable if PostgreSQL cannot be reached,
// Internal if a migration fails (it is rolled back).
Status Migrate(const DatabaseConfig& config, std::string* report);

}  // namespace mediagate

#endif  // MEDIAGATE_MIGRATE_H_
