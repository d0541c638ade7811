// mediagate links: a subscriber's private feed URLs, or one premium link,
// for welcome emails and support. Tokens are minted now from the user row
// (the same generator and URL format the workers check); they are printed
// on stdout only.
#include <iostream>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "feed/feed_links.h"
#include "mediagate/clock.h"
#include "store/pg_record_store.h"

namespace mediagate::cli {
namespace {

struct LinksOptions {
  std::string config, user, show, file;
};

int PrintLinks(const LinksOptions& o) {
  auto config = LoadConfigOrReport(o.config);
  if (!config.ok()) return static_cast<int>(kExitConfig);
  const std::string& base = config->url.public_base;
  if (base.empty()) {
    return Fail(kExitConfig, o.config + ": url.public_base: must be set to print links");
  }
  auto tokens = TokenGenerator::Create(config->token);
  if (!tokens.ok()) return Fail(kExitConfig, tokens.status().message());
  PgRecordStore db(config->database, tokens->field_names());
  const Lookup<UserRecord> user = db.FindUser(o.user);
  if (user.state == LookupState::kUnavailable) return Fail(kExitFailed, user.error);
  if (user.state == LookupState::kMissing) return Fail(kExitFailed, "no such user");
  const Result<std::string> token = tokens->Make(user.record.fields, SystemClock().NowUnix());
  if (!token.ok()) return Fail(kExitFailed, token.status().message());

  if (!o.file.empty()) {
    const Lookup<FileRecord> file = db.FindFile(o.file);
    if (file.state == LookupState::kUnavailable) return Fail(kExitFailed, file.error);
    if (file.state == LookupState::kMissing) return Fail(kExitFailed, "no such file");
    const std::string& key = file.record.object_key;
    const std::string name = key.substr(key.rfind('/') + 1);
    std::cout << PremiumLink(base, config->url.prefix, o.user, o.file, *token, name) << "\n";
    return kExitOk;
  }
  std::vector<std::string> slugs;
  if (!o.show.empty()) {
    slugs.push_back(o.show);
  } else {
    const Lookup<std::vector<std::string>> all = db.ListShows();
    if (all.state != LookupState::kFound) {
      return Fail(kExitFailed, "cannot list the shows (" + all.error + "); give --show");
    }
    slugs = all.record;
  }
  for (const std::string& slug : slugs) {
    const Lookup<Show> show = db.FindShow(slug);
    if (show.state == LookupState::kUnavailable) return Fail(kExitFailed, show.error);
    if (show.state == LookupState::kMissing || !IsShowSlug(slug)) {
      return Fail(kExitFailed, "no such show: " + slug);
    }
    std::cout << PrivateFeedUrl(base, config->feed.prefix, o.user, *token, slug) << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddLinksCommand(CLI::App& app, Action* action) {
  auto opts = std::make_shared<LinksOptions>();
  auto* links = app.add_subcommand(
      "links",
      "Print a subscriber's private feed URLs (or one premium link) from url.public_base");
  links->add_option("--config", opts->config, "Config file (TOML)")->required();
  links->add_option("--user", opts->user, "Email of the subscriber")->required();
  auto* show = links->add_option("--show", opts->show, "Only this show's feed (slug)");
  auto* file = links->add_option("--file", opts->file, "The premium link of this file id");
  show->excludes(file);
  links->callback([opts, action] { *action = [opts] { return PrintLinks(*opts); }; });
}

}  // namespace mediagate::cli
