// mediagate: command-line entry point. Parses arguments with CLI11 and runs
// the selected subcommand; see cli_common.h for the exit codes.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "version.h"

int main(int argc, char** argv) {
  using namespace mediagate::cli;
  CLI::App app{"mediagate: nginx auth_request responder for premium media"};
  app.name("mediagate");
  app.set_version_flag("--version", "mediagate " MEDIAGATE_VERSION);
  app.require_subcommand(1);
  Action action;
  AddTokenCommands(app, &action);
  AddPresignCommand(app, &action);
  AddCheckConfigCommand(app, &action);
  AddServeCommand(app, &action);
  AddMigrateCommand(app, &action);
  AddInvalidateCommand(app, &action);
  AddTriggersCommand(app, &action);
  AddLinksCommand(app, &action);
  AddStatsCommand(app, &action);
  AddReportCommand(app, &action);
  AddSharingCommand(app, &action);
  AddIngestCommand(app, &action);
  const auto named = [&](const CLI::App* sub) { return sub->check_name(argv[1]); };
  if (argc > 1 && argv[1][0] != '-' && app.get_subcommands(named).empty()) {
    return Fail(kExitUsage, std::string("unknown command \"") + argv[1] + "\" (see --help)");
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return Fail(kExitUsage, std::string(e.what()) + " (see --help)");
  }
  if (!action) return Fail(kExitUsage, "no command given (see --help)");
  return action();
}
