// libFuzzer target: the Redis record codec must never crash on any value
// (a value that opened is still only as good as the JSON in it), and a
// record it decodes must survive an encode/decode round trip unchanged.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "store/record_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using mediagate::LookupState;
  const std::string value(reinterpret_cast<const char*>(data), size);
  const auto user = mediagate::DecodeUser(value);
  if (user.state == LookupState::kFound) {
    const auto again = mediagate::DecodeUser(*mediagate::EncodeUser(&user.record));
    if (again.state != LookupState::kFound || again.record.fields != user.record.fields ||
        again.record.status != user.record.status ||
        again.record.paid_until != user.record.paid_until) {
      abort();
    }
  }
  const auto file = mediagate::DecodeFile(value);
  if (file.state == LookupState::kFound) {
    const auto again = mediagate::DecodeFile(*mediagate::EncodeFile(&file.record));
    if (again.state != LookupState::kFound ||
        again.record.object_key != file.record.object_key ||
        again.record.version != file.record.version) {
      abort();
    }
  }
  return 0;
}
