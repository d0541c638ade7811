// LoadConfig and FormatEffectiveConfig: walk the section tables in order.
#include <cstdlib>
#include <utility>

#include "config/config_section.h"
#include "config/secret_loader.h"
#include "config/sections.h"
#include "mediagate/config.h"

namespace mediagate {

const std::vector<SectionDef>& ConfigSections() {
  static const std::vector<SectionDef> kSections = {
      TokenSection(), StorageSection(),     UrlSection(),    DatabaseSection(),
      RedisSection(), EntitlementSection(), ServerSection(), NotifySection(),
      FeedSection(),  SharingSection(),     LogSection(),    AudienceSection()};
  return kSections;
}

Status LoadSectionSecret(const SectionContext& ctx, const ConfigSection& sec,
                         const std::string& key, const std::string& path, const char* env_name,
                         bool required, Secret* out) {
  auto secret = LoadSecret(ctx.file + ": " + sec.name() + "." + key, path, env_name, *ctx.env,
                           required, ctx.warnings);
  if (!secret.ok()) return secret.status();
  *out = std::move(*secret);
  return Status::Ok();
}

Status InFile(const SectionContext& ctx, const Status& status) {
  if (status.ok()) return status;
  return Status::InvalidArgument(ctx.file + ": " + status.message());
}

namespace {

// True when one URL path prefix contains the other ("/a" and "/a/b").
bool Overlap(const std::string& a, const std::string& b) {
  const std::string& shorter = a.size() <= b.size() ? a : b;
  const std::string& longer = a.size() <= b.size() ? b : a;
  return longer.compare(0, shorter.size(), shorter) == 0 &&
         (longer.size() == shorter.size() || longer[shorter.size()] == '/');
}

// Rules across sections: the three request path prefixes must not overlap,
// or one kind of request would be taken for another.
Status CheckPrefixes(const std::string& path, const Config& config) {
  const std::pair<const char*, const std::string*> prefixes[] = {
      {"url.prefix", &config.url.prefix},
      {"feed.prefix", &config.feed.prefix},
      {"feed.public_media_prefix", &config.feed.public_media_prefix}};
  for (size_t i = 0; i < 3; ++i) {
    for (size_t j = i + 1; j < 3; ++j) {
      if (Overlap(*prefixes[i].second, *prefixes[j].second)) {
        return Status::InvalidArgument(path + ": " + prefixes[j].first + ": must not overlap " +
                                       prefixes[i].first);
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Config> LoadConfig(const std::string& path, const EnvLookup& env) {
  auto root = ParseTomlFile(path);
  if (!root.ok()) return root.status();
  std::vector<std::string> names;
  for (const SectionDef& section : ConfigSections()) names.push_back(section.name);
  Status s = CheckTopLevel(path, **root, names);
  if (!s.ok()) return s;

  Config config;
  config.path = path;
  const SectionContext ctx{path, root->get(), &env, &config.warnings};
  for (const SectionDef& section : ConfigSections()) {
    if (!(s = section.load(ctx, &config)).ok()) return s;
  }
  if (!(s = CheckPrefixes(path, config)).ok()) return s;
  return config;
}

Result<Config> LoadConfig(const std::string& path) {
  return LoadConfig(path, [](const char* name) { return std::getenv(name); });
}

std::string FormatEffectiveConfig(const Config& config) {
  TomlWriter w;
  w.Comment("effective configuration of " + config.path + " (secrets redacted)");
  for (const SectionDef& section : ConfigSections()) section.print(config, &w);
  return w.str();
}

}  // namespace mediagate
