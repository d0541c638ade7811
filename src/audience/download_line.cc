// ParseDownloadLine: nlohmann::json without exceptions, then field checks.
#include "audience/download_line.h"

#include <arpa/inet.h>
#include <utf8.h>

#include <cctype>
#include <cmath>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

namespace mediagate {
namespace {

using nlohmann::json;

Status Bad(const std::string& what) { return Status::InvalidArgument("download log: " + what); }

bool IsIp(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool IsFileId(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}

// The string field `key` of `obj` into *out; false when absent or not a string.
bool GetString(const json& obj, const char* key, std::string* out) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return false;
  *out = it->get<std::string>();
  return out->find('\0') == std::string::npos;  // PostgreSQL text cannot hold NUL
}

}  // namespace

Result<DownloadEvent> ParseDownloadLine(std::string_view line) {
  std::string fixed;
  if (!utf8::is_valid(line.begin(), line.end())) {
    utf8::replace_invalid(line.begin(), line.end(), std::back_inserter(fixed));
    line = fixed;
  }
  const json obj = json::parse(line.begin(), line.end(), nullptr, false);
  if (obj.is_discarded() || !obj.is_object()) return Bad("not a JSON object");
  auto v = obj.find("v");
  if (v == obj.end() || !v->is_number_integer() || v->get<int64_t>() != 1) {
    return Bad("not format version 1");
  }
  DownloadEvent e;
  auto t = obj.find("t");
  if (t == obj.end() || !t->is_number() || !(t->get<double>() >= 0) ||
      t->get<double>() > 1e11) {
    return Bad("bad t");
  }
  e.time_ms = std::llround(t->get<double>() * 1000.0);
  auto s = obj.find("s");
  if (s == obj.end() || !s->is_number_integer() || s->get<int64_t>() < 100 ||
      s->get<int64_t>() > 599) {
    return Bad("bad s");
  }
  e.status = static_cast<int>(s->get<int64_t>());
  auto bytes = obj.find("bytes");
  if (bytes == obj.end() || !bytes->is_number_integer() || bytes->get<int64_t>() < 0) {
    return Bad("bad bytes");
  }
  e.bytes_sent = bytes->get<int64_t>();
  if (!GetString(obj, "ip", &e.client) || !IsIp(e.client)) return Bad("bad ip");
  if (!GetString(obj, "ua", &e.user_agent)) return Bad("bad ua");
  if (!GetString(obj, "m", &e.method) || e.method.empty()) return Bad("bad m");
  if (!GetString(obj, "range", &e.range)) return Bad("bad range");
  if (!GetString(obj, "file", &e.file_id) || !IsFileId(e.file_id)) return Bad("bad file");
  if (!GetString(obj, "user", &e.user_ref)) return Bad("bad user");
  return e;
}

}  // namespace mediagate
