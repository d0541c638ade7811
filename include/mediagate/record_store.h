// RecordStore: where a decision's records come from.
//
// One interface for every source of subscribers and media files: PostgreSQL
// (store/pg_record_store.h), the Redis cache in front of it
// (store/cached_record_store.h), and fakes in unit tests. Implementations are
// used by one worker thread at a time and need not be thread-safe.
#ifndef MEDIAGATE_RECORD_STORE_H_
#define MEDIAGATE_RECORD_STORE_H_

#include <string>

#include "mediagate/records.h"

namespace mediagate {

class RecordStore {
 public:
  virtual ~RecordStore() = default;
  // The user whose lookup key (the decoded email) is `email`: kFound,
  // kMissing, or kUnavailable when nobody can answer now.
  virtual Lookup<UserRecord> FindUser(const std::string& email) = 0;
  // The file with id `file_id`, with the same three outcomes.
  virtual Lookup<FileRecord> FindFile(const std::string& file_id) = 0;
  // True when the source of truth could answer a query now (health checks).
  virtual bool Ping() = 0;
};

}  // namespace mediagate

#endif  // MEDIAGATE_RECORD_STORE_H_
