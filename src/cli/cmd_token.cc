// mediagate token make | token check
#include <iostream>
#include <memory>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "mediagate/clock.h"
#include "mediagate/token.h"

namespace mediagate::cli {
namespace {

struct TokenOptions {
  std::string config;
  std::vector<std::string> fields;
  std::string token;
  int64_t at = 0;
  bool at_given = false;
};

// Loads config and fields and builds the generator; returns an exit code on
// failure.
int Prepare(const TokenOptions& o, Result<TokenGenerator>* gen, FieldMap* fields) {
  auto config = LoadConfigOrReport(o.config);
  if (!config.ok()) return kExitConfig;
  auto parsed = ParseFields(o.fields);
  if (!parsed.ok()) return Fail(kExitUsage, parsed.status().message());
  *fields = std::move(*parsed);
  *gen = TokenGenerator::Create(config->token);
  if (!gen->ok()) return Fail(kExitConfig, gen->status().message());
  for (const std::string& name : (*gen)->field_names()) {
    if (fields->count(name) == 0) {
      return Fail(kExitUsage, "missing --field " + name + "=... (named by token.hash_value)");
    }
  }
  return kExitOk;
}

void AddCommonOptions(CLI::App* cmd, TokenOptions* o) {
  cmd->add_option("--config", o->config, "Config file (TOML)")->required();
  cmd->add_option("--field", o->fields, "User field NAME=VALUE (repeatable)")
      ->required()
      ->allow_extra_args(true);
  cmd->add_option("--at", o->at, "UNIX seconds to use as now (default: now)")
      ->each([o](const std::string&) { o->at_given = true; });
}

}  // namespace

void AddTokenCommands(CLI::App& app, Action* action) {
  auto* token = app.add_subcommand("token", "Make or check Django-compatible tokens");
  token->require_subcommand(1);

  auto make_opts = std::make_shared<TokenOptions>();
  auto* make = token->add_subcommand("make", "Print the token Django would mint");
  AddCommonOptions(make, make_opts.get());
  make->callback([make_opts, action] {
    *action = [make_opts] {
      Result<TokenGenerator> gen = Status::Internal("unset");
      FieldMap fields;
      if (int rc = Prepare(*make_opts, &gen, &fields); rc != kExitOk) return rc;
      auto minted =
          gen->Make(fields, make_opts->at_given ? make_opts->at : SystemClock().NowUnix());
      if (!minted.ok()) return Fail(kExitFailed, minted.status().message());
      std::cout << *minted << "\n";
      return static_cast<int>(kExitOk);
    };
  });

  auto check_opts = std::make_shared<TokenOptions>();
  auto* check = token->add_subcommand("check", "Exit 0 if the token is valid, 1 if not");
  AddCommonOptions(check, check_opts.get());
  check->add_option("--token", check_opts->token, "The token to check")->required();
  check->callback([check_opts, action] {
    *action = [check_opts] {
      Result<TokenGenerator> gen = Status::Internal("unset");
      FieldMap fields;
      if (int rc = Prepare(*check_opts, &gen, &fields); rc != kExitOk) return rc;
      const TokenVerdict verdict =
          gen->Check(fields, check_opts->token,
                     check_opts->at_given ? check_opts->at : SystemClock().NowUnix());
      if (verdict != TokenVerdict::kValid) {
        return Fail(kExitInvalid, std::string("token invalid: ") + TokenVerdictName(verdict));
      }
      std::cout << "valid\n";
      return static_cast<int>(kExitOk);
    };
  });
}

}  // namespace mediagate::cli
