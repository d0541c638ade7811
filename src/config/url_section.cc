// [url]: the shape of client URLs.
#include <algorithm>
#include <cctype>

#include "config/sections.h"

namespace mediagate {
namespace {

const std::vector<ConfigKey<UrlConfig>> kKeys = {
    StringKey("prefix", &UrlConfig::prefix,
              "Path prefix before /<email>/<file id>/<token>/<name>"),
    IntKey("max_uri_bytes", &UrlConfig::max_uri_bytes, 64, 65536,
           "Longest accepted request URI in bytes, query included"),
};

Status Validate(const SectionContext&, const ConfigSection& sec, UrlConfig* out) {
  const std::string& p = out->prefix;
  const bool chars_ok = std::all_of(p.begin(), p.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
           c == '.';
  });
  if (p.size() < 2 || p.front() != '/' || p.back() == '/' || !chars_ok ||
      p.find("//") != std::string::npos || p.find("..") != std::string::npos) {
    return sec.Error("prefix",
                     "must look like \"/premium_media\": a leading '/', "
                     "no trailing '/', only A-Z a-z 0-9 / _ - .");
  }
  return Status::Ok();
}

}  // namespace

SectionDef UrlSection() { return MakeSection("url", &Config::url, kKeys, Validate); }

}  // namespace mediagate
