// Tests for Status and Result<T>: the factories set the right code and
// message, ok() is true only for success, ToString() renders "OK" or
// "<code name>: <message>", Annotate() prefixes failures and leaves success
// untouched, and Result<T> holds either a value (with an OK status) or a
// failure status.
#include "mediagate/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "mediagate/result.h"

namespace mediagate {
namespace {

TEST(StatusTest, DefaultAndOkAreSuccess) {
  EXPECT_TRUE(Status().ok());
  EXPECT_TRUE(Status::Ok().ok());
  EXPECT_EQ(Status::Ok().code(), Status::Code::kOk);
  EXPECT_EQ(Status::Ok().message(), "");
  EXPECT_EQ(Status::Ok().ToString(), "OK");
}

TEST(StatusTest, FactoriesSetCodeAndMessage) {
  struct Case {
    Status status;
    Status::Code code;
    const char* rendered;
  };
  const Case cases[] = {
      {Status::InvalidArgument("bad"), Status::Code::kInvalidArgument, "invalid argument: bad"},
      {Status::NotFound("gone"), Status::Code::kNotFound, "not found: gone"},
      {Status::IoError("disk"), Status::Code::kIoError, "I/O error: disk"},
      {Status::Unavailable("down"), Status::Code::kUnavailable, "unavailable: down"},
      {Status::Internal("oops"), Status::Code::kInternal, "internal error: oops"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rendered);
    EXPECT_FALSE(c.status.ok());
    EXPECT_EQ(c.status.code(), c.code);
    EXPECT_EQ(c.status.ToString(), c.rendered);
  }
  EXPECT_EQ(Status::NotFound("gone").message(), "gone");
}

TEST(StatusTest, AnnotatePrefixesFailure) {
  const Status s = Status::NotFound("no such zone").Annotate("token.time_zone");
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  EXPECT_EQ(s.message(), "token.time_zone: no such zone");
  EXPECT_EQ(s.Annotate("outer").message(), "outer: token.time_zone: no such zone");
}

TEST(StatusTest, AnnotateLeavesSuccessAlone) {
  const Status s = Status::Ok().Annotate("prefix");
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, AnnotateDoesNotModifyOriginal) {
  const Status original = Status::IoError("read failed");
  const Status annotated = original.Annotate("file");
  EXPECT_EQ(original.message(), "read failed");
  EXPECT_EQ(annotated.message(), "file: read failed");
}

TEST(StatusTest, ResultHoldingValue) {
  Result<std::string> r(std::string("hello"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.status().ok());
  EXPECT_EQ(r.value(), "hello");
  EXPECT_EQ(*r, "hello");
  EXPECT_EQ(r->size(), 5u);
  r->append("!");
  EXPECT_EQ(*r, "hello!");
  const std::string moved = std::move(r).value();
  EXPECT_EQ(moved, "hello!");
}

TEST(StatusTest, ResultHoldingStatus) {
  const Result<int> r(Status::NotFound("missing"));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(r.status().message(), "missing");
}

TEST(StatusTest, ResultWithMoveOnlyValue) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(7));
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 7);
}

}  // namespace
}  // namespace mediagate
