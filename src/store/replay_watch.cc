// ReplayWatch: WAL positions compared as byte offsets (pg_wal_lsn_diff).
#include "store/replay_watch.h"

#include <spdlog/spdlog.h>

#include <limits>
#include <pqxx/pqxx>

#include "base/first_line.h"
#include "config/conninfo.h"

namespace mediagate {

ReplayWatch::ReplayWatch(const DatabaseConfig& database)
    : database_(database),
      backoff_(std::chrono::milliseconds(200), std::chrono::milliseconds(2000)) {}

ReplayWatch::~ReplayWatch() = default;

uint64_t ReplayWatch::PrimaryPosition(pqxx::connection& primary) {
  pqxx::nontransaction tx(primary);
  return tx.exec1("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint")[0]
      .as<uint64_t>();
}

void ReplayWatch::Reset() {
  reader_.reset();
  reads_standby_ = true;
  backoff_.Success();
}

bool ReplayWatch::Connect() {
  if (reader_ && reader_->is_open()) return true;
  reader_.reset();
  if (!backoff_.Ready(Backoff::Clock::now())) return false;
  auto conninfo = BuildConnectionString(database_);  // as the workers connect
  if (!conninfo.ok()) return false;
  try {
    reader_ = std::make_unique<pqxx::connection>(*conninfo);
    backoff_.Success();
    return true;
  } catch (const std::exception& e) {
    backoff_.Failure(Backoff::Clock::now());
    spdlog::warn("change listener: cannot reach the read server: {}", FirstLineOf(e.what()));
    return false;
  }
}

std::optional<uint64_t> ReplayWatch::ReplayedPosition() {
  constexpr uint64_t kCurrent = std::numeric_limits<uint64_t>::max();
  if (!reads_standby_) return kCurrent;
  if (!Connect()) return std::nullopt;
  try {
    pqxx::nontransaction tx(*reader_);
    const pqxx::row r = tx.exec1(
        "SELECT pg_is_in_recovery(), "
        "COALESCE(pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0'), 0)::bigint");
    if (!r[0].as<bool>()) {  // a primary: what it answers is current
      reads_standby_ = false;
      reader_.reset();
      return kCurrent;
    }
    return r[1].as<uint64_t>();
  } catch (const std::exception& e) {
    reader_.reset();
    backoff_.Failure(Backoff::Clock::now());
    spdlog::warn("change listener: the read server: {}", FirstLineOf(e.what()));
    return std::nullopt;
  }
}

}  // namespace mediagate
