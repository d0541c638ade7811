// Tests for NetworkPrefix: IPv4 /24, IPv6 /64, IPv4-mapped IPv6 as IPv4, and
// anything else as "".
#include "audience/network_prefix.h"

#include <gtest/gtest.h>

namespace mediagate {
namespace {

TEST(NetworkPrefixTest, Ipv4IsItsSlash24) {
  EXPECT_EQ(NetworkPrefix("203.0.113.7"), "203.0.113.0/24");
  EXPECT_EQ(NetworkPrefix("203.0.113.255"), "203.0.113.0/24");
  EXPECT_NE(NetworkPrefix("203.0.114.7"), NetworkPrefix("203.0.113.7"));
}

TEST(NetworkPrefixTest, Ipv6IsItsSlash64) {
  EXPECT_EQ(NetworkPrefix("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(NetworkPrefix("2001:db8:1:2::1"), NetworkPrefix("2001:DB8:1:2:ffff::9"));
  EXPECT_NE(NetworkPrefix("2001:db8:1:3::1"), NetworkPrefix("2001:db8:1:2::1"));
}

TEST(NetworkPrefixTest, Ipv4MappedIpv6IsTheIpv4Network) {
  EXPECT_EQ(NetworkPrefix("::ffff:203.0.113.7"), "203.0.113.0/24");
  EXPECT_EQ(NetworkPrefix("::ffff:cb00:7109"), "203.0.113.0/24");
}

TEST(NetworkPrefixTest, NotAnAddressIsEmpty) {
  for (const char* bad : {"", "localhost", "203.0.113", "203.0.113.7:80", "[::1]", "1.2.3.4 ",
                          "2001:db8::1%eth0", "::ffff:999.0.0.1"}) {
    EXPECT_EQ(NetworkPrefix(bad), "") << bad;
  }
}

}  // namespace
}  // namespace mediagate
