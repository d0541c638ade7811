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

void SetNonBlocking(int fd, bool on) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags >= 0) fcntl(fd, F_SETFL, on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK));
}

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
  SetNonBlocking(listen_fd_, true);
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

int ConnectionGate::Next(const sigset_t* wait_mask) {
  while (ready_.empty()) {
    ExpireDue(Clock::now());
    if (!accepting_ && !Busy()) return -1;
    epoll_event events[32];
    const int n =
        epoll_pwait(epoll_fd_, events, 32, MillisUntilNextDeadline(Clock::now()), wait_mask);
    if (n < 0) {
      if (errno != EINTR) spdlog::error("worker: epoll_pwait: {}", strerror(errno));
      return -1;
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
  SetNonBlocking(fd, true);
  if (!keep) shutdown(fd, SHUT_WR);
  Watch(fd, keep ? Phase::kKept : Phase::kDrain, keep ? kKeepIdle : kDrain);
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
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;  // a wake-up means new bytes
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) Close(fd);
}

void ConnectionGate::Close(int fd) {
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  conns_.erase(fd);
  close(fd);
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
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN: another worker took it, or nothing left
    Watch(fd, Phase::kHead, kHeadTimeout);
  }
}

void ConnectionGate::OnReadable(int fd, bool peer_closed) {
  const auto it = conns_.find(fd);
  if (it == conns_.end()) return;
  if (it->second.phase == Phase::kDrain) {
    ssize_t got;
    while ((got = recv(fd, &peek_[0], peek_.size(), MSG_DONTWAIT)) > 0) {
    }
    if (got == 0 || errno != EAGAIN) Close(fd);
    return;
  }
  const ssize_t got = recv(fd, &peek_[0], peek_.size(), MSG_PEEK | MSG_DONTWAIT);
  if (got < 0 && errno == EAGAIN) return;
  if (got <= 0) return Close(fd);  // closed or failed before sending a request
  const FcgiHead head = CheckFcgiHead(std::string_view(peek_.data(), static_cast<size_t>(got)));
  it->second.sent = it->second.sent || head.begun;
  switch (head.state) {
    case FcgiHead::State::kInvalid:
      return Reject(fd, Metrics::FcgiReject::kInvalid, head.problem);
    case FcgiHead::State::kIncomplete:
      if (peer_closed) Reject(fd, Metrics::FcgiReject::kInvalid, "incomplete request head");
      return;
    case FcgiHead::State::kComplete: ready_.push_back(Hand(fd)); return;
  }
}

int ConnectionGate::Hand(int fd) {
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  conns_.erase(fd);
  SetNonBlocking(fd, false);
  SetTimeout(fd, SO_RCVTIMEO, kIoTimeout);
  SetTimeout(fd, SO_SNDTIMEO, kIoTimeout);
  return fd;
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
