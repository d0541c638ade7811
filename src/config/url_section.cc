// [url] section.
#include <algorithm>

#include "config/sections.h"

namespace mediagate {

Status LoadUrlSection(const SectionContext& ctx, UrlConfig* out) {
  ConfigSection sec(ctx.file, *ctx.root, "url");
  Status s;
  if (!(s = sec.String("prefix", &out->prefix)).ok()) return s;
  if (!(s = sec.Int("max_uri_bytes", 64, 65536, &out->max_uri_bytes)).ok()) return s;
  if (!(s = sec.Finish()).ok()) return s;
  const std::string& p = out->prefix;
  const bool chars_ok = std::all_of(p.begin(), p.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' ||
           c == '-' || c == '.';
  });
  if (p.size() < 2 || p.front() != '/' || p.back() == '/' || !chars_ok ||
      p.find("//") != std::string::npos || p.find("..") != std::string::npos) {
    return sec.Error("prefix", "must look like \"/premium_media\": a leading '/', "
                               "no trailing '/', only A-Z a-z 0-9 / _ - .");
  }
  return Status::Ok();
}

}  // namespace mediagate
