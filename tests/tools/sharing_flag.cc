// sharing_flag: test-only (not installed). Calls SharingStore::Flag once, as
// `mediagate ingest` does when SharingDetector flags a subscriber, so the
// integration tests can drive the store without the ingester.
//
//   sharing_flag CONFIG USER_REF NETWORKS USER_AGENTS
//
// Prints "recorded" or "already_open" and exits 0 (the store's log lines go
// to stderr); exits 4 with the error on
// stderr when the store fails, 2 on bad arguments, 3 on a bad config.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>

#include "mediagate/config.h"
#include "store/sharing_store.h"

int main(int argc, char** argv) {
  using namespace mediagate;
  spdlog::set_default_logger(spdlog::stderr_logger_st("sharing_flag"));  // stdout: the outcome
  if (argc != 5) {
    std::cerr << "usage: sharing_flag CONFIG USER_REF NETWORKS USER_AGENTS\n";
    return 2;
  }
  auto config = LoadConfig(argv[1]);
  if (!config.ok()) {
    std::cerr << config.status().message() << "\n";
    return 3;
  }
  SharingFlag flag;
  flag.user_ref = argv[2];
  flag.time_ms = static_cast<int64_t>(std::time(nullptr)) * 1000;
  flag.networks = std::atoll(argv[3]);
  flag.user_agents = std::atoll(argv[4]);
  SharingStore store(*config);
  auto outcome = store.Flag(flag);
  if (!outcome.ok()) {
    std::cerr << outcome.status().ToString() << "\n";
    return 4;
  }
  std::cout << (*outcome == FlagOutcome::kRecorded ? "recorded" : "already_open") << "\n";
  return 0;
}
