// ClientAddress: which address a request really came from.
//
// REMOTE_ADDR is the peer. Only when the peer is a configured trusted proxy is
// the last entry of the configured header (e.g. X-Forwarded-For) believed.
// Immutable after Create(); thread-safe.
#ifndef MEDIAGATE_CLIENT_ADDRESS_H_
#define MEDIAGATE_CLIENT_ADDRESS_H_

#include <string>
#include <string_view>
#include <vector>

#include "mediagate/result.h"

namespace mediagate {

class ClientAddress {
 public:
  // `trusted` holds CIDRs ("10.0.0.0/8", "::1/128") or bare addresses.
  // InvalidArgument naming the first entry that does not parse.
  static Result<ClientAddress> Create(const std::vector<std::string>& trusted);

  // The client address for a request from `remote_addr` whose configured
  // header has the value `header` (empty when absent). Falls back to
  // remote_addr when the peer is untrusted or the header entry is not an IP.
  std::string Resolve(std::string_view remote_addr, std::string_view header) const;

  // True when `address` parses and lies in one of the trusted networks.
  bool IsTrusted(std::string_view address) const;

 private:
  struct Network {
    int family;  // AF_INET or AF_INET6
    unsigned char bytes[16];
    int prefix_bits;
  };
  std::vector<Network> networks_;
};

}  // namespace mediagate

#endif  // MEDIAGATE_CLIENT_ADDRESS_H_
