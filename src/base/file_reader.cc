// ReadRegularFile: open/fstat/read, with every errno converted here.
#include "base/file_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "base/posix_error.h"

namespace mediagate {
namespace {

Status ReadError(const std::string& path) { return PosixError("cannot read " + path, errno); }

}  // namespace

Result<std::string> ReadRegularFile(const std::string& path, struct stat* st_out) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return ReadError(path);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    Status s = ReadError(path);
    close(fd);
    return s;
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return Status::IoError(path + " is not a regular file");
  }
  std::string content;
  char buf[8192];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = ReadError(path);
      close(fd);
      return s;
    }
    content.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  if (st_out != nullptr) *st_out = st;
  return content;
}

}  // namespace mediagate
