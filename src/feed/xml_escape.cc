// AppendXmlEscaped: UTF-8 repair, XML 1.0 character filter, entities.
#include "feed/xml_escape.h"

#include <utf8.h>

#include <cstdint>
#include <iterator>

namespace mediagate {
namespace {

bool XmlChar(uint32_t cp) {
  if (cp < 0x20) return cp == 0x9 || cp == 0xA || cp == 0xD;
  return cp != 0xFFFE && cp != 0xFFFF;  // surrogates cannot come out of valid UTF-8
}

void AppendValid(std::string_view text, std::string* out) {
  auto it = text.begin();
  while (it != text.end()) {
    const auto start = it;
    const uint32_t cp = utf8::unchecked::next(it);
    if (!XmlChar(cp)) continue;
    switch (cp) {
      case '&': out->append("&amp;"); break;
      case '<': out->append("&lt;"); break;
      case '>': out->append("&gt;"); break;
      case '"': out->append("&quot;"); break;
      case '\'': out->append("&apos;"); break;
      default: out->append(start, it);
    }
  }
}

}  // namespace

void AppendXmlEscaped(std::string_view text, std::string* out) {
  if (utf8::is_valid(text.begin(), text.end())) {
    AppendValid(text, out);
    return;
  }
  std::string repaired;
  utf8::replace_invalid(text.begin(), text.end(), std::back_inserter(repaired));
  AppendValid(repaired, out);
}

std::string XmlEscaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendXmlEscaped(text, &out);
  return out;
}

}  // namespace mediagate
