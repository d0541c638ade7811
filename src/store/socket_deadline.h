// SocketDeadline: a client-side bound on a blocking wait on one socket.
//
// libpq waits for a server's answer in poll() with no time limit, and
// statement_timeout is enforced by the server itself: a frozen server
// (SIGSTOP, a network partition) would hold the worker forever. While a
// SocketDeadline is alive, a one-shot ITIMER_REAL timer is armed; when it
// fires, the SIGALRM handler shuts the socket down (async-signal-safe), so
// the blocked read returns end-of-file and libpq reports a broken connection.
// One per process at a time (ITIMER_REAL is per process); the workers and
// the commands are single-threaded.
#ifndef MEDIAGATE_SOCKET_DEADLINE_H_
#define MEDIAGATE_SOCKET_DEADLINE_H_

#include <chrono>

namespace mediagate {

class SocketDeadline {
 public:
  // Arms the deadline for `fd`, `bound` from now (nothing if fd < 0).
  SocketDeadline(int fd, std::chrono::milliseconds bound);
  ~SocketDeadline();  // disarms it
  SocketDeadline(const SocketDeadline&) = delete;
  SocketDeadline& operator=(const SocketDeadline&) = delete;

  // True once the deadline has passed and the socket was shut down.
  bool expired() const;
};

}  // namespace mediagate

#endif  // MEDIAGATE_SOCKET_DEADLINE_H_
