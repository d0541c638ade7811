// mediagate triggers: print the change-notification triggers for an existing
// schema ([notify] user_triggers / file_triggers), to apply with psql.
#include <iostream>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "store/change_triggers.h"

namespace mediagate::cli {

void AddTriggersCommand(CLI::App& app, Action* action) {
  auto config_path = std::make_shared<std::string>();
  auto* triggers = app.add_subcommand(
      "triggers", "Print the SQL that makes your own tables notify mediagate of changes");
  triggers->add_option("--config", *config_path, "Config file (TOML)")->required();
  triggers->callback([config_path, action] {
    *action = [config_path] {
      auto config = LoadConfigOrReport(*config_path);
      if (!config.ok()) return static_cast<int>(kExitConfig);
      const NotifyConfig& notify = config->notify;
      if (notify.user_triggers.empty() && notify.file_triggers.empty() &&
          notify.show_triggers.empty()) {
        return Fail(
            kExitConfig,
            *config_path +
                ": notify.user_triggers, file_triggers and show_triggers are empty (the "
                "built-in schema gets its triggers from `mediagate migrate`)");
      }
      std::cout << "-- mediagate change notifications for " << *config_path
                << "\n-- Apply once with psql (as the tables' owner); safe to re-apply.\n"
                << "BEGIN;\n";
      for (const auto& [kind, entries] :
           {std::pair{"user", &notify.user_triggers}, std::pair{"file", &notify.file_triggers},
            std::pair{"show", &notify.show_triggers}}) {
        for (const std::string& entry : *entries) {
          auto spec = ParseTriggerSpec(entry);  // validated when the config was loaded
          if (!spec.ok()) return Fail(kExitConfig, spec.status().message());
          std::cout << "\n" << ChangeTriggerSql(kind, *spec);
        }
      }
      std::cout << "\nCOMMIT;\n";
      return static_cast<int>(kExitOk);
    };
  });
}

}  // namespace mediagate::cli
