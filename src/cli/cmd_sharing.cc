// mediagate sharing: the subscribers sharing detection flagged, and clearing
// them (a cleared suspension takes effect on every worker within a second,
// through the trigger of sql/005). Emails are printed on stdout only.
#include <ctime>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "store/sharing_store.h"

namespace mediagate::cli {
namespace {

struct SharingOptions {
  std::string config, format = "text", clear_user;
  bool all = false;
  int64_t clear_id = 0;
  bool clear = false;
};

// "2026-12-01T20:48:04Z".
std::string IsoTime(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  char buf[32] = "?";
  if (gmtime_r(&t, &tm) != nullptr) std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void PrintText(const std::vector<SharingFlagRow>& rows, bool all) {
  std::cout << "id\tuser_ref\temail\tflagged_at\tnetworks\tuser_agents\taction"
            << (all ? "\tcleared_at" : "") << "\n";
  for (const SharingFlagRow& f : rows) {
    std::cout << f.id << "\t" << f.user_ref << "\t" << (f.email.empty() ? "-" : f.email) << "\t"
              << IsoTime(f.flagged_at) << "\t" << f.networks << "\t" << f.user_agents << "\t"
              << f.action;
    if (all) std::cout << "\t" << (f.cleared_at ? IsoTime(*f.cleared_at) : "-");
    std::cout << "\n";
  }
}

void PrintJson(const std::vector<SharingFlagRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const SharingFlagRow& f : rows) {
    out.push_back({{"id", f.id},
                   {"user_ref", f.user_ref},
                   {"email", f.email.empty() ? nlohmann::json() : nlohmann::json(f.email)},
                   {"flagged_at", IsoTime(f.flagged_at)},
                   {"networks", f.networks},
                   {"user_agents", f.user_agents},
                   {"action", f.action},
                   {"cleared_at",
                    f.cleared_at ? nlohmann::json(IsoTime(*f.cleared_at)) : nlohmann::json()}});
  }
  // Emails are not guaranteed UTF-8: replace rather than throw.
  std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

int RunSharing(const SharingOptions& o) {
  auto config = LoadConfigOrReport(o.config);
  if (!config.ok()) return static_cast<int>(kExitConfig);
  SharingStore store(*config);
  if (o.clear || !o.clear_user.empty()) {
    const Status s = o.clear ? store.Clear(o.clear_id) : store.ClearUser(o.clear_user);
    if (!s.ok()) return Fail(kExitFailed, s.message());
    std::cout << "cleared\n";
    return kExitOk;
  }
  auto rows = store.List(o.all);
  if (!rows.ok()) return Fail(kExitFailed, rows.status().message());
  if (o.format == "json") {
    PrintJson(*rows);
  } else {
    PrintText(*rows, o.all);
  }
  return kExitOk;
}

}  // namespace

void AddSharingCommand(CLI::App& app, Action* action) {
  auto opts = std::make_shared<SharingOptions>();
  auto* sharing = app.add_subcommand(
      "sharing", "List the subscribers sharing detection flagged, or clear a flag");
  sharing->add_option("--config", opts->config, "Config file (TOML)")->required();
  auto* all = sharing->add_flag("--all", opts->all, "Also list cleared flags");
  auto* format = sharing->add_option("--format", opts->format, "Output: text (default) or json")
                     ->check(CLI::IsMember({"text", "json"}));
  auto* clear = sharing
                    ->add_option("--clear", opts->clear_id,
                                 "Clear the open flag ID and lift its suspension")
                    ->check(CLI::PositiveNumber);
  auto* clear_user =
      sharing->add_option("--clear-user", opts->clear_user,
                          "Clear every open flag of EMAIL and lift its suspension");
  for (auto* c : {clear, clear_user}) {
    c->excludes(all);
    c->excludes(format);
  }
  clear->excludes(clear_user);
  sharing->callback([opts, clear, action] {
    opts->clear = clear->count() > 0;
    *action = [opts] { return RunSharing(*opts); };
  });
}

}  // namespace mediagate::cli
