// ShowStore: where feeds' shows and episodes come from.
//
// PostgreSQL (show_query and episodes_query, store/pg_record_store.h) and
// fakes in unit tests. Used by one worker thread at a time; need not be
// thread-safe.
#ifndef MEDIAGATE_SHOW_STORE_H_
#define MEDIAGATE_SHOW_STORE_H_

#include <string>

#include "mediagate/records.h"
#include "mediagate/show.h"

namespace mediagate {

class ShowStore {
 public:
  virtual ~ShowStore() = default;
  // The show `slug` with its episodes: kFound, kMissing, or kUnavailable
  // when nobody can answer now (or a query's result has the wrong shape).
  virtual Lookup<Show> FindShow(const std::string& slug) = 0;
};

}  // namespace mediagate

#endif  // MEDIAGATE_SHOW_STORE_H_
