// mediagate presign
#include <iostream>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "mediagate/clock.h"
#include "mediagate/presigner.h"

namespace mediagate::cli {
namespace {

struct PresignOptions {
  std::string config;
  std::string key;
  std::string at;
  int64_t expires = 0;
  std::string method = "GET";
};

int RunPresign(const PresignOptions& o) {
  auto config = LoadConfigOrReport(o.config);
  if (!config.ok()) return kExitConfig;
  if (config->storage.backend != "s3") {
    return Fail(kExitConfig, "presign needs storage.backend = \"s3\" in " + o.config);
  }
  int64_t at = SystemClock().NowUnix();
  if (!o.at.empty()) {
    auto parsed = ParseAmzDate(o.at);
    if (!parsed.ok()) return Fail(kExitUsage, "--at: " + parsed.status().message());
    at = *parsed;
  }
  auto presigner = Presigner::Create(config->storage);
  if (!presigner.ok()) return Fail(kExitConfig, presigner.status().message());
  const int64_t expires = o.expires != 0 ? o.expires : config->storage.expires_seconds;
  const HttpMethod method = o.method == "HEAD" ? HttpMethod::kHead : HttpMethod::kGet;
  auto url = presigner->Presign(method, o.key, at, expires);
  if (!url.ok()) return Fail(kExitFailed, url.status().message());
  std::cout << *url << "\n";
  return kExitOk;
}

}  // namespace

void AddPresignCommand(CLI::App& app, Action* action) {
  auto o = std::make_shared<PresignOptions>();
  auto* cmd = app.add_subcommand("presign", "Print a presigned S3 URL for an object");
  cmd->add_option("--config", o->config, "Config file (TOML)")->required();
  cmd->add_option("--key", o->key, "Object key")->required();
  cmd->add_option("--at", o->at, "Signing time YYYYMMDDTHHMMSSZ (default: now)");
  cmd->add_option("--expires", o->expires, "Lifetime in seconds (default: config)")
      ->check(CLI::Range(int64_t{1}, int64_t{604800}));
  cmd->add_option("--method", o->method, "GET or HEAD")->check(CLI::IsMember({"GET", "HEAD"}));
  cmd->callback([o, action] { *action = [o] { return RunPresign(*o); }; });
}

}  // namespace mediagate::cli
