// Tests for ConnectionGate on a real unix listening socket: complete heads
// are handed out untouched, invalid ones are closed and counted, and a
// half-sent connection never holds up another.
#include "server/connection_gate.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace mediagate {
namespace {

std::string Record(int type, const std::string& content) {
  return std::string{1,
                     static_cast<char>(type),
                     0,
                     1,
                     static_cast<char>(content.size() >> 8),
                     static_cast<char>(content.size() & 0xff),
                     0,
                     0} +
         content;
}

std::string Request() {
  const std::string pair = std::string{11, 2} + "REQUEST_URI" + "/x";
  return Record(1, std::string{0, 1, 0, 0, 0, 0, 0, 0}) + Record(4, pair) + Record(4, "") +
         Record(5, "");
}

class ConnectionGateTest : public ::testing::Test {
 protected:
  ConnectionGateTest()
      : metrics_(Metrics::CreatePrivate()), limiter_(std::chrono::seconds(10)) {
    char dir[] = "/tmp/gate-test-XXXXXX";
    dir_ = mkdtemp(dir);
    addr_.sun_family = AF_UNIX;
    snprintf(addr_.sun_path, sizeof(addr_.sun_path), "%s/s", dir_.c_str());
    listen_fd_ = socket(AF_UNIX, SOCK_STREAM, 0);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr_), sizeof(addr_));
    listen(listen_fd_, 64);
    gate_ = std::make_unique<ConnectionGate>(listen_fd_, metrics_.get(), &limiter_);
  }
  ~ConnectionGateTest() override {
    gate_.reset();
    close(listen_fd_);
    unlink(addr_.sun_path);
    rmdir(dir_.c_str());
  }

  int Client(const std::string& bytes) {
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr_), sizeof(addr_)), 0);
    EXPECT_EQ(write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    return fd;
  }

  // True when the gate closed the client's connection within `ms`.
  static bool ClosedWithin(int client, int ms) {
    pollfd p{client, POLLIN, 0};
    if (poll(&p, 1, ms) != 1) return false;
    char c;
    return read(client, &c, 1) <= 0;  // EOF, or ECONNRESET: closed with bytes unread
  }

  std::unique_ptr<Metrics> metrics_;
  LogRateLimiter limiter_;
  std::string dir_;
  sockaddr_un addr_{};
  int listen_fd_ = -1;
  std::unique_ptr<ConnectionGate> gate_;
};

TEST_F(ConnectionGateTest, HandsOutACompleteHeadUntouched) {
  ASSERT_TRUE(gate_->ok());
  const int client = Client(Request());
  const int fd = gate_->Next(nullptr);
  ASSERT_GE(fd, 0);
  std::string got(Request().size(), '\0');
  ASSERT_EQ(read(fd, &got[0], got.size()), static_cast<ssize_t>(got.size()));
  EXPECT_EQ(got, Request());  // libfcgi reads every byte the peer sent
  close(fd);
  close(client);
}

TEST_F(ConnectionGateTest, HandsOutABlockingSocketWithIoTimeouts) {
  const int client = Client(Request());
  const int fd = gate_->Next(nullptr);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);   // libfcgi's reads and writes block...
  for (int option : {SO_RCVTIMEO, SO_SNDTIMEO}) {  // ...for at most kIoTimeout
    timeval tv{};
    socklen_t len = sizeof(tv);
    ASSERT_EQ(getsockopt(fd, SOL_SOCKET, option, &tv, &len), 0);
    EXPECT_EQ(tv.tv_sec * 1000 + tv.tv_usec / 1000, ConnectionGate::kIoTimeout.count());
  }
  close(fd);
  close(client);
}

TEST_F(ConnectionGateTest, AKeptConnectionsNextRequestIsHandedOutAgain) {
  const int client = Client(Request());
  const int fd = gate_->Next(nullptr);
  ASSERT_GE(fd, 0);
  std::string got(Request().size(), '\0');
  ASSERT_EQ(read(fd, &got[0], got.size()), static_cast<ssize_t>(got.size()));
  // The peer sends its next request while "libfcgi" still has the socket.
  ASSERT_EQ(write(client, Request().data(), Request().size()),
            static_cast<ssize_t>(Request().size()));
  gate_->Return(fd, /*keep=*/true);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(gate_->Next(nullptr), fd);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
  // And once more, with the request arriving after the socket came back.
  ASSERT_EQ(read(fd, &got[0], got.size()), static_cast<ssize_t>(got.size()));
  gate_->Return(fd, /*keep=*/true);
  ASSERT_EQ(write(client, Request().data(), Request().size()),
            static_cast<ssize_t>(Request().size()));
  EXPECT_EQ(gate_->Next(nullptr), fd);
  close(fd);
  close(client);
}

// The worker's held-back work (buffered Redis writes) runs only when no
// request is waiting, once, before the gate blocks.
TEST_F(ConnectionGateTest, IdleWorkRunsOnceBeforeBlockingAndNotWhileRequestsWait) {
  int idle_runs = 0;
  const std::function<void()> idle = [&] { ++idle_runs; };
  const int first = Client(Request());
  const int second = Client(Request());
  const int a = gate_->Next(nullptr, idle);
  const int b = gate_->Next(nullptr, idle);
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  EXPECT_EQ(idle_runs, 0);  // both requests were waiting
  int late = -1;
  std::thread later([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    late = Client(Request());
  });
  const int c = gate_->Next(nullptr, idle);
  later.join();
  EXPECT_GE(c, 0);
  EXPECT_EQ(idle_runs, 1);  // ran before the wait, not again after it
  for (int fd : {a, b, c, first, second, late}) close(fd);
}

TEST_F(ConnectionGateTest, AReturnedConnectionIsClosedOnceThePeerHasClosed) {
  const int client = Client(Request());
  const int fd = gate_->Next(nullptr);
  ASSERT_GE(fd, 0);
  std::string got(Request().size(), '\0');
  ASSERT_EQ(read(fd, &got[0], got.size()), static_cast<ssize_t>(got.size()));
  close(client);  // nginx read its answer and hung up before the socket came back
  gate_->Return(fd, /*keep=*/false);
  errno = 0;  // drained and closed at once, not after an epoll round or kDrain
  EXPECT_EQ(fcntl(fd, F_GETFD), -1);
  EXPECT_EQ(errno, EBADF);
}

TEST_F(ConnectionGateTest, ClosesAndCountsAnInvalidHead) {
  const std::string huge = std::string("\xff\xff\xff\xf0\xff\xff\xff\xf0", 8) + "xy";
  const int bad =
      Client(Record(1, std::string{0, 1, 0, 0, 0, 0, 0, 0}) + Record(4, huge) + Record(4, ""));
  const int good = Client(Request());
  const int fd = gate_->Next(nullptr);
  ASSERT_GE(fd, 0);
  EXPECT_TRUE(ClosedWithin(bad, 1000));
  EXPECT_EQ(metrics_->FcgiRejected(Metrics::FcgiReject::kInvalid), 1u);
  close(fd);
  close(good);
  close(bad);
}

TEST_F(ConnectionGateTest, HalfSentHeadsHoldUpNobodyAndTimeOut) {
  const int half = Client(Request().substr(0, 3));
  const int idle = Client("");
  const int good = Client(Request());
  const auto start = std::chrono::steady_clock::now();
  const int fd = gate_->Next(nullptr);
  ASSERT_GE(fd, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
  close(fd);
  close(good);
  // The gate closes them at kHeadTimeout, while it waits for the next one.
  const int later = Client("");
  gate_->StopAccepting();
  EXPECT_EQ(gate_->Next(nullptr), -1);  // nothing left once they timed out
  EXPECT_TRUE(ClosedWithin(half, 0) || ClosedWithin(half, 100));
  EXPECT_TRUE(ClosedWithin(idle, 100));
  EXPECT_GE(metrics_->FcgiRejected(Metrics::FcgiReject::kTimeout), 2u);
  close(half);
  close(idle);
  close(later);
}

}  // namespace
}  // namespace mediagate
