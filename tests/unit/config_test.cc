// Tests for LoadConfig() and FormatEffectiveConfig(): a minimal file gets
// every default; each kind of mistake (unknown section or key, wrong type or
// value, bad secret file, TOML syntax) fails with a single-line message that
// starts with the file path and names the key; environment variables override
// secret files and the access key id; one trailing newline is stripped from
// secrets; world-readable secret files warn; and the printed effective config
// never contains a secret. Files live in a per-test mkdtemp directory.
#include "mediagate/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace mediagate {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// The default backend is "s3"; tests about [token] use "local" to need no S3
// credentials.
constexpr char kLocal[] = "[storage]\nbackend = \"local\"\n";

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mediagate_config_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    token_secret_ = Write("token-secret", "SUPERSECRET-token-123\n", 0600);
    s3_secret_ = Write("s3-secret", "SUPERSECRET-s3-456\n", 0600);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes `content` to dir_/name with `mode`; returns the path.
  std::string Write(const std::string& name, const std::string& content, mode_t mode = 0600) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    chmod(path.c_str(), mode);
    return path;
  }

  // The minimal valid [token] section, plus `extra` lines in it.
  std::string TokenSection(const std::string& extra = "") const {
    return "[token]\nsecret_file = \"" + token_secret_ + "\"\n" + extra;
  }
  std::string S3Section(const std::string& extra = "") const {
    return "[storage]\nbackend = \"s3\"\nsecret_access_key_file = \"" + s3_secret_ + "\"\n" +
           extra;
  }

  Result<Config> Load(const std::string& toml) {
    path_ = Write("mediagate.toml", toml, 0644);
    return LoadConfig(path_, [this](const char* name) -> const char* {
      auto it = env_.find(name);
      return it == env_.end() ? nullptr : it->second.c_str();
    });
  }

  // Loads `toml`, expecting a one-line error from path_ that mentions `key`.
  void ExpectError(const std::string& toml, const std::string& key) {
    SCOPED_TRACE(toml);
    auto config = Load(toml);
    ASSERT_FALSE(config.ok());
    const std::string& msg = config.status().message();
    EXPECT_THAT(msg, StartsWith(path_ + ":"));
    EXPECT_THAT(msg, HasSubstr(key));
    EXPECT_THAT(msg, Not(HasSubstr("\n")));
  }

  std::string dir_, path_, token_secret_, s3_secret_;
  std::map<std::string, std::string> env_;
};

TEST_F(ConfigTest, MinimalConfigGetsDefaults) {
  auto config = Load(TokenSection() + kLocal);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->path, path_);
  EXPECT_EQ(config->token.secret.Reveal(), "SUPERSECRET-token-123");
  EXPECT_EQ(config->token.secret.source(), "file " + token_secret_);
  EXPECT_TRUE(config->token.fallback_secrets.empty());
  EXPECT_EQ(config->token.key_salt, "django.contrib.auth.tokens.PasswordResetTokenGenerator");
  EXPECT_EQ(config->token.algorithm, "sha256");
  EXPECT_FALSE(config->token.accept_legacy);
  EXPECT_EQ(config->token.hash_value, "{id}{is_paysubscribed}{uuid}{status}");
  EXPECT_EQ(config->token.timeout_seconds, 3153600000);
  EXPECT_EQ(config->token.time_zone, "UTC");
  EXPECT_EQ(config->storage.backend, "local");
  EXPECT_EQ(config->storage.local_url, "http://127.0.0.1:8089");
  EXPECT_EQ(config->storage.expires_seconds, 600);
  EXPECT_EQ(config->url.prefix, "/premium_media");
  EXPECT_EQ(config->url.max_uri_bytes, 2048);
  EXPECT_TRUE(config->warnings.empty());
}

TEST_F(ConfigTest, ErrorsAreOneLineNamingTheKey) {
  const std::string local = kLocal;
  ExpectError(TokenSection() + local + "[tokens]\nx = 1\n", ": tokens: unknown section");
  ExpectError(TokenSection("secert_file = \"x\"\n") + local, "token.secert_file");
  ExpectError(TokenSection("algorithm = 5\n") + local, "token.algorithm");
  ExpectError(TokenSection("algorithm = \"md5\"\n") + local, "token.algorithm");
  ExpectError(TokenSection("timeout_seconds = -1\n") + local, "token.timeout_seconds");
  ExpectError(TokenSection("time_zone = \"Not/AZone\"\n") + local, "token.time_zone");
  ExpectError(TokenSection("hash_value = \"{id\"\n") + local, "token.hash_value");
  ExpectError(TokenSection() + S3Section(), "storage.access_key_id");
  ExpectError(TokenSection() + S3Section("access_key_id = \"AK\"\nendpoint = \"ftp://x\"\n"),
              "storage.endpoint");
  ExpectError(TokenSection() + S3Section("access_key_id = \"AK\"\nexpires_seconds = 0\n"),
              "storage.expires_seconds");
  ExpectError(TokenSection() + S3Section("access_key_id = \"AK\"\nexpires_seconds = 604801\n"),
              "storage.expires_seconds");
  ExpectError(TokenSection() + local + "[url]\nprefix = \"premium\"\n", "url.prefix");
  ExpectError(TokenSection() + local + "[url]\nprefix = \"/p/\"\n", "url.prefix");
  ExpectError("token = 5\n", ": token: must be a table");
  ExpectError(TokenSection("hash_value = \"{ts}\"\n") + local, "token.hash_value");
  ExpectError(TokenSection("key_salt = \"\"\n") + local, "token.key_salt");
  ExpectError(TokenSection("fallback_secret_files = [\"" + dir_ + "/none\"]\n") + local,
              "token.fallback_secret_files[0]");
  ExpectError(TokenSection() + local + "local_url = \"/media\"\n", "storage.local_url");
  for (const char* parent : {"http://10.0.0.11", "http://10.0.0.11:8090/", "https://p:1",
                             "http://p:8090/x", "10.0.0.11:8090", "http://p:8090?x"}) {
    ExpectError(TokenSection() + local + "parent_cache_url = \"" + parent + "\"\n",
                "storage.parent_cache_url");
    ExpectError(TokenSection() + S3Section(std::string("access_key_id = \"AK\"\n") +
                                           "parent_cache_url = \"" + parent + "\"\n"),
                "storage.parent_cache_url");
  }
  ExpectError(TokenSection() + local + "[url]\nmax_uri_bytes = 10\n", "url.max_uri_bytes");
  ExpectError(TokenSection() + local + "[notify]\nuser_triggers = [\"users r.email\"]\n",
              "notify.user_triggers");
  ExpectError(TokenSection() + local + "[notify]\nfile_triggers = [\"media:\"]\n",
              "notify.file_triggers");
  ExpectError(TokenSection() + local + "[notify]\nuser_triggers = [\"u: r.e; DROP x\"]\n",
              "notify.user_triggers");
  ExpectError(TokenSection() + local + "[notify]\nenabled = \"yes\"\n", "notify.enabled");
}

TEST_F(ConfigTest, AudienceSection) {
  auto defaults = Load(TokenSection() + kLocal);
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->audience.log_path, "/var/log/nginx/mediagate-downloads.log");
  EXPECT_EQ(defaults->audience.commit_interval_ms, 1000);
  const std::string base = TokenSection() + kLocal + "[audience]\n";
  ExpectError(base + "log_path = \"dl.log\"\n", "audience.log_path");
  ExpectError(base + "bot_list = \"\"\n", "audience.bot_list");
  ExpectError(base + "app_rules = \"apps\"\n", "audience.app_rules");
  ExpectError(base + "media_query = \"SELECT 1\"\n", "audience.media_query");
  ExpectError(base + "poll_ms = 0\n", "audience.poll_ms");
  ExpectError(base + "commit_interval_ms = 10\n", "audience.commit_interval_ms");
  ExpectError(base + "log = \"x\"\n", "audience.log");
}

TEST_F(ConfigTest, NotifySection) {
  auto defaults = Load(TokenSection() + kLocal);
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_TRUE(defaults->notify.enabled);
  EXPECT_TRUE(defaults->notify.user_triggers.empty());
  auto config = Load(TokenSection() + kLocal +
                     "[notify]\nenabled = false\nuser_triggers = [\"app.users: r.email\"]\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_FALSE(config->notify.enabled);
  EXPECT_EQ(config->notify.user_triggers, std::vector<std::string>{"app.users: r.email"});
}

TEST_F(ConfigTest, SharingSection) {
  auto defaults = Load(TokenSection() + kLocal);
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->sharing.max_networks, 10);
  EXPECT_EQ(defaults->sharing.max_user_agents, 8);
  EXPECT_EQ(defaults->sharing.window_seconds, 86400);
  EXPECT_EQ(defaults->sharing.action, "log");
  EXPECT_EQ(defaults->sharing.users_query, "SELECT email FROM mediagate_users");
  EXPECT_THAT(defaults->sharing.rotate_query, HasSubstr("link_generation + 1"));
  auto config =
      Load(TokenSection() + kLocal + "[sharing]\naction = \"rotate\"\nmax_networks = 3\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->sharing.action, "rotate");
  EXPECT_EQ(config->sharing.max_networks, 3);

  const std::string base = TokenSection() + kLocal + "[sharing]\n";
  ExpectError(base + "action = \"ban\"\n", "sharing.action");
  ExpectError(base + "max_networks = 0\n", "sharing.max_networks");
  ExpectError(base + "max_user_agents = -1\n", "sharing.max_user_agents");
  ExpectError(base + "window_seconds = 10\n", "sharing.window_seconds");
  ExpectError(base + "users_query = \" \"\n", "sharing.users_query");
  ExpectError(base + "users_query = \"SELECT email FROM u WHERE id = $1\"\n",
              "sharing.users_query");
  ExpectError(base + "rotate_query = \"UPDATE u SET g = g + 1\"\n", "sharing.rotate_query");
  ExpectError(base + "rotate_query = \"UPDATE u SET g = $2 WHERE e = $1\"\n",
              "sharing.rotate_query");
  ExpectError(base + "max_network = 3\n", "sharing.max_network");
}

TEST_F(ConfigTest, MissingSecretFile) {
  const std::string missing = dir_ + "/no-such-secret";
  auto config = Load("[token]\nsecret_file = \"" + missing + "\"\n");
  ASSERT_FALSE(config.ok());
  const std::string& msg = config.status().message();
  EXPECT_THAT(msg, StartsWith(path_ + ": token.secret_file"));
  EXPECT_THAT(msg, HasSubstr(missing));
  EXPECT_THAT(msg, HasSubstr("No such file"));
  EXPECT_THAT(msg, Not(HasSubstr("\n")));
}

// A directory where a secret file should be is an error Status, not an
// uncaught std::ios_base::failure (EISDIR) from the stream.
TEST_F(ConfigTest, SecretFileIsDirectory) {
  auto config = Load("[token]\nsecret_file = \"" + dir_ + "\"\n" + kLocal);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), StartsWith(path_ + ": token.secret_file"));
  EXPECT_THAT(config.status().message(), HasSubstr(dir_));
}

TEST_F(ConfigTest, EmptySecretFile) {
  for (const char* content : {"", "\n"}) {
    SCOPED_TRACE(content);
    const std::string empty = Write("empty", content, 0600);
    auto config = Load("[token]\nsecret_file = \"" + empty + "\"\n");
    ASSERT_FALSE(config.ok());
    EXPECT_THAT(config.status().message(), StartsWith(path_ + ": token.secret_file"));
    EXPECT_THAT(config.status().message(), HasSubstr("empty"));
  }
}

TEST_F(ConfigTest, SyntaxErrorIsFileColonLine) {
  auto config = Load(TokenSection() + "[storage]\nbackend = \n");
  ASSERT_FALSE(config.ok());
  const std::string& msg = config.status().message();
  EXPECT_THAT(msg, StartsWith(path_ + ":4: "));
  EXPECT_THAT(msg, Not(HasSubstr("\n")));
}

TEST_F(ConfigTest, EnvTokenSecretWinsOverFile) {
  env_["MEDIAGATE_TOKEN_SECRET"] = "from-env";
  auto config = Load("[token]\nsecret_file = \"" + dir_ + "/missing\"\n" + kLocal);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->token.secret.Reveal(), "from-env");
  EXPECT_EQ(config->token.secret.source(), "env MEDIAGATE_TOKEN_SECRET");
  // An empty variable counts as unset.
  env_["MEDIAGATE_TOKEN_SECRET"] = "";
  auto from_file = Load(TokenSection() + kLocal);
  ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
  EXPECT_EQ(from_file->token.secret.Reveal(), "SUPERSECRET-token-123");
}

TEST_F(ConfigTest, EnvS3Overrides) {
  env_["MEDIAGATE_S3_ACCESS_KEY_ID"] = "AKFROMENV";
  env_["MEDIAGATE_S3_SECRET_ACCESS_KEY"] = "s3-from-env";
  auto config = Load(TokenSection() +
                     "[storage]\nbackend = \"s3\"\naccess_key_id = \"AKFILE\"\n"
                     "secret_access_key_file = \"" +
                     dir_ + "/missing\"\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->storage.access_key_id, "AKFROMENV");
  EXPECT_EQ(config->storage.secret_access_key.Reveal(), "s3-from-env");
  EXPECT_TRUE(config->storage.session_token.empty());
}

TEST_F(ConfigTest, EnvAccessKeyIdAloneSuffices) {
  env_["MEDIAGATE_S3_ACCESS_KEY_ID"] = "AKFROMENV";
  auto config = Load(TokenSection() + S3Section());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->storage.access_key_id, "AKFROMENV");
  EXPECT_EQ(config->storage.secret_access_key.Reveal(), "SUPERSECRET-s3-456");
}

TEST_F(ConfigTest, StripsOnlyOneTrailingNewline) {
  const std::string two = Write("two-newlines", "abc\n\n", 0600);
  auto config = Load("[token]\nsecret_file = \"" + two + "\"\n" + kLocal);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->token.secret.Reveal(), "abc\n");
  const std::string none = Write("no-newline", "abc", 0600);
  config = Load("[token]\nsecret_file = \"" + none + "\"\n" + kLocal);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->token.secret.Reveal(), "abc");
}

TEST_F(ConfigTest, WorldReadableSecretWarns) {
  const std::string readable = Write("readable", "abc\n", 0644);
  auto config = Load("[token]\nsecret_file = \"" + readable + "\"\n" + kLocal);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_EQ(config->warnings.size(), 1u);
  EXPECT_THAT(config->warnings[0], HasSubstr(readable));
}

// Issue 9: without {ts} in the template the timestamp is not signed, so a
// short timeout_seconds promises an expiry that cannot happen.
TEST_F(ConfigTest, ShortTimeoutWithoutTsInTemplateWarns) {
  const std::string head =
      "[token]\nsecret_file = \"" + token_secret_ + "\"\ntimeout_seconds = 3600\n";
  auto config = Load(head + "hash_value = \"{id}{uuid}\"\n" + kLocal);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_EQ(config->warnings.size(), 1u);
  EXPECT_THAT(config->warnings[0], HasSubstr("token.timeout_seconds"));
  EXPECT_THAT(config->warnings[0], HasSubstr("{ts}"));
  config = Load(head + "hash_value = \"{id}{uuid}{ts}\"\n" + kLocal);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(config->warnings.empty());
  // The default timeout (the seed's 100 years) promises nothing: no warning.
  config = Load("[token]\nsecret_file = \"" + token_secret_ + "\"\n" + kLocal);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_TRUE(config->warnings.empty());
}

TEST_F(ConfigTest, EffectiveConfigRedactsSecrets) {
  const std::string session = Write("session", "SUPERSECRET-session-789\n", 0600);
  const std::string fallback = Write("fallback", "SUPERSECRET-fallback-000\n", 0600);
  auto config =
      Load(TokenSection("fallback_secret_files = [\"" + fallback + "\"]\n") +
           S3Section("access_key_id = \"AKID\"\nsession_token_file = \"" + session + "\"\n"));
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->token.fallback_secrets.size(), 1u);
  EXPECT_EQ(config->storage.session_token.Reveal(), "SUPERSECRET-session-789");
  const std::string text = FormatEffectiveConfig(*config);
  EXPECT_THAT(text, Not(HasSubstr("SUPERSECRET")));
  EXPECT_THAT(text, HasSubstr("redacted"));
  EXPECT_THAT(text, HasSubstr("AKID"));
  EXPECT_THAT(text, HasSubstr(token_secret_));
}

// Every key, set to a value other than its default: check-config prints
// each one with that value (no key can be loaded but not printed), and what
// it prints loads back to the same configuration.
TEST_F(ConfigTest, EffectiveConfigPrintsEveryKeyAndLoadsBack) {
  const std::string session = Write("session", "SUPERSECRET-session-789\n", 0600);
  const std::string fallback = Write("fallback", "SUPERSECRET-fallback-000\n", 0600);
  const std::string db_password = Write("db-password", "SUPERSECRET-db\n", 0600);
  const std::string redis_password = Write("redis-password", "SUPERSECRET-redis\n", 0600);
  const std::vector<std::string> keys = {
      "[token]",
      "secret_file = \"" + token_secret_ + "\"",
      "fallback_secret_files = [\"" + fallback + "\"]",
      "key_salt = \"myapp.tokens.PremiumSubscriberTokenGenerator\"",
      "algorithm = \"sha1\"",
      "accept_legacy = true",
      "hash_value = \"{id}{status}{ts}\"",
      "timeout_seconds = 86400",
      "time_zone = \"Europe/Paris\"",
      "[storage]",
      "backend = \"s3\"",
      "endpoint = \"http://127.0.0.1:9000\"",
      "region = \"eu-west-1\"",
      "bucket = \"podcasts\"",
      "addressing = \"path\"",
      "access_key_id = \"AKID\"",
      "secret_access_key_file = \"" + s3_secret_ + "\"",
      "session_token_file = \"" + session + "\"",
      "expires_seconds = 900",
      "[url]",
      "prefix = \"/media\"",
      "max_uri_bytes = 4096",
      "[database]",
      "url = \"postgresql://db.example/shop\"",
      "password_file = \"" + db_password + "\"",
      "user_query = \"SELECT id, status FROM users WHERE email = $1\"",
      "file_query = \"SELECT object_key, version FROM files WHERE id = $1\"",
      "connect_timeout_ms = 3000",
      "statement_timeout_ms = 1500",
      "[redis]",
      "enabled = false",
      "address = \"unix:/run/redis/redis.sock\"",
      "password_file = \"" + redis_password + "\"",
      "database = 2",
      "key_prefix = \"mg\"",
      "user_ttl_seconds = 61",
      "file_ttl_seconds = 301",
      "negative_ttl_seconds = 11",
      "connect_timeout_ms = 201",
      "command_timeout_ms = 101",
      "master_name = \"mg-main\"",
      "sentinel_password_file = \"" + redis_password + "\"",
      "[entitlement]",
      "allowed_statuses = [\"active\"]",
      "grace_statuses = [\"past_due\"]",
      "use_paid_until = true",
      "grace_seconds = 3600",
      "[server]",
      "workers = 7",
      "metrics_path = \"/m\"",
      "health_path = \"/h\"",
      "drain_seconds = 9",
      "trusted_proxies = [\"10.0.0.0/8\"]",
      "client_ip_header = \"X-Real-IP\"",
      "[sharing]",
      "max_networks = 5",
      "max_user_agents = 4",
      "window_seconds = 43200",
      "action = \"suspend\"",
      "users_query = \"SELECT email FROM app_user\"",
      "rotate_query = \"UPDATE app_user SET uuid = gen_random_uuid() WHERE email = $1\"",
      "[log]",
      "level = \"debug\"",
      "error_interval_seconds = 30",
      "[audience]",
      "log_path = \"/var/log/dl.log\"",
      "media_query = \"SELECT 1, 0, NULL WHERE $1 = 'x'\"",
      "bot_list = \"/b.txt\"",
      "app_rules = \"/a.tsv\"",
      "geoip_path = \"\"",
      "geoip6_path = \"/g6.dat\"",
      "poll_ms = 50",
      "commit_interval_ms = 500",
  };
  std::string toml;
  for (const std::string& line : keys) toml += line + "\n";
  auto config = Load(toml);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const std::string printed = FormatEffectiveConfig(*config);
  for (const std::string& line : keys) {
    EXPECT_THAT(printed, HasSubstr("\n" + line + "\n"));
    if (line[0] != '[') {
      const std::string key = line.substr(0, line.find(' '));
      EXPECT_THAT(printed, HasSubstr("\n" + key + " = ")) << key;
    }
  }
  EXPECT_THAT(printed, Not(HasSubstr("SUPERSECRET")));

  auto reloaded = Load(printed);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().ToString();
  EXPECT_EQ(FormatEffectiveConfig(*reloaded), printed);
}

TEST_F(ConfigTest, RedisSentinels) {
  const std::string base = TokenSection() + kLocal + "[redis]\n";
  auto defaults = Load(base);
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_TRUE(defaults->redis.sentinels.empty());
  EXPECT_EQ(defaults->redis.master_name, "mediagate");
  EXPECT_EQ(defaults->redis.address, "127.0.0.1:6379");

  const std::string sentinels =
      "sentinels = [\"10.0.0.1:26379\", \"sentinel-b.example:26379\", \"[fd00::3]:26379\"]\n";
  auto set = Load(base + sentinels + "master_name = \"edge-cache.1\"\n");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->redis.sentinels.size(), 3u);
  EXPECT_EQ(set->redis.master_name, "edge-cache.1");
  const std::string text = FormatEffectiveConfig(*set);
  EXPECT_THAT(text, Not(HasSubstr("\naddress = ")));  // unused with sentinels
  auto reloaded = Load(text);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().ToString();
  EXPECT_EQ(FormatEffectiveConfig(*reloaded), text);
  EXPECT_TRUE(Load(base + sentinels + "address = \"\"\n").ok());

  auto expect = [&](const std::string& lines, const std::string& message) {
    SCOPED_TRACE(lines);
    auto config = Load(base + lines);
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.status().message(), path_ + ": redis." + message);
  };
  expect(sentinels + "address = \"10.0.0.9:6379\"\n",
         "address: must be left unset when sentinels is set (Sentinel names the master)");
  expect(
      "sentinels = [\"10.0.0.1:26379\", \"unix:/run/sentinel.sock\"]\n",
      "sentinels[1]: must be \"HOST:PORT\" or \"[V6]:PORT\", got \"unix:/run/sentinel.sock\"");
  expect("sentinels = [\"10.0.0.1\"]\n",
         "sentinels[0]: must be \"HOST:PORT\" or \"[V6]:PORT\", got \"10.0.0.1\"");
  expect("sentinels = [\"10.0.0.1:0\"]\n",
         "sentinels[0]: must be \"HOST:PORT\" or \"[V6]:PORT\", got \"10.0.0.1:0\"");
  expect("sentinels = [\"10.0.0.1:65536\"]\n",
         "sentinels[0]: must be \"HOST:PORT\" or \"[V6]:PORT\", got \"10.0.0.1:65536\"");
  ExpectError(base + "sentinels = \"10.0.0.1:26379\"\n",
              "redis.sentinels: must be an array of strings");
  expect(sentinels + "master_name = \"\"\n", "master_name: must be 1-64 of A-Z a-z 0-9 _ . -");
  expect(sentinels + "master_name = \"a b\"\n",
         "master_name: must be 1-64 of A-Z a-z 0-9 _ . -");
  expect(sentinels + "master_name = \"" + std::string(65, 'm') + "\"\n",
         "master_name: must be 1-64 of A-Z a-z 0-9 _ . -");
  expect("address = \"10.0.0.1:0\"\n",
         "address: must be \"HOST:PORT\" or \"unix:/path\", got \"10.0.0.1:0\"");
  expect("address = \"unix:/\"\n",
         "address: must be \"HOST:PORT\" or \"unix:/path\", got \"unix:/\"");
}

TEST_F(ConfigTest, ParentCacheUrlIsKeptAndShown) {
  auto config =
      Load(TokenSection() + kLocal + "parent_cache_url = \"http://10.0.0.11:8090\"\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->storage.parent_cache_url, "http://10.0.0.11:8090");
  EXPECT_THAT(FormatEffectiveConfig(*config),
              HasSubstr("\nparent_cache_url = \"http://10.0.0.11:8090\"\n"));
}

TEST_F(ConfigTest, EffectiveConfigShowsOnlyTheChosenBackendsKeys) {
  auto local = Load(TokenSection() + kLocal + "local_url = \"http://127.0.0.1:8090\"\n");
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  const std::string text = FormatEffectiveConfig(*local);
  EXPECT_THAT(text, HasSubstr("\nlocal_url = \"http://127.0.0.1:8090\"\n"));
  EXPECT_THAT(text, Not(HasSubstr("\nendpoint = ")));
  auto reloaded = Load(text);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().ToString();
  EXPECT_EQ(reloaded->storage.local_url, "http://127.0.0.1:8090");
}

}  // namespace
}  // namespace mediagate
