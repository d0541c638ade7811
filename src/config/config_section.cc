// ConfigSection: the toml11 adapter.
#include "config/config_section.h"

#include <algorithm>
#include <sstream>
#include <toml.hpp>

#include "base/file_reader.h"
#include "base/first_line.h"

namespace mediagate {

class TomlDocument {
 public:
  toml::value value;
};

namespace {

using TomlValue = toml::value;

const TomlValue* AsValue(const void* p) { return static_cast<const TomlValue*>(p); }

std::string LineSuffix(const TomlValue& v) {
  const auto line = v.location().line();
  return line > 0 ? " (line " + std::to_string(line) + ")" : "";
}

// toml11's messages are multi-line with a caret diagram; keep the first line.
std::string FirstLine(const std::string& what) {
  std::string line = FirstLineOf(what);
  const std::string kTag = "[error] ";
  if (line.compare(0, kTag.size(), kTag) == 0) line.erase(0, kTag.size());
  return line;
}

}  // namespace

Result<std::shared_ptr<const TomlDocument>> ParseTomlFile(const std::string& path) {
  auto text = ReadRegularFile(path);
  if (!text.ok()) return text.status();
  std::istringstream in(*text);
  try {
    auto doc = std::make_shared<TomlDocument>();
    doc->value = toml::parse(in, path);
    return std::shared_ptr<const TomlDocument>(std::move(doc));
  } catch (const toml::exception& e) {
    return Status::InvalidArgument(path + ":" + std::to_string(e.location().line()) + ": " +
                                   FirstLine(e.what()));
  } catch (const std::exception& e) {
    return Status::InvalidArgument(path + ": " + FirstLine(e.what()));
  }
}

ConfigSection::ConfigSection(const std::string& file, const TomlDocument& doc, std::string name)
    : file_(file), name_(std::move(name)) {
  const TomlValue& root = doc.value;
  if (!root.is_table()) return;
  const auto& top = root.as_table();
  auto it = top.find(name_);
  if (it == top.end()) return;
  if (it->second.is_table()) {
    table_ = &it->second;
  } else {
    not_a_table_ = true;
  }
}

Status ConfigSection::Error(const std::string& key, const std::string& message) const {
  return Status::InvalidArgument(file_ + ": " + name_ + "." + key + ": " + message);
}

const void* ConfigSection::Find(const char* key) {
  seen_.insert(key);
  if (table_ == nullptr) return nullptr;
  const auto& t = AsValue(table_)->as_table();
  auto it = t.find(key);
  return it == t.end() ? nullptr : &it->second;
}

Status ConfigSection::String(const char* key, std::string* out) {
  const TomlValue* v = AsValue(Find(key));
  if (v == nullptr) return Status::Ok();
  if (!v->is_string()) return Error(key, "must be a string" + LineSuffix(*v));
  *out = v->as_string().str;
  return Status::Ok();
}

Status ConfigSection::OneOf(const char* key, const std::vector<const char*>& allowed,
                            std::string* out) {
  std::string value = *out;
  Status s = String(key, &value);
  if (!s.ok()) return s;
  std::string choices;
  for (const char* a : allowed) {
    if (value == a) {
      *out = value;
      return Status::Ok();
    }
    choices += std::string(choices.empty() ? "" : ", ") + "\"" + a + "\"";
  }
  return Error(key, "must be one of " + choices + ", got \"" + value + "\"");
}

Status ConfigSection::Int(const char* key, int64_t min, int64_t max, int64_t* out) {
  const TomlValue* v = AsValue(Find(key));
  if (v == nullptr) return Status::Ok();
  if (!v->is_integer()) return Error(key, "must be an integer" + LineSuffix(*v));
  const int64_t value = v->as_integer();
  if (value < min || value > max) {
    return Error(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                          ", got " + std::to_string(value) + LineSuffix(*v));
  }
  *out = value;
  return Status::Ok();
}

Status ConfigSection::Bool(const char* key, bool* out) {
  const TomlValue* v = AsValue(Find(key));
  if (v == nullptr) return Status::Ok();
  if (!v->is_boolean()) return Error(key, "must be true or false" + LineSuffix(*v));
  *out = v->as_boolean();
  return Status::Ok();
}

Status ConfigSection::StringList(const char* key, std::vector<std::string>* out) {
  const TomlValue* v = AsValue(Find(key));
  if (v == nullptr) return Status::Ok();
  if (!v->is_array()) return Error(key, "must be an array of strings" + LineSuffix(*v));
  std::vector<std::string> values;
  for (const TomlValue& item : v->as_array()) {
    if (!item.is_string()) {
      return Error(key, "must be an array of strings" + LineSuffix(item));
    }
    values.push_back(item.as_string().str);
  }
  *out = std::move(values);
  return Status::Ok();
}

Status ConfigSection::Finish() const {
  if (not_a_table_) {
    return Status::InvalidArgument(file_ + ": " + name_ + ": must be a table ([" + name_ +
                                   "])");
  }
  if (table_ == nullptr) return Status::Ok();
  for (const auto& [key, value] : AsValue(table_)->as_table()) {
    if (seen_.count(key) == 0) return Error(key, "unknown key" + LineSuffix(value));
  }
  return Status::Ok();
}

Status CheckTopLevel(const std::string& file, const TomlDocument& doc,
                     const std::vector<std::string>& known) {
  const TomlValue& root = doc.value;
  if (!root.is_table()) return Status::InvalidArgument(file + ": not a TOML table");
  for (const auto& [key, value] : root.as_table()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return Status::InvalidArgument(file + ": " + key + ": unknown section" +
                                     LineSuffix(value));
    }
  }
  return Status::Ok();
}

}  // namespace mediagate
