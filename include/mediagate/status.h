// Status: the outcome of an operation that can fail, returned as a value.
//
// No exception crosses a module boundary in mediagate; every library's failure
// (toml11, OpenSSL, libpqxx, hiredis, errno) is converted to a Status in exactly
// one adapter function. A Status is an immutable value: safe to copy and to
// share between threads.
#ifndef MEDIAGATE_STATUS_H_
#define MEDIAGATE_STATUS_H_

#include <string>
#include <utility>

namespace mediagate {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // the caller's input is wrong (config, CLI, request)
    kNotFound,         // a named thing does not exist (file, zone, row)
    kIoError,          // the operating system refused (open, read, socket)
    kUnavailable,      // a dependency is down or timed out; retrying may help
    kInternal,         // a library failed in a way that should not happen
  };

  // Creates a success status.
  Status() = default;

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status IoError(std::string msg) { return Status(Code::kIoError, std::move(msg)); }
  static Status Unavailable(std::string msg) {
    return Status(Code::kUnavailable, std::move(msg));
  }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  // The human-readable reason; empty for success.
  const std::string& message() const { return message_; }
  // "OK" or "<code name>: <message>".
  std::string ToString() const;

  // Returns a copy whose message is "<prefix>: <message>"; success stays success.
  Status Annotate(const std::string& prefix) const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_STATUS_H_
