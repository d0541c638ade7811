// Replacing a file atomically, errno -> Status.
//
// Readers (a web server, a cron job's mail) see the old file or the whole new
// one, never a half-written one. Thread-safe (no shared state).
#ifndef MEDIAGATE_FILE_WRITER_H_
#define MEDIAGATE_FILE_WRITER_H_

#include <string>

#include "mediagate/status.h"

namespace mediagate {

// Writes `data` to a temporary file beside `path` (same directory, so the
// rename cannot cross file systems), flushes it to disk, gives it `mode`
// and renames it over `path`. IoError "cannot write PATH: <strerror>" when
// the directory is missing or not writable, the disk is full, or `path` is a
// directory; the temporary file is removed on every failure.
Status WriteFileAtomically(const std::string& path, const std::string& data, int mode = 0644);

}  // namespace mediagate

#endif  // MEDIAGATE_FILE_WRITER_H_
