// NetworkPrefix with inet_pton / inet_ntop.
#include "audience/network_prefix.h"

#include <arpa/inet.h>

#include <cstring>

namespace mediagate {

std::string NetworkPrefix(std::string_view address) {
  if (address.empty() || address.size() >= INET6_ADDRSTRLEN) return "";
  const std::string text(address);
  unsigned char bytes[16] = {};
  char out[INET6_ADDRSTRLEN] = {};
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1) {
    bytes[3] = 0;
    inet_ntop(AF_INET, bytes, out, sizeof(out));
    return std::string(out) + "/24";
  }
  if (inet_pton(AF_INET6, text.c_str(), bytes) != 1) return "";
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(bytes, kMapped, sizeof(kMapped)) == 0) {
    bytes[15] = 0;
    inet_ntop(AF_INET, bytes + 12, out, sizeof(out));
    return std::string(out) + "/24";
  }
  std::memset(bytes + 8, 0, 8);
  inet_ntop(AF_INET6, bytes, out, sizeof(out));
  return std::string(out) + "/64";
}

}  // namespace mediagate
