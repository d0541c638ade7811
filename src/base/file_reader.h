// Reading small whole files (the config, secret files), errno -> Status.
//
// Pure function of the file system; thread-safe.
#ifndef MEDIAGATE_FILE_READER_H_
#define MEDIAGATE_FILE_READER_H_

#include <sys/stat.h>

#include <string>

#include "mediagate/result.h"

namespace mediagate {

// The content of the regular file at `path`; its stat in *st when st is not
// null. IoError "cannot read PATH: <strerror>" if it cannot be opened or read,
// "PATH is not a regular file" for a directory, device or FIFO.
Result<std::string> ReadRegularFile(const std::string& path, struct stat* st = nullptr);

}  // namespace mediagate

#endif  // MEDIAGATE_FILE_READER_H_
