// PgRecordStore: the RecordStore adapter over libpqxx.
//
// One persistent connection per worker, opened lazily so a worker starts
// even while PostgreSQL is down. The configured user_query and file_query are
// prepared on every (re)connect. Columns are read by name. Reconnects back off
// (100 ms doubling to 5 s). A query that finds an established connection
// broken (a server restart) is retried once on a fresh one. Every wait is
// bounded on the client side: connecting by connect_timeout, an answer by
// statement_timeout_ms + 1 s (SocketDeadline; the server enforces only
// statement_timeout and a frozen server would hold the worker forever); an
// answer that does not come in time drops the connection, is not retried,
// and backs off reconnecting. libpqxx exceptions are converted here and
// nowhere else:
//   broken_connection, timeouts, other SQL errors -> kUnavailable
//   data_exception (e.g. a file id that is not a valid integer) -> kMissing
// Not thread-safe.
#ifndef MEDIAGATE_PG_DIRECTORY_H_
#define MEDIAGATE_PG_DIRECTORY_H_

#include <chrono>
#include <memory>
#include <pqxx/connection>
#include <string>
#include <vector>

#include "base/backoff.h"
#include "mediagate/config.h"
#include "mediagate/record_store.h"
#include "mediagate/result.h"
#include "mediagate/show_store.h"

namespace mediagate {

class PgRecordStore : public RecordStore, public ShowStore {
 public:
  // `field_names` are the token template's fields, read from the user row.
  PgRecordStore(const DatabaseConfig& config, std::vector<std::string> field_names);
  ~PgRecordStore() override;

  Lookup<UserRecord> FindUser(const std::string& email) override;
  Lookup<FileRecord> FindFile(const std::string& file_id) override;
  // show_query and episodes_query, run unprepared in one round trip each.
  Lookup<Show> FindShow(const std::string& slug) override;
  // Every show's slug in the built-in schema (mediagate_shows), sorted;
  // kUnavailable elsewhere (a Django site without that table).
  Lookup<std::vector<std::string>> ListShows();
  bool Ping() override;

 private:
  // How long an answer may take: statement_timeout_ms + kAnswerMarginMs.
  static constexpr int64_t kAnswerMarginMs = 1000;
  std::chrono::milliseconds AnswerBound() const;
  bool PingOnce(bool* broken);
  // An error message, or "" when connected.
  std::string Connect();
  // run(transaction) on the connection; libpqxx exceptions become
  // kMissing/kUnavailable here, and a broken reused connection is retried.
  template <typename T, typename Run>
  Lookup<T> Query(const char* query_name, Run run);
  // One attempt; *broken tells whether the connection broke under it.
  template <typename T, typename Run>
  Lookup<T> QueryOnce(const char* query_name, Run& run, bool* broken);

  DatabaseConfig config_;
  std::vector<std::string> field_names_;
  std::unique_ptr<pqxx::connection> conn_;
  Backoff backoff_;
  std::string last_error_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_PG_DIRECTORY_H_
