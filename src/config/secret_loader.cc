// Secret files and environment variables.
#include "config/secret_loader.h"

#include "base/file_reader.h"

namespace mediagate {

Result<Secret> ReadSecretFile(const std::string& path, std::vector<std::string>* warnings) {
  struct stat st;
  auto content = ReadRegularFile(path, &st);
  if (!content.ok()) return content.status();
  std::string value = std::move(*content);
  if (!value.empty() && value.back() == '\n') value.pop_back();
  if (value.empty()) return Status::InvalidArgument(path + " is empty");
  if ((st.st_mode & S_IROTH) != 0) {
    warnings->push_back(path +
                        " holds a secret and is readable by other users "
                        "(chmod o-r " +
                        path + ")");
  }
  return Secret(std::move(value), "file " + path);
}

Result<Secret> LoadSecret(const std::string& what, const std::string& path,
                          const char* env_name, const EnvLookup& env, bool required,
                          std::vector<std::string>* warnings) {
  if (env_name != nullptr) {
    const char* from_env = env(env_name);
    if (from_env != nullptr && *from_env != '\0') {
      return Secret(from_env, std::string("env ") + env_name);
    }
  }
  if (path.empty()) {
    if (!required) return Secret();
    return Status::InvalidArgument(
        what + ": no file given" +
        (env_name ? std::string(" and $") + env_name + " is not set" : std::string()));
  }
  auto secret = ReadSecretFile(path, warnings);
  if (!secret.ok()) return Status::InvalidArgument(what + ": " + secret.status().message());
  return secret;
}

}  // namespace mediagate
