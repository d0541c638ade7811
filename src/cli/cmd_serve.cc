// mediagate serve: the FastCGI responder (prefork master + workers).
#include <spdlog/spdlog.h>

#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "mediagate/metrics.h"
#include "server/listen_socket.h"
#include "server/logging.h"
#include "server/master.h"

namespace mediagate::cli {
namespace {

struct ServeOptions {
  std::string config;
  int workers = 0;
  ListenOptions listen;
};

int RunServe(const ServeOptions& o) {
  SetUpLogging();
  auto config = LoadConfig(o.config);
  if (!config.ok()) {
    spdlog::critical("{}", config.status().message());
    return kExitConfig;
  }
  for (const std::string& w : config->warnings) spdlog::warn("config: {}", w);
  ApplyLogLevel(config->log);
  auto socket = OpenListenSocket(o.listen);
  if (!socket.ok()) {
    spdlog::critical("{}", socket.status().message());
    // Only a malformed address is a usage error (which systemd does not
    // retry); a busy port or a missing directory may pass.
    return socket.status().code() == Status::Code::kInvalidArgument ? kExitUsage : kExitFailed;
  }
  auto metrics = Metrics::CreateShared();
  if (!metrics) {
    spdlog::critical("cannot map shared memory for metrics");
    return kExitFailed;
  }
  auto board = InvalidationBoard::CreateShared();
  if (!board) {
    spdlog::critical("cannot map shared memory for the invalidation board");
    return kExitFailed;
  }
  MasterOptions options{o.config, o.workers, std::move(*socket), board.get()};
  return RunMaster(options, std::move(*config), metrics.get());
}

}  // namespace

void AddServeCommand(CLI::App& app, Action* action) {
  auto o = std::make_shared<ServeOptions>();
  auto* serve = app.add_subcommand("serve", "Run the FastCGI responder (master + workers)");
  serve->add_option("--config", o->config, "Config file (TOML)")->required();
  serve->add_option("--workers", o->workers, "Worker processes (default: server.workers)")
      ->check(CLI::Range(1, 256));
  serve->add_option("--listen", o->listen.address,
                    "unix:PATH or HOST:PORT (default: fd 0 or systemd socket)");
  serve->add_option("--socket-mode", o->listen.mode, "Octal mode of a unix socket, e.g. 0660");
  serve->add_option("--socket-owner", o->listen.owner, "USER[:GROUP] of a unix socket");
  serve->callback([o, action] { *action = [o] { return RunServe(*o); }; });
}

}  // namespace mediagate::cli
