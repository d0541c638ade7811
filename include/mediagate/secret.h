// Secret: a credential (token secret, S3 key) that must never be logged.
//
// It remembers where it came from ("file /etc/mediagate/secret" or
// "env MEDIAGATE_TOKEN_SECRET") so that diagnostics can name the source
// instead of the value. Its memory is wiped on destruction. Not thread-safe
// to mutate; const access is safe.
#ifndef MEDIAGATE_SECRET_H_
#define MEDIAGATE_SECRET_H_

#include <string>

namespace mediagate {

class Secret {
 public:
  Secret() = default;
  Secret(std::string value, std::string source)
      : value_(std::move(value)), source_(std::move(source)) {}
  Secret(const Secret&) = default;
  Secret& operator=(const Secret&) = default;
  Secret(Secret&&) noexcept = default;
  Secret& operator=(Secret&&) noexcept = default;
  ~Secret();

  // The secret bytes. Call only where the value is used cryptographically.
  const std::string& Reveal() const { return value_; }
  // Where the value came from; safe to print.
  const std::string& source() const { return source_; }
  bool empty() const { return value_.empty(); }
  // "<redacted: N bytes from SOURCE>", safe to print.
  std::string Redacted() const;

 private:
  std::string value_;
  std::string source_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_SECRET_H_
