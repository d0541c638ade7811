// TriggerSpec: one [notify] user_triggers / file_triggers entry,
// "TABLE: EXPRESSION". Parsed by the config (to reject bad entries when
// loading) and by `mediagate triggers` (to print the SQL). Pure; thread-safe.
#ifndef MEDIAGATE_CONFIG_TRIGGER_SPEC_H_
#define MEDIAGATE_CONFIG_TRIGGER_SPEC_H_

#include <string>

#include "mediagate/result.h"

namespace mediagate {

struct TriggerSpec {
  std::string table;       // an identifier, optionally schema-qualified
  std::string expression;  // SQL over the row `r`
};

// InvalidArgument (naming what is wrong) unless `entry` is "TABLE: EXPR" with
// TABLE an unquoted identifier (schema.table allowed) and EXPR non-empty,
// without ';' or "$$" (it is pasted into a function body).
Result<TriggerSpec> ParseTriggerSpec(const std::string& entry);

}  // namespace mediagate

#endif  // MEDIAGATE_CONFIG_TRIGGER_SPEC_H_
