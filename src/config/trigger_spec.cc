// ParseTriggerSpec.
#include "config/trigger_spec.h"

#include <regex>

namespace mediagate {

Result<TriggerSpec> ParseTriggerSpec(const std::string& entry) {
  static const std::regex kEntry(
      R"(^\s*([A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?)\s*:\s*(.*?)\s*$)");
  std::smatch m;
  if (!std::regex_match(entry, m, kEntry)) {
    return Status::InvalidArgument("\"" + entry +
                                   "\" is not \"TABLE: EXPRESSION\" (TABLE an unquoted name)");
  }
  TriggerSpec spec{m[1].str(), m[3].str()};
  if (spec.expression.empty()) {
    return Status::InvalidArgument("\"" + entry + "\" has no expression after the colon");
  }
  if (spec.expression.find(';') != std::string::npos ||
      spec.expression.find("$$") != std::string::npos) {
    return Status::InvalidArgument("\"" + entry +
                                   "\": the expression may not contain ';' or $$");
  }
  return spec;
}

}  // namespace mediagate
