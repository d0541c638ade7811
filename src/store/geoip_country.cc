// GeoIpCountry: libGeoIP, databases cached in memory.
#include "store/geoip_country.h"

#include <GeoIP.h>
#include <unistd.h>

namespace mediagate {
namespace {

GeoIP* OpenIfPresent(const std::string& path) {
  if (path.empty() || ::access(path.c_str(), R_OK) != 0) return nullptr;
  return GeoIP_open(path.c_str(), GEOIP_MEMORY_CACHE | GEOIP_SILENCE);
}

}  // namespace

GeoIpCountry::GeoIpCountry(const std::string& v4_path, const std::string& v6_path)
    : v4_(OpenIfPresent(v4_path)), v6_(OpenIfPresent(v6_path)) {}

GeoIpCountry::~GeoIpCountry() {
  if (v4_ != nullptr) GeoIP_delete(v4_);
  if (v6_ != nullptr) GeoIP_delete(v6_);
}

std::string GeoIpCountry::Country(const std::string& address) {
  const bool v6 = address.find(':') != std::string::npos;
  GeoIP* db = v6 ? v6_ : v4_;
  if (db == nullptr) return "";
  const char* code = v6 ? GeoIP_country_code_by_addr_v6(db, address.c_str())
                        : GeoIP_country_code_by_addr(db, address.c_str());
  return code == nullptr ? "" : code;
}

}  // namespace mediagate
