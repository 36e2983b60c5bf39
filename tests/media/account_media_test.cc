// Media in the domain over a real store and media directory: account deletion
// erases the account's files, and the disclosure inventory counts its images.
#include <gtest/gtest.h>

#include <filesystem>

#include "domain/microblog.h"
#include "shield/inventory.h"
#include "store/sqlite/sqlite_store.h"
#include "support/images.h"
#include "support/microblog_fixture.h"
#include "support/temp_dir.h"
#include "util/crypto.h"

namespace publius::domain {
namespace {

class AccountMediaTest : public testing::MicroblogFixture {
 protected:
  MediaAttachment upload(int64_t account_id) {
    auto m = microblog_->upload_media(account_id, testing::plain_image(media::ImageFormat::kJpeg),
                                      MediaChange{});
    EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
    return m.ok() ? *m : MediaAttachment{};
  }

  int64_t post_with(int64_t author, std::vector<int64_t> media, Visibility visibility) {
    NewPost p;
    p.author_id = author;
    p.text = "with media";
    p.visibility = visibility;
    p.media_ids = std::move(media);
    auto r = microblog_->create_status(p);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->id : 0;
  }

  size_t files_on_disk() {
    size_t n = 0;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(dir_.path() + "/media", ec);
         it != std::filesystem::directory_iterator(); ++it)
      ++n;
    return n;
  }
};

TEST_F(AccountMediaTest, DeletingAnAccountErasesItsMediaRowsAndFiles) {
  const int64_t alice = account("alice");
  const int64_t bob = account("bob");
  post_with(alice, {upload(alice).id}, Visibility::kPublic);
  upload(alice);  // unattached
  const auto bobs = upload(bob);
  ASSERT_EQ(files_on_disk(), 6u);

  ASSERT_TRUE(microblog_->delete_account(alice).ok());

  EXPECT_EQ(files_on_disk(), 2u);
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/media/" + bobs.file_name()));
  auto left = store_->media_file_names_of(alice);
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->empty());
}

TEST_F(AccountMediaTest, InventoryCountsImagesByWhoMaySeeThem) {
  const int64_t alice = account("alice");
  post_with(alice, {upload(alice).id, upload(alice).id}, Visibility::kPublic);
  post_with(alice, {upload(alice).id}, Visibility::kPrivate);
  upload(alice);
  auto counts = store_->inventory_counts(alice);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->public_media, 2);
  EXPECT_EQ(counts->non_public_media, 1);
  EXPECT_EQ(counts->unattached_media, 1);
  const auto inventory = shield::build_inventory(*counts);
  const std::string text = shield::inventory_to_text(inventory);
  EXPECT_NE(text.find("unattached_media"), std::string::npos) << text;
  EXPECT_NE(text.find("4 images"), std::string::npos) << text;
}

TEST_F(AccountMediaTest, DirectMessagesRefuseMedia) {
  const int64_t alice = account("alice");
  account("bob");
  NewPost p;
  p.author_id = alice;
  p.text = "@bob a picture";
  p.visibility = Visibility::kDirect;
  p.media_ids = {upload(alice).id};
  auto r = microblog_->create_status(p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable);
}

}  // namespace
}  // namespace publius::domain
