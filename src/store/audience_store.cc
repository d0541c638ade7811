// AudienceStore: libpqxx 6; batches as PostgreSQL array literals + unnest().
#include "store/audience_store.h"

#include <pqxx/pqxx>

#include "base/first_line.h"
#include "store/pg_connect.h"

namespace mediagate {
namespace {

constexpr char kMediaStatement[] = "mediagate_media_size";
constexpr long kLockClass = 0x6d67696e;  // "mgin"

// A PostgreSQL array literal of text elements: {"a","b\"c"}.
std::string ArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const std::string& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

Status Failure(const char* what, const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return Status::Unavailable(std::string(what) +
                               ": PostgreSQL connection lost: " + FirstLineOf(e.what()));
  }
  return Status::Internal(std::string(what) + ": " + FirstLineOf(e.what()));
}

}  // namespace

AudienceStore::AudienceStore(std::string log_path, std::unique_ptr<pqxx::connection> conn)
    : log_path_(std::move(log_path)), conn_(std::move(conn)) {}

AudienceStore::~AudienceStore() = default;

Result<std::unique_ptr<AudienceStore>> AudienceStore::Open(const Config& config) {
  auto connected = ConnectPostgres(config.database);
  if (!connected.ok()) return connected.status();
  std::unique_ptr<pqxx::connection> conn = std::move(*connected);
  try {
    pqxx::nontransaction tx(*conn);
    // A commit after a backlog writes many windows: database.statement_timeout_ms
    // is the responder's bound, not this batch writer's.
    tx.exec("SET statement_timeout = '60s'");
    const pqxx::result r =
        tx.exec_params("SELECT pg_try_advisory_lock($1, hashtext($2))",
                       static_cast<int>(kLockClass), config.audience.log_path);
    if (!r[0][0].as<bool>()) {
      return Status::Internal("another `mediagate ingest` is reading " +
                              config.audience.log_path);
    }
  } catch (const std::exception& e) {
    return Failure("lock", e);
  }
  try {
    conn->prepare(kMediaStatement, config.audience.media_query);
  } catch (const std::exception& e) {
    return Failure("audience.media_query", e);
  }
  return std::unique_ptr<AudienceStore>(
      new AudienceStore(config.audience.log_path, std::move(conn)));
}

Result<LogPosition> AudienceStore::LoadPosition() {
  try {
    pqxx::nontransaction tx(*conn_);
    const pqxx::result r = tx.exec_params(
        "SELECT device, inode, \"offset\", lines FROM mediagate_ingest_position "
        "WHERE log_path = $1",
        log_path_);
    LogPosition pos;
    if (r.empty()) return pos;
    pos.device = static_cast<uint64_t>(r[0][0].as<int64_t>());
    pos.inode = static_cast<uint64_t>(r[0][1].as<int64_t>());
    pos.offset = r[0][2].as<int64_t>();
    pos.lines = r[0][3].as<int64_t>();
    return pos;
  } catch (const std::exception& e) {
    return Failure("load position", e);
  }
}

Result<std::vector<CounterWindow>> AudienceStore::LoadWindows() {
  try {
    pqxx::nontransaction tx(*conn_);
    std::vector<CounterWindow> out;
    for (const pqxx::row& row : tx.exec(
             "SELECT window_key, first_ms, counted, ranges FROM mediagate_audience_windows")) {
      out.push_back(CounterWindow{row[0].as<std::string>(), row[1].as<int64_t>(),
                                  row[2].as<bool>(), row[3].as<std::string>()});
    }
    return out;
  } catch (const std::exception& e) {
    return Failure("load windows", e);
  }
}

Status AudienceStore::Commit(const LogPosition& position, const CounterChanges& changes) {
  try {
    pqxx::work tx(*conn_);
    if (!changes.downloads.empty()) {
      std::vector<std::string> day, file, app, country, n;
      for (const auto& [key, count] : changes.downloads) {
        day.push_back(std::get<0>(key));
        file.push_back(std::get<1>(key));
        app.push_back(std::get<2>(key));
        country.push_back(std::get<3>(key));
        n.push_back(std::to_string(count));
      }
      tx.exec_params(
          "INSERT INTO mediagate_downloads_daily (day, file_id, app, country, downloads) "
          "SELECT * FROM unnest($1::date[], $2::text[], $3::text[], $4::text[], $5::bigint[]) "
          "ON CONFLICT (day, file_id, app, country) DO UPDATE "
          "SET downloads = mediagate_downloads_daily.downloads + EXCLUDED.downloads",
          ArrayLiteral(day), ArrayLiteral(file), ArrayLiteral(app), ArrayLiteral(country),
          ArrayLiteral(n));
    }
    if (!changes.deletes.empty()) {
      tx.exec_params(
          "DELETE FROM mediagate_audience_windows WHERE window_key = ANY($1::text[])",
          ArrayLiteral(changes.deletes));
    }
    if (!changes.upserts.empty()) {
      std::vector<std::string> key, first, counted, ranges;
      for (const CounterWindow& w : changes.upserts) {
        key.push_back(w.key);
        first.push_back(std::to_string(w.first_ms));
        counted.push_back(w.counted ? "t" : "f");
        ranges.push_back(w.ranges);
      }
      tx.exec_params(
          "INSERT INTO mediagate_audience_windows (window_key, first_ms, counted, ranges) "
          "SELECT * FROM unnest($1::text[], $2::bigint[], $3::boolean[], $4::text[]) "
          "ON CONFLICT (window_key) DO UPDATE SET first_ms = EXCLUDED.first_ms, "
          "counted = EXCLUDED.counted, ranges = EXCLUDED.ranges",
          ArrayLiteral(key), ArrayLiteral(first), ArrayLiteral(counted), ArrayLiteral(ranges));
    }
    tx.exec_params(
        "INSERT INTO mediagate_ingest_position (log_path, device, inode, \"offset\", lines) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (log_path) DO UPDATE SET "
        "device = EXCLUDED.device, inode = EXCLUDED.inode, \"offset\" = EXCLUDED.\"offset\", "
        "lines = EXCLUDED.lines, updated_at = now()",
        log_path_, static_cast<int64_t>(position.device), static_cast<int64_t>(position.inode),
        position.offset, position.lines);
    tx.commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    return Failure("commit", e);
  }
}

Result<MediaSize> AudienceStore::Lookup(const std::string& file_id) {
  try {
    pqxx::nontransaction tx(*conn_);
    const pqxx::result r = tx.exec_prepared(kMediaStatement, file_id);
    MediaSize m;
    if (r.empty()) return m;
    if (!r[0][0].is_null()) m.length_bytes = r[0][0].as<int64_t>();
    if (r[0].size() > 1 && !r[0][1].is_null()) m.header_bytes = r[0][1].as<int64_t>();
    if (r[0].size() > 2 && !r[0][2].is_null()) m.duration_seconds = r[0][2].as<int64_t>();
    return m;
  } catch (const std::exception& e) {
    return Failure("audience.media_query", e);
  }
}

}  // namespace mediagate
