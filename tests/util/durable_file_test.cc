// write_file_durably(): a file is replaced whole or not at all, through a temporary
// file that never outlives the call.
#include "util/durable_file.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/temp_dir.h"

namespace publius {
namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(DurableFileTest, WritesAndReplacesAWholeFileWithItsMode) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/rules.json";
  ASSERT_TRUE(write_file_durably(path, "first").ok());
  ASSERT_TRUE(write_file_durably(path, "second, longer").ok());
  EXPECT_EQ(read_all(path), "second, longer");
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"rules.json"});
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u);  // private unless asked otherwise
}

TEST(DurableFileTest, KeepsTheTimesItIsGiven) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/day";
  const timespec midnight[2] = {{86400 * 20000, 0}, {86400 * 20000, 0}};
  ASSERT_TRUE(write_file_durably(path, "x", {.mode = 0640, .times = midnight}).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, midnight[1].tv_sec);
  EXPECT_EQ(st.st_mtim.tv_nsec, 0);
}

TEST(DurableFileTest, AWriteCutShortLeavesThePreviousFileAndNoTemporaryOne) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/counsel.txt";
  ASSERT_TRUE(write_file_durably(path, "before").ok());
  rlimit before{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &before), 0);
  const auto previous_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = before;
  small.rlim_cur = 16;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const Status cut_short = write_file_durably(path, std::string(1000, 'x'));
  ::setrlimit(RLIMIT_FSIZE, &before);
  std::signal(SIGXFSZ, previous_handler);
  ASSERT_FALSE(cut_short.ok());
  EXPECT_EQ(cut_short.error().code, ErrorCode::kInternal);
  EXPECT_NE(cut_short.error().message.find(path), std::string::npos);
  EXPECT_EQ(read_all(path), "before");
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"counsel.txt"});
}

TEST(DurableFileTest, ALeftoverTemporaryFileIsReplaced) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/signing.pub";
  std::ofstream(dir.path() + "/" + temporary_file_name("signing.pub")) << "from a crash";
  ASSERT_TRUE(write_file_durably(path, "key").ok());
  EXPECT_EQ(read_all(path), "key");
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"signing.pub"});
}

TEST(DurableFileTest, AMissingDirectoryIsAnErrorNamingThePath) {
  testing::TempDir dir;
  const Status s = write_file_durably(dir.path() + "/absent/file", "x");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("absent"), std::string::npos);
  EXPECT_FALSE(sync_directory(dir.path() + "/absent").ok());
  EXPECT_TRUE(sync_directory(dir.path()).ok());
}

}  // namespace
}  // namespace publius
