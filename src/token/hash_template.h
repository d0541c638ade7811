// HashTemplate: the configured replacement for Django's _make_hash_value().
//
// A template such as "{id}{is_paysubscribed}{uuid}{status}" names the user
// fields whose string values are concatenated; "{ts}" is the token's integer
// timestamp; "{{" and "}}" are literal braces. Immutable; thread-safe.
#ifndef MEDIAGATE_HASH_TEMPLATE_H_
#define MEDIAGATE_HASH_TEMPLATE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mediagate/result.h"
#include "mediagate/token.h"

namespace mediagate {

class HashTemplate {
 public:
  // Parses `text`. InvalidArgument (with the column) for an unclosed or stray
  // brace or a field name that is not [A-Za-z_][A-Za-z0-9_]*.
  static Result<HashTemplate> Parse(std::string_view text);

  // The field names used, in order of first use, without "ts".
  const std::vector<std::string>& field_names() const { return field_names_; }

  // Appends the hash value for `fields` and `ts` to *out. InvalidArgument
  // naming the field if one is missing from `fields`.
  Status Render(const FieldMap& fields, int64_t ts, std::string* out) const;

 private:
  struct Part {
    enum class Kind { kLiteral, kField, kTimestamp } kind;
    std::string text;  // the literal, or the field name
  };
  std::vector<Part> parts_;
  std::vector<std::string> field_names_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_HASH_TEMPLATE_H_
