// Tests for OpenListenSocket's failures: a malformed address is
// InvalidArgument (a usage error, never retried), while a busy TCP port, a
// unix path another process serves or a missing directory are not, so that
// `mediagate serve` exits with a status systemd restarts. A stale unix socket
// from an earlier run is replaced.
#include "server/listen_socket.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "test_util.h"

namespace mediagate {
namespace {

class ListenSocketTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (int fd : fds_) close(fd);
  }

  std::string SocketPath() const { return dir_ + "/s.sock"; }

  // A unix socket bound at SocketPath(), listening when `listening`.
  void BindUnix(bool listening) {
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    fds_.push_back(fd);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, SocketPath().c_str());
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    if (listening) {
      ASSERT_EQ(listen(fd, 1), 0);
    }
  }

  static Status Open(const std::string& address, const std::string& mode = "") {
    auto socket = OpenListenSocket(ListenOptions{address, mode, ""});
    if (socket.ok()) close(socket->fd);
    return socket.ok() ? Status::Ok() : socket.status();
  }

  TempDir tmp_;
  const std::string dir_ = tmp_.path();
  std::vector<int> fds_;
};

TEST_F(ListenSocketTest, MalformedAddressIsInvalidArgument) {
  for (const char* address : {"no-port-here", "unix:", "127.0.0.1:not-a-port"}) {
    EXPECT_EQ(Open(address).code(), Status::Code::kInvalidArgument) << address;
  }
  EXPECT_EQ(Open("unix:" + SocketPath(), "0999").code(), Status::Code::kInvalidArgument);
}

TEST_F(ListenSocketTest, BusyTcpPortIsAnIoError) {
  BusyLoopbackPort busy;
  const Status s = Open(busy.address());
  EXPECT_EQ(s.code(), Status::Code::kIoError) << s.ToString();
  EXPECT_NE(s.message().find("Address already in use"), std::string::npos) << s.message();
}

TEST_F(ListenSocketTest, UnixPathServedByAnotherProcessIsAnIoErrorAndKept) {
  BindUnix(/*listening=*/true);
  const Status s = Open("unix:" + SocketPath());
  EXPECT_EQ(s.code(), Status::Code::kIoError) << s.ToString();
  EXPECT_NE(s.message().find("Address already in use"), std::string::npos) << s.message();
  struct stat st;
  EXPECT_EQ(lstat(SocketPath().c_str(), &st), 0);
}

TEST_F(ListenSocketTest, StaleUnixSocketIsReplaced) {
  BindUnix(/*listening=*/false);
  const Status s = Open("unix:" + SocketPath());
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_F(ListenSocketTest, MissingDirectoryIsAnIoError) {
  const Status s = Open("unix:" + dir_ + "/not-yet/s.sock");
  EXPECT_EQ(s.code(), Status::Code::kIoError) << s.ToString();
}

}  // namespace
}  // namespace mediagate
