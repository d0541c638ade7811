// libFuzzer target: CheckFcgiHead (what a peer on the FastCGI socket sends,
// before libfcgi reads it) must never crash, and its verdict must be
// monotone: once a prefix is complete or invalid, every longer input is too
// (the gate re-checks growing prefixes of one connection).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "server/fcgi_head.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using mediagate::CheckFcgiHead;
  using State = mediagate::FcgiHead::State;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const mediagate::FcgiHead whole = CheckFcgiHead(bytes);
  const mediagate::FcgiHead half = CheckFcgiHead(bytes.substr(0, size / 2));
  if (half.state != State::kIncomplete && half.state != whole.state) abort();
  if (whole.state == State::kComplete && !whole.begun) abort();
  return 0;
}
