// mediagate invalidate: drop a user's or a file's cached record from Redis
// and, through PostgreSQL's change channel, from every worker's own cache;
// or a show's rendered feeds from every worker.
#include <iostream>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "store/change_listener.h"
#include "store/record_codec.h"
#include "store/redis_cache.h"

namespace mediagate::cli {

void AddInvalidateCommand(CLI::App& app, Action* action) {
  struct InvalidateOptions {
    std::string config, user, file, show;
  };
  auto inv = std::make_shared<InvalidateOptions>();
  auto* invalidate = app.add_subcommand("invalidate", "Drop a cached record everywhere now");
  invalidate->add_option("--config", inv->config, "Config file (TOML)")->required();
  auto* user = invalidate->add_option("--user", inv->user, "Email of the subscriber");
  auto* file = invalidate->add_option("--file", inv->file, "File id");
  auto* show = invalidate->add_option("--show", inv->show, "Show slug (its rendered feeds)");
  user->excludes(file);
  user->excludes(show);
  file->excludes(show);
  invalidate->callback([inv, action] {
    *action = [inv] {
      if (inv->user.empty() + inv->file.empty() + inv->show.empty() != 2) {
        return Fail(kExitUsage, "invalidate needs exactly one of --user, --file or --show");
      }
      auto config = LoadConfigOrReport(inv->config);
      if (!config.ok()) return static_cast<int>(kExitConfig);
      if (!config->redis.enabled && !config->notify.enabled) {
        return Fail(kExitConfig,
                    "redis.enabled and notify.enabled are false: nothing is cached");
      }
      if (!inv->show.empty()) {  // rendered shows live only in the workers
        if (!config->notify.enabled) {
          return Fail(kExitConfig,
                      "notify.enabled is false: shows are cached for "
                      "feed.cache_seconds and cannot be invalidated");
        }
        Status s = PublishChange(config->database, "show " + inv->show);
        if (!s.ok()) return Fail(kExitFailed, "cannot notify the workers: " + s.message());
        std::cout << "notified every worker\n";
        return static_cast<int>(kExitOk);
      }
      if (config->redis.enabled) {
        RedisCache cache(config->redis);
        const Result<std::string> key = inv->user.empty()
                                            ? FileCacheKey(config->redis.key_prefix, inv->file)
                                            : UserCacheKey(config->redis.key_prefix, inv->user);
        if (!key.ok()) return Fail(kExitFailed, key.status().message());
        int64_t removed = 0;
        Status s = cache.Delete({*key}, &removed);
        if (!s.ok()) return Fail(kExitFailed, "redis: " + s.message());
        std::cout << "removed " << removed << " cache entr" << (removed == 1 ? "y" : "ies")
                  << "\n";
      }
      if (config->notify.enabled) {
        const std::string payload =
            inv->user.empty() ? "file " + inv->file : "user " + inv->user;
        Status s = PublishChange(config->database, payload);
        if (!s.ok()) return Fail(kExitFailed, "cannot notify the workers: " + s.message());
        std::cout << "notified every worker\n";
      }
      return static_cast<int>(kExitOk);
    };
  });
}

}  // namespace mediagate::cli
