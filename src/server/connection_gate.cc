// ConnectionGate: epoll over the listening socket and the connections that
// have not sent a complete request head yet.
#include "server/connection_gate.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "server/fcgi_head.h"

namespace mediagate {
namespace {

void SetTimeout(int fd, int option, std::chrono::milliseconds bound) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(bound.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((bound.count() % 1000) * 1000);
  setsockopt(fd, SOL_SOCKET, option, &tv, sizeof(tv));
}

}  // namespace

ConnectionGate::ConnectionGate(int listen_fd, Metrics* metrics, LogRateLimiter* limiter)
    : listen_fd_(listen_fd), metrics_(metrics), limiter_(limiter) {
  peek_.resize(kMaxFcgiHead + 1);
  const int flags = fcntl(listen_fd_, F_GETFL);
  if (flags >= 0) fcntl(listen_fd_, F_SETFL, flags | O_NONBLOCK);
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return;
  epoll_event ev{};
  ev.events = EPOLLIN;  // level-triggered: whoever is idle accepts
  ev.data.fd = listen_fd_;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev) != 0) {
    close(epoll_fd_);
    epoll_fd_ = -1;
  }
}

ConnectionGate::~ConnectionGate() {
  for (const auto& entry : conns_) close(entry.first);
  for (int fd : ready_) close(fd);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

void ConnectionGate::StopAccepting() {
  if (!accepting_) return;
  accepting_ = false;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
  std::vector<int> idle;
  for (const auto& [fd, conn] : conns_) {
    if (conn.phase == Phase::kKept && !conn.sent) idle.push_back(fd);
  }
  for (int fd : idle) Close(fd);
}

bool ConnectionGate::Busy() const {
  if (!ready_.empty()) return true;
  for (const auto& entry : conns_) {
    if (entry.second.phase != Phase::kDrain) return true;
  }
  return false;
}

int ConnectionGate::Next(const sigset_t* wait_mask, const std::function<void()>& idle) {
  bool idle_due = static_cast<bool>(idle);
  while (ready_.empty()) {
    ExpireDue(Clock::now());
    if (!accepting_ && !Busy()) return -1;
    epoll_event events[32];
    // With idle work due, first only look (timeout 0); it runs if nothing came.
    const int timeout = idle_due ? 0 : MillisUntilNextDeadline(Clock::now());
    const int n = epoll_pwait(epoll_fd_, events, 32, timeout, wait_mask);
    if (n < 0) {
      if (errno != EINTR) spdlog::error("worker: epoll_pwait: {}", strerror(errno));
      return -1;
    }
    if (n == 0 && idle_due) {
      idle_due = false;
      idle();
      continue;
    }
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == listen_fd_) {
        AcceptAll();
      } else {
        OnReadable(fd, (events[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0);
      }
    }
  }
  const int fd = ready_.front();
  ready_.pop_front();
  return fd;
}

void ConnectionGate::Return(int fd, bool keep) {
  if (!keep) shutdown(fd, SHUT_WR);
  Watch(fd, keep ? Phase::kKept : Phase::kDrain, keep ? kKeepIdle : kDrain);
  // Bytes that came while libfcgi had the connection raised no event the gate
  // saw (it was not waiting): look now. Later bytes raise a new edge.
  OnReadable(fd, false);
}

void ConnectionGate::Watch(int fd, Phase phase, Clock::duration bound) {
  if (phase != Phase::kDrain) {
    size_t waiting = 0;
    auto oldest = conns_.end();
    for (auto it = conns_.begin(); it != conns_.end(); ++it) {
      if (it->second.phase == Phase::kDrain) continue;
      ++waiting;
      if (oldest == conns_.end() || it->second.since < oldest->second.since) oldest = it;
    }
    if (waiting >= kMaxWaiting) Reject(oldest->first, Metrics::FcgiReject::kTimeout, "evicted");
  }
  const auto now = Clock::now();
  conns_[fd] = Conn{phase, now + bound, now, false};
  if (static_cast<size_t>(fd) >= registered_.size()) registered_.resize(fd + 1, false);
  if (registered_[fd]) return;  // still in the epoll set from an earlier wait
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;  // a wake-up means new bytes
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return Close(fd);
  registered_[fd] = true;
}

void ConnectionGate::Close(int fd) {
  conns_.erase(fd);
  close(fd);  // also leaves the epoll set (nothing else holds the socket)
}

void ConnectionGate::Reject(int fd, Metrics::FcgiReject why, const char* problem) {
  metrics_->CountFcgiRejected(why);
  uint64_t suppressed = 0;
  if (limiter_->Allow("fastcgi-reject", &suppressed)) {
    spdlog::warn("worker: closed a FastCGI connection unread: {} ({} more not logged)", problem,
                 suppressed);
  }
  Close(fd);
}

void ConnectionGate::AcceptAll() {
  for (int i = 0; i < 16; ++i) {
    // Blocking, for libfcgi; the gate itself only ever reads with MSG_DONTWAIT.
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN: another worker took it, or nothing left
    if (static_cast<size_t>(fd) >= registered_.size()) registered_.resize(fd + 1, false);
    registered_[fd] = false;  // a new socket: whatever had this number was closed
    SetTimeout(fd, SO_RCVTIMEO, kIoTimeout);
    SetTimeout(fd, SO_SNDTIMEO, kIoTimeout);
    // nginx writes the request right after connecting: it is often here
    // already, and then the connection never needs the epoll set.
    const auto now = Clock::now();
    conns_[fd] = Conn{Phase::kHead, now + kHeadTimeout, now, false};
    if (OnReadable(fd, false) == Outcome::kWaiting) {
      conns_.erase(fd);
      Watch(fd, Phase::kHead, kHeadTimeout);
    }
  }
}

ConnectionGate::Outcome ConnectionGate::OnReadable(int fd, bool peer_closed) {
  const auto it = conns_.find(fd);
  if (it == conns_.end()) return Outcome::kDone;  // handed out, or closed
  if (it->second.phase == Phase::kDrain) {
    ssize_t got;
    while ((got = recv(fd, &peek_[0], peek_.size(), MSG_DONTWAIT)) > 0) {
    }
    if (got < 0 && errno == EAGAIN) return Outcome::kWaiting;
    Close(fd);
    return Outcome::kDone;
  }
  const ssize_t got = recv(fd, &peek_[0], peek_.size(), MSG_PEEK | MSG_DONTWAIT);
  if (got < 0 && errno == EAGAIN) return Outcome::kWaiting;
  if (got <= 0) {  // closed or failed before sending a request
    Close(fd);
    return Outcome::kDone;
  }
  const FcgiHead head = CheckFcgiHead(std::string_view(peek_.data(), static_cast<size_t>(got)));
  it->second.sent = it->second.sent || head.begun;
  switch (head.state) {
    case FcgiHead::State::kInvalid:
      Reject(fd, Metrics::FcgiReject::kInvalid, head.problem);
      return Outcome::kDone;
    case FcgiHead::State::kIncomplete:
      if (!peer_closed) return Outcome::kWaiting;
      Reject(fd, Metrics::FcgiReject::kInvalid, "incomplete request head");
      return Outcome::kDone;
    case FcgiHead::State::kComplete:
      // To libfcgi. It stays in the epoll set (if it is there); its events
      // are ignored until Return().
      conns_.erase(fd);
      ready_.push_back(fd);
      return Outcome::kDone;
  }
  return Outcome::kDone;
}

void ConnectionGate::ExpireDue(Clock::time_point now) {
  std::vector<std::pair<int, bool>> due;  // fd, silent
  for (const auto& [fd, conn] : conns_) {
    const bool idle = conn.phase == Phase::kDrain || (conn.phase == Phase::kKept && !conn.sent);
    if (conn.deadline <= now) due.emplace_back(fd, idle);
  }
  for (const auto& [fd, idle] : due) {
    if (idle) {
      Close(fd);
    } else {
      Reject(fd, Metrics::FcgiReject::kTimeout, "no complete request head in time");
    }
  }
}

int ConnectionGate::MillisUntilNextDeadline(Clock::time_point now) const {
  if (conns_.empty()) return -1;
  auto next = Clock::time_point::max();
  for (const auto& entry : conns_) next = std::min(next, entry.second.deadline);
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(next - now).count();
  return static_cast<int>(std::max<decltype(wait)>(0, wait));
}

}  // namespace mediagate
