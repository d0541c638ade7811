// UserAgentRules: PCRE2 (Debian libpcre2-8) with the JIT.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "audience/user_agent_rules.h"

#include <pcre2.h>

namespace mediagate {

struct UserAgentRules::Regex {
  pcre2_code* code = nullptr;
  pcre2_match_data* match = nullptr;
  ~Regex() {
    pcre2_match_data_free(match);
    pcre2_code_free(code);
  }
};

namespace {

constexpr size_t kCacheLimit = 100000;

// Calls f(line_number, line) for each line that is not blank or a comment.
template <typename F>
Status ForEachRule(std::string_view text, F f) {
  int number = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    ++number;
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos || line[0] == '#') continue;
    Status s = f(number, line);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

// isbot's patterns are JavaScript regular expressions. One JavaScript rule
// PCRE2 does not share: in a character class, a '-' right after a class
// escape (\w, \d, \s...) is a literal ("[\w\d-.]"), not an invalid range.
// Escapes such dashes; everything else is left as it is.
std::string FromJavaScript(std::string_view js) {
  std::string out;
  bool in_class = false;
  for (size_t i = 0; i < js.size(); ++i) {
    const char c = js[i];
    out += c;
    if (c == '\\' && i + 1 < js.size()) {
      const char e = js[++i];
      out += e;
      const bool class_escape = std::string_view("wWdDsS").find(e) != std::string_view::npos;
      if (in_class && class_escape && i + 2 < js.size() && js[i + 1] == '-' &&
          js[i + 2] != ']') {
        out += "\\-";
        ++i;
      }
    } else if (c == '[') {
      in_class = true;
    } else if (c == ']') {
      in_class = false;
    }
  }
  return out;
}

}  // namespace

// Compiles `pattern` (case-insensitive, UTF); the PCRE2 message on failure.
struct RegexFactory {
  static Result<std::unique_ptr<UserAgentRules::Regex>> Compile(const std::string& pattern) {
    int error = 0;
    PCRE2_SIZE offset = 0;
    auto re = std::make_unique<UserAgentRules::Regex>();
    re->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                             PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &error,
                             &offset, nullptr);
    if (re->code == nullptr) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(error, message, sizeof message);
      return Status::InvalidArgument(std::string(reinterpret_cast<char*>(message)) +
                                     " at offset " + std::to_string(offset));
    }
    pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);  // the interpreter if no JIT
    re->match = pcre2_match_data_create_from_pattern(re->code, nullptr);
    return re;
  }
};

UserAgentRules::UserAgentRules() = default;
UserAgentRules::UserAgentRules(UserAgentRules&&) noexcept = default;
UserAgentRules& UserAgentRules::operator=(UserAgentRules&&) noexcept = default;
UserAgentRules::~UserAgentRules() = default;

Result<UserAgentRules> UserAgentRules::Create(std::string_view bot_list,
                                              std::string_view app_rules) {
  UserAgentRules rules;
  std::string joined;
  Status s = ForEachRule(bot_list, [&](int number, std::string_view line) {
    const std::string pattern = FromJavaScript(line);
    auto one = RegexFactory::Compile(pattern);
    if (!one.ok()) {
      return Status::InvalidArgument("bot list:" + std::to_string(number) + ": " +
                                     one.status().message());
    }
    joined += (joined.empty() ? "" : "|") + pattern;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  auto bots = RegexFactory::Compile(joined.empty() ? "(?!)" : joined);
  if (!bots.ok()) return Status::InvalidArgument("bot list: " + bots.status().message());
  rules.bots_ = std::move(*bots);
  auto watch = RegexFactory::Compile("^atc/.*watchOS|\\(null\\)/\\(null\\) watchOS");
  if (!watch.ok()) return watch.status();
  rules.watch_ = std::move(*watch);
  s = ForEachRule(app_rules, [&](int number, std::string_view line) {
    const std::string where = "app rules:" + std::to_string(number) + ": ";
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos || tab + 1 >= line.size()) {
      return Status::InvalidArgument(where + "expected PATTERN<TAB>APP NAME");
    }
    auto re = RegexFactory::Compile(std::string(line.substr(0, tab)));
    if (!re.ok()) return Status::InvalidArgument(where + re.status().message());
    rules.apps_.emplace_back(std::move(*re), std::string(line.substr(tab + 1)));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return rules;
}

bool UserAgentRules::Matches(const Regex& re, const std::string& s) const {
  return pcre2_match(re.code, reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), 0, 0, re.match,
                     nullptr) >= 0;
}

const UserAgentVerdict& UserAgentRules::Classify(const std::string& user_agent) {
  auto it = cache_.find(user_agent);
  if (it != cache_.end()) return it->second;
  if (cache_.size() >= kCacheLimit) cache_.clear();
  UserAgentVerdict v;
  v.app = "Other";
  bool known_app = false;
  for (const auto& [re, name] : apps_) {
    if (Matches(*re, user_agent)) {
      v.app = name;
      known_app = true;
      break;
    }
  }
  v.bot = user_agent.find_first_not_of(" \t") == std::string::npos ||
          (!known_app && Matches(*bots_, user_agent));
  v.watch_duplicate = Matches(*watch_, user_agent);
  return cache_.emplace(user_agent, std::move(v)).first->second;
}

}  // namespace mediagate
