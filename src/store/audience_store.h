// AudienceStore: `mediagate ingest`'s PostgreSQL side. The log position, the
// counter's open windows and the daily counts are written in ONE transaction
// (Commit), so a crash or restart neither loses nor double-counts a line.
// Also answers the counter's MediaSizes from [audience] media_query.
//
// One connection; holds a session advisory lock per log path, so a second
// ingester of the same log is refused. Not thread-safe. libpqxx exceptions
// become Status here and nowhere else.
#ifndef MEDIAGATE_STORE_AUDIENCE_STORE_H_
#define MEDIAGATE_STORE_AUDIENCE_STORE_H_

#include <memory>
#include <pqxx/connection>
#include <string>
#include <vector>

#include "audience/download_counter.h"
#include "audience/log_follower.h"
#include "audience/media_sizes.h"
#include "mediagate/config.h"
#include "mediagate/result.h"

namespace mediagate {

class AudienceStore : public MediaSizes {
 public:
  // Connects and takes the log's lock. Unavailable when PostgreSQL cannot be
  // reached; Internal "another `mediagate ingest` is reading PATH" when the
  // lock is held, or when media_query does not prepare.
  static Result<std::unique_ptr<AudienceStore>> Open(const Config& config);
  ~AudienceStore() override;

  // The stored position of the log (all zero when none).
  Result<LogPosition> LoadPosition();
  // Every stored window.
  Result<std::vector<CounterWindow>> LoadWindows();
  // Adds the counts, applies the window changes and stores the position, in
  // one transaction. On failure nothing is written.
  Status Commit(const LogPosition& position, const CounterChanges& changes);

  Result<MediaSize> Lookup(const std::string& file_id) override;

 private:
  AudienceStore(std::string log_path, std::unique_ptr<pqxx::connection> conn);
  std::string log_path_;
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_STORE_AUDIENCE_STORE_H_
