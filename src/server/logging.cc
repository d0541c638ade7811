// Logging setup.
#include "server/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace mediagate {

void SetUpLogging() {
  auto logger = spdlog::stderr_logger_st("mediagate");
  logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%l] [pid %P] %v");
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

void ApplyLogLevel(const LogConfig& config) {
  spdlog::set_level(spdlog::level::from_str(config.level));
}

}  // namespace mediagate
