// Registration of the mediagate subcommands with CLI11.
//
// Each Add* function adds its subcommand(s) to `app`; when the user selects
// one, CLI11 runs its callback, which stores the work to do in *action. main()
// then runs *action and exits with its result (see cli_common.h for codes).
#ifndef MEDIAGATE_CLI_COMMANDS_H_
#define MEDIAGATE_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>

namespace mediagate::cli {

using Action = std::function<int()>;

void AddTokenCommands(CLI::App& app, Action* action);
void AddPresignCommand(CLI::App& app, Action* action);
void AddCheckConfigCommand(CLI::App& app, Action* action);
void AddServeCommand(CLI::App& app, Action* action);
void AddMigrateCommand(CLI::App& app, Action* action);
void AddInvalidateCommand(CLI::App& app, Action* action);
void AddTriggersCommand(CLI::App& app, Action* action);
void AddLinksCommand(CLI::App& app, Action* action);
// REPORT (issue 12): src/cli/cmd_stats.cc, cmd_report.cc.
void AddStatsCommand(CLI::App& app, Action* action);
void AddReportCommand(CLI::App& app, Action* action);
void AddSharingCommand(CLI::App& app, Action* action);
void AddIngestCommand(CLI::App& app, Action* action);

}  // namespace mediagate::cli

#endif  // MEDIAGATE_CLI_COMMANDS_H_
