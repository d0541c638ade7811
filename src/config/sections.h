// The config's sections: each one a key table (config/key_table.h) plus a
// Validate function for what involves several keys or loads secrets.
//
// LoadConfig() and FormatEffectiveConfig() walk ConfigSections() in order;
// every error is one line, "FILE: section.key: message". Used only while
// loading or printing.
#ifndef MEDIAGATE_CONFIG_SECTIONS_H_
#define MEDIAGATE_CONFIG_SECTIONS_H_

#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "config/config_section.h"
#include "config/key_table.h"
#include "config/toml_writer.h"
#include "mediagate/config.h"

namespace mediagate {

struct SectionContext {
  std::string file;
  const TomlDocument* root;
  const EnvLookup* env;
  std::vector<std::string>* warnings;
};

// One [section] of the file.
struct SectionDef {
  std::string name;
  // Reads the section's keys into *config, then validates them.
  std::function<Status(const SectionContext& ctx, Config* config)> load;
  // Appends the section to check-config's output.
  std::function<void(const Config& config, TomlWriter* w)> print;
};

// A section of Config over its key table. `validate` (may be null) runs after
// every key was read; it returns the first error or OK.
template <typename S>
SectionDef MakeSection(
    const char* name, S Config::*member, const std::vector<ConfigKey<S>>& keys,
    std::common_type_t<Status (*)(const SectionContext&, const ConfigSection&, S*)> validate) {
  return SectionDef{name,
                    [name, member, &keys, validate](const SectionContext& ctx, Config* config) {
                      ConfigSection sec(ctx.file, *ctx.root, name);
                      S* out = &(config->*member);
                      Status s = LoadKeys(keys, &sec, out);
                      if (!s.ok() || validate == nullptr) return s;
                      return validate(ctx, sec, out);
                    },
                    [name, member, &keys](const Config& config, TomlWriter* w) {
                      PrintKeys(name, keys, config.*member, w);
                    }};
}

// Loads the secret named by key `key` of section `sec` (file `path`, or env
// `env_name` when set and non-empty) into *out. With `required` false an
// unset secret is empty. Errors read "FILE: section.key: ...".
Status LoadSectionSecret(const SectionContext& ctx, const ConfigSection& sec,
                         const std::string& key, const std::string& path, const char* env_name,
                         bool required, Secret* out);

// `status` as a config error of this file: OK stays OK, anything else becomes
// InvalidArgument "FILE: message". For rules owned by another module (the
// token generator, the presigner, libpq) whose messages name the key.
Status InFile(const SectionContext& ctx, const Status& status);

// "must look like EXAMPLE" unless `p` is a URL path prefix: a leading '/',
// no trailing '/', no "//" or "..", only A-Z a-z 0-9 / _ - . (url.prefix,
// feed.prefix, feed.public_media_prefix).
Status CheckPathPrefix(const ConfigSection& sec, const char* key, const std::string& p,
                       const char* example);

SectionDef TokenSection();
SectionDef StorageSection();
SectionDef UrlSection();
SectionDef DatabaseSection();
SectionDef RedisSection();
SectionDef EntitlementSection();
SectionDef ServerSection();
SectionDef NotifySection();
SectionDef FeedSection();
SectionDef SharingSection();
SectionDef LogSection();
SectionDef AudienceSection();

// Every section, in file order.
const std::vector<SectionDef>& ConfigSections();

}  // namespace mediagate

#endif  // MEDIAGATE_CONFIG_SECTIONS_H_
