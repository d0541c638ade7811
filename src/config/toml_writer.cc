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

std::string TomlWriter::Quote(const std::string& value) {
  return toml::format(toml::value(value));
}

std::string TomlWriter::QuoteList(const std::vector<std::string>& values) {
  return toml::format(toml::value(toml::array(values.begin(), values.end())));
}

}  // namespace mediagate
