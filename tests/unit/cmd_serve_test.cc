// Tests for the exit status of `mediagate serve` when it cannot listen: only
// a malformed address is a usage error (2), which the systemd unit does not
// restart (RestartPreventExitStatus=2); a busy address exits 4, "failed".
// Runs the real binary (MEDIAGATE_BINARY) with a minimal valid config.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

extern char** environ;

namespace mediagate {
namespace {

constexpr int kExitUsage = 2;
constexpr int kExitFailed = 4;

class ServeCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir_ + "/secret") << "django-secret\n";
    std::ofstream(dir_ + "/mediagate.toml")
        << "[token]\nsecret_file = \"" << dir_ << "/secret\"\n"
        << "[storage]\nbackend = \"local\"\n";
  }

  // The exit status of `mediagate serve --config ... --listen ADDRESS`, or
  // -1 if it did not exit on its own within 30 s (it is then killed).
  int ServeExitStatus(const std::string& address) {
    const std::string config = dir_ + "/mediagate.toml";
    const std::string log = dir_ + "/serve.log";
    std::vector<std::string> args = {MEDIAGATE_BINARY, "serve", "--config", config,
                                     "--workers",      "1",     "--listen", address};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return -2;
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  TempDir tmp_;
  const std::string dir_ = tmp_.path();
};

TEST_F(ServeCommandTest, BusyAddressExitsFailedNotUsage) {
  BusyLoopbackPort busy;
  EXPECT_EQ(ServeExitStatus(busy.address()), kExitFailed);
}

TEST_F(ServeCommandTest, MissingSocketDirectoryExitsFailedNotUsage) {
  EXPECT_EQ(ServeExitStatus("unix:" + dir_ + "/not-yet/s.sock"), kExitFailed);
}

TEST_F(ServeCommandTest, MalformedAddressExitsUsage) {
  EXPECT_EQ(ServeExitStatus("no-port-here"), kExitUsage);
}

}  // namespace
}  // namespace mediagate
