// Factories of the storage backends behind MakeUpstream().
#ifndef MEDIAGATE_STORAGE_BACKENDS_H_
#define MEDIAGATE_STORAGE_BACKENDS_H_

#include <memory>

#include "mediagate/upstream.h"

namespace mediagate {

Result<std::unique_ptr<Upstream>> MakeS3Upstream(const StorageConfig& config);
Result<std::unique_ptr<Upstream>> MakeLocalUpstream(const StorageConfig& config);

}  // namespace mediagate

#endif  // MEDIAGATE_STORAGE_BACKENDS_H_
