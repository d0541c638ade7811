// MakeUpstream and the shared cache-key function.
#include "mediagate/upstream.h"

#include "base/crypto.h"
#include "mediagate/config.h"
#include "upstream/storage.h"

namespace mediagate {

Result<std::unique_ptr<Upstream>> MakeUpstream(const StorageConfig& config) {
  auto storage = config.backend == "local" ? MakeLocalUpstream(config) : MakeS3Upstream(config);
  if (!storage.ok() || config.parent_cache_url.empty()) return storage;
  return ViaParentCache(std::move(*storage), config.parent_cache_url);
}

namespace {

// "<decimal length>:<bytes>": no two field lists share an encoding.
void AppendField(std::string* out, const std::string& field) {
  *out += std::to_string(field.size());
  *out += ':';
  *out += field;
}

}  // namespace

Result<std::string> ObjectCacheKey(const std::string& scope, const FileRecord& file) {
  std::string fields = "mediagate-cache-key-v2\n";
  for (const std::string* field : {&scope, &file.object_key, &file.version}) {
    AppendField(&fields, *field);
  }
  auto digest = Digest(HashAlgorithm::kSha256, fields);
  if (!digest.ok()) return digest.status().Annotate("cache key");
  return HexEncode(*digest).substr(0, 32);
}

}  // namespace mediagate
