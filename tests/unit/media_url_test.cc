// Tests for ParseMediaUri, the premium-URL grammar
// "<prefix>/<base64url email>/<file id>/<token>/<file name>[?query]":
// a valid URI yields its fields (the query is ignored), and each UrlReject
// reason is produced by the inputs it exists for, checked in the order the
// parser applies them. The cosmetic file name is percent-decoded and checked
// against Django's own links (tests/vectors/file_names.json). UrlRejectName
// spellings are spot-checked.
#include "mediagate/media_url.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "base/base64url.h"
#include "test_util.h"

namespace mediagate {
namespace {

constexpr char kPrefix[] = "/premium_media";
constexpr size_t kCap = 2048;
constexpr char kEmailB64[] = "YUBleGFtcGxlLmNvbQ";  // a@example.com
constexpr char kToken[] = "cizf6t-3e6c858482244559c647e861a1fdba91";

// A URI with the given segments; defaults make a valid one.
std::string Uri(const std::string& email_b64 = kEmailB64, const std::string& id = "42",
                const std::string& token = kToken, const std::string& name = "episode-1.mp3") {
  return std::string(kPrefix) + "/" + email_b64 + "/" + id + "/" + token + "/" + name;
}

UrlReject RejectOf(std::string_view uri) { return ParseMediaUri(uri, kPrefix, kCap).reject; }

TEST(MediaUrlTest, ParsesValidUri) {
  const UrlParseResult r = ParseMediaUri(Uri(), kPrefix, kCap);
  ASSERT_TRUE(r.ok()) << UrlRejectName(r.reject);
  EXPECT_EQ(r.request.email, "a@example.com");
  EXPECT_EQ(r.request.email_b64, kEmailB64);
  EXPECT_EQ(r.request.file_id, "42");
  EXPECT_EQ(r.request.token, kToken);
  EXPECT_EQ(r.request.file_name, "episode-1.mp3");
}

TEST(MediaUrlTest, IgnoresQuery) {
  const UrlParseResult r = ParseMediaUri(Uri() + "?start=10&x=%2F..//", kPrefix, kCap);
  ASSERT_TRUE(r.ok()) << UrlRejectName(r.reject);
  EXPECT_EQ(r.request.file_name, "episode-1.mp3");
  EXPECT_TRUE(ParseMediaUri(Uri() + "?", kPrefix, kCap).ok());
}

TEST(MediaUrlTest, AcceptsSha1LengthTokenAndEdgeLengths) {
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "42", "cizf6t-3e6c858482244559c647")), UrlReject::kNone);
  EXPECT_EQ(RejectOf(Uri(kEmailB64, std::string(64, 'a'))), UrlReject::kNone);
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "42", kToken, std::string(255, 'f'))), UrlReject::kNone);
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "a-Z_9")), UrlReject::kNone);
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "42", "1y2p0ij32e8e7-3e6c858482244559c647")),
            UrlReject::kNone);
}

TEST(MediaUrlTest, TooLong) {
  const std::string base = Uri() + "?pad=";
  const std::string exact = base + std::string(kCap - base.size(), 'x');
  EXPECT_EQ(RejectOf(exact), UrlReject::kNone);
  EXPECT_EQ(RejectOf(exact + "x"), UrlReject::kTooLong);
}

TEST(MediaUrlTest, ControlChar) {
  EXPECT_EQ(RejectOf(Uri() + std::string("\0", 1)), UrlReject::kControlChar);
  EXPECT_EQ(RejectOf(Uri(kEmailB64, std::string("4\0"
                                                "2",
                                                3))),
            UrlReject::kControlChar);
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "42", kToken, "a\r.mp3")), UrlReject::kControlChar);
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "42", kToken, "a\n.mp3")), UrlReject::kControlChar);
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "42", kToken, "a\t.mp3")), UrlReject::kControlChar);
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "42", kToken, "a\x7f.mp3")), UrlReject::kControlChar);
  EXPECT_EQ(RejectOf(Uri() + "?x=\r\nSet-Cookie:1"), UrlReject::kControlChar);
  EXPECT_EQ(RejectOf(Uri() + "?x=" + std::string("\0", 1)), UrlReject::kControlChar);
}

TEST(MediaUrlTest, PercentEncoded) {
  // Only the file name may hold escapes (FileNameTest covers it).
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "4%32")), UrlReject::kPercentEncoded);
  EXPECT_EQ(RejectOf(Uri("YUBleGFtcGxlLmNvbQ%3D%3D")), UrlReject::kPercentEncoded);
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "42", "cizf6t%2D3e6c858482244559c647")),
            UrlReject::kPercentEncoded);
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "42%2F" + std::string(kToken))),
            UrlReject::kPercentEncoded);
  EXPECT_EQ(RejectOf("/premium%5Fmedia/a/b/c/d"), UrlReject::kPercentEncoded);
}

TEST(MediaUrlTest, DotSegment) {
  EXPECT_EQ(RejectOf("/premium_media/../etc/passwd/x/y"), UrlReject::kDotSegment);
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "42", kToken, "..")), UrlReject::kDotSegment);
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "42/..", kToken, "a.mp3")), UrlReject::kDotSegment);
  // Inside a file name, dots are ordinary characters (Django saves "a..mp3").
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "42", kToken, "a..mp3")), UrlReject::kNone);
  // A single dot is an ordinary file-name character.
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "42", kToken, ".")), UrlReject::kNone);
}

TEST(MediaUrlTest, WrongPrefix) {
  const std::string tail = std::string("/") + kEmailB64 + "/42/" + kToken + "/a.mp3";
  EXPECT_EQ(RejectOf("/other_media" + tail), UrlReject::kWrongPrefix);
  EXPECT_EQ(RejectOf("/premium_mediax" + tail), UrlReject::kWrongPrefix);
  EXPECT_EQ(RejectOf("/Premium_media" + tail), UrlReject::kWrongPrefix);
  EXPECT_EQ(RejectOf("premium_media" + tail), UrlReject::kWrongPrefix);
  EXPECT_EQ(RejectOf("/premium_media"), UrlReject::kWrongPrefix);
  EXPECT_EQ(RejectOf("/premium_media?x=/"), UrlReject::kWrongPrefix);
  EXPECT_EQ(RejectOf(""), UrlReject::kWrongPrefix);
}

TEST(MediaUrlTest, WrongShape) {
  const std::string p = std::string(kPrefix) + "/" + kEmailB64;
  EXPECT_EQ(RejectOf(p + "/42/" + kToken), UrlReject::kWrongShape);  // 3
  EXPECT_EQ(RejectOf(Uri() + "/extra"), UrlReject::kWrongShape);     // 5
  EXPECT_EQ(RejectOf(p + "//" + kToken + "/a.mp3"),
            UrlReject::kWrongShape);                         // empty
  EXPECT_EQ(RejectOf(Uri() + "/"), UrlReject::kWrongShape);  // trailing /
  EXPECT_EQ(RejectOf(std::string(kPrefix) + "//42/" + kToken + "/a.mp3"),
            UrlReject::kWrongShape);
  EXPECT_EQ(RejectOf(std::string(kPrefix) + "/"), UrlReject::kWrongShape);
  // A '/' inside the file name is just one segment too many.
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "42", kToken, "dir/a.mp3")), UrlReject::kWrongShape);
}

TEST(MediaUrlTest, BadEmailEncoding) {
  EXPECT_EQ(RejectOf(Uri("YUBleGFtcGxlLmNvbQ==")), UrlReject::kBadEmailEncoding);
  EXPECT_EQ(RejectOf(Uri("YUBl+GFtcGxlLmNvbQ")), UrlReject::kBadEmailEncoding);
  EXPECT_EQ(RejectOf(Uri("YUBleGFtcGxlLmNvbR")), UrlReject::kBadEmailEncoding);
  EXPECT_EQ(RejectOf(Uri("YUBleGFtcGxlLmNvb")),
            UrlReject::kBadEmailEncoding);  // len%4==1
  EXPECT_EQ(RejectOf(Uri("YUBle GFtcGxlLmNvbQ")), UrlReject::kBadEmailEncoding);
}

TEST(MediaUrlTest, BadEmail) {
  EXPECT_EQ(RejectOf(Uri(Base64UrlEncode(std::string(254, 'a')))), UrlReject::kNone);
  EXPECT_EQ(RejectOf(Uri(Base64UrlEncode(std::string(255, 'a')))), UrlReject::kBadEmail);
  EXPECT_EQ(RejectOf(Uri(Base64UrlEncode("a\xff@example.com"))), UrlReject::kBadEmail);
  EXPECT_EQ(RejectOf(Uri(Base64UrlEncode("a\xc3@example.com"))), UrlReject::kBadEmail);
  EXPECT_EQ(RejectOf(Uri(Base64UrlEncode("a\n@example.com"))), UrlReject::kBadEmail);
  EXPECT_EQ(RejectOf(Uri(Base64UrlEncode(std::string("a\0@x", 4)))), UrlReject::kBadEmail);
  EXPECT_EQ(RejectOf(Uri(Base64UrlEncode("a\x7f@x"))), UrlReject::kBadEmail);
  // UTF-8 addresses are fine.
  const UrlParseResult r =
      ParseMediaUri(Uri(Base64UrlEncode("j\xc3\xbcrgen@example.com")), kPrefix, kCap);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.request.email, "j\xc3\xbcrgen@example.com");
}

TEST(MediaUrlTest, BadFileId) {
  EXPECT_EQ(RejectOf(Uri(kEmailB64, std::string(65, 'a'))), UrlReject::kBadFileId);
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "4.2")), UrlReject::kBadFileId);
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "42!")), UrlReject::kBadFileId);
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "4 2")), UrlReject::kBadFileId);
}

TEST(MediaUrlTest, BadTokenShape) {
  const std::string hash = "3e6c858482244559c647e861a1fdba91";
  for (const std::string& token : std::vector<std::string>{
           std::string("cizf6t") + hash, "00000000cizf6t-" + hash,
           "cizf6t-" + hash.substr(0, 31),
           std::string("cizf6t-3E6C858482244559C647E861A1FDBA91"), "CIZF6T-" + hash, "-" + hash,
           "cizf6t-" + hash + "0", std::string("cizf6t-"), "ciz_6t-" + hash,
           "cizf6t-3e6c8584822445-9c647e861a1fdba91",
           "cizf6t-3e6c858482244559c647e861a1fdba9g"}) {
    SCOPED_TRACE(token);
    EXPECT_EQ(RejectOf(Uri(kEmailB64, "42", token)), UrlReject::kBadTokenShape);
  }
}

TEST(MediaUrlTest, BadFileName) {
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "42", kToken, std::string(256, 'f'))), UrlReject::kNone);
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "42", kToken, std::string(257, 'f'))),
            UrlReject::kBadFileName);
}

TEST(MediaUrlTest, RejectNames) {
  EXPECT_STREQ(UrlRejectName(UrlReject::kNone), "none");
  EXPECT_STREQ(UrlRejectName(UrlReject::kTooLong), "too_long");
  EXPECT_STREQ(UrlRejectName(UrlReject::kControlChar), "control_char");
  EXPECT_STREQ(UrlRejectName(UrlReject::kPercentEncoded), "percent_encoded");
  EXPECT_STREQ(UrlRejectName(UrlReject::kDotSegment), "dot_segment");
  EXPECT_STREQ(UrlRejectName(UrlReject::kWrongPrefix), "wrong_prefix");
  EXPECT_STREQ(UrlRejectName(UrlReject::kWrongShape), "wrong_shape");
  EXPECT_STREQ(UrlRejectName(UrlReject::kBadEmailEncoding), "bad_email_encoding");
  EXPECT_STREQ(UrlRejectName(UrlReject::kBadEmail), "bad_email");
  EXPECT_STREQ(UrlRejectName(UrlReject::kBadFileId), "bad_file_id");
  EXPECT_STREQ(UrlRejectName(UrlReject::kBadTokenShape), "bad_token_shape");
  EXPECT_STREQ(UrlRejectName(UrlReject::kBadFileName), "bad_file_name");
}

// The file name is cosmetic: percent-decoded, any UTF-8 of at most 256
// characters without control characters or '/', the empty name included.

std::string FileNameOf(const std::string& name_segment) {
  const UrlParseResult r =
      ParseMediaUri(Uri(kEmailB64, "42", kToken, name_segment), kPrefix, 8192);
  EXPECT_TRUE(r.ok()) << name_segment << ": " << UrlRejectName(r.reject);
  return r.request.file_name;
}

UrlReject FileNameReject(const std::string& name_segment) {
  return ParseMediaUri(Uri(kEmailB64, "42", kToken, name_segment), kPrefix, 8192).reject;
}

TEST(MediaUrlTest, AcceptsEmptyFileName) {
  const UrlParseResult r = ParseMediaUri(Uri(kEmailB64, "42", kToken, ""), kPrefix, kCap);
  ASSERT_TRUE(r.ok()) << UrlRejectName(r.reject);
  EXPECT_EQ(r.request.file_name, "");
  EXPECT_EQ(r.request.file_id, "42");
  EXPECT_TRUE(ParseMediaUri(Uri(kEmailB64, "42", kToken, "") + "?x=1", kPrefix, kCap).ok());
}

TEST(MediaUrlTest, DecodesFileName) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"%C3%89pisode_1.mp3", "\xc3\x89pisode_1.mp3"},
      {"%c3%89pisode_1.mp3", "\xc3\x89pisode_1.mp3"},
      {"\xc3\x89pisode_1.mp3", "\xc3\x89pisode_1.mp3"},  // raw UTF-8
      {"Episode%201.mp3", "Episode 1.mp3"},
      {"100%25.mp3", "100%.mp3"},
      {"a%252Fb", "a%2Fb"},
      {"a%3Fb%23c", "a?b#c"},
      {"a+b=c;d,e!$&'()*:@~\\", "a+b=c;d,e!$&'()*:@~\\"},
      {"E%CC%81", "E\xcc\x81"},              // combining mark
      {"%F0%9F%8E%99", "\xf0\x9f\x8e\x99"},  // emoji
      {"%EF%BF%BF", "\xef\xbf\xbf"},         // noncharacter
      {"...", "..."}};
  for (const auto& [segment, decoded] : cases) EXPECT_EQ(FileNameOf(segment), decoded);
}

TEST(MediaUrlTest, FileNameCountsCharacters) {
  std::string hangul;
  for (int i = 0; i < 256; ++i) hangul += "%EA%B0%80";
  EXPECT_EQ(FileNameOf(hangul).size(), 3u * 256);
  EXPECT_EQ(FileNameReject(hangul + "%EA%B0%80"), UrlReject::kBadFileName);
  // The URI cap still applies to the encoded form.
  EXPECT_EQ(RejectOf(Uri(kEmailB64, "42", kToken, hangul)), UrlReject::kTooLong);
}

TEST(MediaUrlTest, FileNameControlChar) {
  for (const char* name : {"a%00b", "a%0Ab", "a%0D%0ASet-Cookie:x", "%09", "a%1F", "a%7F",
                           "a%C2%80", "a%C2%85b", "a%C2%9F"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(FileNameReject(name), UrlReject::kControlChar);
  }
  EXPECT_EQ(FileNameOf("a%C2%A0"), "a\xc2\xa0");  // NBSP is not a control
}

TEST(MediaUrlTest, FileNameEncodedSlash) {
  EXPECT_EQ(FileNameReject("a%2Fb.mp3"), UrlReject::kEncodedSlash);
  EXPECT_EQ(FileNameReject("a%2fb.mp3"), UrlReject::kEncodedSlash);
  EXPECT_EQ(FileNameReject("%2F"), UrlReject::kEncodedSlash);
}

TEST(MediaUrlTest, FileNameDotDot) {
  for (const char* name : {"..", "%2E%2E", "%2e.", ".%2E"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(FileNameReject(name), UrlReject::kDotSegment);
  }
  EXPECT_EQ(FileNameOf("a%2E%2Eb"), "a..b");
}

TEST(MediaUrlTest, BadFileNameEncoding) {
  for (const char* name : {"a%",
                           "a%4",
                           "a%G1",
                           "a%%41",
                           "a%4g",
                           "a%C3.mp3",
                           "a%89",
                           "a%E3%81",
                           "a%FF",
                           "%C9pisode",
                           "a%C0%AFb",
                           "a%C0%80",
                           "%E0%80%AE%E0%80%AE",
                           "%F0%80%80%AF",
                           "a%ED%A0%80",
                           "a%ED%BF%BF",
                           "a%F4%90%80%80",
                           "a%F8%88%80%80%80",
                           "\xc3",
                           "a\xff"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(FileNameReject(name), UrlReject::kBadFileNameEncoding);
  }
}

TEST(MediaUrlTest, NewRejectNames) {
  EXPECT_STREQ(UrlRejectName(UrlReject::kEncodedSlash), "encoded_slash");
  EXPECT_STREQ(UrlRejectName(UrlReject::kBadFileNameEncoding), "bad_file_name_encoding");
}

// tests/vectors/file_names.json (scripts/gen_url_vectors.py): links Django 3.2
// mints for names in many scripts, and hand-written segments. Every minted link
// is accepted; every vector gets the rejection name it records, and a file
// name never changes the fields that are looked up.
TEST(MediaUrlTest, DjangoFileNameVectors) {
  // The file's prefix and max_uri_bytes are kPrefix and kCap.
  const nlohmann::json vectors = ReferenceVectors("file_names.json");
  ASSERT_GE(vectors.size(), 80u);
  size_t minted = 0;
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.at("name").get<std::string>());
    const std::string path = v.at("path").get<std::string>();
    const UrlParseResult r = ParseMediaUri(path, kPrefix, kCap);
    EXPECT_STREQ(UrlRejectName(r.reject), v.at("mediagate").get<std::string>().c_str()) << path;
    if (v.at("minted").get<bool>()) {
      ++minted;
      EXPECT_TRUE(v.at("django_resolves").get<bool>());
      EXPECT_TRUE(r.ok()) << "Django mints " << path;
      EXPECT_EQ(r.request.file_name, v.at("saved").get<std::string>());
    }
    if (!r.ok()) continue;
    EXPECT_EQ(r.request.file_name, v.at("file_name").get<std::string>());
    EXPECT_EQ(r.request.email, "a@example.com");
    EXPECT_EQ(r.request.file_id, "42");
    EXPECT_EQ(r.request.token, kToken);
  }
  EXPECT_GE(minted, 35u);
}

}  // namespace
}  // namespace mediagate
