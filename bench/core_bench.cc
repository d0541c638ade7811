// Microbenchmarks of the per-request hot paths: token verification, presigning
// and URL parsing, next to a raw HMAC-SHA256 of a message of the same size as
// the baseline. Budgets (median, 2-core machine): token check <= 2 us,
// presign <= 4 us. bench/run prints the medians and the ratios.
#include <benchmark/benchmark.h>

#include "base/crypto.h"
#include "mediagate/config.h"
#include "mediagate/media_url.h"
#include "mediagate/presigner.h"
#include "mediagate/token.h"

namespace mediagate {
namespace {

constexpr int64_t kNow = 1735787045;

const FieldMap& SeedFields() {
  static const FieldMap fields{{"id", "42"},
                               {"is_paysubscribed", "True"},
                               {"uuid", "0b7e4f5c-6d1e-4b9a-8a53-2f0f8e1c9d77"},
                               {"status", "active"}};
  return fields;
}

TokenGenerator MakeGenerator(int fallbacks) {
  TokenConfig c;
  c.secret = Secret("django-insecure-0123456789abcdefghijklmnopqrstuvwxyz", "bench");
  for (int i = 0; i < fallbacks; ++i) {
    c.fallback_secrets.emplace_back("fallback-" + std::to_string(i), "bench");
  }
  auto gen = TokenGenerator::Create(c);
  if (!gen.ok()) abort();
  return std::move(*gen);
}

void BM_BaselineHmacSha256(benchmark::State& state) {
  auto key = HmacKey::Create(HashAlgorithm::kSha256, "0123456789abcdef0123456789abcdef");
  const std::string msg = "42True0b7e4f5c-6d1e-4b9a-8a53-2f0f8e1c9d77active";
  std::string mac;
  for (auto _ : state) {
    key->Sign(msg, &mac);
    benchmark::DoNotOptimize(mac);
  }
}
BENCHMARK(BM_BaselineHmacSha256);

void BM_TokenCheckValid(benchmark::State& state) {
  TokenGenerator gen = MakeGenerator(0);
  const std::string token = *gen.Make(SeedFields(), kNow);
  for (auto _ : state) {
    benchmark::DoNotOptimize(gen.Check(SeedFields(), token, kNow));
  }
}
BENCHMARK(BM_TokenCheckValid);

void BM_TokenCheckForgedTwoFallbacks(benchmark::State& state) {
  TokenGenerator gen = MakeGenerator(2);  // worst case: every key is tried
  std::string token = *gen.Make(SeedFields(), kNow);
  token.back() = token.back() == '0' ? '1' : '0';
  for (auto _ : state) {
    benchmark::DoNotOptimize(gen.Check(SeedFields(), token, kNow));
  }
}
BENCHMARK(BM_TokenCheckForgedTwoFallbacks);

void BM_Presign(benchmark::State& state) {
  StorageConfig c;
  c.endpoint = "https://s3.eu-west-3.amazonaws.com";
  c.region = "eu-west-3";
  c.bucket = "podcast-media";
  c.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  c.secret_access_key = Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "bench");
  auto presigner = Presigner::Create(c);
  if (!presigner.ok()) abort();
  int64_t at = kNow;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        presigner->Presign(HttpMethod::kGet, "shows/season 2/episode-014.mp3", at++, 600));
  }
}
BENCHMARK(BM_Presign);

void BM_ParseMediaUri(benchmark::State& state) {
  const std::string uri =
      "/premium_media/YUBleGFtcGxlLmNvbQ/42/cizf6t-3e6c858482244559c647e861a1fdba91/"
      "episode-1.mp3";
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParseMediaUri(uri, "/premium_media", 2048));
  }
}
BENCHMARK(BM_ParseMediaUri);

}  // namespace
}  // namespace mediagate

BENCHMARK_MAIN();
