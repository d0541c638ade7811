// mediagate report: the audience report as one self-contained HTML file,
// replaced atomically (a cron job never leaves half a page behind).
#include <iostream>
#include <memory>

#include "base/file_writer.h"
#include "cli/audience_options.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "report/report_html.h"

namespace mediagate::cli {

void AddReportCommand(CLI::App& app, Action* action) {
  struct ReportOptions {
    AudienceOptions audience;
    std::string out;
  };
  auto opts = std::make_shared<ReportOptions>();
  auto* report = app.add_subcommand("report", "Write the audience report (one HTML file)");
  AddAudienceOptions(report, &opts->audience);
  report->add_option("--out", opts->out, "The HTML file to write (replaced atomically)")
      ->required();
  report->callback([opts, action] {
    *action = [opts] {
      AudienceSummary summary;
      int64_t now = 0;
      const int code = ReadAudience(opts->audience, &summary, &now);
      if (code != kExitOk) return code;
      const Status s = WriteFileAtomically(opts->out, ReportHtml(summary, now));
      if (!s.ok()) return Fail(kExitFailed, s.message());
      return static_cast<int>(kExitOk);
    };
  });
}

}  // namespace mediagate::cli
