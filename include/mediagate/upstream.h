// Upstream: where nginx fetches an allowed object from, and its cache key.
//
// Two backends: "s3" presigns a GET URL (storage_s3.cc); "local" names an
// internal nginx location serving a directory (storage_local.cc). Not
// thread-safe (the S3 signer caches its daily key).
#ifndef MEDIAGATE_UPSTREAM_H_
#define MEDIAGATE_UPSTREAM_H_

#include <cstdint>
#include <memory>
#include <string>

#include "mediagate/records.h"
#include "mediagate/result.h"

namespace mediagate {

struct StorageConfig;

class Upstream {
 public:
  virtual ~Upstream() = default;
  // The URL or internal path nginx proxies to for `file` at `unix_now`.
  // InvalidArgument if the object key cannot be addressed.
  virtual Result<std::string> Locate(const FileRecord& file, int64_t unix_now) = 0;
  // A stable, user-independent identity of the object and its version: 32
  // lowercase hex characters, never containing a signature. Internal if it
  // cannot be computed: never a key that two objects could share.
  virtual Result<std::string> CacheKey(const FileRecord& file) const = 0;
};

// The backend named by config.backend. InvalidArgument for a bad config.
Result<std::unique_ptr<Upstream>> MakeUpstream(const StorageConfig& config);

// sha256("mediagate-cache-key-v2\n" + each of scope, object_key, version as
// "<decimal length>:<bytes>"), first 32 hex digits: unambiguous, so keys
// differ whenever one field differs, whatever bytes the fields hold.
// Internal if the digest fails.
Result<std::string> ObjectCacheKey(const std::string& scope, const FileRecord& file);

}  // namespace mediagate

#endif  // MEDIAGATE_UPSTREAM_H_
