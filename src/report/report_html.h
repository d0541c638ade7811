// The audience report: one self-contained HTML page.
//
// Everything is inline (CSS, the SVG chart); the page has no script, no
// link, no image and no URL, and its Content-Security-Policy forbids every
// fetch, so a hostile title cannot make a reader's browser reach the
// network. Light and dark colours follow prefers-color-scheme; the layout is
// one column that fits a phone. Every figure a test compares carries a
// stable hook:
//   data-metric="total" | "episodes" | "open-flags"          summary cards
//   <tr data-file=ID>  ... <td data-metric="downloads">         top episodes
//   <tr data-app=NAME> / <tr data-country=CC> ... data-metric="downloads"
//   <tr data-flag-id=N> with data-field="user_ref|flagged_at|networks|
//                            user_agents|action" cells          sharing flags
//   <tr data-day=YYYY-MM-DD data-file=ID> ... data-metric="downloads"
//                                                  daily figures (non-zero)
// Text goes through XmlEscaped (feed/xml_escape.h). Pure; thread-safe.
#ifndef MEDIAGATE_REPORT_REPORT_HTML_H_
#define MEDIAGATE_REPORT_REPORT_HTML_H_

#include <cstdint>
#include <string>

#include "report/audience_summary.h"

namespace mediagate {

// Rows shown in the episode, app and country tables (`mediagate stats`
// lists all).
constexpr size_t kReportTableRows = 50;

// The page for `summary`, generated at `generated_at` (Unix seconds).
std::string ReportHtml(const AudienceSummary& summary, int64_t generated_at);

}  // namespace mediagate

#endif  // MEDIAGATE_REPORT_REPORT_HTML_H_
