// Shared pieces of the mediagate command line: exit codes and helpers.
//
// Exit codes (documented in the README and mediagate(8)):
//   0  success (for "token check": the token is valid)
//   1  "token check": the token is not valid (reason on stderr)
//   2  bad command-line usage
//   3  the config file is invalid or unreadable
//   4  the operation failed (e.g. a missing token field, a bad object key,
//      serve: the listen address in use)
#ifndef MEDIAGATE_CLI_CLI_COMMON_H_
#define MEDIAGATE_CLI_CLI_COMMON_H_

#include <string>
#include <vector>

#include "mediagate/config.h"
#include "mediagate/result.h"
#include "mediagate/token.h"

namespace mediagate::cli {

enum ExitCode {
  kExitOk = 0,
  kExitInvalid = 1,
  kExitUsage = 2,
  kExitConfig = 3,
  kExitFailed = 4,
};

// Prints "mediagate: <message>" to stderr and returns `code`.
int Fail(int code, const std::string& message);

// Loads the config, printing warnings to stderr. On failure prints the
// one-line error and returns nullopt-like failure.
Result<Config> LoadConfigOrReport(const std::string& path);

// Parses "NAME=VALUE" pairs (split at the first '='). InvalidArgument for a
// missing '=', an empty or malformed name, or a repeated name.
Result<FieldMap> ParseFields(const std::vector<std::string>& pairs);

}  // namespace mediagate::cli

#endif  // MEDIAGATE_CLI_CLI_COMMON_H_
