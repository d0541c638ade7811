// SharingStore: sharing flags and suspensions in PostgreSQL (libpqxx), the
// tables of sql/005_sharing.sql.
//
// Flag() resolves a flagged user reference to an email, records the flag and
// carries out [sharing] action in one transaction; List() and Clear*() are
// `mediagate sharing`. A reference cannot be reversed: the store computes
// the reference (decide/user_ref.h) of every email that sharing.users_query
// returns and keeps that map, reloading it when a reference is not in it (at
// most once a minute). Every libpqxx failure becomes a Status here; the email
// is never logged (the reference is). Not thread-safe (one per thread).
#ifndef MEDIAGATE_STORE_SHARING_STORE_H_
#define MEDIAGATE_STORE_SHARING_STORE_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <pqxx/connection>
#include <string>
#include <unordered_map>
#include <vector>

#include "audience/sharing_detector.h"
#include "decide/user_ref.h"
#include "mediagate/config.h"
#include "mediagate/result.h"

namespace mediagate {

// One mediagate_sharing_flags row.
struct SharingFlagRow {
  int64_t id = 0;
  std::string user_ref;
  std::string email;       // "" when the reference was not resolved
  int64_t flagged_at = 0;  // UNIX seconds
  int64_t networks = 0;
  int64_t user_agents = 0;
  std::string action;                 // what was done: "log", "rotate" or "suspend"
  std::optional<int64_t> cleared_at;  // UNIX seconds; nullopt while open
};

enum class FlagOutcome {
  kRecorded,     // a new flag row, and the action carried out
  kAlreadyOpen,  // an uncleared flag for this reference exists: nothing done
};

class SharingStore {
 public:
  // Uses config.database, config.sharing and the token secret (references).
  explicit SharingStore(const Config& config);
  ~SharingStore();

  // Records `flag` with its networks and user agents, flagged_at its event
  // time, and carries out sharing.action for the resolved email: "log" only
  // the row; "rotate" also runs rotate_query; "suspend" also inserts a
  // mediagate_suspensions row (the trigger of sql/005 tells every worker).
  // A reference no email resolves to is recorded with email NULL and action
  // "log" (nothing else can be done). One transaction: all or nothing.
  // kAlreadyOpen while an uncleared flag for the reference exists.
  // Unavailable (connection) or Internal (a query failed) otherwise.
  Result<FlagOutcome> Flag(const SharingFlag& flag);

  // The open flags (with `include_cleared`, all of them), oldest first.
  Result<std::vector<SharingFlagRow>> List(bool include_cleared);

  // Clears the open flag `id` and lifts its subscriber's suspension, if any.
  // NotFound when no open flag has that id.
  Status Clear(int64_t id);

  // Clears every open flag of `email` and lifts its suspension. NotFound
  // when it had neither.
  Status ClearUser(const std::string& email);

 private:
  // Connects if needed; the error, or "".
  std::string Connect();
  // The email of `user_ref`, reloading the map when allowed; "" if unknown.
  std::string Resolve(const std::string& user_ref);
  // Runs `body` in a transaction, converting libpqxx's exceptions.
  template <typename Body>
  Status Transact(const char* what, Body body);

  DatabaseConfig database_;
  SharingConfig sharing_;
  UserRefKey refs_;
  std::unique_ptr<pqxx::connection> conn_;
  std::unordered_map<std::string, std::string> emails_;  // reference -> email
  std::optional<std::chrono::steady_clock::time_point> loaded_at_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_STORE_SHARING_STORE_H_
