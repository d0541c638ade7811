// mediagate check-config
#include <iostream>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"

namespace mediagate::cli {

void AddCheckConfigCommand(CLI::App& app, Action* action) {
  auto path = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("check-config",
                                 "Validate a config and print it with secrets redacted");
  cmd->add_option("--config", *path, "Config file (TOML)")->required();
  cmd->callback([path, action] {
    *action = [path] {
      auto config = LoadConfigOrReport(*path);
      if (!config.ok()) return static_cast<int>(kExitConfig);
      std::cout << FormatEffectiveConfig(*config);
      return static_cast<int>(kExitOk);
    };
  });
}

}  // namespace mediagate::cli
