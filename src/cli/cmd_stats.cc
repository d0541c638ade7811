// mediagate stats: the audience numbers (IAB downloads per episode, per day,
// per app and country; open sharing flags) as text or JSON on stdout.
#include <iostream>
#include <memory>

#include "cli/audience_options.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "report/stats_format.h"

namespace mediagate::cli {

void AddStatsCommand(CLI::App& app, Action* action) {
  struct StatsOptions {
    AudienceOptions audience;
    std::string format = "text";
  };
  auto opts = std::make_shared<StatsOptions>();
  auto* stats =
      app.add_subcommand("stats", "Print the audience numbers (downloads, sharing flags)");
  AddAudienceOptions(stats, &opts->audience);
  stats->add_option("--format", opts->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->default_val("text");
  stats->callback([opts, action] {
    *action = [opts] {
      AudienceSummary summary;
      int64_t now = 0;
      const int code = ReadAudience(opts->audience, &summary, &now);
      if (code != kExitOk) return code;
      std::cout << (opts->format == "json" ? StatsJson(summary) : StatsText(summary));
      std::cout.flush();
      return std::cout ? static_cast<int>(kExitOk) : Fail(kExitFailed, "cannot write stdout");
    };
  });
}

}  // namespace mediagate::cli
