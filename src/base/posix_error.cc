// PosixError: errno -> Status.
#include "base/posix_error.h"

#include <cstring>

namespace mediagate {

Status PosixError(const std::string& context, int error_number) {
  return Status::IoError(context + ": " + std::strerror(error_number));
}

}  // namespace mediagate
