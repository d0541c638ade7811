// SocketDeadline: setitimer + a SIGALRM handler that calls shutdown().
#include "store/socket_deadline.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>

namespace mediagate {
namespace {

volatile sig_atomic_t g_fd = -1;
volatile sig_atomic_t g_expired = 0;

void OnAlarm(int) {
  const int fd = g_fd;
  if (fd < 0) return;
  shutdown(fd, SHUT_RDWR);
  g_expired = 1;
}

void SetTimer(std::chrono::milliseconds bound) {
  itimerval timer{};
  timer.it_value.tv_sec = static_cast<time_t>(bound.count() / 1000);
  timer.it_value.tv_usec = static_cast<suseconds_t>((bound.count() % 1000) * 1000);
  setitimer(ITIMER_REAL, &timer, nullptr);
}

}  // namespace

SocketDeadline::SocketDeadline(int fd, std::chrono::milliseconds bound) {
  g_expired = 0;
  if (fd < 0) return;
  static const bool installed = [] {
    struct sigaction sa {};
    sa.sa_handler = OnAlarm;
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGALRM, &sa, nullptr) == 0;
  }();
  if (!installed) return;
  g_fd = fd;
  SetTimer(bound.count() > 0 ? bound : std::chrono::milliseconds(1));
}

SocketDeadline::~SocketDeadline() {
  SetTimer(std::chrono::milliseconds(0));  // disarm
  g_fd = -1;
}

bool SocketDeadline::expired() const { return g_expired != 0; }

}  // namespace mediagate
