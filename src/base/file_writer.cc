// WriteFileAtomically: mkstemp, write, fsync, fchmod, rename.
#include "base/file_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

#include "base/posix_error.h"

namespace mediagate {

Status WriteFileAtomically(const std::string& path, const std::string& data, int mode) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string tmpl = dir + "." + base + ".XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  const int fd = mkstemp(name.data());
  if (fd < 0) return PosixError("cannot write " + path, errno);
  const std::string tmp(name.data());
  int error = 0;
  for (size_t done = 0; done < data.size() && error == 0;) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno != EINTR) error = errno;
    if (n > 0) done += static_cast<size_t>(n);
  }
  if (error == 0 && fchmod(fd, static_cast<mode_t>(mode)) != 0) error = errno;
  if (error == 0 && fsync(fd) != 0) error = errno;
  if (close(fd) != 0 && error == 0) error = errno;
  if (error == 0 && rename(tmp.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    unlink(tmp.c_str());
    return PosixError("cannot write " + path, error);
  }
  return Status::Ok();
}

}  // namespace mediagate
