#include "media/media_files.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "support/temp_dir.h"
#include "util/crypto.h"
#include "util/time.h"

namespace publius::media {
namespace {

size_t entries(const std::string& dir) {
  size_t n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       it != std::filesystem::directory_iterator(); ++it)
    ++n;
  return n;
}

TEST(MediaFilesTest, OnlyRandomKeyNamesAreValid) {
  ASSERT_TRUE(crypto_init().ok());
  const std::string key = MediaFiles::new_key();
  EXPECT_EQ(key.size(), 32u);
  EXPECT_NE(key, MediaFiles::new_key());
  for (const std::string& ok : {key + ".jpg", key + "-small.png", key + ".webp", key + ".gif"})
    EXPECT_TRUE(MediaFiles::is_valid_name(ok)) << ok;
  for (const std::string& bad :
       {std::string("../publius.db"), key + ".db", key + "-small", key + ".jpg/..",
        "." + key + ".jpg", key.substr(1) + ".jpg", std::string(32, 'A') + ".jpg", key + "-big.jpg",
        key + ".JPG", std::string()})
    EXPECT_FALSE(MediaFiles::is_valid_name(bad)) << bad;
  EXPECT_EQ(MediaFiles::content_type_of(key + ".webp"), "image/webp");
  EXPECT_EQ(MediaFiles::content_type_of("../x.webp"), "");
}

TEST(MediaFilesTest, WritesAllOrNothingAndErases) {
  ASSERT_TRUE(crypto_init().ok());
  testing::TempDir tmp;
  const std::string dir = tmp.path() + "/media";
  MediaFiles files(dir);
  const std::string a = MediaFiles::new_key() + ".png", b = MediaFiles::new_key() + ".png";
  ASSERT_TRUE(files.write_all({{a, "one"}, {b, "two"}}).ok());
  EXPECT_EQ(entries(dir), 2u);
  EXPECT_EQ(*files.read(a), "one");

  // The second name is refused: the first, already written, is removed again.
  const std::string c = MediaFiles::new_key() + ".png";
  EXPECT_FALSE(files.write_all({{c, "three"}, {"../escape.png", "x"}}).ok());
  EXPECT_EQ(entries(dir), 2u);
  EXPECT_FALSE(std::filesystem::exists(tmp.path() + "/escape.png"));

  EXPECT_EQ(files.read("../media/" + a).error().code, ErrorCode::kNotFound);
  files.erase({a, "../../etc/passwd"});
  EXPECT_EQ(entries(dir), 1u);
  EXPECT_EQ(files.read(a).error().code, ErrorCode::kNotFound);

  MediaFiles disabled("");
  EXPECT_FALSE(disabled.write_all({{c, "x"}}).ok());
}

TEST(MediaFilesTest, TemporaryNamesAndKeys) {
  ASSERT_TRUE(crypto_init().ok());
  const std::string key = MediaFiles::new_key();
  EXPECT_TRUE(MediaFiles::is_temporary_name("." + key + ".jpg.tmp"));
  EXPECT_TRUE(MediaFiles::is_temporary_name("." + key + "-small.webp.tmp"));
  for (const std::string& bad : {key + ".jpg", "." + key + ".jpg", key + ".jpg.tmp",
                                 "." + key + ".db.tmp", std::string("..tmp"), std::string(".tmp")})
    EXPECT_FALSE(MediaFiles::is_temporary_name(bad)) << bad;
  EXPECT_EQ(MediaFiles::key_of(key + "-small.png"), key);
  EXPECT_EQ(MediaFiles::key_of("." + key + ".png.tmp"), key);
}

TEST(MediaFilesTest, ListsMediaFilesWrittenBeforeACutoffAndErasesTemporaries) {
  ASSERT_TRUE(crypto_init().ok());
  testing::TempDir tmp;
  const std::string dir = tmp.path() + "/media";
  MediaFiles files(dir);
  EXPECT_TRUE(files.names_written_before(now_ms() + 1000).empty()) << "no directory yet";
  const std::string stored = MediaFiles::new_key() + ".png";
  ASSERT_TRUE(files.write_all({{stored, "one"}}).ok());
  const std::string temp = "." + MediaFiles::new_key() + ".png.tmp";
  std::ofstream(dir + "/" + temp) << "half";
  std::ofstream(dir + "/other.txt") << "not media";
  std::filesystem::create_directory(dir + "/" + MediaFiles::new_key() + ".jpg");

  auto names = files.names_written_before(now_ms() + 1000);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{temp, stored}));
  // Written files carry only their day (today's midnight); nothing is from before it.
  EXPECT_TRUE(files.names_written_before(now_day_ms()).empty());

  files.erase({temp});
  EXPECT_FALSE(std::filesystem::exists(dir + "/" + temp));
  EXPECT_EQ(*files.read(stored), "one");
}

}  // namespace
}  // namespace publius::media
