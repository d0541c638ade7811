// TomlWriter: check-config's output, line by line; toml11 does the quoting.
// Not thread-safe; one per output.
#ifndef MEDIAGATE_CONFIG_TOML_WRITER_H_
#define MEDIAGATE_CONFIG_TOML_WRITER_H_

#include <sstream>
#include <string>
#include <vector>

namespace mediagate {

class TomlWriter {
 public:
  // "[name]", after a blank line unless it is the first line.
  void Section(const std::string& name);
  // "# text", one comment line per line of `text`.
  void Comment(const std::string& text);
  // A line as it is.
  void Line(const std::string& line);
  std::string str() const { return out_.str(); }

  // `value` as a TOML string literal (quoted and escaped).
  static std::string Quote(const std::string& value);
  // `values` as a TOML array of strings.
  static std::string QuoteList(const std::vector<std::string>& values);

 private:
  std::ostringstream out_;
  bool first_ = true;
};

}  // namespace mediagate

#endif  // MEDIAGATE_CONFIG_TOML_WRITER_H_
