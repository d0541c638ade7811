// Loading secrets from files or the environment.
//
// Thread-compatible; used only while loading the config.
#ifndef MEDIAGATE_SECRET_LOADER_H_
#define MEDIAGATE_SECRET_LOADER_H_

#include <string>
#include <vector>

#include "mediagate/config.h"
#include "mediagate/result.h"
#include "mediagate/secret.h"

namespace mediagate {

// Reads the secret in file `path`, stripping one trailing "\n". IoError
// (with strerror) if unreadable; InvalidArgument if empty. Appends a warning
// to *warnings when other users may read the file.
Result<Secret> ReadSecretFile(const std::string& path, std::vector<std::string>* warnings);

// The value of env `env_name` when set and non-empty, else ReadSecretFile(path).
// When neither is available and `required` is false, returns an empty Secret.
// Errors are prefixed with `what` (e.g. "FILE: token.secret_file").
Result<Secret> LoadSecret(const std::string& what, const std::string& path,
                          const char* env_name, const EnvLookup& env, bool required,
                          std::vector<std::string>* warnings);

}  // namespace mediagate

#endif  // MEDIAGATE_SECRET_LOADER_H_
