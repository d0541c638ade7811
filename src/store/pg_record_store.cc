// PgRecordStore: libpqxx adapter.
#include "store/pg_record_store.h"

#include <pqxx/pqxx>

#include "base/first_line.h"
#include "config/conninfo.h"
#include "store/socket_deadline.h"
#include "store/show_rows.h"
#include "store/unix_seconds.h"

namespace mediagate {
namespace {

constexpr char kUserStatement[] = "mediagate_user";
constexpr char kFileStatement[] = "mediagate_file";

// Python's str() of a column value, as the token template expects; NULL is
// "None".
std::string FieldText(const pqxx::field& f) { return f.is_null() ? "None" : f.c_str(); }

template <typename T>
Lookup<T> Classify(const std::exception& e, bool* drop) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    *drop = true;
    return Lookup<T>::Unavailable(std::string("connection lost: ") + e.what());
  }
  if (dynamic_cast<const pqxx::data_exception*>(&e) != nullptr) {
    return Lookup<T>::Missing();  // the id cannot even be compared: no such row
  }
  // Anything else leaves the connection in an unknown state: start afresh.
  *drop = true;
  std::string what = e.what();
  return Lookup<T>::Unavailable(FirstLineOf(what));
}

}  // namespace

PgRecordStore::PgRecordStore(const DatabaseConfig& config, std::vector<std::string> field_names)
    : config_(config),
      field_names_(std::move(field_names)),
      backoff_(std::chrono::milliseconds(100), std::chrono::milliseconds(5000)) {}

PgRecordStore::~PgRecordStore() = default;

std::chrono::milliseconds PgRecordStore::AnswerBound() const {
  return std::chrono::milliseconds(config_.statement_timeout_ms + kAnswerMarginMs);
}

std::string PgRecordStore::Connect() {
  if (conn_ && conn_->is_open()) return "";
  conn_.reset();
  if (!backoff_.Ready(Backoff::Clock::now())) return "waiting to reconnect: " + last_error_;
  auto conninfo = BuildConnectionString(config_);
  if (!conninfo.ok()) return conninfo.status().message();
  try {
    auto conn = std::make_unique<pqxx::connection>(*conninfo);
    conn->prepare(kUserStatement, config_.user_query);
    conn->prepare(kFileStatement, config_.file_query);
    conn_ = std::move(conn);
    backoff_.Success();
    last_error_.clear();
    return "";
  } catch (const std::exception& e) {
    std::string what = e.what();
    last_error_ = "connect: " + FirstLineOf(what);
    backoff_.Failure(Backoff::Clock::now());
    return last_error_;
  }
}

template <typename T, typename Run>
Lookup<T> PgRecordStore::Query(const char* query_name, Run run) {
  // A connection that worked before may have been cut by a server restart;
  // libpq only learns so when it is used. Such a failure is retried once on a
  // fresh connection (the statements are read-only SELECTs).
  const bool reused = conn_ != nullptr;
  bool broken = false;
  Lookup<T> out = QueryOnce<T>(query_name, run, &broken);
  if (broken && reused) out = QueryOnce<T>(query_name, run, &broken);
  return out;
}

template <typename T, typename Run>
Lookup<T> PgRecordStore::QueryOnce(const char* query_name, Run& run, bool* broken) {
  *broken = false;
  if (std::string err = Connect(); !err.empty()) return Lookup<T>::Unavailable(err);
  bool drop = false;
  Lookup<T> out;
  bool answered = false;
  SocketDeadline deadline(conn_->sock(), AnswerBound());
  try {
    pqxx::nontransaction tx(*conn_);
    out = run(tx);
    answered = true;
  } catch (const pqxx::argument_error& e) {  // a column the config promised is absent
    out = Lookup<T>::Unavailable(std::string(query_name) + " result: " + e.what());
  } catch (const pqxx::conversion_error& e) {
    out = Lookup<T>::Unavailable(std::string(query_name) + " result: " + e.what());
  } catch (const pqxx::broken_connection& e) {
    *broken = true;
    out = Classify<T>(e, &drop);
  } catch (const std::exception& e) {
    out = Classify<T>(e, &drop);
  }
  if (deadline.expired() && answered) {  // it fired just after the answer
    drop = true;
  } else if (deadline.expired()) {  // no answer in time: the server hangs; fail fast a while
    *broken = false;
    drop = true;
    last_error_ = "no answer within " + std::to_string(AnswerBound().count()) + " ms";
    backoff_.Failure(Backoff::Clock::now());
    out = Lookup<T>::Unavailable(std::string(query_name) + ": " + last_error_);
  }
  if (drop) conn_.reset();
  return out;
}

Lookup<UserRecord> PgRecordStore::FindUser(const std::string& key) {
  return Query<UserRecord>("user_query", [&](pqxx::nontransaction& tx) {
    const pqxx::result r = tx.exec_prepared(kUserStatement, key);
    if (r.empty()) return Lookup<UserRecord>::Missing();
    const pqxx::row row = r[0];
    UserRecord user;
    for (const std::string& name : field_names_) {
      user.fields[name] = FieldText(row[name]);  // throws if the column is absent
    }
    user.status = FieldText(row["status"]);
    for (pqxx::row::size_type i = 0; i < row.size(); ++i) {  // optional columns
      if (std::string(r.column_name(i)) == "paid_until" && !row[i].is_null()) {
        user.paid_until = UnixSeconds(row[i], "paid_until");
      } else if (std::string(r.column_name(i)) == "suspended" && !row[i].is_null()) {
        user.suspended = row[i].as<bool>();  // conversion_error: unavailable, never allow
      }
    }
    return Lookup<UserRecord>::Found(std::move(user));
  });
}

Lookup<FileRecord> PgRecordStore::FindFile(const std::string& file_id) {
  return Query<FileRecord>("file_query", [&](pqxx::nontransaction& tx) {
    const pqxx::result r = tx.exec_prepared(kFileStatement, file_id);
    if (r.empty()) return Lookup<FileRecord>::Missing();
    const pqxx::row row = r[0];
    if (row["object_key"].is_null() || row["version"].is_null()) {
      return Lookup<FileRecord>::Missing();
    }
    FileRecord file{row["object_key"].c_str(), row["version"].c_str()};
    for (pqxx::row::size_type i = 0; i < row.size(); ++i) {  // optional column
      if (std::string(r.column_name(i)) == "public_at" && !row[i].is_null()) {
        file.public_at = UnixSeconds(row[i], "public_at");
      }
    }
    return Lookup<FileRecord>::Found(std::move(file));
  });
}

Lookup<Show> PgRecordStore::FindShow(const std::string& slug) {
  // Not prepared at connect: a Django database without feed tables must not
  // keep the media links from working.
  return Query<Show>("show_query", [&](pqxx::nontransaction& tx) {
    const pqxx::result show = tx.exec_params(config_.show_query, slug);
    if (show.empty()) return Lookup<Show>::Missing();
    const pqxx::result episodes = tx.exec_params(config_.episodes_query, slug);
    return Lookup<Show>::Found(ShowFromRows(show[0], episodes));
  });
}

Lookup<std::vector<std::string>> PgRecordStore::ListShows() {
  using Slugs = std::vector<std::string>;
  return Query<Slugs>("show list", [](pqxx::nontransaction& tx) {
    Slugs slugs;
    for (const pqxx::row& row : tx.exec("SELECT slug FROM mediagate_shows ORDER BY slug")) {
      slugs.push_back(row[0].c_str());
    }
    return Lookup<Slugs>::Found(std::move(slugs));
  });
}

bool PgRecordStore::Ping() {
  const bool reused = conn_ != nullptr;
  bool broken = false;
  if (PingOnce(&broken)) return true;
  return broken && reused && PingOnce(&broken);
}

bool PgRecordStore::PingOnce(bool* broken) {
  *broken = false;
  if (!Connect().empty()) return false;
  SocketDeadline deadline(conn_->sock(), AnswerBound());
  try {
    {
      pqxx::nontransaction tx(*conn_);
      tx.exec("SELECT 1");
    }
    if (deadline.expired()) conn_.reset();  // it fired just after the answer
    return true;
  } catch (const std::exception& e) {
    *broken =
        !deadline.expired() && dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr;
    std::string what = e.what();
    last_error_ = FirstLineOf(what);
    conn_.reset();
    if (!*broken) backoff_.Failure(Backoff::Clock::now());
    return false;
  }
}

}  // namespace mediagate
