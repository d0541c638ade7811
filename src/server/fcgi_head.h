// FcgiHead: checks the start of a FastCGI connection before libfcgi reads it.
//
// libfcgi trusts the 31-bit name and value lengths of a parameter
// (CVE-2025-23016: Malloc(nameLen + valueLen + 2) aborts the worker) and has
// no read timeout. The worker therefore peeks at the bytes a peer sent and
// hands the connection to libfcgi only once a complete request head is there
// (FCGI_BEGIN_REQUEST, the FCGI_PARAMS stream up to its empty record) and
// every length in it fits inside the bytes actually sent. Pure function,
// thread-safe.
#ifndef MEDIAGATE_SERVER_FCGI_HEAD_H_
#define MEDIAGATE_SERVER_FCGI_HEAD_H_

#include <cstddef>
#include <string_view>

namespace mediagate {

// Most bytes a request head may take (records up to the empty FCGI_PARAMS).
// nginx sends a few KB; its largest headers (4 x 8 KB) stay far below.
constexpr size_t kMaxFcgiHead = 128 * 1024;

struct FcgiHead {
  enum class State {
    kIncomplete,  // valid so far; wait for more bytes
    kComplete,    // a whole, valid head: libfcgi may read it
    kInvalid,     // close the connection: libfcgi must never see it
  };
  State state = State::kIncomplete;
  bool begun = false;        // a BEGIN_REQUEST was seen
  bool keep_conn = false;    // FCGI_KEEP_CONN in the BEGIN_REQUEST
  const char* problem = "";  // why kInvalid, for the log (static string)
};

// Checks `bytes`, the first bytes received on a connection (or since the
// last request on a kept connection). kInvalid for: a record version other
// than 1, a BEGIN_REQUEST that is not 8 bytes or has request id 0, a
// parameter or FCGI_GET_VALUES pair whose lengths run past the bytes of its
// stream, an FCGI_GET_VALUES of more than 3 pairs (libfcgi's answer buffer
// holds 3), a record of the request other than FCGI_PARAMS before the params
// end, and a head longer than kMaxFcgiHead.
FcgiHead CheckFcgiHead(std::string_view bytes);

}  // namespace mediagate

#endif  // MEDIAGATE_SERVER_FCGI_HEAD_H_
