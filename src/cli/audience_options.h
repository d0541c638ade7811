// What `mediagate stats` and `mediagate report` share: the --config and
// period options, and reading the summary they print or draw.
#ifndef MEDIAGATE_CLI_AUDIENCE_OPTIONS_H_
#define MEDIAGATE_CLI_AUDIENCE_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <string>

#include "report/audience_summary.h"

namespace mediagate::cli {

struct AudienceOptions {
  std::string config;
  int64_t days = 30;     // the last N UTC days, today included
  std::string from, to;  // or this period (YYYY-MM-DD, both included)
};

// Adds --config (required), --days, --from and --to to `command`.
void AddAudienceOptions(CLI::App* command, AudienceOptions* options);

// Checks the period, loads the config and reads the summary into *summary;
// *now is the current Unix time. Returns kExitOk, or prints the error and
// returns kExitUsage (period), kExitConfig or kExitFailed (PostgreSQL).
int ReadAudience(const AudienceOptions& options, AudienceSummary* summary, int64_t* now);

}  // namespace mediagate::cli

#endif  // MEDIAGATE_CLI_AUDIENCE_OPTIONS_H_
