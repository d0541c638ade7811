// LogFollower: reads the complete lines appended to a log file, across
// logrotate's rotations, from a position that the caller can persist.
//
// - `create` rotation (the file renamed to PATH.1, a new PATH): the old file
//   is read to its end; once it has stopped growing for `settle_polls` polls
//   (nginx writes there until its USR1 reopen), the follower switches to the
//   file that came after it: PATH.(k-1) if ours is PATH.k now (several
//   rotations while we were behind), else PATH, at offset 0. A position in an
//   old file survives a restart: the follower finds it again among PATH.1 ..
//   PATH.kMaxRotated by device and inode. (Numbered names only, no dateext.)
// - `copytruncate` (PATH copied to PATH.1, then truncated): seen as PATH
//   shorter than the offset, or (grown again since) without a newline just
//   before the offset. The lines from the offset to the end of PATH.1 are
//   read first, when PATH.1 exists, is not compressed and is at least that
//   long; then PATH from 0. (A truncated file that regrew with a newline
//   exactly at the offset is not seen: poll more often than nginx writes
//   that much. Lines nginx wrote between logrotate's copy and its truncation
//   are lost: logrotate's own race, see its manual.)
// - A partial last line (no newline yet) is never consumed; a line longer
//   than kMaxLine bytes is handed over cut to its first kMaxLine bytes, once
//   complete. So the offset always follows a newline.
//
// Position: the file's device and inode, the offset after the last consumed
// line, and the number of lines consumed. Not thread-safe; POSIX I/O only.
#ifndef MEDIAGATE_AUDIENCE_LOG_FOLLOWER_H_
#define MEDIAGATE_AUDIENCE_LOG_FOLLOWER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "mediagate/result.h"
#include "mediagate/status.h"

namespace mediagate {

struct LogPosition {
  uint64_t device = 0;
  uint64_t inode = 0;  // 0: none yet (start at the beginning of PATH)
  int64_t offset = 0;
  int64_t lines = 0;
};

class LogFollower {
 public:
  static constexpr size_t kMaxLine = 64 * 1024;
  static constexpr int kMaxRotated = 9;

  LogFollower(std::string path, LogPosition start, int settle_polls);
  ~LogFollower();
  LogFollower(const LogFollower&) = delete;
  LogFollower& operator=(const LogFollower&) = delete;

  // Calls on_line(line without '\n') for every complete line available now,
  // in order, following rotations, until on_line returns false (that line
  // is consumed; the rest waits for the next Poll). OK also when PATH does
  // not exist (yet); IoError for a read error. position() is updated after
  // each line.
  using LineFn = std::function<bool(std::string_view)>;
  Status Poll(const LineFn& on_line);

  const LogPosition& position() const { return pos_; }
  // How many rotations (rename or truncation) were followed so far.
  int rotations() const { return rotations_; }

 private:
  Status Open();
  // PATH for k = 0, else PATH.k.
  std::string Rotated(int k) const;
  // k of the PATH.k (PATH for 0) that is the file of pos_; -1 when none is.
  int FindOurs() const;
  // Opens `path`; keeps pos_ when keep_offset and it is pos_'s file, else
  // points pos_ at its start. No file is not an error (fd_ stays -1).
  Status OpenAt(const std::string& path, bool keep_offset);
  // Reads lines of fd from *offset to its end; returns the bytes consumed.
  Status Drain(int fd, int64_t* offset, const LineFn& on_line);
  Status ReadRotatedCopy(int64_t from, const LineFn& on_line);
  // Offset of the first '\n' of fd at or after `from`; -1 when none yet.
  Result<int64_t> FindNewline(int fd, int64_t from);
  void Close();

  std::string path_;
  LogPosition pos_;
  int settle_polls_;
  int fd_ = -1;
  int idle_after_rename_ = 0;
  int rotations_ = 0;
  bool stopped_ = false;  // on_line returned false
  std::string buffer_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_AUDIENCE_LOG_FOLLOWER_H_
