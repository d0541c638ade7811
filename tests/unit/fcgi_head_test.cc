// Tests for CheckFcgiHead: what libfcgi may read, and what it must never see.
#include "server/fcgi_head.h"

#include <gtest/gtest.h>

#include <string>

namespace mediagate {
namespace {

std::string Record(int type, int id, const std::string& content, int padding = 0) {
  std::string r = {1,
                   static_cast<char>(type),
                   static_cast<char>(id >> 8),
                   static_cast<char>(id & 0xff),
                   static_cast<char>(content.size() >> 8),
                   static_cast<char>(content.size() & 0xff),
                   static_cast<char>(padding),
                   0};
  return r + content + std::string(padding, '\0');
}

std::string Begin(int id = 1, bool keep = false) {
  return Record(1, id, std::string{0, 1, static_cast<char>(keep ? 1 : 0), 0, 0, 0, 0, 0});
}

std::string Length(size_t n) {
  if (n < 128) return std::string(1, static_cast<char>(n));
  return {static_cast<char>(0x80 | (n >> 24)), static_cast<char>((n >> 16) & 0xff),
          static_cast<char>((n >> 8) & 0xff), static_cast<char>(n & 0xff)};
}

std::string Pair(const std::string& name, const std::string& value) {
  return Length(name.size()) + Length(value.size()) + name + value;
}

std::string Request(bool keep = false) {
  return Begin(1, keep) + Record(4, 1, Pair("REQUEST_URI", "/premium_media/x")) +
         Record(4, 1, Pair("REQUEST_METHOD", "GET"), 3) + Record(4, 1, "") + Record(5, 1, "");
}

FcgiHead::State StateOf(const std::string& bytes) { return CheckFcgiHead(bytes).state; }

TEST(FcgiHeadTest, AcceptsWhatNginxSends) {
  const FcgiHead head = CheckFcgiHead(Request());
  EXPECT_EQ(head.state, FcgiHead::State::kComplete);
  EXPECT_FALSE(head.keep_conn);
  EXPECT_TRUE(CheckFcgiHead(Request(true)).keep_conn);
}

TEST(FcgiHeadTest, EveryPrefixIsIncomplete) {
  const std::string request = Request();
  const size_t end_of_params = request.size() - 8;  // the empty STDIN is not needed
  for (size_t n = 0; n < end_of_params; ++n) {
    EXPECT_EQ(StateOf(request.substr(0, n)), FcgiHead::State::kIncomplete) << n;
  }
  EXPECT_EQ(StateOf(request.substr(0, end_of_params)), FcgiHead::State::kComplete);
}

TEST(FcgiHeadTest, RejectsLengthsPastTheStream) {  // CVE-2025-23016
  const std::string huge = Length(0x7FFFFFF0) + Length(0x7FFFFFF0) + "xy";
  EXPECT_EQ(StateOf(Begin() + Record(4, 1, huge) + Record(4, 1, "")),
            FcgiHead::State::kInvalid);
  // One byte too long, across two records.
  const std::string pair = Pair("NAME", "value");
  std::string longer = pair;
  longer[1] = 6;
  EXPECT_EQ(StateOf(Begin() + Record(4, 1, longer.substr(0, 4)) +
                    Record(4, 1, longer.substr(4)) + Record(4, 1, "")),
            FcgiHead::State::kInvalid);
  EXPECT_EQ(StateOf(Begin() + Record(4, 1, pair.substr(0, 4)) + Record(4, 1, pair.substr(4)) +
                    Record(4, 1, "")),
            FcgiHead::State::kComplete);
  // A length cut off by the end of the stream.
  EXPECT_EQ(StateOf(Begin() + Record(4, 1, std::string(1, '\x80')) + Record(4, 1, "")),
            FcgiHead::State::kInvalid);
}

TEST(FcgiHeadTest, RejectsMalformedRecords) {
  std::string wrong_version = Request();
  wrong_version[0] = 2;
  EXPECT_EQ(StateOf(wrong_version), FcgiHead::State::kInvalid);
  EXPECT_EQ(StateOf(Record(1, 1, "short")), FcgiHead::State::kInvalid);
  EXPECT_EQ(StateOf(Begin(0)), FcgiHead::State::kInvalid);
  EXPECT_EQ(StateOf(Begin() + Record(5, 1, "body")), FcgiHead::State::kInvalid);
  EXPECT_EQ(
      StateOf(Begin() + Record(4, 1, std::string(60000, 'x')) +
              Record(4, 1, std::string(60000, 'x')) + Record(4, 1, std::string(60000, 'x'))),
      FcgiHead::State::kInvalid);
}

TEST(FcgiHeadTest, GetValuesMustFitLibfcgisAnswer) {
  const std::string name = Pair("FCGI_MAX_CONNS", "");
  EXPECT_EQ(StateOf(Record(9, 0, name + name + name) + Request()), FcgiHead::State::kComplete);
  EXPECT_EQ(StateOf(Record(9, 0, name + name + name + name)), FcgiHead::State::kInvalid);
  EXPECT_EQ(StateOf(Record(9, 0, Length(0x7FFFFFF0) + Length(1))), FcgiHead::State::kInvalid);
}

TEST(FcgiHeadTest, SkipsWhatLibfcgiSkips) {
  // Unknown management types, other request ids, a second BEGIN_REQUEST.
  EXPECT_EQ(StateOf(Record(42, 0, "x") + Record(5, 7, "old stdin") + Request()),
            FcgiHead::State::kComplete);
  EXPECT_EQ(StateOf(Begin() + Begin(2) + Record(4, 1, "")), FcgiHead::State::kComplete);
  EXPECT_TRUE(CheckFcgiHead(Begin()).begun);
  EXPECT_FALSE(CheckFcgiHead(Record(9, 0, "")).begun);
}

}  // namespace
}  // namespace mediagate
