// ClientAddress: CIDR matching with inet_pton.
#include "mediagate/client_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace mediagate {
namespace {

// Parses an IPv4 or IPv6 literal into bytes; returns the family or 0.
int ParseIp(std::string_view text, unsigned char* bytes) {
  const std::string s(text);
  if (inet_pton(AF_INET, s.c_str(), bytes) == 1) return AF_INET;
  if (inet_pton(AF_INET6, s.c_str(), bytes) == 1) return AF_INET6;
  return 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<ClientAddress> ClientAddress::Create(const std::vector<std::string>& trusted) {
  ClientAddress out;
  for (const std::string& entry : trusted) {
    const size_t slash = entry.find('/');
    Network n{};
    n.family = ParseIp(std::string_view(entry).substr(0, slash), n.bytes);
    const int max_bits = n.family == AF_INET ? 32 : 128;
    n.prefix_bits = max_bits;
    bool ok = n.family != 0;
    if (ok && slash != std::string::npos) {
      const std::string bits = entry.substr(slash + 1);
      ok = !bits.empty() && bits.size() <= 3 &&
           bits.find_first_not_of("0123456789") == std::string::npos &&
           std::stoi(bits) <= max_bits;
      if (ok) n.prefix_bits = std::stoi(bits);
    }
    if (!ok) {
      return Status::InvalidArgument("\"" + entry + "\" is not an IP address or CIDR");
    }
    out.networks_.push_back(n);
  }
  return out;
}

bool ClientAddress::IsTrusted(std::string_view address) const {
  unsigned char bytes[16];
  const int family = ParseIp(address, bytes);
  if (family == 0) return false;
  for (const Network& n : networks_) {
    if (n.family != family) continue;
    const int full = n.prefix_bits / 8;
    const int rest = n.prefix_bits % 8;
    if (std::memcmp(bytes, n.bytes, full) != 0) continue;
    if (rest != 0) {
      const auto mask = static_cast<unsigned char>(0xff << (8 - rest));
      if ((bytes[full] & mask) != (n.bytes[full] & mask)) continue;
    }
    return true;
  }
  return false;
}

std::string ClientAddress::Resolve(std::string_view remote_addr,
                                   std::string_view header) const {
  if (header.empty() || !IsTrusted(remote_addr)) return std::string(remote_addr);
  const size_t comma = header.rfind(',');
  const std::string_view last =
      Trim(comma == std::string_view::npos ? header : header.substr(comma + 1));
  unsigned char bytes[16];
  if (ParseIp(last, bytes) == 0) return std::string(remote_addr);
  return std::string(last);
}

}  // namespace mediagate
