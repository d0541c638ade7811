// Secret: wiping and redacted display.
#include "mediagate/secret.h"

#include "base/crypto.h"

namespace mediagate {

Secret::~Secret() { Cleanse(&value_); }

std::string Secret::Redacted() const {
  if (value_.empty()) return "<unset>";
  return "<redacted: " + std::to_string(value_.size()) + " bytes from " + source_ + ">";
}

}  // namespace mediagate
