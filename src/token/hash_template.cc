// HashTemplate parsing and rendering.
#include "token/hash_template.h"

#include <algorithm>

namespace mediagate {
namespace {

bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

Status TemplateError(size_t column, const std::string& what) {
  return Status::InvalidArgument(what + " at column " + std::to_string(column + 1));
}

}  // namespace

Result<HashTemplate> HashTemplate::Parse(std::string_view text) {
  HashTemplate t;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) t.parts_.push_back({Part::Kind::kLiteral, literal});
    literal.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        literal.push_back('}');
        ++i;
        continue;
      }
      return TemplateError(i, "unmatched '}' (write '}}' for a literal brace)");
    }
    if (c != '{') {
      literal.push_back(c);
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      literal.push_back('{');
      ++i;
      continue;
    }
    const size_t close = text.find('}', i + 1);
    if (close == std::string_view::npos) return TemplateError(i, "unclosed '{'");
    const std::string name(text.substr(i + 1, close - i - 1));
    if (name.empty() || !IsNameStart(name[0]) ||
        !std::all_of(name.begin(), name.end(), IsNameChar)) {
      return TemplateError(i, "bad field name \"" + name + "\"");
    }
    flush();
    if (name == "ts") {
      t.parts_.push_back({Part::Kind::kTimestamp, name});
    } else {
      t.parts_.push_back({Part::Kind::kField, name});
      if (std::find(t.field_names_.begin(), t.field_names_.end(), name) ==
          t.field_names_.end()) {
        t.field_names_.push_back(name);
      }
    }
    i = close;
  }
  flush();
  return t;
}

Status HashTemplate::Render(const FieldMap& fields, int64_t ts, std::string* out) const {
  for (const Part& part : parts_) {
    switch (part.kind) {
      case Part::Kind::kLiteral: out->append(part.text); break;
      case Part::Kind::kTimestamp: out->append(std::to_string(ts)); break;
      case Part::Kind::kField: {
        auto it = fields.find(part.text);
        if (it == fields.end()) {
          return Status::InvalidArgument("missing token field \"" + part.text + "\"");
        }
        out->append(it->second);
        break;
      }
    }
  }
  return Status::Ok();
}

}  // namespace mediagate
