// [notify]: the change listener and the trigger entries.
#include "config/sections.h"
#include "config/trigger_spec.h"

namespace mediagate {
namespace {

const std::vector<ConfigKey<NotifyConfig>> kKeys = {
    BoolKey("enabled", &NotifyConfig::enabled,
            "Listen for changes (LISTEN mediagate_changes) and cache records in each worker"),
    StringListKey("user_triggers", &NotifyConfig::user_triggers,
                  "For `mediagate triggers`: \"TABLE: EXPR\", EXPR the user's email for row r"),
    StringListKey("file_triggers", &NotifyConfig::file_triggers,
                  "For `mediagate triggers`: \"TABLE: EXPR\", EXPR the file id for row r"),
    StringListKey("show_triggers", &NotifyConfig::show_triggers,
                  "For `mediagate triggers`: \"TABLE: EXPR\", EXPR the show slug for row r"),
};

Status CheckEntries(const ConfigSection& sec, const char* key,
                    const std::vector<std::string>& entries) {
  for (const std::string& entry : entries) {
    auto spec = ParseTriggerSpec(entry);
    if (!spec.ok()) return sec.Error(key, spec.status().message());
  }
  return Status::Ok();
}

Status Validate(const SectionContext&, const ConfigSection& sec, NotifyConfig* out) {
  Status s = CheckEntries(sec, "user_triggers", out->user_triggers);
  if (!s.ok()) return s;
  if (!(s = CheckEntries(sec, "file_triggers", out->file_triggers)).ok()) return s;
  return CheckEntries(sec, "show_triggers", out->show_triggers);
}

}  // namespace

SectionDef NotifySection() { return MakeSection("notify", &Config::notify, kKeys, Validate); }

}  // namespace mediagate
