// spdlog setup: one stderr logger for journald, pid in every line.
#ifndef MEDIAGATE_LOGGING_H_
#define MEDIAGATE_LOGGING_H_

#include "mediagate/config.h"

namespace mediagate {

// Installs the default logger (stderr, "[time] [level] [pid] message").
void SetUpLogging();

// Applies config.level to the default logger.
void ApplyLogLevel(const LogConfig& config);

}  // namespace mediagate

#endif  // MEDIAGATE_LOGGING_H_
