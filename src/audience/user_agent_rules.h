// UserAgentRules: what a user agent is, for counting: a bot (an empty agent,
// or one the pinned isbot pattern list matches and no app rule does: isbot
// is a list for web traffic and flags podcast apps such as Overcast or
// Pocket Casts), an Apple Watch duplicate (FACTS.md: "atc/"
// with "watchOS", or "(null)/(null) watchOS"), and the app's name from an
// ordered rule table (first match wins; "Other" when none does).
//
// Patterns are PCRE2, matched case-insensitively with the JIT. Verdicts are
// cached per user agent (bounded). Not thread-safe (the cache).
#ifndef MEDIAGATE_AUDIENCE_USER_AGENT_RULES_H_
#define MEDIAGATE_AUDIENCE_USER_AGENT_RULES_H_

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mediagate/result.h"

namespace mediagate {

struct UserAgentVerdict {
  bool bot = false;
  bool watch_duplicate = false;
  std::string app;  // "Other" when no rule matches
};

class UserAgentRules {
 public:
  // Compiles the rules. `bot_list`: one pattern a line, JavaScript syntax as
  // isbot writes them (all are joined with '|'); `app_rules`: "<pattern>\t<app name>" a line.
  // In both, blank lines and lines starting with '#' are skipped. InvalidArgument
  // "<name>:<line>:
  // ..." for a pattern PCRE2 refuses or an app line without a tab or name.
  static Result<UserAgentRules> Create(std::string_view bot_list, std::string_view app_rules);

  // The verdict for `user_agent`.
  const UserAgentVerdict& Classify(const std::string& user_agent);

  UserAgentRules(UserAgentRules&&) noexcept;
  UserAgentRules& operator=(UserAgentRules&&) noexcept;
  ~UserAgentRules();

  struct Regex;  // a compiled pattern (opaque)

 private:
  UserAgentRules();
  bool Matches(const Regex& re, const std::string& s) const;

  std::unique_ptr<Regex> bots_;
  std::unique_ptr<Regex> watch_;
  std::vector<std::pair<std::unique_ptr<Regex>, std::string>> apps_;
  std::unordered_map<std::string, UserAgentVerdict> cache_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_AUDIENCE_USER_AGENT_RULES_H_
