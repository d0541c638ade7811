// ConfigKey: each config key declared once.
//
// A section's keys are one table of ConfigKey<Section>: name, type, the
// struct field that holds the value (whose in-class initialiser is the
// default), bounds or choices, and help text. The same table drives the
// loader (LoadKeys), the unknown-key check (ConfigSection::Finish sees every
// key the table read) and check-config's output (PrintKeys), so a key cannot
// be loaded but forgotten by check-config (pgbouncer's CfKey table is the
// model). Checks that involve several keys, and secrets, live in each
// section's Validate function. Tables are immutable; used only while
// loading or printing.
#ifndef MEDIAGATE_CONFIG_KEY_TABLE_H_
#define MEDIAGATE_CONFIG_KEY_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "config/config_section.h"
#include "config/toml_writer.h"

namespace mediagate {

template <typename S>
struct ConfigKey {
  enum class Kind { kString, kOneOf, kInt, kBool, kStringList };

  const char* name = nullptr;
  const char* help = nullptr;  // one sentence for operators; check-config prints it
  Kind kind = Kind::kString;
  std::string S::*string_field = nullptr;             // kString, kOneOf
  int64_t S::*int_field = nullptr;                    // kInt
  bool S::*bool_field = nullptr;                      // kBool
  std::vector<std::string> S::*list_field = nullptr;  // kStringList
  int64_t min = 0;                                    // kInt bounds, inclusive
  int64_t max = 0;
  std::vector<const char*> choices;  // kOneOf
  // Optional: a comment printed after the key, e.g. a loaded secret, redacted.
  std::string (*note)(const S&) = nullptr;
  // Optional: what check-config shows instead of the value (redaction).
  std::string (*display)(const std::string&) = nullptr;
  // Optional: print the key only when this holds (keys of an unused backend).
  bool (*shown)(const S&) = nullptr;

  ConfigKey Note(std::string (*f)(const S&)) const {
    ConfigKey k = *this;
    k.note = f;
    return k;
  }
  ConfigKey Display(std::string (*f)(const std::string&)) const {
    ConfigKey k = *this;
    k.display = f;
    return k;
  }
  ConfigKey ShownIf(bool (*f)(const S&)) const {
    ConfigKey k = *this;
    k.shown = f;
    return k;
  }
};

template <typename S>
ConfigKey<S> NewKey(const char* name, const char* help, typename ConfigKey<S>::Kind kind) {
  ConfigKey<S> k;
  k.name = name;
  k.help = help;
  k.kind = kind;
  return k;
}

template <typename S>
ConfigKey<S> StringKey(const char* name, std::string S::*field, const char* help) {
  auto k = NewKey<S>(name, help, ConfigKey<S>::Kind::kString);
  k.string_field = field;
  return k;
}

template <typename S>
ConfigKey<S> OneOfKey(const char* name, std::string S::*field, std::vector<const char*> choices,
                      const char* help) {
  auto k = NewKey<S>(name, help, ConfigKey<S>::Kind::kOneOf);
  k.string_field = field;
  k.choices = std::move(choices);
  return k;
}

template <typename S>
ConfigKey<S> IntKey(const char* name, int64_t S::*field, int64_t min, int64_t max,
                    const char* help) {
  auto k = NewKey<S>(name, help, ConfigKey<S>::Kind::kInt);
  k.int_field = field;
  k.min = min;
  k.max = max;
  return k;
}

template <typename S>
ConfigKey<S> BoolKey(const char* name, bool S::*field, const char* help) {
  auto k = NewKey<S>(name, help, ConfigKey<S>::Kind::kBool);
  k.bool_field = field;
  return k;
}

template <typename S>
ConfigKey<S> StringListKey(const char* name, std::vector<std::string> S::*field,
                           const char* help) {
  auto k = NewKey<S>(name, help, ConfigKey<S>::Kind::kStringList);
  k.list_field = field;
  return k;
}

// Reads every key of `keys` present in `sec` into *out (absent keys keep the
// struct's defaults), then rejects keys the table does not name. The first
// error, naming the key, or OK.
template <typename S>
Status LoadKeys(const std::vector<ConfigKey<S>>& keys, ConfigSection* sec, S* out) {
  using Kind = typename ConfigKey<S>::Kind;
  for (const ConfigKey<S>& k : keys) {
    Status s;
    switch (k.kind) {
      case Kind::kString: s = sec->String(k.name, &(out->*k.string_field)); break;
      case Kind::kOneOf: s = sec->OneOf(k.name, k.choices, &(out->*k.string_field)); break;
      case Kind::kInt: s = sec->Int(k.name, k.min, k.max, &(out->*k.int_field)); break;
      case Kind::kBool: s = sec->Bool(k.name, &(out->*k.bool_field)); break;
      case Kind::kStringList: s = sec->StringList(k.name, &(out->*k.list_field)); break;
    }
    if (!s.ok()) return s;
  }
  return sec->Finish();
}

// Writes `[section]` and, for every shown key, its help and default as a
// comment, then `key = value`, then its note.
template <typename S>
void PrintKeys(const char* section, const std::vector<ConfigKey<S>>& keys, const S& values,
               TomlWriter* w) {
  using Kind = typename ConfigKey<S>::Kind;
  const S defaults{};
  w->Section(section);
  for (const ConfigKey<S>& k : keys) {
    if (k.shown != nullptr && !k.shown(values)) continue;
    std::string type;
    std::string value;
    std::string fallback;
    switch (k.kind) {
      case Kind::kString:
        value = TomlWriter::Quote(values.*k.string_field);
        fallback = TomlWriter::Quote(defaults.*k.string_field);
        break;
      case Kind::kOneOf:
        for (const char* c : k.choices) type += std::string(type.empty() ? "" : " | ") + c;
        type = "one of " + type + "; ";
        value = TomlWriter::Quote(values.*k.string_field);
        fallback = TomlWriter::Quote(defaults.*k.string_field);
        break;
      case Kind::kInt:
        type = std::to_string(k.min) + ".." + std::to_string(k.max) + "; ";
        value = std::to_string(values.*k.int_field);
        fallback = std::to_string(defaults.*k.int_field);
        break;
      case Kind::kBool:
        value = values.*k.bool_field ? "true" : "false";
        fallback = defaults.*k.bool_field ? "true" : "false";
        break;
      case Kind::kStringList:
        value = TomlWriter::QuoteList(values.*k.list_field);
        fallback = TomlWriter::QuoteList(defaults.*k.list_field);
        break;
    }
    if (k.display != nullptr) {
      value = TomlWriter::Quote(k.display(values.*k.string_field));
      fallback = TomlWriter::Quote(k.display(defaults.*k.string_field));
    }
    const std::string dflt = value == fallback ? "default" : "default: " + fallback;
    w->Comment(std::string(k.help) + " (" + type + dflt + ")");
    w->Line(std::string(k.name) + " = " + value);
    if (k.note != nullptr) w->Comment(k.note(values));
  }
}

}  // namespace mediagate

#endif  // MEDIAGATE_CONFIG_KEY_TABLE_H_
