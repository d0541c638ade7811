// mediagate migrate: create or update the built-in schema.
#include <iostream>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "store/migrate.h"

namespace mediagate::cli {

void AddMigrateCommand(CLI::App& app, Action* action) {
  auto migrate_config = std::make_shared<std::string>();
  auto* migrate = app.add_subcommand("migrate", "Create or update the built-in schema");
  migrate->add_option("--config", *migrate_config, "Config file (TOML)")->required();
  migrate->callback([migrate_config, action] {
    *action = [migrate_config] {
      auto config = LoadConfigOrReport(*migrate_config);
      if (!config.ok()) return static_cast<int>(kExitConfig);
      std::string report;
      Status s = Migrate(config->database, &report);
      if (!s.ok()) return Fail(kExitFailed, s.message());
      std::cout << report;
      return static_cast<int>(kExitOk);
    };
  });
}

}  // namespace mediagate::cli
