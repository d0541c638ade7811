// PosixError: the one place an errno becomes a Status.
//
// Pure function; thread-safe.
#ifndef MEDIAGATE_BASE_POSIX_ERROR_H_
#define MEDIAGATE_BASE_POSIX_ERROR_H_

#include <string>

#include "mediagate/status.h"

namespace mediagate {

// IoError "<context>: <strerror(error_number)>", e.g. "bind /run/x.sock:
// Address already in use". An IoError means the operating system refused,
// which may pass (a busy port, a directory not yet created), never that the
// caller's input is malformed.
Status PosixError(const std::string& context, int error_number);

}  // namespace mediagate

#endif  // MEDIAGATE_BASE_POSIX_ERROR_H_
