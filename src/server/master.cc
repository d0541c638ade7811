// RunMaster: fork, reap, respawn, reload, drain.
#include "server/master.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <vector>

#include "base/backoff.h"
#include "server/listener_process.h"
#include "server/logging.h"
#include "server/worker.h"

namespace mediagate {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A child that dies before it started serving (a worker that never reached
// its accept loop, a change listener sooner than this after starting) could
// not start: it is restarted after a delay that doubles with each failure in
// a row (Backoff). A worker that died while serving (killed, or crashed on
// one request) is replaced at once, so no client can push the pool into
// the backoff.
constexpr auto kCrashWindow = std::chrono::seconds(2);
constexpr auto kFirstRestartDelay = milliseconds(100);
constexpr auto kMaxRestartDelay = milliseconds(10000);
constexpr auto kResendInterval = milliseconds(250);

sigset_t MasterSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, s);
  return set;
}

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("signal ") + strsignal(WTERMSIG(status));
  return "unknown status";
}

class Master {
 public:
  Master(const MasterOptions& options, Config config, Metrics* metrics)
      : options_(options), config_(std::move(config)), metrics_(metrics) {
    for (int i = Metrics::kMaxSlots - 1; i >= 0; --i) free_slots_.push_back(i);
  }

  int Run() {
    const sigset_t signals = MasterSignals();
    sigprocmask(SIG_BLOCK, &signals, nullptr);
    signal(SIGPIPE, SIG_IGN);
    StartGeneration();
    spdlog::info("master pid {} serving on {} with {} workers", getpid(),
                 options_.socket.description, wanted_);
    sd_notify(0, "READY=1\nSTATUS=serving");
    while (true) {
      timespec wait{0, 100 * 1000 * 1000};
      siginfo_t info;
      const int sig = sigtimedwait(&signals, &info, &wait);
      if (sig == SIGTERM || sig == SIGINT) return Stop(sig);
      if (sig == SIGHUP) Reload();
      Reap();
      SpawnDue();
      DriveDrains();
    }
  }

 private:
  static constexpr int kListenerSlot = -1;  // the change listener has no metrics slot

  struct Child {
    int slot;
    int generation;
    Clock::time_point started;
    Clock::time_point drain_deadline;  // set once told to stop
    Clock::time_point last_signal;
    bool draining = false;
  };

  int Wanted() const {
    return options_.workers_override > 0 ? options_.workers_override
                                         : static_cast<int>(config_.server.workers);
  }

  void StartGeneration() {
    ++generation_;
    wanted_ = Wanted();
    due_.clear();
    listener_due_.clear();
    for (int i = 0; i < wanted_; ++i) Spawn();
    if (config_.notify.enabled) SpawnListener();
    metrics_->SetWorkers(wanted_);
  }

  // Forks `run` as a supervised child in `slot`; false if fork failed.
  template <typename Run>
  bool Fork(int slot, Run run) {
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) {
      spdlog::error("fork failed: {}; retrying in 1 s", strerror(errno));
      return false;
    }
    if (pid == 0) {
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);
      prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the master
      if (getppid() != parent) _exit(0);
      _exit(run());
    }
    children_[pid] = Child{slot, generation_, Clock::now(), {}, {}, false};
    return true;
  }

  void SpawnListener() {
    if (!Fork(kListenerSlot, [this] { return RunListenerProcess(config_, options_.board); })) {
      listener_due_.push_back(Clock::now() + std::chrono::seconds(1));
    }
  }

  void Spawn() {
    if (free_slots_.empty()) {
      spdlog::error("no free metrics slot; not starting a worker");
      return;
    }
    const int slot = free_slots_.back();
    if (!Fork(slot, [this, slot] {
          return RunWorker(config_, options_.socket.fd, metrics_, slot, options_.board);
        })) {
      due_.push_back(Clock::now() + std::chrono::seconds(1));
      return;
    }
    free_slots_.pop_back();
  }

  void Reap() {
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      auto it = children_.find(pid);
      if (it == children_.end()) continue;
      const Child child = it->second;
      children_.erase(it);
      if (child.slot != kListenerSlot) free_slots_.push_back(child.slot);
      if (child.draining || child.generation != generation_ || stopping_) continue;
      const auto now = Clock::now();
      const bool failed_to_start = child.slot == kListenerSlot
                                       ? now - child.started < kCrashWindow
                                       : !metrics_->Serving(child.slot, pid);
      milliseconds delay(0);
      if (failed_to_start) {
        delay = restarts_.Failure(now);
      } else {
        restarts_.Success();
      }
      if (child.slot == kListenerSlot) {
        spdlog::warn("change listener pid {} died ({}); restarting in {} ms", pid,
                     DescribeExit(status), delay.count());
        listener_due_.push_back(now + delay);
        continue;
      }
      spdlog::warn("worker pid {} died ({}); restarting in {} ms", pid, DescribeExit(status),
                   delay.count());
      metrics_->CountWorkerRestart();
      due_.push_back(now + delay);
    }
  }

  void SpawnDue() {
    const auto now = Clock::now();
    const auto ready = std::partition(due_.begin(), due_.end(),
                                      [now](Clock::time_point t) { return t > now; });
    const auto count = due_.end() - ready;
    due_.erase(ready, due_.end());  // before Spawn(), which may schedule a retry
    for (auto i = count; i > 0; --i) Spawn();
    const auto listener_ready = std::partition(listener_due_.begin(), listener_due_.end(),
                                               [now](Clock::time_point t) { return t > now; });
    const bool listener = listener_ready != listener_due_.end();
    listener_due_.erase(listener_ready, listener_due_.end());
    if (listener && config_.notify.enabled) SpawnListener();
  }

  // Tells a worker to stop, repeating SIGTERM until it does (a signal can
  // land just before it enters accept()), then SIGKILL at its deadline.
  void DriveDrains() {
    const auto now = Clock::now();
    for (auto& [pid, child] : children_) {
      if (!child.draining) continue;
      if (now >= child.drain_deadline) {
        kill(pid, SIGKILL);
      } else if (now - child.last_signal >= kResendInterval) {
        kill(pid, SIGTERM);
        child.last_signal = now;
      }
    }
  }

  void DrainGeneration(int generation) {
    const auto now = Clock::now();
    for (auto& [pid, child] : children_) {
      if (child.generation > generation || child.draining) continue;
      child.draining = true;
      child.drain_deadline = now + std::chrono::seconds(config_.server.drain_seconds);
      child.last_signal = now;
      kill(pid, SIGTERM);
    }
  }

  void Reload() {
    sd_notify(0, "RELOADING=1\nSTATUS=reloading");
    spdlog::info("SIGHUP: reloading {}", options_.config_path);
    auto fresh = LoadConfig(options_.config_path);
    if (!fresh.ok()) {
      spdlog::error("reload failed, keeping the running config: {}", fresh.status().message());
      sd_notify(0, "READY=1\nSTATUS=serving (last reload failed)");
      return;
    }
    for (const std::string& w : fresh->warnings) spdlog::warn("config: {}", w);
    config_ = std::move(*fresh);
    ApplyLogLevel(config_.log);
    const int old_generation = generation_;
    StartGeneration();
    DrainGeneration(old_generation);
    spdlog::info("reloaded; {} new workers, previous generation draining", wanted_);
    sd_notify(0, "READY=1\nSTATUS=serving");
  }

  int Stop(int sig) {
    sd_notify(0, "STOPPING=1");
    spdlog::info("{}: draining {} workers", strsignal(sig), children_.size());
    stopping_ = true;
    DrainGeneration(generation_);
    while (!children_.empty()) {
      Reap();
      DriveDrains();
      usleep(20 * 1000);
    }
    if (!options_.socket.unix_path.empty()) unlink(options_.socket.unix_path.c_str());
    spdlog::info("stopped");
    return 0;
  }

  MasterOptions options_;
  Config config_;
  Metrics* metrics_;
  std::map<pid_t, Child> children_;
  std::vector<int> free_slots_;
  std::vector<Clock::time_point> due_;
  std::vector<Clock::time_point> listener_due_;
  int generation_ = 0;
  int wanted_ = 0;
  Backoff restarts_{kFirstRestartDelay, kMaxRestartDelay};
  bool stopping_ = false;
};

}  // namespace

int RunMaster(const MasterOptions& options, Config config, Metrics* metrics) {
  return Master(options, std::move(config), metrics).Run();
}

}  // namespace mediagate
