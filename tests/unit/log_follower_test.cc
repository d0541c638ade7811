// Tests for LogFollower in a temp dir: partial lines, restart from a stored
// position, logrotate's create (rename) and copytruncate modes.
#include "audience/log_follower.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace mediagate {
namespace {

class LogFollowerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/log_follower_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/downloads.log";
  }
  void TearDown() override {
    for (const char* f : {"", ".1"}) ::unlink((path_ + f).c_str());
    ::rmdir(dir_.c_str());
  }
  void Append(const std::string& file, const std::string& text) {
    std::ofstream(file, std::ios::app) << text;
  }
  std::vector<std::string> Poll(LogFollower* f) {
    std::vector<std::string> lines;
    Status s = f->Poll([&](std::string_view l) {
      lines.emplace_back(l);
      return true;
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return lines;
  }
  using Lines = std::vector<std::string>;

  // Writes and reads "a", appends `unread`, then does what logrotate's
  // copytruncate does: PATH copied to PATH.1 (or `copy` written there
  // instead), PATH truncated in place.
  void CopyTruncate(LogFollower* f, const std::string& unread, const std::string& copy = "") {
    Append(path_, "a\n");
    EXPECT_EQ(Poll(f), Lines{"a"});
    Append(path_, unread);
    std::ifstream in(path_);
    if (copy.empty()) {
      std::ofstream(path_ + ".1") << in.rdbuf();
    } else {
      std::ofstream(path_ + ".1") << copy;
    }
    ASSERT_EQ(::truncate(path_.c_str(), 0), 0);
  }

  std::string dir_, path_;
};

TEST_F(LogFollowerTest, MissingFileIsNotAnError) {
  LogFollower f(path_, {}, 0);
  EXPECT_TRUE(Poll(&f).empty());
  Append(path_, "a\n");
  EXPECT_EQ(Poll(&f), Lines{"a"});
}

TEST_F(LogFollowerTest, PartialLineWaitsForItsNewline) {
  Append(path_, "one\ntw");
  LogFollower f(path_, {}, 0);
  EXPECT_EQ(Poll(&f), Lines{"one"});
  EXPECT_EQ(f.position().offset, 4);
  EXPECT_TRUE(Poll(&f).empty());
  Append(path_, "o\nthree\n");
  EXPECT_EQ(Poll(&f), (Lines{"two", "three"}));
  EXPECT_EQ(f.position().lines, 3);
}

TEST_F(LogFollowerTest, StopsWhenAskedAndResumesFromStoredPosition) {
  Append(path_, "1\n2\n3\n");
  LogPosition saved;
  {
    LogFollower f(path_, {}, 0);
    int n = 0;
    ASSERT_TRUE(f.Poll([&](std::string_view) { return ++n < 2; }).ok());
    EXPECT_EQ(n, 2);
    saved = f.position();
  }
  EXPECT_EQ(saved.lines, 2);
  LogFollower again(path_, saved, 0);
  EXPECT_EQ(Poll(&again), Lines{"3"});
}

TEST_F(LogFollowerTest, CreateRotationFinishesOldFileThenSwitches) {
  Append(path_, "a\n");
  LogFollower f(path_, {}, 1);  // one quiet poll before switching
  EXPECT_EQ(Poll(&f), Lines{"a"});
  ASSERT_EQ(::rename(path_.c_str(), (path_ + ".1").c_str()), 0);
  Append(path_, "c\n");             // the new file
  Append(path_ + ".1", "b\n");      // nginx still writing the old one
  EXPECT_EQ(Poll(&f), Lines{"b"});  // old file grew: not switched yet
  EXPECT_EQ(Poll(&f), Lines{"c"});  // quiet: switched
  EXPECT_EQ(f.position().lines, 3);
  EXPECT_EQ(f.rotations(), 1);
}

TEST_F(LogFollowerTest, TwoRotationsWhileBehindReadEveryFileInOrder) {
  Append(path_, "a\n");
  LogFollower f(path_, {}, 0);
  EXPECT_EQ(Poll(&f), Lines{"a"});
  Append(path_, "b\n");
  ASSERT_EQ(::rename(path_.c_str(), (path_ + ".1").c_str()), 0);
  Append(path_, "c\n");
  ASSERT_EQ(::rename((path_ + ".1").c_str(), (path_ + ".2").c_str()), 0);
  ASSERT_EQ(::rename(path_.c_str(), (path_ + ".1").c_str()), 0);
  Append(path_, "d\n");
  EXPECT_EQ(Poll(&f), (Lines{"b", "c", "d"}));
  EXPECT_EQ(f.rotations(), 2);
  ::unlink((path_ + ".2").c_str());
}

TEST_F(LogFollowerTest, RestartFindsItsFileRenamedToDotOne) {
  Append(path_, "a\nb\n");
  LogPosition saved;
  {
    LogFollower f(path_, {}, 0);
    int n = 0;
    ASSERT_TRUE(f.Poll([&](std::string_view) { return ++n < 1; }).ok());
    saved = f.position();
  }
  ASSERT_EQ(::rename(path_.c_str(), (path_ + ".1").c_str()), 0);
  Append(path_, "c\n");
  LogFollower f(path_, saved, 0);
  EXPECT_EQ(Poll(&f), (Lines{"b", "c"}));
}

TEST_F(LogFollowerTest, CopytruncateReadsTheRestFromTheCopy) {
  LogFollower f(path_, {}, 0);
  CopyTruncate(&f, "b\n");
  EXPECT_EQ(Poll(&f), Lines{"b"});  // shorter than our offset
  EXPECT_EQ(f.position().offset, 0);
  Append(path_, "c\n");
  EXPECT_EQ(Poll(&f), Lines{"c"});
  EXPECT_EQ(f.position().lines, 3);
  EXPECT_EQ(f.position().offset, 2);
}

TEST_F(LogFollowerTest, CopytruncateSeenAfterTheFileGrewPastOurOffset) {
  LogFollower f(path_, {}, 0);
  CopyTruncate(&f, "b\n");
  Append(path_, "ccc\n");  // longer than our offset: no newline at offset - 1
  EXPECT_EQ(Poll(&f), (Lines{"b", "ccc"}));
}

TEST_F(LogFollowerTest, CopytruncateIgnoresCompressedCopy) {
  LogFollower f(path_, {}, 0);
  CopyTruncate(&f, "b\n", "\x1f\x8bjunkjunk\n");
  Append(path_, "ccc\n");
  EXPECT_EQ(Poll(&f), Lines{"ccc"});
}

TEST_F(LogFollowerTest, OverlongLineIsCutOnceComplete) {
  Append(path_, std::string(LogFollower::kMaxLine + 10, 'x'));
  LogFollower f(path_, {}, 0);
  EXPECT_TRUE(Poll(&f).empty());  // no newline yet
  EXPECT_EQ(f.position().offset, 0);
  Append(path_, std::string(LogFollower::kMaxLine, 'y') + "\nnext\n");
  const Lines lines = Poll(&f);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], std::string(LogFollower::kMaxLine, 'x'));
  EXPECT_EQ(lines[1], "next");
  EXPECT_EQ(f.position().lines, 2);
}

}  // namespace
}  // namespace mediagate
