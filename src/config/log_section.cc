// [log]: what mediagate writes to stderr (the journal under systemd).
#include "config/sections.h"

namespace mediagate {
namespace {

const std::vector<ConfigKey<LogConfig>> kKeys = {
    OneOfKey("level", &LogConfig::level, {"trace", "debug", "info", "warn", "error", "off"},
             "Lowest level logged"),
    IntKey("error_interval_seconds", &LogConfig::error_interval_seconds, 1, 3600,
           "Minimum seconds between two log lines for the same backend failure"),
};

}  // namespace

SectionDef LogSection() { return MakeSection("log", &Config::log, kKeys, nullptr); }

}  // namespace mediagate
