// PgRecordStore: the RecordStore adapter over libpqxx.
//
// One persistent connection per worker, opened lazily so a worker starts
// even while PostgreSQL is down. The configured user_query and file_query are
// prepared on every (re)connect. Columns are read by name. Reconnects back off
// (100 ms doubling to 5 s). A query that finds an established connection
// broken (a server restart) is retried once on a fresh one. libpqxx exceptions are converted
// here and nowhere else:
//   broken_connection, timeouts, other SQL errors -> kUnavailable
//   data_exception (e.g. a file id that is not a valid integer) -> kMissing
// Not thread-safe.
#ifndef MEDIAGATE_PG_DIRECTORY_H_
#define MEDIAGATE_PG_DIRECTORY_H_

#include <memory>
#include <pqxx/connection>
#include <string>
#include <vector>

#include "base/backoff.h"
#include "mediagate/config.h"
#include "mediagate/record_store.h"
#include "mediagate/result.h"

namespace mediagate {

class PgRecordStore : public RecordStore {
 public:
  // `field_names` are the token template's fields, read from the user row.
  PgRecordStore(const DatabaseConfig& config, std::vector<std::string> field_names);
  ~PgRecordStore() override;

  Lookup<UserRecord> FindUser(const std::string& email) override;
  Lookup<FileRecord> FindFile(const std::string& file_id) override;
  bool Ping() override;

 private:
  bool PingOnce(bool* broken);
  // An error message, or "" when connected.
  std::string Connect();
  // Runs a prepared statement with one parameter: no row is kMissing, else
  // to_record(result); libpqxx exceptions become kMissing/kUnavailable here.
  template <typename T, typename RowToRecord>
  Lookup<T> Query(const char* statement, const char* query_name, const std::string& param,
                  RowToRecord to_record);
  // One attempt; *broken tells whether the connection broke under it.
  template <typename T, typename RowToRecord>
  Lookup<T> QueryOnce(const char* statement, const char* query_name, const std::string& param,
                      RowToRecord& to_record, bool* broken);

  DatabaseConfig config_;
  std::vector<std::string> field_names_;
  std::unique_ptr<pqxx::connection> conn_;
  Backoff backoff_;
  std::string last_error_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_PG_DIRECTORY_H_
