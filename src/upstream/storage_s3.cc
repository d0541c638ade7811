// The "s3" upstream: a presigned GET URL per request.
//
// Always GET: nginx's proxy cache turns a client HEAD into a GET upstream, and
// a HEAD-signed URL would not verify for it.
#include "mediagate/config.h"
#include "mediagate/presigner.h"
#include "mediagate/upstream.h"
#include "upstream/storage.h"

namespace mediagate {
namespace {

class S3Upstream : public Upstream {
 public:
  S3Upstream(Presigner presigner, std::string scope, int64_t expires)
      : presigner_(std::move(presigner)), scope_(std::move(scope)), expires_(expires) {}

  Result<std::string> Locate(const FileRecord& file, int64_t unix_now) override {
    return presigner_.Presign(HttpMethod::kGet, file.object_key, unix_now, expires_);
  }
  Result<std::string> CacheKey(const FileRecord& file) const override {
    return ObjectCacheKey(scope_, file);
  }

 private:
  Presigner presigner_;
  std::string scope_;
  int64_t expires_;
};

}  // namespace

Result<std::unique_ptr<Upstream>> MakeS3Upstream(const StorageConfig& config) {
  auto presigner = Presigner::Create(config);
  if (!presigner.ok()) return presigner.status();
  std::string scope = "s3 " + presigner->origin() + " " + config.bucket;
  return std::unique_ptr<Upstream>(
      new S3Upstream(std::move(*presigner), std::move(scope), config.expires_seconds));
}

}  // namespace mediagate
