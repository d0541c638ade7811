// Tests for ClientAddress: Create refuses entries that are not addresses or
// CIDRs; IsTrusted matches IPv4 and IPv6 networks of any prefix length
// (/0, byte-aligned and not); Resolve believes the last entry of the header
// only from a trusted peer and only when that entry is an address.
#include "mediagate/client_address.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mediagate {
namespace {

ClientAddress MustCreate(const std::vector<std::string>& trusted) {
  auto clients = ClientAddress::Create(trusted);
  EXPECT_TRUE(clients.ok()) << clients.status().ToString();
  return clients.ok() ? std::move(clients).value()
                      : std::move(ClientAddress::Create({})).value();
}

// Expects a ClientAddress trusting `networks` to trust each of `trusted` and
// none of `untrusted`.
void ExpectTrust(const std::vector<std::string>& networks,
                 const std::vector<const char*>& trusted,
                 const std::vector<const char*>& untrusted) {
  const ClientAddress clients = MustCreate(networks);
  for (const char* address : trusted) EXPECT_TRUE(clients.IsTrusted(address)) << address;
  for (const char* address : untrusted) EXPECT_FALSE(clients.IsTrusted(address)) << address;
}

TEST(ClientAddressTest, CreateRejectsBadEntries) {
  for (const char* bad : {"10.0.0.0/33", "abc", "1.2.3.4/", "::1/129", "", "/8", "1.2.3.4/-1",
                          "1.2.3.4/8/9", "1.2.3.4/ 8", "1.2.3.4/0008", "1.2.3.4/x", "1.2.3",
                          "256.0.0.0/8", "10.0.0.0 /8", "fe80::1%eth0", "::1/1290"}) {
    auto clients = ClientAddress::Create({"127.0.0.1", bad});
    ASSERT_FALSE(clients.ok()) << "accepted '" << bad << "'";
    EXPECT_EQ(clients.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(clients.status().message().find(std::string("\"") + bad + "\""),
              std::string::npos)
        << clients.status().message();
  }
}

TEST(ClientAddressTest, CreateAcceptsAddressesAndCidrs) {
  for (const char* good : {"10.0.0.0/8", "10.0.0.0/32", "0.0.0.0/0", "192.0.2.7", "::1", "::/0",
                           "2001:db8::/32", "2001:db8::1/128", "::ffff:10.0.0.0/104"}) {
    EXPECT_TRUE(ClientAddress::Create({good}).ok()) << good;
  }
  EXPECT_TRUE(ClientAddress::Create({}).ok());
}

TEST(ClientAddressTest, NothingTrustedByDefault) { ExpectTrust({}, {}, {"127.0.0.1", "::1"}); }

TEST(ClientAddressTest, BareAddressesMatchExactly) {
  ExpectTrust({"192.0.2.7", "2001:db8::7"},
              {"192.0.2.7", "2001:db8::7", "2001:0db8:0:0:0:0:0:7"},
              {"192.0.2.8", "192.0.2.6", "2001:db8::8"});
}

TEST(ClientAddressTest, ByteAlignedV4Prefixes) {
  ExpectTrust({"10.0.0.0/8", "172.16.5.0/24"}, {"10.0.0.0", "10.255.255.255", "172.16.5.200"},
              {"11.0.0.0", "9.255.255.255", "172.16.6.1"});
}

TEST(ClientAddressTest, NonByteAlignedV4Prefix) {
  ExpectTrust({"10.1.16.0/20"}, {"10.1.16.0", "10.1.20.9", "10.1.31.255"},
              {"10.1.32.0", "10.1.15.255", "10.2.16.1"});
}

TEST(ClientAddressTest, HostBitsOfTheNetworkAreIgnored) {
  ExpectTrust({"10.1.20.9/20"}, {"10.1.16.1"}, {"10.1.32.1"});
}

TEST(ClientAddressTest, V4SlashZeroMatchesEveryV4OnlyV4) {
  ExpectTrust({"0.0.0.0/0"}, {"1.2.3.4", "255.255.255.255"}, {"::1", "2001:db8::1"});
}

TEST(ClientAddressTest, V6SlashZeroMatchesEveryV6OnlyV6) {
  ExpectTrust({"::/0"}, {"::1", "ffff::1"}, {"127.0.0.1"});
}

TEST(ClientAddressTest, V6Prefixes) {
  ExpectTrust({"2001:db8::/33", "fd00:1::/64"},
              {"2001:db8::1", "2001:db8:7fff:ffff::1", "fd00:1::abcd",
               "fd00:1:0:0:ffff:ffff:ffff:ffff"},
              {"2001:db8:8000::1", "2001:db9::1", "fd00:1:0:1::1"});
}

TEST(ClientAddressTest, GarbageIsNeverTrusted) {
  ExpectTrust({"0.0.0.0/0", "::/0"}, {},
              {"", "abc", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4/8", "unix:"});
}

TEST(ClientAddressTest, UntrustedPeerIgnoresHeader) {
  const ClientAddress clients = MustCreate({"10.0.0.0/8"});
  EXPECT_EQ(clients.Resolve("203.0.113.9", "198.51.100.1"), "203.0.113.9");
  EXPECT_EQ(clients.Resolve("203.0.113.9", ""), "203.0.113.9");
  EXPECT_EQ(MustCreate({}).Resolve("10.0.0.1", "198.51.100.1"), "10.0.0.1");
}

TEST(ClientAddressTest, TrustedPeerUsesLastHeaderEntry) {
  const ClientAddress clients = MustCreate({"10.0.0.0/8", "::1"});
  EXPECT_EQ(clients.Resolve("10.0.0.1", "198.51.100.1"), "198.51.100.1");
  EXPECT_EQ(clients.Resolve("10.0.0.1", "1.1.1.1, 198.51.100.2"), "198.51.100.2");
  EXPECT_EQ(clients.Resolve("10.0.0.1", "1.1.1.1,198.51.100.3"), "198.51.100.3");
  EXPECT_EQ(clients.Resolve("10.0.0.1", "  198.51.100.4  "), "198.51.100.4");
  EXPECT_EQ(clients.Resolve("10.0.0.1", "1.1.1.1,\t2001:db8::5 "), "2001:db8::5");
  EXPECT_EQ(clients.Resolve("::1", "1.1.1.1, 198.51.100.6"), "198.51.100.6");
}

TEST(ClientAddressTest, TrustedPeerWithoutHeaderIsItself) {
  const ClientAddress clients = MustCreate({"10.0.0.0/8"});
  EXPECT_EQ(clients.Resolve("10.0.0.1", ""), "10.0.0.1");
}

TEST(ClientAddressTest, GarbageLastEntryFallsBackToPeer) {
  const ClientAddress clients = MustCreate({"10.0.0.0/8"});
  for (const char* header :
       {"garbage", "1.1.1.1, garbage", "1.1.1.1,", ",", "198.51.100.1, unknown",
        "198.51.100.1:443", "1.1.1.1, 10.0.0.0/8", "1.1.1.1 2.2.2.2"}) {
    EXPECT_EQ(clients.Resolve("10.0.0.1", header), "10.0.0.1") << header;
  }
}

}  // namespace
}  // namespace mediagate
