// FirstLineOf: one line of a library's multi-line error message.
//
// libpqxx and toml11 put the reason on the first line of what() and context
// (query text, caret diagrams) on the next ones; a Status message is one
// line. Pure function; thread-safe.
#ifndef MEDIAGATE_BASE_FIRST_LINE_H_
#define MEDIAGATE_BASE_FIRST_LINE_H_

#include <string>
#include <string_view>

namespace mediagate {

// `text` up to its first '\n', or all of it when there is none.
inline std::string FirstLineOf(std::string_view text) {
  return std::string(text.substr(0, text.find('\n')));
}

}  // namespace mediagate

#endif  // MEDIAGATE_BASE_FIRST_LINE_H_
