// libFuzzer target: TokenGenerator::Check on arbitrary tokens and field
// values must never crash, must never accept a forged token, and must accept
// every token it minted.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "mediagate/config.h"
#include "mediagate/token.h"

namespace {

mediagate::TokenGenerator& Generator() {
  static mediagate::TokenGenerator* gen = [] {
    mediagate::TokenConfig c;
    c.secret = mediagate::Secret("fuzz-secret", "fuzzer");
    c.fallback_secrets.emplace_back("fuzz-fallback", "fuzzer");
    c.accept_legacy = true;
    c.timeout_seconds = 3600;
    c.time_zone = "UTC";
    auto g = mediagate::TokenGenerator::Create(c);
    if (!g.ok()) abort();
    return new mediagate::TokenGenerator(std::move(*g));
  }();
  return *gen;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  // First line: the token; the rest: the value of the "uuid" field.
  const size_t nl = input.find('\n');
  const std::string token = input.substr(0, nl);
  const std::string uuid = nl == std::string::npos ? "" : input.substr(nl + 1);
  const mediagate::FieldMap fields{
      {"id", "7"}, {"is_paysubscribed", "True"}, {"uuid", uuid}, {"status", "active"}};
  const int64_t now = 1735787045;
  // A fuzzer cannot find an HMAC forgery, so any input it builds that checks
  // as valid means the checker accepts something Django would not.
  if (Generator().Check(fields, token, now) == mediagate::TokenVerdict::kValid) abort();
  // And whatever the field values, a minted token must check as valid.
  auto minted = Generator().Make(fields, now);
  if (!minted.ok()) abort();
  if (Generator().Check(fields, *minted, now) != mediagate::TokenVerdict::kValid) abort();
  return 0;
}
