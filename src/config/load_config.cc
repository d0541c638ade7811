// LoadConfig: parse the file, then load each section.
#include "mediagate/config.h"

#include <cstdlib>

#include "config/config_section.h"
#include "config/sections.h"

namespace mediagate {

Result<Config> LoadConfig(const std::string& path, const EnvLookup& env) {
  auto root = ParseTomlFile(path);
  if (!root.ok()) return root.status();
  Status s = CheckTopLevel(path, *root, {"token", "storage", "url", "database", "redis", "entitlement",
                                   "server", "log"});
  if (!s.ok()) return s;

  Config config;
  config.path = path;
  const SectionContext ctx{path, &*root, &env, &config.warnings};
  if (!(s = LoadTokenSection(ctx, &config.token)).ok()) return s;
  if (!(s = LoadStorageSection(ctx, &config.storage)).ok()) return s;
  if (!(s = LoadUrlSection(ctx, &config.url)).ok()) return s;
  if (!(s = LoadDatabaseSection(ctx, &config.database)).ok()) return s;
  if (!(s = LoadRedisSection(ctx, &config.redis)).ok()) return s;
  if (!(s = LoadEntitlementSection(ctx, &config.entitlement)).ok()) return s;
  if (!(s = LoadServerSection(ctx, &config.server)).ok()) return s;
  if (!(s = LoadLogSection(ctx, &config.log)).ok()) return s;
  return config;
}

Result<Config> LoadConfig(const std::string& path) {
  return LoadConfig(path, [](const char* name) { return std::getenv(name); });
}

}  // namespace mediagate
