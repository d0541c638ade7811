// QueryAudience: five SELECTs in one snapshot.
#include "store/audience_query.h"

#include <chrono>
#include <pqxx/pqxx>

#include "base/first_line.h"
#include "config/conninfo.h"
#include "store/socket_deadline.h"

namespace mediagate {
namespace {

constexpr char kPeriod[] = " WHERE day BETWEEN $1::date AND $2::date";

std::vector<NamedCount> Counts(pqxx::work& tx, const std::string& column,
                               const std::string& first, const std::string& last) {
  std::vector<NamedCount> out;
  for (const pqxx::row& r : tx.exec_params("SELECT " + column +
                                               ", sum(downloads)::bigint FROM "
                                               "mediagate_downloads_daily" +
                                               kPeriod + " GROUP BY 1",
                                           first, last)) {
    out.push_back({r[0].c_str(), r[1].as<int64_t>()});
  }
  return out;
}

// Titles of the files counted in the period, from the built-in schema when
// its tables exist: the newest episode's title, else the media row's.
std::map<std::string, std::string> Titles(pqxx::work& tx, const std::string& first,
                                          const std::string& last) {
  const pqxx::row tables = tx.exec1(
      "SELECT to_regclass('mediagate_media') IS NOT NULL, "
      "to_regclass('mediagate_episodes') IS NOT NULL");
  std::map<std::string, std::string> out;
  if (!tables[0].as<bool>()) return out;
  const std::string episode_title =
      tables[1].as<bool>()
          ? "(SELECT e.title FROM mediagate_episodes e WHERE e.media_id = m.id AND "
            "e.title <> '' ORDER BY e.published_at DESC, e.id DESC LIMIT 1)"
          : "NULL";
  const std::string sql = "SELECT m.id, coalesce(" + episode_title +
                          ", m.title) FROM mediagate_media m WHERE m.id IN (SELECT file_id "
                          "FROM mediagate_downloads_daily" +
                          kPeriod + ")";
  for (const pqxx::row& r : tx.exec_params(sql, first, last)) {
    if (!r[1].is_null() && *r[1].c_str() != '\0') out[r[0].c_str()] = r[1].c_str();
  }
  return out;
}

AudienceFacts Read(pqxx::work& tx, const ReportPeriod& period) {
  tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
  tx.exec("SET LOCAL statement_timeout = " + std::to_string(kReportStatementTimeoutMs));
  const std::string first = FormatDay(period.first_day), last = FormatDay(period.last_day);
  AudienceFacts facts;
  facts.period = period;
  for (const pqxx::row& r :
       tx.exec_params("SELECT day - DATE '1970-01-01', file_id, sum(downloads)::bigint FROM "
                      "mediagate_downloads_daily" +
                          std::string(kPeriod) + " GROUP BY day, file_id",
                      first, last)) {
    facts.daily.push_back({r[0].as<int64_t>(), r[1].c_str(), r[2].as<int64_t>()});
  }
  facts.apps = Counts(tx, "app", first, last);
  facts.countries = Counts(tx, "country", first, last);
  facts.titles = Titles(tx, first, last);
  for (const pqxx::row& r :
       tx.exec("SELECT id, user_ref, floor(extract(epoch FROM flagged_at))::bigint, networks, "
               "user_agents, action FROM mediagate_sharing_flags WHERE cleared_at IS NULL "
               "ORDER BY flagged_at DESC, id DESC")) {
    facts.open_flags.push_back({r[0].as<int64_t>(), r[1].c_str(), r[2].as<int64_t>(),
                                r[3].as<int64_t>(), r[4].as<int64_t>(), r[5].c_str()});
  }
  return facts;
}

}  // namespace

Result<AudienceFacts> QueryAudience(const DatabaseConfig& config, const ReportPeriod& period) {
  auto conninfo = BuildConnectionString(config);
  if (!conninfo.ok()) return conninfo.status();
  try {
    pqxx::connection conn(*conninfo);
    SocketDeadline deadline(conn.sock(),
                            std::chrono::milliseconds(kReportStatementTimeoutMs + 1000));
    pqxx::work tx(conn);
    AudienceFacts facts = Read(tx, period);
    tx.commit();
    return facts;
  } catch (const pqxx::undefined_table& e) {
    std::string what = e.what();
    return Status::Unavailable("PostgreSQL: " + FirstLineOf(what) +
                               " (run `mediagate migrate --config FILE` first)");
  } catch (const std::exception& e) {
    std::string what = e.what();
    return Status::Unavailable("PostgreSQL: " + FirstLineOf(what));
  }
}

}  // namespace mediagate
