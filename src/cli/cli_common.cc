// Shared CLI helpers.
#include "cli/cli_common.h"

#include <iostream>

namespace mediagate::cli {

int Fail(int code, const std::string& message) {
  std::cerr << "mediagate: " << message << "\n";
  return code;
}

Result<Config> LoadConfigOrReport(const std::string& path) {
  auto config = LoadConfig(path);
  if (!config.ok()) {
    std::cerr << config.status().message() << "\n";
    return config.status();
  }
  for (const std::string& w : config->warnings) {
    std::cerr << "mediagate: warning: " << w << "\n";
  }
  return config;
}

Result<FieldMap> ParseFields(const std::vector<std::string>& pairs) {
  FieldMap fields;
  for (const std::string& pair : pairs) {
    const size_t eq = pair.find('=');
    if (eq == std::string::npos) {
      return Status::InvalidArgument("--field \"" + pair + "\": expected NAME=VALUE");
    }
    const std::string name = pair.substr(0, eq);
    const bool name_ok = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                         std::all_of(name.begin(), name.end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                         });
    if (!name_ok) {
      return Status::InvalidArgument("--field \"" + pair +
                                     "\": NAME must be [A-Za-z_][A-Za-z0-9_]*");
    }
    if (!fields.emplace(name, pair.substr(eq + 1)).second) {
      return Status::InvalidArgument("--field " + name + " given twice");
    }
  }
  return fields;
}

}  // namespace mediagate::cli
