// Helpers shared by the unit tests: a scratch directory removed with its
// contents, a loopback TCP port that is already taken, the reference vectors,
// table checks of rejections and enum names, and a Decider built as a worker
// builds it. Not thread-safe; one per test.
#ifndef MEDIAGATE_TESTS_UNIT_TEST_UTIL_H_
#define MEDIAGATE_TESTS_UNIT_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mediagate/clock.h"
#include "mediagate/config.h"
#include "mediagate/decider.h"
#include "mediagate/record_store.h"
#include "mediagate/upstream.h"

namespace mediagate {

// A fresh directory under /tmp, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/mediagate_test.XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
    } else {
      path_ = tmpl;
    }
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A TCP socket listening on 127.0.0.1 on a port the kernel chose; closed on
// destruction. address() is "127.0.0.1:PORT".
class BusyLoopbackPort {
 public:
  BusyLoopbackPort() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        listen(fd_, 1) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1: " << std::strerror(errno);
    }
    address_ = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  }
  ~BusyLoopbackPort() {
    if (fd_ >= 0) close(fd_);
  }
  BusyLoopbackPort(const BusyLoopbackPort&) = delete;
  BusyLoopbackPort& operator=(const BusyLoopbackPort&) = delete;

  const std::string& address() const { return address_; }

 private:
  int fd_;
  std::string address_;
};

// The "vectors" array of tests/vectors/`file`; an empty array, after a test
// failure, when the file cannot be opened.
inline nlohmann::json ReferenceVectors(const std::string& file) {
  std::ifstream in(std::string(MEDIAGATE_VECTOR_DIR) + "/" + file);
  EXPECT_TRUE(in) << "cannot open " << file;
  if (!in) return nlohmann::json::array();
  return nlohmann::json::parse(in).at("vectors");
}

// Expects `parse` to reject (return nullopt for) each of `inputs`.
template <typename Parse>
void ExpectAllRejected(Parse parse, const std::vector<std::string>& inputs) {
  for (const std::string& input : inputs) {
    EXPECT_EQ(parse(input), std::nullopt) << "'" << input << "'";
  }
}

// Expects `name_of` to give each value its name.
template <typename Enum>
void ExpectNames(const char* (*name_of)(Enum),
                 const std::vector<std::pair<Enum, const char*>>& names) {
  for (const auto& [value, name] : names) EXPECT_STREQ(name_of(value), name);
}

// Builds the upstream named by config.storage into *upstream and a Decider
// over it, `records` and `clock` into *decider. A fatal test failure if either
// cannot be built (wrap the call in ASSERT_NO_FATAL_FAILURE).
inline void BuildDecider(const Config& config, RecordStore* records, Clock* clock,
                         std::unique_ptr<Upstream>* upstream,
                         std::unique_ptr<Decider>* decider) {
  auto made_upstream = MakeUpstream(config.storage);
  ASSERT_TRUE(made_upstream.ok()) << made_upstream.status().ToString();
  *upstream = std::move(*made_upstream);
  auto made_decider = Decider::Create(config, upstream->get(), records, clock);
  ASSERT_TRUE(made_decider.ok()) << made_decider.status().ToString();
  *decider = std::move(*made_decider);
}

}  // namespace mediagate

#endif  // MEDIAGATE_TESTS_UNIT_TEST_UTIL_H_
