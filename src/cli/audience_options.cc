// AddAudienceOptions and ReadAudience.
#include "cli/audience_options.h"

#include "cli/cli_common.h"
#include "mediagate/clock.h"
#include "store/audience_query.h"

namespace mediagate::cli {

void AddAudienceOptions(CLI::App* command, AudienceOptions* o) {
  command->add_option("--config", o->config, "Config file (TOML)")->required();
  auto* days = command->add_option("--days", o->days, "The last N UTC days, today included")
                   ->default_val(30);
  auto* from = command->add_option("--from", o->from, "First day (YYYY-MM-DD, UTC)");
  auto* to = command->add_option("--to", o->to, "Last day (YYYY-MM-DD, UTC), with --from");
  days->excludes(from);
  days->excludes(to);
}

int ReadAudience(const AudienceOptions& o, AudienceSummary* summary, int64_t* now) {
  *now = SystemClock().NowUnix();
  const Result<ReportPeriod> period = ChoosePeriod(o.days, o.from, o.to, DayOfUnixTime(*now));
  if (!period.ok()) return Fail(kExitUsage, period.status().message());
  auto config = LoadConfigOrReport(o.config);
  if (!config.ok()) return kExitConfig;
  const Result<AudienceFacts> facts = QueryAudience(config->database, *period);
  if (!facts.ok()) return Fail(kExitFailed, facts.status().message());
  *summary = Summarize(*facts);
  return kExitOk;
}

}  // namespace mediagate::cli
