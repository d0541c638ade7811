// mediagate ingest: follow nginx's download log, count downloads (IAB v2.2)
// into mediagate_downloads_daily, and hand every event to the other sinks.
//
// Each commit stores the counts, the counter's windows and the log position
// in one transaction. --once reads to the end of the log, commits (once, or
// every million lines) and exits;
// otherwise it polls and commits at least every commit_interval_ms. SIGTERM
// and SIGINT: commit and exit 0. A commit or lookup failure exits 4 without
// committing (systemd restarts it; the stored position is where it resumes).
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>
#include <vector>

#include "audience/download_counter.h"
#include "audience/download_line.h"
#include "audience/log_follower.h"
#include "audience/sharing_detector.h"
#include "audience/user_agent_rules.h"
#include "base/file_reader.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "server/logging.h"
#include "server/stop_signals.h"
#include "store/audience_store.h"
#include "store/geoip_country.h"
#include "store/sharing_store.h"

namespace mediagate::cli {
namespace {

std::atomic<bool> g_stop{false};
void OnStop(int) { g_stop = true; }

// Lines handled between two looks at the commit clock.
constexpr int64_t kBatchLines = 20000;
// Lines between two commits of --once.
constexpr int64_t kOnceCommitLines = 1000000;
// Polls a renamed log must stay quiet before we switch to the new file
// (nginx writes to the old one until its USR1 reopen).
constexpr int64_t kSettleMs = 1000;

struct Totals {
  int64_t lines = 0, malformed = 0, counted = 0;
};

int RunIngest(const std::string& config_path, bool once) {
  SetUpLogging();
  auto config = LoadConfigOrReport(config_path);
  if (!config.ok()) return kExitConfig;
  ApplyLogLevel(config->log);
  const AudienceConfig& ac = config->audience;
  auto bots = ReadRegularFile(ac.bot_list);
  if (!bots.ok()) return Fail(kExitConfig, "audience.bot_list: " + bots.status().message());
  auto apps = ReadRegularFile(ac.app_rules);
  if (!apps.ok()) return Fail(kExitConfig, "audience.app_rules: " + apps.status().message());
  auto rules = UserAgentRules::Create(*bots, *apps);
  if (!rules.ok()) return Fail(kExitConfig, rules.status().message());

  auto store = AudienceStore::Open(*config);
  if (!store.ok()) return Fail(kExitFailed, store.status().message());
  auto position = (*store)->LoadPosition();
  if (!position.ok()) return Fail(kExitFailed, position.status().message());
  auto windows = (*store)->LoadWindows();
  if (!windows.ok()) return Fail(kExitFailed, windows.status().message());

  GeoIpCountry countries(ac.geoip_path, ac.geoip6_path);
  spdlog::info("ingest: countries from GeoIP: IPv4 {}, IPv6 {}",
               countries.has_v4() ? ac.geoip_path : "none",
               countries.has_v6() ? ac.geoip6_path : "none");
  DownloadCounter counter(&*rules, store->get(), &countries);
  counter.Restore(*windows);
  // Sharing detection: a flag is recorded (and its action carried out) in
  // its own transaction when it is raised; flags are rare.
  SharingStore sharing_store(*config);
  SharingDetector sharing(*config, [&sharing_store](const SharingFlag& flag) {
    auto outcome = sharing_store.Flag(flag);
    if (!outcome.ok()) {
      spdlog::error("ingest: sharing flag for {} not recorded: {}", flag.user_ref,
                    outcome.status().message());
    }
  });
  // Every event goes to each sink, in log order. Add sinks here.
  const std::vector<DownloadSink*> sinks = {&counter, &sharing};

  const int settle = once ? 0 : static_cast<int>(kSettleMs / ac.poll_ms);
  LogFollower follower(ac.log_path, *position, settle);
  InstallStopHandlers(OnStop);

  Totals totals;
  std::string first_error;
  int64_t since_commit = 0;
  auto last_commit = std::chrono::steady_clock::now();
  const auto interval = std::chrono::milliseconds(ac.commit_interval_ms);
  auto commit = [&]() -> Status {
    if (!counter.status().ok()) return counter.status();
    CounterChanges changes = counter.TakeChanges();
    Status s = (*store)->Commit(follower.position(), changes);
    if (!s.ok()) return s;
    if (since_commit > 0 && totals.malformed > 0 && !first_error.empty()) {
      spdlog::warn("ingest: {} malformed line(s) skipped so far (first: {})", totals.malformed,
                   first_error);
      first_error.clear();
    }
    since_commit = 0;
    last_commit = std::chrono::steady_clock::now();
    return Status::Ok();
  };

  for (;;) {
    int64_t batch = 0;
    Status s = follower.Poll([&](std::string_view line) {
      ++totals.lines;
      ++since_commit;
      auto event = ParseDownloadLine(line);
      if (!event.ok()) {
        if (totals.malformed++ == 0 || first_error.empty())
          first_error = event.status().message();
      } else {
        for (DownloadSink* sink : sinks) sink->Observe(*event);
        if (counter.last_outcome() == CountOutcome::kCounted) ++totals.counted;
      }
      return ++batch < kBatchLines && !g_stop;
    });
    if (!s.ok()) return Fail(kExitFailed, s.message());
    if (!counter.status().ok()) return Fail(kExitFailed, counter.status().message());
    const bool at_end = batch < kBatchLines;
    // --once commits at the end (and every kOnceCommitLines lines): windows
    // that open and end within the run are never written.
    const bool due = once ? since_commit >= kOnceCommitLines
                          : std::chrono::steady_clock::now() - last_commit >= interval;
    if (g_stop || (once && at_end) || (since_commit > 0 && due)) {
      if (!(s = commit()).ok()) return Fail(kExitFailed, s.message());
    }
    if (g_stop || (once && at_end)) break;
    if (at_end) ::usleep(static_cast<useconds_t>(ac.poll_ms * 1000));
  }
  const LogPosition& pos = follower.position();
  spdlog::info(
      "ingest: {} line(s) read ({} malformed), {} download(s) counted; position {} line(s), "
      "offset {}, {} open window(s)",
      totals.lines, totals.malformed, totals.counted, pos.lines, pos.offset,
      counter.open_windows());
  return kExitOk;
}

}  // namespace

void AddIngestCommand(CLI::App& app, Action* action) {
  auto config_path = std::make_shared<std::string>();
  auto once = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("ingest", "Count downloads from nginx's download log");
  cmd->add_option("--config", *config_path, "Config file (TOML)")->required();
  cmd->add_flag("--once", *once, "Read to the end of the log, commit and exit");
  cmd->callback([config_path, once, action] {
    *action = [config_path, once] { return RunIngest(*config_path, *once); };
  });
}

}  // namespace mediagate::cli
