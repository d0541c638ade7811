// One loader per config section; LoadConfig() calls them in turn.
//
// Each reads its keys with defaults, validates them, loads the section's
// secrets, and returns a one-line "FILE: section.key: message" error.
#ifndef MEDIAGATE_CONFIG_SECTIONS_H_
#define MEDIAGATE_CONFIG_SECTIONS_H_

#include <string>
#include <vector>

#include "config/config_section.h"
#include "mediagate/config.h"

namespace mediagate {

struct SectionContext {
  std::string file;
  const TomlValue* root;
  const EnvLookup* env;
  std::vector<std::string>* warnings;
};

Status LoadTokenSection(const SectionContext& ctx, TokenConfig* out);
Status LoadStorageSection(const SectionContext& ctx, StorageConfig* out);
Status LoadUrlSection(const SectionContext& ctx, UrlConfig* out);
Status LoadDatabaseSection(const SectionContext& ctx, DatabaseConfig* out);
Status LoadRedisSection(const SectionContext& ctx, RedisConfig* out);
Status LoadEntitlementSection(const SectionContext& ctx, EntitlementConfig* out);
Status LoadServerSection(const SectionContext& ctx, ServerConfig* out);
Status LoadLogSection(const SectionContext& ctx, LogConfig* out);

}  // namespace mediagate

#endif  // MEDIAGATE_CONFIG_SECTIONS_H_
