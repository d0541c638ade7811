// XML escaping for feed text and attribute values.
//
// Any bytes in, well-formed XML 1.0 character data out: invalid UTF-8
// sequences become U+FFFD, characters XML 1.0 forbids (C0 controls other
// than tab, LF and CR; U+FFFE, U+FFFF) are dropped, and & < > " ' are
// written as entities, so the result is safe in element text and in a
// double- or single-quoted attribute alike. HTML show notes go through
// this too: they become escaped text, which every feed reader unescapes,
// so no CDATA section (and no "]]>" problem) is needed. Pure; thread-safe.
#ifndef MEDIAGATE_FEED_XML_ESCAPE_H_
#define MEDIAGATE_FEED_XML_ESCAPE_H_

#include <string>
#include <string_view>

namespace mediagate {

// Appends the escaped form of `text` to *out.
void AppendXmlEscaped(std::string_view text, std::string* out);

// The escaped form of `text`.
std::string XmlEscaped(std::string_view text);

}  // namespace mediagate

#endif  // MEDIAGATE_FEED_XML_ESCAPE_H_
