// Presigner: AWS Signature Version 4 query-string presigning for S3 objects.
//
// Produces the same URL botocore's generate_presigned_url() does for
// get_object / head_object: path- or virtual-host-style, http or https, any
// port and region, optional session token. The signing key is derived once per
// UTC day and cached. Not thread-safe (the cache mutates); use one per thread.
#ifndef MEDIAGATE_PRESIGNER_H_
#define MEDIAGATE_PRESIGNER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "mediagate/result.h"

namespace mediagate {

struct StorageConfig;

enum class HttpMethod { kGet, kHead };

// "GET" or "HEAD".
const char* HttpMethodName(HttpMethod method);

// Parses an X-Amz-Date style UTC instant "YYYYMMDDTHHMMSSZ" to UNIX seconds.
// InvalidArgument for any other spelling or an impossible date.
Result<int64_t> ParseAmzDate(std::string_view text);

class Presigner {
 public:
  // Validates the endpoint, region, bucket and credentials of `config`.
  // InvalidArgument naming the key on failure.
  static Result<Presigner> Create(const StorageConfig& config);

  Presigner(Presigner&&) noexcept;
  Presigner& operator=(Presigner&&) noexcept;
  ~Presigner();

  // The presigned URL for `key`, signed at `unix_at`, valid `expires_seconds`
  // (1..604800). InvalidArgument for an empty, over-long (> 1024 bytes) or
  // non-UTF-8 key, or an expiry out of range.
  Result<std::string> Presign(HttpMethod method, std::string_view key, int64_t unix_at,
                              int64_t expires_seconds);

  // The scheme://host[:port] requests go to, e.g. for logging the target.
  const std::string& origin() const;

 private:
  struct Impl;
  explicit Presigner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_PRESIGNER_H_
