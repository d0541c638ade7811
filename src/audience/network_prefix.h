// NetworkPrefix: the network a client address belongs to, for sharing
// detection: the /24 of an IPv4 address, the /64 of an IPv6 address (one
// household or one mobile device's prefix), an IPv4-mapped IPv6 address
// (::ffff:a.b.c.d) as its IPv4 /24. Pure function; thread-safe.
#ifndef MEDIAGATE_AUDIENCE_NETWORK_PREFIX_H_
#define MEDIAGATE_AUDIENCE_NETWORK_PREFIX_H_

#include <string>
#include <string_view>

namespace mediagate {

// "203.0.113.0/24" or "2001:db8:1:2::/64" for `address` (IPv4 or IPv6 text);
// "" when it is not an IP address.
std::string NetworkPrefix(std::string_view address);

}  // namespace mediagate

#endif  // MEDIAGATE_AUDIENCE_NETWORK_PREFIX_H_
