// CountryLookup: the country of a client address, for the daily counts
// (GeoIP in `mediagate ingest`, a fake in unit tests).
#ifndef MEDIAGATE_AUDIENCE_COUNTRY_LOOKUP_H_
#define MEDIAGATE_AUDIENCE_COUNTRY_LOOKUP_H_

#include <string>

namespace mediagate {

class CountryLookup {
 public:
  virtual ~CountryLookup() = default;
  // ISO 3166-1 alpha-2 code of `address` (IPv4 or IPv6 text); "" when
  // unknown.
  virtual std::string Country(const std::string& address) = 0;
};

}  // namespace mediagate

#endif  // MEDIAGATE_AUDIENCE_COUNTRY_LOOKUP_H_
