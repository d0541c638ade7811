// Tests for WriteFileAtomically: the content and mode land, an existing file
// is replaced whole, and a failure names the path and leaves no temp file.
#include "base/file_writer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_util.h"

namespace mediagate {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

size_t Entries(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) n += !e.path().empty();
  return n;
}

TEST(FileWriterTest, WritesAndReplaces) {
  TempDir dir;
  const std::string path = dir.path() + "/report.html";
  ASSERT_TRUE(WriteFileAtomically(path, "old").ok());
  const Status s = WriteFileAtomically(path, std::string(1 << 20, 'x'), 0640);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Slurp(path), std::string(1 << 20, 'x'));
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  EXPECT_EQ(Entries(dir.path()), 1u);  // no temporary file left
}

TEST(FileWriterTest, MissingDirectoryIsAnIoErrorNamingThePath) {
  TempDir dir;
  const std::string path = dir.path() + "/no/such/dir/report.html";
  const Status s = WriteFileAtomically(path, "x");
  EXPECT_EQ(s.code(), Status::Code::kIoError);
  EXPECT_EQ(s.message(), "cannot write " + path + ": No such file or directory");
}

TEST(FileWriterTest, DirectoryAsTargetFailsAndCleansUp) {
  TempDir dir;
  const std::string path = dir.path() + "/out";
  ASSERT_EQ(mkdir(path.c_str(), 0755), 0);
  const Status s = WriteFileAtomically(path, "x");
  EXPECT_EQ(s.code(), Status::Code::kIoError);
  EXPECT_NE(s.message().find("cannot write " + path), std::string::npos) << s.message();
  EXPECT_EQ(Entries(dir.path()), 1u);  // only the directory itself
}

}  // namespace
}  // namespace mediagate
