// PgDirectory: libpqxx adapter.
#include "pg_directory.h"

#include <libpq-fe.h>

#include <pqxx/pqxx>

namespace mediagate {
namespace {

constexpr char kUserStatement[] = "mediagate_user";
constexpr char kFileStatement[] = "mediagate_file";

std::string Quote(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

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
  return Lookup<T>::Unavailable(what.substr(0, what.find('\n')));
}

}  // namespace

// libpq quotes parts of the connection string in its errors, and those parts
// can hold the password: drop every quoted span.
std::string WithoutQuotedParts(const std::string& msg) {
  std::string out;
  bool quoted = false;
  for (char c : msg) {
    if (c == '"') {
      if (!quoted) out += "\"...\"";
      quoted = !quoted;
    } else if (!quoted && c != '\n') {
      out.push_back(c);
    }
  }
  return out;
}

bool ConnInfoHasPassword(const std::string& url) {
  PQconninfoOption* options = PQconninfoParse(url.c_str(), nullptr);
  if (options == nullptr) return false;
  bool found = false;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    found |= std::string(o->keyword) == "password" && o->val != nullptr && *o->val;
  }
  PQconninfoFree(options);
  return found;
}

Result<std::string> BuildConnectionString(const DatabaseConfig& config) {
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(config.url.c_str(), &err);
  if (options == nullptr) {
    std::string msg = err != nullptr ? err : "out of memory";
    if (err != nullptr) PQfreemem(err);
    return Status::InvalidArgument("database.url: " + WithoutQuotedParts(msg));
  }
  std::string out;
  std::string extra_options;
  bool has_app_name = false;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string key = o->keyword;
    if (key == "options") {
      extra_options = o->val;
      continue;
    }
    if (key == "connect_timeout" || (key == "password" && !config.password.empty())) {
      continue;
    }
    has_app_name |= key == "application_name";
    out += key + "=" + Quote(o->val) + " ";
  }
  PQconninfoFree(options);
  const int64_t connect_s = std::max<int64_t>(2, (config.connect_timeout_ms + 999) / 1000);
  out += "connect_timeout=" + std::to_string(connect_s) + " ";
  out += "options=" + Quote("-c statement_timeout=" +
                            std::to_string(config.statement_timeout_ms) +
                            (extra_options.empty() ? "" : " " + extra_options)) + " ";
  if (!has_app_name) out += "application_name='mediagate' ";
  if (!config.password.empty()) out += "password=" + Quote(config.password.Reveal());
  return out;
}

PgDirectory::PgDirectory(const DatabaseConfig& config, std::vector<std::string> field_names)
    : config_(config),
      field_names_(std::move(field_names)),
      backoff_(std::chrono::milliseconds(100), std::chrono::milliseconds(5000)) {}

PgDirectory::~PgDirectory() = default;

std::string PgDirectory::Connect() {
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
    last_error_ = "connect: " + what.substr(0, what.find('\n'));
    backoff_.Failure(Backoff::Clock::now());
    return last_error_;
  }
}

template <typename T, typename RowToRecord>
Lookup<T> PgDirectory::Query(const char* statement, const char* query_name,
                             const std::string& param, RowToRecord to_record) {
  if (std::string err = Connect(); !err.empty()) return Lookup<T>::Unavailable(err);
  bool drop = false;
  Lookup<T> out;
  try {
    pqxx::nontransaction tx(*conn_);
    const pqxx::result r = tx.exec_prepared(statement, param);
    return r.empty() ? Lookup<T>::Missing() : to_record(r);
  } catch (const pqxx::argument_error& e) {  // a column the config promised is absent
    out = Lookup<T>::Unavailable(std::string(query_name) + " result: " + e.what());
  } catch (const pqxx::conversion_error& e) {
    out = Lookup<T>::Unavailable(std::string(query_name) + " result: " + e.what());
  } catch (const std::exception& e) {
    out = Classify<T>(e, &drop);
  }
  if (drop) conn_.reset();
  return out;
}

Lookup<UserRecord> PgDirectory::FindUser(const std::string& key) {
  return Query<UserRecord>(kUserStatement, "user_query", key, [this](const pqxx::result& r) {
    const pqxx::row row = r[0];
    UserRecord user;
    for (const std::string& name : field_names_) {
      user.fields[name] = FieldText(row[name]);  // throws if the column is absent
    }
    user.status = FieldText(row["status"]);
    for (pqxx::row::size_type i = 0; i < row.size(); ++i) {  // optional column
      if (std::string(r.column_name(i)) == "paid_until" && !row[i].is_null()) {
        user.paid_until = row[i].as<int64_t>();  // UNIX seconds, or conversion_error
      }
    }
    return Lookup<UserRecord>::Found(std::move(user));
  });
}

Lookup<FileRecord> PgDirectory::FindFile(const std::string& file_id) {
  return Query<FileRecord>(kFileStatement, "file_query", file_id, [](const pqxx::result& r) {
    const pqxx::row row = r[0];
    if (row["object_key"].is_null() || row["version"].is_null()) {
      return Lookup<FileRecord>::Missing();
    }
    return Lookup<FileRecord>::Found(
        FileRecord{row["object_key"].c_str(), row["version"].c_str()});
  });
}

bool PgDirectory::Ping() {
  if (!Connect().empty()) return false;
  try {
    pqxx::nontransaction tx(*conn_);
    tx.exec("SELECT 1");
    return true;
  } catch (const std::exception& e) {
    std::string what = e.what();
    last_error_ = what.substr(0, what.find('\n'));
    conn_.reset();
    backoff_.Failure(Backoff::Clock::now());
    return false;
  }
}

}  // namespace mediagate
