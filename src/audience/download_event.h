// DownloadEvent: one line of nginx's download log (log_format
// mediagate_download), parsed. The audience pipeline (`mediagate ingest`)
// hands every event, in log order, to each DownloadSink: the IAB download
// counter and sharing detection. Plain value; no secrets (the log holds no
// token and no email).
#ifndef MEDIAGATE_AUDIENCE_DOWNLOAD_EVENT_H_
#define MEDIAGATE_AUDIENCE_DOWNLOAD_EVENT_H_

#include <cstdint>
#include <string>

namespace mediagate {

struct DownloadEvent {
  // When nginx finished the request, Unix time in milliseconds ($msec).
  int64_t time_ms = 0;
  // The client's address after nginx applied the trusted proxies (IPv4 or
  // IPv6 text, as $remote_addr prints it).
  std::string client;
  // User-Agent as sent; "" when absent.
  std::string user_agent;
  // Request method ("GET", "HEAD").
  std::string method;
  // Status sent to the client (200, 206, 304, 403, 416...).
  int status = 0;
  // The Range request header as sent; "" when absent.
  std::string range;
  // Body bytes sent to the client ($body_bytes_sent).
  int64_t bytes_sent = 0;
  // The link's file id (mediagate_media.id).
  std::string file_id;
  // mediagate's opaque subscriber reference (X-Mediagate-User): "u" and 15
  // hex digits for a subscriber, "public" for a public episode link, "" when
  // the request was not allowed.
  std::string user_ref;
};

}  // namespace mediagate

#endif  // MEDIAGATE_AUDIENCE_DOWNLOAD_EVENT_H_
