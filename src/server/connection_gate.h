// ConnectionGate: the worker's own accept loop in front of libfcgi.
//
// libfcgi blocks in accept() and then in read() on one peer, without a
// deadline, and trusts the lengths it reads (server/fcgi_head.h). The gate
// accepts connections itself, watches any number of them at once with epoll
// (edge-triggered: a wake-up means new bytes) and peeks at their bytes
// without consuming them. A connection reaches libfcgi only when a complete,
// valid request head is already in its receive buffer, so libfcgi never
// waits for a peer. A peer that sends an invalid head, or no complete head
// within kHeadTimeout (kKeepIdle on a kept keep-conn connection), is closed
// and counted, while the worker keeps serving every other connection.
// Not thread-safe (one per worker).
#ifndef MEDIAGATE_SERVER_CONNECTION_GATE_H_
#define MEDIAGATE_SERVER_CONNECTION_GATE_H_

#include <signal.h>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/rate_limiter.h"
#include "mediagate/metrics.h"

namespace mediagate {

class ConnectionGate {
 public:
  using Clock = std::chrono::steady_clock;
  // How long a new connection may take to send its request head.
  static constexpr auto kHeadTimeout = std::chrono::milliseconds(2000);
  // How long a keep-conn connection may stay idle between requests.
  static constexpr auto kKeepIdle = std::chrono::milliseconds(5000);
  // How long a closed connection's late bytes are drained (no RST for them).
  static constexpr auto kDrain = std::chrono::milliseconds(1000);
  // How long libfcgi may block sending a response (SO_SNDTIMEO).
  static constexpr auto kIoTimeout = std::chrono::milliseconds(2000);
  // Connections waiting for their head; beyond it the oldest is closed.
  static constexpr size_t kMaxWaiting = 64;

  // `listen_fd` is the shared listening socket (made non-blocking). The
  // pointers must outlive the gate.
  ConnectionGate(int listen_fd, Metrics* metrics, LogRateLimiter* limiter);
  ~ConnectionGate();  // closes every connection it still holds
  ConnectionGate(const ConnectionGate&) = delete;
  ConnectionGate& operator=(const ConnectionGate&) = delete;

  // False if epoll could not be set up (the worker cannot serve).
  bool ok() const { return epoll_fd_ >= 0; }

  // Waits until a connection holds a complete, valid request head and
  // returns it: a blocking socket with send and receive timeouts, whose head
  // libfcgi reads without waiting. Signals are delivered with `wait_mask` in
  // force while it waits; returns -1 when one interrupted the wait (the
  // caller checks its stop flag), on an unexpected epoll error, and after
  // StopAccepting() once nothing is left. `idle`, when given, runs once
  // before the first wait that would block (nothing ready now): work the
  // worker held back while requests were queued (buffered cache writes).
  int Next(const sigset_t* wait_mask, const std::function<void()>& idle = nullptr);

  // Stops accepting (a stopping worker): connections already accepted are
  // still handed out by Next() until none is left waiting for its head;
  // idle keep-conn connections are closed at once.
  void StopAccepting();
  // True while a connection accepted earlier may still become a request.
  bool Busy() const;

  // Takes `fd` back after a request. With `keep` (FCGI_KEEP_CONN) it waits
  // for the next request head for up to kKeepIdle; otherwise its write side
  // is shut down and late bytes are drained for up to kDrain before close.
  void Return(int fd, bool keep);

 private:
  enum class Phase { kHead, kKept, kDrain };  // kKept: keep-conn, between requests
  enum class Outcome { kWaiting, kDone };     // kWaiting: still needs bytes
  struct Conn {
    Phase phase;
    Clock::time_point deadline;
    Clock::time_point since;  // when it started waiting (eviction order)
    bool sent = false;        // a BEGIN_REQUEST arrived since it started waiting
  };

  void Watch(int fd, Phase phase, Clock::duration bound);
  void Close(int fd);
  void Reject(int fd, Metrics::FcgiReject why, const char* problem);
  void AcceptAll();
  // Peeks at (or drains) a watched connection: hands it out, closes it, or
  // leaves it waiting for more bytes.
  Outcome OnReadable(int fd, bool peer_closed);
  void ExpireDue(Clock::time_point now);
  int MillisUntilNextDeadline(Clock::time_point now) const;

  int listen_fd_;
  bool accepting_ = true;
  int epoll_fd_ = -1;
  Metrics* metrics_;
  LogRateLimiter* limiter_;
  std::map<int, Conn> conns_;
  std::deque<int> ready_;  // complete heads not handed out yet
  // registered_[fd]: fd is in the epoll set. A socket stays there while
  // libfcgi has it (its events are ignored), saving two epoll_ctl calls a request.
  std::vector<bool> registered_;
  std::string peek_;  // buffer for MSG_PEEK
};

}  // namespace mediagate

#endif  // MEDIAGATE_SERVER_CONNECTION_GATE_H_
