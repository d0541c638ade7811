// MakeUpstream and the shared cache-key function.
#include "mediagate/upstream.h"

#include "base/crypto.h"
#include "mediagate/config.h"
#include "upstream/storage.h"

namespace mediagate {

Result<std::unique_ptr<Upstream>> MakeUpstream(const StorageConfig& config) {
  if (config.backend == "local") return MakeLocalUpstream(config);
  return MakeS3Upstream(config);
}

Result<std::string> ObjectCacheKey(const std::string& scope, const FileRecord& file) {
  auto digest =
      Digest(HashAlgorithm::kSha256, scope + "\n" + file.object_key + "\n" + file.version);
  if (!digest.ok()) return digest.status().Annotate("cache key");
  return HexEncode(*digest).substr(0, 32);
}

}  // namespace mediagate
