// Tests for SocketDeadline: a read blocked on a silent peer ends at the bound.
#include "store/socket_deadline.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace mediagate {
namespace {

TEST(SocketDeadlineTest, EndsABlockedReadAtTheBound) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  const auto start = std::chrono::steady_clock::now();
  {
    SocketDeadline deadline(fds[0], std::chrono::milliseconds(200));
    // As libpq waits: poll() again after EINTR; only the shutdown wakes it.
    pollfd p{fds[0], POLLIN, 0};
    int ready;
    do {
      ready = poll(&p, 1, 2000);
    } while (ready < 0 && errno == EINTR);
    EXPECT_EQ(ready, 1);
    char c;
    EXPECT_EQ(recv(fds[0], &c, 1, MSG_DONTWAIT), 0);  // end of file: a closed connection
    EXPECT_TRUE(deadline.expired());
  }
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(190));
  EXPECT_LT(took, std::chrono::milliseconds(1500));
  close(fds[0]);
  close(fds[1]);
}

TEST(SocketDeadlineTest, DisarmedWhenTheAnswerCameInTime) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  {
    SocketDeadline deadline(fds[0], std::chrono::milliseconds(100));
    ASSERT_EQ(write(fds[1], "x", 1), 1);
    char c;
    EXPECT_EQ(read(fds[0], &c, 1), 1);
    EXPECT_FALSE(deadline.expired());
  }
  usleep(200 * 1000);  // the timer must not fire after the scope
  EXPECT_EQ(write(fds[1], "y", 1), 1);
  char c;
  EXPECT_EQ(read(fds[0], &c, 1), 1);
  close(fds[0]);
  close(fds[1]);
}

}  // namespace
}  // namespace mediagate
