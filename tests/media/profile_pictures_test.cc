// Profile pictures in the domain over a real store and media directory: what
// update_profile writes and erases, that a refused request changes nothing,
// that the pictures share the uploads' decode limit, and that account
// deletion, the disclosure inventory and the media sweep know their files.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "domain/microblog.h"
#include "shield/inventory.h"
#include "support/images.h"
#include "support/microblog_fixture.h"
#include "util/time.h"

namespace publius::domain {
namespace {

using media::ImageFormat;

class ProfilePicturesTest : public testing::MicroblogFixture {
 protected:
  Account set_pictures(int64_t id, std::optional<std::string_view> avatar,
                       std::optional<std::string_view> header) {
    auto updated =
        microblog_->accounts().update_profile(id, {}, {.avatar = avatar, .header = header});
    EXPECT_TRUE(updated.ok()) << (updated.ok() ? "" : updated.error().message);
    return updated.ok() ? *updated : Account{};
  }
  bool on_disk(const std::string& name) {
    return !name.empty() && std::filesystem::exists(dir_.path() + "/media/" + name);
  }
  std::vector<std::string> media_dir_files() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path() + "/media", ec))
      names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  const std::string png_ = testing::plain_image(ImageFormat::kPng);
  const std::string jpeg_ = testing::plain_image(ImageFormat::kJpeg);
};

TEST_F(ProfilePicturesTest, ReplacingAPictureErasesTheOldFile) {
  const int64_t alice = account("alice");
  Account first = set_pictures(alice, png_, jpeg_);
  ASSERT_TRUE(on_disk(first.avatar_file));
  ASSERT_TRUE(on_disk(first.header_file));
  EXPECT_TRUE(first.avatar_file.ends_with(".png"));
  EXPECT_TRUE(first.header_file.ends_with(".jpg"));

  Account second = set_pictures(alice, jpeg_, std::nullopt);
  EXPECT_NE(second.avatar_file, first.avatar_file);
  EXPECT_TRUE(on_disk(second.avatar_file));
  EXPECT_FALSE(on_disk(first.avatar_file));
  EXPECT_EQ(second.header_file, first.header_file);  // not sent: kept
  EXPECT_TRUE(on_disk(first.header_file));

  auto removed = microblog_->accounts().remove_profile_picture(alice, ProfilePicture::kHeader);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->header_file, "");
  EXPECT_FALSE(on_disk(first.header_file));
  EXPECT_EQ(removed->avatar_file, second.avatar_file);
  EXPECT_EQ(media_dir_files(), std::vector<std::string>{second.avatar_file});
  // Removing what is not there is no error.
  EXPECT_TRUE(microblog_->accounts().remove_profile_picture(alice, ProfilePicture::kHeader).ok());
}

TEST_F(ProfilePicturesTest, ARefusedUpdateWritesNothing) {
  const int64_t alice = account("alice");
  const Account before = set_pictures(alice, png_, std::nullopt);
  const auto files_before = media_dir_files();
  domain::ProfileChange update;
  update.display_name = "Changed";
  // A good avatar and a bad header: neither is taken, nor the display name.
  auto refused = microblog_->accounts().update_profile(alice, update,
                                                       {.avatar = jpeg_, .header = "not an image"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnprocessable);
  EXPECT_NE(refused.error().message.find("Header"), std::string::npos) << refused.error().message;
  // A bad field with good pictures: refused before any image is decoded or written.
  domain::ProfileChange too_long;
  too_long.display_name = std::string(31, 'x');
  EXPECT_FALSE(microblog_->accounts().update_profile(alice, too_long, {.avatar = jpeg_}).ok());
  // (A caller cannot name the picture files: ProfileChange has no such field.)

  auto after = microblog_->accounts().account(alice);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->display_name, before.display_name);
  EXPECT_EQ(after->avatar_file, before.avatar_file);
  EXPECT_EQ(after->header_file, "");
  EXPECT_EQ(media_dir_files(), files_before);
}

TEST_F(ProfilePicturesTest, StoredPicturesCarryNoMetadata) {
  const int64_t alice = account("alice");
  for (ImageFormat format :
       {ImageFormat::kJpeg, ImageFormat::kPng, ImageFormat::kWebp, ImageFormat::kGif}) {
    const std::string photo = testing::photo_with_metadata(format);
    for (auto needle : testing::metadata_needles(format))
      ASSERT_NE(photo.find(needle), std::string::npos) << needle;
    const Account a = set_pictures(alice, photo, photo);
    for (const std::string& name : {a.avatar_file, a.header_file}) {
      auto bytes = microblog_->media().media_file(name);
      ASSERT_TRUE(bytes.ok()) << name;
      EXPECT_EQ(testing::first_needle_in(*bytes), "") << name;
    }
  }
}

TEST_F(ProfilePicturesTest, DeletionInventoryAndSweepKnowThePictures) {
  const int64_t alice = account("alice");
  const int64_t bob = account("bob");
  const Account a = set_pictures(alice, png_, jpeg_);
  const Account b = set_pictures(bob, png_, std::nullopt);

  auto inventory = shield::StoreDisclosureInventory(*store_).for_account(alice);
  ASSERT_TRUE(inventory.ok());
  EXPECT_EQ(inventory->counts.profile_pictures, 2);
  ASSERT_NE(inventory->holding("content"), nullptr);
  EXPECT_TRUE(inventory->holding("content")->held);

  // Long after the files were written, the sweep still sees them named.
  auto swept = microblog_->media().sweep_media(now_ms() + (kOrphanMediaAgeDays + 1) * kDayMs);
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(swept->orphaned_files, 0u);
  EXPECT_TRUE(on_disk(a.avatar_file));
  EXPECT_TRUE(on_disk(a.header_file));
  EXPECT_TRUE(on_disk(b.avatar_file));

  ASSERT_TRUE(microblog_->accounts().delete_account(alice).ok());
  EXPECT_FALSE(on_disk(a.avatar_file));
  EXPECT_FALSE(on_disk(a.header_file));
  EXPECT_TRUE(on_disk(b.avatar_file));
}

TEST_F(ProfilePicturesTest, PicturesCountAgainstTheUploadsDecodedAtOnce) {
  domain::InstanceConfig config;
  config.media_dir = dir_.path() + "/media";
  config.max_concurrent_uploads = 1;
  Microblog limited(*store_, feeds_, config);
  std::vector<int64_t> people;
  for (int i = 0; i < 6; ++i) people.push_back(account("person" + std::to_string(i)));
  // Large enough that decoding takes far longer than starting the other threads.
  const std::string photo = testing::plain_image(ImageFormat::kPng, 2400, 1800);
  std::atomic<int> ready{0}, accepted{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready < 6) std::this_thread::yield();
      // Half upload media, half change their avatar: one limit for both.
      std::optional<Error> failed;
      if (i % 2) {
        auto m = limited.media().upload_media(people[i], photo, MediaChange{});
        if (!m.ok()) failed = m.error();
      } else {
        auto a = limited.accounts().update_profile(people[i], {}, {.avatar = photo});
        if (!a.ok()) failed = a.error();
      }
      if (!failed)
        ++accepted;
      else if (failed->code == ErrorCode::kTooManyRequests)
        ++refused;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GE(accepted.load(), 1);
  EXPECT_GE(refused.load(), 1);
  EXPECT_EQ(accepted + refused, 6);
  // The slots are given back.
  EXPECT_TRUE(limited.accounts().update_profile(people[0], {}, {.avatar = photo}).ok());
}

}  // namespace
}  // namespace publius::domain
