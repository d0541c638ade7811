// TomlWriter: toml11 formats the values.
#include "config/toml_writer.h"

#include <toml.hpp>

namespace mediagate {

void TomlWriter::Section(const std::string& name) {
  out_ << (first_ ? "" : "\n") << "[" << name << "]\n";
  first_ = false;
}

void TomlWriter::Comment(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) out_ << "# " << line << "\n";
}

void TomlWriter::Line(const std::string& line) { out_ << line << "\n"; }

// No line width: toml11 wraps long strings with line-ending backslashes, and
// a continuation line that begins with a space loses it when read back (TOML
// trims whitespace after such a backslash), which changed long SQL queries.
constexpr std::size_t kNoWrap = std::size_t{1} << 30;

std::string TomlWriter::Quote(const std::string& value) {
  return toml::format(toml::value(value), kNoWrap);
}

std::string TomlWriter::QuoteList(const std::vector<std::string>& values) {
  return toml::format(toml::value(toml::array(values.begin(), values.end())), kNoWrap);
}

}  // namespace mediagate
