// ReplayWatch: has the server that decisions read from replayed a change yet?
//
// With a multi-host [database] url (a primary and its streaming standbys,
// target_session_attrs=prefer-standby), workers may read a standby that lags
// the primary. A change notification comes from the primary at COMMIT; a
// worker that reads the row from the standby before the standby has replayed
// that COMMIT caches the old row again. The change listener therefore takes
// the primary's WAL position when notifications arrive (PrimaryPosition) and
// does its second look only once the read server has replayed it (Replayed).
// One connection of its own to the read server, opened as the workers open
// theirs; when that server turns out to be a primary, no standby is read and
// every position counts as replayed. Not thread-safe.
#ifndef MEDIAGATE_STORE_REPLAY_WATCH_H_
#define MEDIAGATE_STORE_REPLAY_WATCH_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <pqxx/connection>

#include "base/backoff.h"
#include "mediagate/config.h"

namespace mediagate {

class ReplayWatch {
 public:
  explicit ReplayWatch(const DatabaseConfig& database);
  ~ReplayWatch();

  // The WAL insert position of the primary `primary` is connected to (bytes
  // since 0/0): past every COMMIT already notified, also an asynchronous one
  // (synchronous_commit off) that is not written yet. Throws what libpqxx
  // throws (the caller's connection is broken).
  static uint64_t PrimaryPosition(pqxx::connection& primary);

  // Whether decisions may read a standby: false once the read server answered
  // that it is a primary (until Reset).
  bool ReadsStandby() const { return reads_standby_; }

  // How far the read server has replayed (bytes since 0/0); UINT64_MAX when
  // it is a primary; nullopt when it cannot be asked now (down, reconnecting).
  std::optional<uint64_t> ReplayedPosition();

  // Forgets what was learnt (the listener reconnected: the servers' roles may
  // have changed).
  void Reset();

 private:
  bool Connect();

  DatabaseConfig database_;
  std::unique_ptr<pqxx::connection> reader_;
  bool reads_standby_ = true;
  Backoff backoff_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_STORE_REPLAY_WATCH_H_
