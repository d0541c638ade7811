// ConfigSection: typed, validated access to one TOML table of the config.
//
// The only place that touches toml11 values: the parsed document is opaque
// outside config_section.cc, so that toml11's heavy headers are compiled once. Every error it
// returns is one line, "FILE: section.key: message (line N)". It records which keys were read
// so that Finish() can reject unknown (usually misspelt) keys. Not
// thread-safe; used only while loading.
#ifndef MEDIAGATE_CONFIG_CONFIG_SECTION_H_
#define MEDIAGATE_CONFIG_CONFIG_SECTION_H_

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "mediagate/result.h"

namespace mediagate {

// A parsed TOML file; what it holds is known only to config_section.cc.
class TomlDocument;

// Parses the file at `path`. IoError if unreadable, InvalidArgument
// "FILE:LINE: message" for a syntax error.
Result<std::shared_ptr<const TomlDocument>> ParseTomlFile(const std::string& path);

class ConfigSection {
 public:
  // `root` is the whole document; the section `name` may be absent, in which
  // case every getter leaves its default in place.
  ConfigSection(const std::string& file, const TomlDocument& root, std::string name);

  // Each getter leaves *out unchanged when the key is absent, and fails with
  // a message naming the key when it has the wrong type or value.
  Status String(const char* key, std::string* out);
  Status OneOf(const char* key, const std::vector<const char*>& allowed, std::string* out);
  Status Int(const char* key, int64_t min, int64_t max, int64_t* out);
  Status Bool(const char* key, bool* out);
  Status StringList(const char* key, std::vector<std::string>* out);

  // InvalidArgument naming the first key that no getter asked for, or a
  // section that is not a table.
  Status Finish() const;

  // The section's name, e.g. "token".
  const std::string& name() const { return name_; }

  // An error about `key` in this section, in the standard format.
  Status Error(const std::string& key, const std::string& message) const;

 private:
  const void* Find(const char* key);  // a toml::value, or null

  std::string file_;
  std::string name_;
  const void* table_ = nullptr;  // the section's toml::value; null when absent
  bool not_a_table_ = false;
  std::set<std::string> seen_;
};

// InvalidArgument naming the first top-level key of `root` not in `known`.
Status CheckTopLevel(const std::string& file, const TomlDocument& root,
                     const std::vector<std::string>& known);

}  // namespace mediagate

#endif  // MEDIAGATE_CONFIG_CONFIG_SECTION_H_
