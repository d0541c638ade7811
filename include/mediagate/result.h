// Result<T>: either a value of type T or a non-OK Status.
//
// Used instead of exceptions for operations that produce a value. Thread
// safety is that of T.
#ifndef MEDIAGATE_RESULT_H_
#define MEDIAGATE_RESULT_H_

#include <cassert>
#include <optional>
#include <utility>

#include "mediagate/status.h"

namespace mediagate {

template <typename T>
class Result {
 public:
  // A successful result holding `value`.
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  // A failed result. REQUIRES: !status.ok().
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok());
    if (status_.ok()) status_ = Status::Internal("Result built from OK status");
  }

  bool ok() const { return value_.has_value(); }
  // OK when a value is held, else the failure.
  const Status& status() const { return status_; }

  // REQUIRES: ok().
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const T& operator*() const& { return *value_; }
  T& operator*() & { return *value_; }
  const T* operator->() const { return &*value_; }
  T* operator->() { return &*value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_RESULT_H_
