// The "local" upstream: a loopback-only nginx server that serves the media
// directory (nginx/mediagate-local.conf); the object key is appended,
// percent-encoded, to its URL, and nginx decodes it back to the file path.
#include <utf8.h>

#include "mediagate/config.h"
#include "mediagate/upstream.h"
#include "upstream/percent_encode.h"
#include "upstream/storage.h"

namespace mediagate {
namespace {

class LocalUpstream : public Upstream {
 public:
  explicit LocalUpstream(std::string url) : location_(std::move(url)) {}

  Result<std::string> Locate(const FileRecord& file, int64_t) override {
    const std::string& key = file.object_key;
    // No way out of the media directory: no empty, absolute or dot segments.
    if (key.empty() || key.size() > 1024 || key.front() == '/' ||
        !utf8::is_valid(key.begin(), key.end()) || key == ".." || key.find("../") == 0 ||
        key.find("/../") != std::string::npos || key.find("//") != std::string::npos ||
        (key.size() >= 3 && key.compare(key.size() - 3, 3, "/..") == 0)) {
      return Status::InvalidArgument("object key cannot be served from a directory");
    }
    std::string path = location_ + "/";
    PercentEncode(key, true, &path);
    return path;
  }
  Result<std::string> CacheKey(const FileRecord& file) const override {
    return ObjectCacheKey("local " + location_, file);
  }

 private:
  std::string location_;
};

}  // namespace

Result<std::unique_ptr<Upstream>> MakeLocalUpstream(const StorageConfig& config) {
  return std::unique_ptr<Upstream>(new LocalUpstream(config.local_url));
}

}  // namespace mediagate
