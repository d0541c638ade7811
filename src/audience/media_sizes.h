// MediaSizes: what the counter needs to know about a file to apply the IAB
// threshold, and where it gets it (PostgreSQL in `mediagate ingest`, a fake
// in unit tests).
#ifndef MEDIAGATE_AUDIENCE_MEDIA_SIZES_H_
#define MEDIAGATE_AUDIENCE_MEDIA_SIZES_H_

#include <cstdint>
#include <string>

#include "mediagate/result.h"

namespace mediagate {

struct MediaSize {
  int64_t length_bytes = 0;       // 0: unknown (never counted)
  int64_t header_bytes = 0;       // ID3 header; 0 when unknown
  int64_t duration_seconds = -1;  // -1: unknown (the whole file must be served)
};

// Bytes one listener must have been served for a download to count: the
// header plus one minute of audio at the file's average bitrate, rounded up;
// the whole file when the duration is unknown or under a minute.
int64_t DownloadThreshold(const MediaSize& m);

class MediaSizes {
 public:
  virtual ~MediaSizes() = default;
  // The sizes of `file_id`; a MediaSize with length 0 when the file is
  // unknown. Unavailable when the source cannot answer now.
  virtual Result<MediaSize> Lookup(const std::string& file_id) = 0;
};

}  // namespace mediagate

#endif  // MEDIAGATE_AUDIENCE_MEDIA_SIZES_H_
