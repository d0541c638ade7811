// Tests for UserRefKey: the shape of a reference, its dependence on the email
// and the secret, and that it is the very reference the decider hands nginx
// (sharing detection resolves what the decider produced).
#include "decide/user_ref.h"

#include <gtest/gtest.h>

#include <regex>

#include "fakes.h"
#include "mediagate/decider.h"
#include "test_util.h"

namespace mediagate {
namespace {

TEST(UserRefKeyTest, IsUAnd15HexDigitsStablePerEmailAndSecret) {
  const UserRefKey key(Secret("secret one", "t"));
  const std::string ref = key.Ref("alice@example.com");
  EXPECT_TRUE(std::regex_match(ref, std::regex("u[0-9a-f]{15}"))) << ref;
  EXPECT_EQ(key.Ref("alice@example.com"), ref);
  EXPECT_NE(key.Ref("bob@example.com"), ref);
  EXPECT_NE(UserRefKey(Secret("secret two", "t")).Ref("alice@example.com"), ref);
}

TEST(UserRefKeyTest, IsUserRefAcceptsOnlyTheShapeOfARef) {
  EXPECT_TRUE(IsUserRef(UserRefKey(Secret("s", "t")).Ref("a@b")));
  EXPECT_TRUE(IsUserRef("u0123456789abcde"));
  for (const char* bad : {"", "u", "public", "unknown", "u0123456789abcd", "u0123456789abcdef",
                          "u0123456789ABCDE", "x0123456789abcde", "u0123456789abcdg"}) {
    EXPECT_FALSE(IsUserRef(bad)) << bad;
  }
}

TEST(UserRefKeyTest, IsTheDecidersUserRef) {
  Config config;
  config.token.secret = Secret("s", "t");
  config.token.hash_value = "{id}";
  config.storage.backend = "local";
  FakeRecordStore records;
  UserRecord user;
  user.fields = {{"id", "7"}};
  user.status = "active";
  records.users["carol@example.com"] = Lookup<UserRecord>::Found(user);
  FakeClock clock(1735787045);
  std::unique_ptr<Upstream> upstream;
  std::unique_ptr<Decider> decider;
  BuildDecider(config, &records, &clock, &upstream, &decider);
  ASSERT_NE(decider, nullptr);
  const SubscriberCheck c = decider->CheckSubscriber("carol@example.com", "x-y");
  EXPECT_EQ(c.user_ref, UserRefKey(config.token.secret).Ref("carol@example.com"));
}

}  // namespace
}  // namespace mediagate
