// DownloadSink: a consumer of the download log's events (the IAB counter,
// sharing detection). `mediagate ingest` parses each log line once and gives
// the event to every sink, in log order, from one thread.
#ifndef MEDIAGATE_AUDIENCE_DOWNLOAD_SINK_H_
#define MEDIAGATE_AUDIENCE_DOWNLOAD_SINK_H_

#include "audience/download_event.h"

namespace mediagate {

class DownloadSink {
 public:
  virtual ~DownloadSink() = default;
  // Takes one event. Events come in log order; time_ms may step back by a
  // little (nginx workers write their lines independently).
  virtual void Observe(const DownloadEvent& event) = 0;
};

}  // namespace mediagate

#endif  // MEDIAGATE_AUDIENCE_DOWNLOAD_SINK_H_
