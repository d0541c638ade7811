// Factories of the storage backends behind MakeUpstream().
#ifndef MEDIAGATE_STORAGE_BACKENDS_H_
#define MEDIAGATE_STORAGE_BACKENDS_H_

#include <memory>
#include <string>

#include "mediagate/upstream.h"

namespace mediagate {

Result<std::unique_ptr<Upstream>> MakeS3Upstream(const StorageConfig& config);
Result<std::unique_ptr<Upstream>> MakeLocalUpstream(const StorageConfig& config);
// `storage`'s URLs re-rooted at the parent cache `parent_url` (via_parent.cc).
std::unique_ptr<Upstream> ViaParentCache(std::unique_ptr<Upstream> storage,
                                         const std::string& parent_url);

}  // namespace mediagate

#endif  // MEDIAGATE_STORAGE_BACKENDS_H_
