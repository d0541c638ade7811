// Tests for the change notifications' wire format: payload parsing, the
// [notify] trigger entries, and the trigger SQL, which must be exactly what
// the built-in schema's migration 002 installs.
#include "store/change_triggers.h"

#include <gtest/gtest.h>

#include <string>

#include "config/trigger_spec.h"
#include "schema_sql.h"

namespace mediagate {
namespace {

TEST(ChangePayloadTest, UserAndFileKeysAreParsed) {
  Change c = ParseChangePayload("user alice@example.com");
  EXPECT_EQ(c.kind, ChangeKind::kUser);
  EXPECT_EQ(c.key, "alice@example.com");
  c = ParseChangePayload("file ep 1");  // everything after the first space
  EXPECT_EQ(c.kind, ChangeKind::kFile);
  EXPECT_EQ(c.key, "ep 1");
}

TEST(ChangePayloadTest, AnythingElseMeansForgetEverything) {
  for (const char* payload : {"all", "", "user ", "user", "USER a@b", "group x", "file"}) {
    SCOPED_TRACE(payload);
    const Change c = ParseChangePayload(payload);
    EXPECT_EQ(c.kind, ChangeKind::kAll);
    EXPECT_TRUE(c.key.empty());
  }
}

TEST(TriggerSpecTest, ParsesTableAndExpression) {
  auto spec = ParseTriggerSpec("  app.users :  lower(r.email)  ");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->table, "app.users");
  EXPECT_EQ(spec->expression, "lower(r.email)");
  spec = ParseTriggerSpec("s: (SELECT u.email FROM u WHERE u.id = r.user_id)");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->expression, "(SELECT u.email FROM u WHERE u.id = r.user_id)");
}

TEST(TriggerSpecTest, RejectsWhatCannotBePasted) {
  for (const char* bad :
       {"users r.email", "users:", "users:   ", "\"Users\": r.email", "a.b.c: r.x",
        "1users: r.x", "users: r.x; DROP TABLE y", "users: $$ || r.x", "us-ers: r.x"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(ParseTriggerSpec(bad).status().code(), Status::Code::kInvalidArgument);
  }
}

TEST(ChangeTriggerSqlTest, NotifiesOldAndNewKeysAndTruncate) {
  const std::string sql = ChangeTriggerSql("file", TriggerSpec{"app.media", "r.id"});
  EXPECT_NE(sql.find("CREATE OR REPLACE FUNCTION mediagate_notify_file_app_media()"),
            std::string::npos);
  EXPECT_NE(sql.find("r := OLD;"), std::string::npos);
  EXPECT_NE(sql.find("r := NEW;"), std::string::npos);
  EXPECT_NE(sql.find("k := (r.id)::text;"), std::string::npos);
  EXPECT_NE(sql.find("p := 'file ' || k;"), std::string::npos);
  EXPECT_NE(sql.find("pg_notify('mediagate_changes'"), std::string::npos);
  EXPECT_NE(sql.find("AFTER INSERT OR UPDATE OR DELETE ON app.media"), std::string::npos);
  EXPECT_NE(sql.find("AFTER TRUNCATE ON app.media"), std::string::npos);
  EXPECT_NE(sql.find("octet_length(p) < 7900 THEN p ELSE 'all'"), std::string::npos);
}

// Migration 002 is `mediagate triggers` for the built-in tables: one SQL.
TEST(ChangeTriggerSqlTest, BuiltInMigrationIsTheGeneratedSql) {
  ASSERT_GE(std::size(kMigrations), 2u);
  const std::string migration = kMigrations[1].sql;
  EXPECT_STREQ(kMigrations[1].name, "002_change_notify");
  const std::string expected =
      ChangeTriggerSql("user", TriggerSpec{"mediagate_users", "r.email"}) + "\n" +
      ChangeTriggerSql("user", TriggerSpec{"mediagate_subscriptions",
                                           "(SELECT u.email FROM mediagate_users u WHERE u.id "
                                           "= r.user_id)"}) +
      "\n" + ChangeTriggerSql("file", TriggerSpec{"mediagate_media", "r.id"});
  const size_t body = migration.find("CREATE OR REPLACE FUNCTION");
  ASSERT_NE(body, std::string::npos);
  EXPECT_EQ(migration.substr(body), expected);
}

// Migration 003's triggers are `mediagate triggers` for the feed tables.
TEST(ChangeTriggerSqlTest, FeedsMigrationIsTheGeneratedSql) {
  ASSERT_GE(std::size(kMigrations), 3u);
  const std::string migration = kMigrations[2].sql;
  EXPECT_STREQ(kMigrations[2].name, "003_feeds");
  const std::string expected =
      ChangeTriggerSql("show", TriggerSpec{"mediagate_shows", "r.slug"}) + "\n" +
      ChangeTriggerSql("show", TriggerSpec{"mediagate_episodes", "r.show_slug"}) + "\n" +
      ChangeTriggerSql("file", TriggerSpec{"mediagate_episodes", "r.media_id"}) + "\n" +
      ChangeTriggerSql("show", TriggerSpec{"mediagate_media",
                                           "(SELECT min(e.show_slug) FROM mediagate_episodes e "
                                           "WHERE e.media_id = r.id)"});
  const size_t body = migration.find("CREATE OR REPLACE FUNCTION");
  ASSERT_NE(body, std::string::npos);
  EXPECT_EQ(migration.substr(body), expected);
}

// Migration 005's trigger is `mediagate triggers` for the suspensions table.
TEST(ChangeTriggerSqlTest, SharingMigrationIsTheGeneratedSql) {
  ASSERT_GE(std::size(kMigrations), 5u);
  const std::string migration = kMigrations[4].sql;
  EXPECT_STREQ(kMigrations[4].name, "005_sharing");
  const std::string expected =
      ChangeTriggerSql("user", TriggerSpec{"mediagate_suspensions", "r.email"});
  const size_t body = migration.find("CREATE OR REPLACE FUNCTION");
  ASSERT_NE(body, std::string::npos);
  EXPECT_EQ(migration.substr(body), expected);
}

TEST(ChangePayloadTest, ShowKeysAreParsed) {
  const Change c = ParseChangePayload("show my-show");
  EXPECT_EQ(c.kind, ChangeKind::kShow);
  EXPECT_EQ(c.key, "my-show");
}

}  // namespace
}  // namespace mediagate
