// Tests of ReadRegularFile: content, stat, and one-line errors for missing
// files and for directories (which a stream would throw on).
#include "base/file_reader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_util.h"

namespace mediagate {
namespace {

class FileReaderTest : public ::testing::Test {
 protected:
  TempDir tmp_;
  const std::string dir_ = tmp_.path();
};

TEST_F(FileReaderTest, ReadsContentAndStat) {
  std::ofstream(dir_ + "/f") << std::string(20000, 'x') << "end\n";
  struct stat st;
  auto content = ReadRegularFile(dir_ + "/f", &st);
  ASSERT_TRUE(content.ok()) << content.status().ToString();
  EXPECT_EQ(content->size(), 20004u);
  EXPECT_EQ(content->substr(20000), "end\n");
  EXPECT_EQ(st.st_size, 20004);
}

TEST_F(FileReaderTest, MissingFileNamesPathAndReason) {
  auto content = ReadRegularFile(dir_ + "/missing");
  ASSERT_FALSE(content.ok());
  EXPECT_EQ(content.status().code(), Status::Code::kIoError);
  EXPECT_EQ(content.status().message(),
            "cannot read " + dir_ + "/missing: No such file or directory");
}

TEST_F(FileReaderTest, DirectoryIsAnErrorNotAnException) {
  auto content = ReadRegularFile(dir_);
  ASSERT_FALSE(content.ok());
  EXPECT_EQ(content.status().message(), dir_ + " is not a regular file");
}

}  // namespace
}  // namespace mediagate
