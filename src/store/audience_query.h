// QueryAudience: the facts of the audience report from PostgreSQL.
//
// Reads only mediagate_downloads_daily, mediagate_sharing_flags and, when
// the built-in schema's tables exist, episode and media titles (a Django
// database has none: the report then names files by id). One read-only
// REPEATABLE READ transaction, so every figure comes from one snapshot;
// statement_timeout is raised to kReportStatementTimeoutMs for it (a year
// of rows is more than a worker's lookup), with a client-side bound one
// second longer (SocketDeadline). libpqxx exceptions are converted here and
// nowhere else. For the one-shot commands; not thread-safe.
#ifndef MEDIAGATE_STORE_AUDIENCE_QUERY_H_
#define MEDIAGATE_STORE_AUDIENCE_QUERY_H_

#include "mediagate/config.h"
#include "mediagate/result.h"
#include "report/audience_summary.h"

namespace mediagate {

constexpr int kReportStatementTimeoutMs = 60000;

// The facts for `period`: downloads per day and file, per app and per
// country within it, titles of those files, and every open sharing flag
// (newest first). Unavailable "PostgreSQL: <first line of the error>" when
// the database cannot be reached or a query fails (e.g. the tables are
// missing: `mediagate migrate` was not run).
Result<AudienceFacts> QueryAudience(const DatabaseConfig& config, const ReportPeriod& period);

}  // namespace mediagate

#endif  // MEDIAGATE_STORE_AUDIENCE_QUERY_H_
