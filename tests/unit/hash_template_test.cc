// Tests for HashTemplate, the configurable _make_hash_value(): parsing and
// rendering of the seed template, {ts}, literals and "{{"/"}}" escapes;
// field_names() in first-use order without duplicates or "ts"; parse errors
// for unclosed, stray and empty braces and bad field names; and Render()
// naming a missing field.
#include "token/hash_template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mediagate {
namespace {

using ::testing::HasSubstr;

HashTemplate MustParse(const std::string& text) {
  auto t = HashTemplate::Parse(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status().ToString();
  return std::move(t).value();
}

std::string MustRender(const HashTemplate& t, const FieldMap& fields, int64_t ts) {
  std::string out;
  const Status s = t.Render(fields, ts, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

TEST(HashTemplateTest, SeedTemplate) {
  const HashTemplate t = MustParse("{id}{is_paysubscribed}{uuid}{status}");
  EXPECT_EQ(t.field_names(),
            (std::vector<std::string>{"id", "is_paysubscribed", "uuid", "status"}));
  const FieldMap fields{{"id", "42"},
                        {"is_paysubscribed", "True"},
                        {"uuid", "0b6b8c1e"},
                        {"status", "active"},
                        {"unused", "ignored"}};
  EXPECT_EQ(MustRender(t, fields, 757479845), "42True0b6b8c1eactive");
}

TEST(HashTemplateTest, TimestampIsDecimal) {
  const HashTemplate t = MustParse("{pk}{ts}{email}");
  EXPECT_EQ(t.field_names(), (std::vector<std::string>{"pk", "email"}));
  EXPECT_EQ(MustRender(t, {{"pk", "42"}, {"email", "a@example.com"}}, 757479845),
            "42757479845a@example.com");
  EXPECT_EQ(MustRender(MustParse("{ts}"), {}, 0), "0");
}

TEST(HashTemplateTest, LiteralsAndEscapedBraces) {
  const HashTemplate t = MustParse("id={id};{{x}}|{ts}");
  EXPECT_EQ(t.field_names(), std::vector<std::string>{"id"});
  EXPECT_EQ(MustRender(t, {{"id", "7"}}, 12), "id=7;{x}|12");
  EXPECT_EQ(MustRender(MustParse("{{{id}}}"), {{"id", "7"}}, 0), "{7}");
  EXPECT_EQ(MustRender(MustParse(""), {}, 0), "");
  EXPECT_EQ(MustRender(MustParse("plain"), {}, 0), "plain");
}

TEST(HashTemplateTest, RenderAppends) {
  const HashTemplate t = MustParse("{a}");
  std::string out = "prefix:";
  ASSERT_TRUE(t.Render({{"a", "x"}}, 0, &out).ok());
  EXPECT_EQ(out, "prefix:x");
}

TEST(HashTemplateTest, FieldNamesInFirstUseOrderWithoutDuplicates) {
  const HashTemplate t = MustParse("{b}{a}{ts}{b}{_c9}{a}{ts}");
  EXPECT_EQ(t.field_names(), (std::vector<std::string>{"b", "a", "_c9"}));
  EXPECT_EQ(MustRender(t, {{"a", "1"}, {"b", "2"}, {"_c9", "3"}}, 5), "2152315");
}

TEST(HashTemplateTest, ParseErrors) {
  for (const char* bad : {"{id", "{", "abc{", "id}", "}", "{id}}", "{}", "{1x}", "{a-b}",
                          "{a b}", "{ id}", "{é}", "{id}{"}) {
    SCOPED_TRACE(bad);
    auto t = HashTemplate::Parse(bad);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), Status::Code::kInvalidArgument);
    EXPECT_THAT(t.status().message(), HasSubstr("column"));
  }
}

TEST(HashTemplateTest, ErrorMessagesSayWhatAndWhere) {
  EXPECT_THAT(HashTemplate::Parse("ab{id").status().message(),
              HasSubstr("unclosed '{' at column 3"));
  EXPECT_THAT(HashTemplate::Parse("a}").status().message(), HasSubstr("unmatched '}'"));
  EXPECT_THAT(HashTemplate::Parse("a}").status().message(), HasSubstr("column 2"));
  EXPECT_THAT(HashTemplate::Parse("{a-b}").status().message(), HasSubstr("\"a-b\""));
}

TEST(HashTemplateTest, MissingFieldNamed) {
  const HashTemplate t = MustParse("{id}{status}");
  std::string out;
  const Status s = t.Render({{"id", "42"}}, 0, &out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("\"status\""));
}

TEST(HashTemplateTest, EmptyFieldValueIsNotMissing) {
  const HashTemplate t = MustParse("[{last_login}]");
  EXPECT_EQ(MustRender(t, {{"last_login", ""}}, 0), "[]");
}

}  // namespace
}  // namespace mediagate
