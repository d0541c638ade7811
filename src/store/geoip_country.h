// GeoIpCountry: CountryLookup over Debian's legacy GeoIP country databases
// (package geoip-database: /usr/share/GeoIP/GeoIP.dat and GeoIPv6.dat, read
// with libGeoIP). A database that is not installed answers "" for its
// family. Not thread-safe.
#ifndef MEDIAGATE_STORE_GEOIP_COUNTRY_H_
#define MEDIAGATE_STORE_GEOIP_COUNTRY_H_

#include <string>

#include "audience/country_lookup.h"

typedef struct GeoIPTag GeoIP;

namespace mediagate {

class GeoIpCountry : public CountryLookup {
 public:
  // Opens the databases that exist ("" = none for that family).
  GeoIpCountry(const std::string& v4_path, const std::string& v6_path);
  ~GeoIpCountry() override;
  GeoIpCountry(const GeoIpCountry&) = delete;
  GeoIpCountry& operator=(const GeoIpCountry&) = delete;

  std::string Country(const std::string& address) override;
  // What was opened, for the start-up log line.
  bool has_v4() const { return v4_ != nullptr; }
  bool has_v6() const { return v6_ != nullptr; }

 private:
  GeoIP* v4_ = nullptr;
  GeoIP* v6_ = nullptr;
};

}  // namespace mediagate

#endif  // MEDIAGATE_STORE_GEOIP_COUNTRY_H_
