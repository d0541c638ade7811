// [url]: the shape of client URLs.
#include <algorithm>
#include <cctype>
#include <regex>

#include "config/sections.h"

namespace mediagate {
namespace {

const std::vector<ConfigKey<UrlConfig>> kKeys = {
    StringKey("prefix", &UrlConfig::prefix,
              "Path prefix before /<email>/<file id>/<token>/<name>"),
    IntKey("max_uri_bytes", &UrlConfig::max_uri_bytes, 64, 65536,
           "Longest accepted request URI in bytes, query included"),
    StringKey("public_base", &UrlConfig::public_base,
              "Scheme and host clients reach nginx at, e.g. \"https://media.example.com\"; "
              "starts every link in feeds"),
};

}  // namespace

Status CheckPathPrefix(const ConfigSection& sec, const char* key, const std::string& p,
                       const char* example) {
  const bool chars_ok = std::all_of(p.begin(), p.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
           c == '.';
  });
  if (p.size() < 2 || p.front() != '/' || p.back() == '/' || !chars_ok ||
      p.find("//") != std::string::npos || p.find("..") != std::string::npos) {
    return sec.Error(key, std::string("must look like \"") + example +
                              "\": a leading '/', no trailing '/', only A-Z a-z 0-9 / _ - .");
  }
  return Status::Ok();
}

namespace {

Status Validate(const SectionContext&, const ConfigSection& sec, UrlConfig* out) {
  Status s = CheckPathPrefix(sec, "prefix", out->prefix, "/premium_media");
  if (!s.ok()) return s;
  static const std::regex kBase(
      R"(^https?://([A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*)"
      R"([A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$)");
  if (!out->public_base.empty() && !std::regex_match(out->public_base, kBase)) {
    return sec.Error("public_base",
                     "must be \"http(s)://host[:port]\" with no path and no trailing '/'");
  }
  return Status::Ok();
}

}  // namespace

SectionDef UrlSection() { return MakeSection("url", &Config::url, kKeys, Validate); }

}  // namespace mediagate
