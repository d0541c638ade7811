// LogFollower: pread() from the consumed offset; stat() to see rotations.
#include "audience/log_follower.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "base/posix_error.h"

namespace mediagate {
namespace {

bool SameFile(const struct stat& st, const LogPosition& pos) {
  return static_cast<uint64_t>(st.st_dev) == pos.device &&
         static_cast<uint64_t>(st.st_ino) == pos.inode;
}

// True when the byte before `offset` is a newline, as it is where we stopped
// (or offset is 0, or it cannot be read: the size check decides then). False
// tells a truncated file that has grown past our offset again.
bool NewlineBefore(int fd, int64_t offset) {
  char c = '\n';
  return offset == 0 || ::pread(fd, &c, 1, offset - 1) != 1 || c == '\n';
}

}  // namespace

LogFollower::LogFollower(std::string path, LogPosition start, int settle_polls)
    : path_(std::move(path)), pos_(start), settle_polls_(settle_polls) {}

LogFollower::~LogFollower() { Close(); }

void LogFollower::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string LogFollower::Rotated(int k) const {
  return k == 0 ? path_ : path_ + "." + std::to_string(k);
}

int LogFollower::FindOurs() const {
  struct stat st;
  for (int k = 0; k <= kMaxRotated; ++k) {
    if (::stat(Rotated(k).c_str(), &st) == 0 && SameFile(st, pos_)) return k;
  }
  return -1;
}

Status LogFollower::OpenAt(const std::string& path, bool keep_offset) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return errno == ENOENT ? Status::Ok() : PosixError(path, errno);
  struct stat st;
  if (::fstat(fd_, &st) != 0) return PosixError(path, errno);
  if (!keep_offset || !SameFile(st, pos_)) {
    pos_.device = st.st_dev;
    pos_.inode = st.st_ino;
    pos_.offset = 0;
  }
  return Status::Ok();
}

Status LogFollower::Open() {
  // Our file may have been renamed to PATH.1 (or further) while we were not
  // running: finish it first.
  const int ours = pos_.inode == 0 ? -1 : FindOurs();
  if (ours >= 0) return OpenAt(Rotated(ours), true);
  if (pos_.inode != 0) ++rotations_;  // our file is gone: start the current one
  return OpenAt(path_, false);
}

Status LogFollower::Drain(int fd, int64_t* offset, const LineFn& on_line) {
  const size_t want = kMaxLine;
  buffer_.resize(want);
  while (!stopped_) {
    const ssize_t n = ::pread(fd, buffer_.data(), want, *offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return PosixError(path_, errno);
    }
    if (n == 0) return Status::Ok();
    std::string_view data(buffer_.data(), static_cast<size_t>(n));
    size_t used = 0;
    for (size_t nl; !stopped_ && (nl = data.find('\n', used)) != std::string_view::npos;
         used = nl + 1) {
      *offset += static_cast<int64_t>(nl + 1 - used);
      ++pos_.lines;
      stopped_ = !on_line(data.substr(used, nl - used));
    }
    if (used == 0) {
      if (static_cast<size_t>(n) < want) return Status::Ok();  // partial line: wait
      // An over-long line: its first kMaxLine bytes, once all of it is there.
      auto end = FindNewline(fd, *offset + n);
      if (!end.ok()) return end.status();
      if (*end < 0) return Status::Ok();
      *offset = *end + 1;
      ++pos_.lines;
      stopped_ = !on_line(data);
    } else if (!stopped_ && used < static_cast<size_t>(n) && static_cast<size_t>(n) < want) {
      return Status::Ok();  // the rest is a partial line
    }
  }
  return Status::Ok();
}

Result<int64_t> LogFollower::FindNewline(int fd, int64_t from) {
  std::string chunk(kMaxLine, '\0');
  for (;;) {
    const ssize_t n = ::pread(fd, chunk.data(), chunk.size(), from);
    if (n < 0) {
      if (errno == EINTR) continue;
      return PosixError(path_, errno);
    }
    if (n == 0) return int64_t{-1};
    const size_t nl = std::string_view(chunk.data(), static_cast<size_t>(n)).find('\n');
    if (nl != std::string_view::npos) return from + static_cast<int64_t>(nl);
    from += n;
  }
}

Status LogFollower::ReadRotatedCopy(int64_t from, const LineFn& on_line) {
  const std::string rotated = path_ + ".1";
  const int fd = ::open(rotated.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Ok();
  struct stat st;
  unsigned char magic[2] = {0, 0};
  const bool usable = ::fstat(fd, &st) == 0 && st.st_size >= from &&
                      !(::pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b);
  Status s;
  if (usable) {
    int64_t offset = from;
    // All of it, whatever on_line says: the position cannot point into PATH.1.
    s = Drain(fd, &offset, [&on_line](std::string_view line) {
      on_line(line);
      return true;
    });
  }
  ::close(fd);
  return s;
}

Status LogFollower::Poll(const LineFn& on_line) {
  stopped_ = false;
  if (fd_ < 0) {
    Status s = Open();
    if (!s.ok() || fd_ < 0) return s;
  }
  struct stat st;
  for (;;) {
    if (::fstat(fd_, &st) != 0) return PosixError(path_, errno);
    if (st.st_size < pos_.offset || !NewlineBefore(fd_, pos_.offset)) {  // copytruncate
      ++rotations_;
      Status s = ReadRotatedCopy(pos_.offset, on_line);
      if (!s.ok()) return s;
      pos_.offset = 0;
    }
    const int64_t before = pos_.offset;
    Status s = Drain(fd_, &pos_.offset, on_line);
    if (!s.ok() || stopped_) return s;
    struct stat now;
    if (::stat(path_.c_str(), &now) != 0 || SameFile(now, pos_)) {
      idle_after_rename_ = 0;
      return Status::Ok();
    }
    // PATH is another file now: finish ours, then switch once it is quiet.
    if (pos_.offset != before) idle_after_rename_ = 0;
    if (idle_after_rename_++ < settle_polls_) return Status::Ok();
    // The file rotated in after ours: PATH.(k-1) when ours is PATH.k.
    idle_after_rename_ = 0;
    const int ours = FindOurs();
    Close();
    ++rotations_;
    s = OpenAt(Rotated(ours > 0 ? ours - 1 : 0), false);
    if (s.ok() && fd_ < 0 && ours > 1) s = OpenAt(path_, false);  // that one is gone
    if (!s.ok() || fd_ < 0) return s;
  }
}

}  // namespace mediagate
