// A small AudienceFacts for the report tests: three days, three episodes
// (one with a hostile title), two apps, two countries and one sharing flag.
#ifndef MEDIAGATE_TESTS_UNIT_AUDIENCE_FIXTURES_H_
#define MEDIAGATE_TESTS_UNIT_AUDIENCE_FIXTURES_H_

#include "report/audience_summary.h"

namespace mediagate {

inline AudienceFacts SampleFacts() {
  AudienceFacts f;
  const int64_t d0 = DayFromCivil(2026, 11, 29);
  f.period = {d0, d0 + 2};
  f.daily = {{d0, "ep1", 5},     {d0 + 1, "ep1", 3},  {d0 + 2, "ep2", 7}, {d0, "ep3", 1},
             {d0 + 2, "ep1", 2}, {d0 - 1, "ep1", 100}};  // before the period: ignored
  f.apps = {{"Overcast", 8}, {"Apple Podcasts", 10}};
  f.countries = {{"DE", 11}, {"", 7}};
  f.titles = {{"ep1", "Pilot"}, {"ep2", "<script>alert(1)</script> & \"friends\""}};
  f.open_flags = {{42, "u0123456789abcde", 1764633600, 5, 2, "suspend"}};
  return f;
}

}  // namespace mediagate

#endif  // MEDIAGATE_TESTS_UNIT_AUDIENCE_FIXTURES_H_
