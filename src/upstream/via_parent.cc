// ViaParentCache: one node's nginx (nginx/mediagate-parent-cache.conf) asks
// storage for all edges. The storage URL is kept whole, signature and all,
// behind the object's cache key, which the parent caches by:
//     <parent>/<cache key>/<scheme>/<host[:port]><path>[?<query>]
#include <utility>

#include "upstream/storage.h"

namespace mediagate {
namespace {

class ViaParent : public Upstream {
 public:
  ViaParent(std::unique_ptr<Upstream> storage, std::string parent)
      : storage_(std::move(storage)), parent_(std::move(parent)) {}

  Result<std::string> Locate(const FileRecord& file, int64_t unix_now) override {
    Result<std::string> url = storage_->Locate(file, unix_now);
    if (!url.ok()) return url;
    Result<std::string> key = storage_->CacheKey(file);
    if (!key.ok()) return key;
    const size_t scheme_end = url->find("://");
    if (scheme_end == std::string::npos) {
      return Status::Internal("the storage URL has no scheme");
    }
    return parent_ + "/" + *key + "/" + url->substr(0, scheme_end) + "/" +
           url->substr(scheme_end + 3);
  }

  Result<std::string> CacheKey(const FileRecord& file) const override {
    return storage_->CacheKey(file);
  }

 private:
  std::unique_ptr<Upstream> storage_;
  std::string parent_;
};

}  // namespace

std::unique_ptr<Upstream> ViaParentCache(std::unique_ptr<Upstream> storage,
                                         const std::string& parent_url) {
  return std::make_unique<ViaParent>(std::move(storage), parent_url);
}

}  // namespace mediagate
