// Media in the domain over a real store and media directory: account deletion
// erases the account's files, the disclosure inventory counts its images, and
// the media sweep removes uploads never posted and files no upload names.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "domain/microblog.h"
#include "shield/inventory.h"
#include "store/sqlite/sqlite_store.h"
#include "support/images.h"
#include "support/microblog_fixture.h"
#include "support/temp_dir.h"
#include "util/crypto.h"
#include "util/time.h"

namespace publius::domain {
namespace {

class AccountMediaTest : public testing::MicroblogFixture {
 protected:
  MediaAttachment upload(int64_t account_id) {
    auto m = microblog_->media().upload_media(
        account_id, testing::plain_image(media::ImageFormat::kJpeg), MediaChange{});
    EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
    return m.ok() ? *m : MediaAttachment{};
  }

  int64_t post_with(int64_t author, std::vector<int64_t> media, Visibility visibility) {
    NewPost p;
    p.author_id = author;
    p.text = "with media";
    p.visibility = visibility;
    p.media_ids = std::move(media);
    auto r = microblog_->posts().create_status(p);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->id : 0;
  }

  bool on_disk(const std::string& name) {
    return std::filesystem::exists(dir_.path() + "/media/" + name);
  }
  bool row_exists(int64_t media_id) {
    auto found = store_->media_by_ids({media_id});
    EXPECT_TRUE(found.ok());
    return found.ok() && !found->empty();
  }
  // A media file written outside any upload, as a crash leaves it, last
  // modified `age_ms` ago.
  void plant_file(const std::string& name, int64_t age_ms) {
    const std::string path = dir_.path() + "/media/" + name;
    std::filesystem::create_directories(dir_.path() + "/media");
    std::ofstream(path) << "image bytes";
    const int64_t modified_ms = now_ms() - age_ms;
    const timespec times[2] = {{modified_ms / 1000, (modified_ms % 1000) * 1000000},
                               {modified_ms / 1000, (modified_ms % 1000) * 1000000}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  }

  static constexpr int64_t kDayMs = 86400000;

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

  ASSERT_TRUE(microblog_->accounts().delete_account(alice).ok());

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
  const auto unattached = upload(alice);
  ASSERT_TRUE(unattached.uploaded_day_ms);
  auto counts = store_->inventory_counts(alice);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->media_in_own_posts[Visibility::kPublic], 2);
  EXPECT_EQ(counts->media_in_own_posts[Visibility::kPrivate], 1);
  EXPECT_EQ(counts->media_in_own_posts[Visibility::kUnlisted], 0);
  EXPECT_EQ(counts->unattached_media, 1);
  // Its upload day is the only time held of it; attached images keep none.
  EXPECT_EQ(counts->media_upload_days_ms, std::vector<int64_t>{*unattached.uploaded_day_ms});
  const auto inventory = shield::build_inventory(*counts);
  const std::string text = shield::inventory_to_text(inventory);
  EXPECT_NE(text.find("unattached_media"), std::string::npos) << text;
  EXPECT_NE(text.find("4 images"), std::string::npos) << text;
  EXPECT_NE(text.find("upload days of unattached images (" +
                      format_day(*unattached.uploaded_day_ms) + ")"),
            std::string::npos)
      << text;
}

TEST_F(AccountMediaTest, DirectMessagesRefuseMedia) {
  const int64_t alice = account("alice");
  account("bob");
  NewPost p;
  p.author_id = alice;
  p.text = "@bob a picture";
  p.visibility = Visibility::kDirect;
  p.media_ids = {upload(alice).id};
  auto r = microblog_->posts().create_status(p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable);
}

TEST_F(AccountMediaTest, UnattachedUploadLivesAtLeastADayThenRowAndFilesGo) {
  const int64_t alice = account("alice");
  const auto m = upload(alice);
  ASSERT_TRUE(m.uploaded_day_ms);
  const int64_t day = *m.uploaded_day_ms;
  EXPECT_EQ(day, day_floor_ms(day));
  // From midnight of its upload day to the last instant of the next: whenever
  // in its day it was made, that is at least 24 hours.
  for (int64_t now : {day, day + kDayMs + kDayMs / 2, day + kUnattachedMediaDays * kDayMs - 1}) {
    auto swept = microblog_->media().sweep_media(now);
    ASSERT_TRUE(swept.ok()) << swept.error().message;
    EXPECT_EQ(swept->expired_files, 0u);
    EXPECT_TRUE(row_exists(m.id));
    EXPECT_TRUE(on_disk(m.file_name()));
    EXPECT_TRUE(on_disk(m.small_file_name()));
  }
  // The second midnight after the upload day: at most 48 hours after it.
  auto swept = microblog_->media().sweep_media(day + kUnattachedMediaDays * kDayMs);
  ASSERT_TRUE(swept.ok()) << swept.error().message;
  EXPECT_EQ(swept->expired_files, 2u);
  EXPECT_FALSE(row_exists(m.id));
  EXPECT_FALSE(on_disk(m.file_name()));
  EXPECT_FALSE(on_disk(m.small_file_name()));
  EXPECT_EQ(files_on_disk(), 0u);
}

TEST_F(AccountMediaTest, AttachedMediaAreNeverSwept) {
  const int64_t alice = account("alice");
  const auto m = upload(alice);
  const int64_t post_id = post_with(alice, {m.id}, Visibility::kPublic);
  auto stored = store_->media_by_ids({m.id});
  ASSERT_TRUE(stored.ok() && stored->size() == 1u);
  EXPECT_EQ(stored->front().status_id, post_id);
  EXPECT_FALSE(stored->front().uploaded_day_ms) << "an attached image keeps no upload day";

  auto swept = microblog_->media().sweep_media(now_ms() + 365 * kDayMs);
  ASSERT_TRUE(swept.ok()) << swept.error().message;
  EXPECT_EQ(swept->expired_files + swept->orphaned_files, 0u);
  EXPECT_TRUE(row_exists(m.id));
  EXPECT_TRUE(on_disk(m.file_name()));
  EXPECT_TRUE(on_disk(m.small_file_name()));
}

TEST_F(AccountMediaTest, MediaReservedForAScheduledPostWaitWithItUnsweptAndAreAttached) {
  const int64_t alice = account("alice");
  const auto m = upload(alice);
  NewPost p;
  p.author_id = alice;
  p.text = "a picture, later";
  p.media_ids = {m.id};
  const int64_t at = now_ms() + 30 * kDayMs;
  auto scheduled = microblog_->posts().schedule_status(p, at, now_ms());
  ASSERT_TRUE(scheduled.ok()) << scheduled.error().message;
  ASSERT_EQ(scheduled->media.size(), 1u);
  EXPECT_EQ(scheduled->media.front().scheduled_status_id, scheduled->id);
  // Reserved: however long it waits, the sweep leaves it; no one takes or deletes it.
  auto swept = microblog_->media().sweep_media(at - kDayMs);
  ASSERT_TRUE(swept.ok()) << swept.error().message;
  EXPECT_EQ(swept->expired_files, 0u);
  EXPECT_TRUE(row_exists(m.id));
  EXPECT_TRUE(on_disk(m.file_name()));
  EXPECT_EQ(microblog_->media().delete_media(alice, m.id).error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(microblog_->media().update_media(alice, m.id, MediaChange{}).error().code,
            ErrorCode::kUnprocessable);
  NewPost other = p;
  other.text = "now";
  EXPECT_EQ(microblog_->posts().create_status(other).error().code, ErrorCode::kUnprocessable);

  auto published = microblog_->posts().publish_due_statuses(at);
  ASSERT_TRUE(published.ok()) << published.error().message;
  ASSERT_EQ(*published, 1u);
  auto stored = store_->media_by_ids({m.id});
  ASSERT_TRUE(stored.ok() && stored->size() == 1u);
  ASSERT_TRUE(stored->front().status_id);
  EXPECT_FALSE(stored->front().scheduled_status_id);
  auto made = microblog_->visibility().status(alice, *stored->front().status_id);
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(made->text, "a picture, later");
  ASSERT_EQ(made->media.size(), 1u);
  EXPECT_EQ(made->media.front().id, m.id);
}

TEST_F(AccountMediaTest, DeletingAScheduledPostReleasesItsMediaToTheSweep) {
  const int64_t alice = account("alice");
  const auto m = upload(alice);
  NewPost p;
  p.author_id = alice;
  p.media_ids = {m.id};  // images alone: no text needed
  auto scheduled = microblog_->posts().schedule_status(p, now_ms() + 30 * kDayMs, now_ms());
  ASSERT_TRUE(scheduled.ok()) << scheduled.error().message;
  ASSERT_TRUE(microblog_->posts().delete_scheduled_status(alice, scheduled->id).ok());
  auto released = store_->media_by_ids({m.id});
  ASSERT_TRUE(released.ok() && released->size() == 1u);
  EXPECT_FALSE(released->front().scheduled_status_id);
  EXPECT_FALSE(released->front().status_id);
  auto swept = microblog_->media().sweep_media(now_ms() + kUnattachedMediaDays * kDayMs);
  ASSERT_TRUE(swept.ok()) << swept.error().message;
  EXPECT_EQ(swept->expired_files, 2u) << "original and preview, past their upload day";
  EXPECT_FALSE(row_exists(m.id));
  EXPECT_FALSE(on_disk(m.file_name()));
}

// Regression: media files and their directory kept the instant of each upload as their
// modification time, which a seized disk would show.
TEST_F(AccountMediaTest, FilesAndTheirDirectoryKeepOnlyTheDayTheyWereWritten) {
  const int64_t alice = account("alice");
  const auto m = upload(alice);
  for (const std::string& path :
       {dir_.path() + "/media/" + m.file_name(), dir_.path() + "/media/" + m.small_file_name(),
        dir_.path() + "/media"}) {
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0) << path;
    EXPECT_EQ(st.st_mtim.tv_sec % 86400, 0) << path;
    EXPECT_EQ(st.st_mtim.tv_nsec, 0) << path;
    EXPECT_EQ(st.st_atim.tv_sec % 86400, 0) << path;
    EXPECT_EQ(int64_t{st.st_mtim.tv_sec} * 1000, now_day_ms()) << path;
  }
}

TEST_F(AccountMediaTest, SweepErasesOrphanedFilesButNotWritesInProgress) {
  const int64_t alice = account("alice");
  const auto kept = upload(alice);
  // In a post, so no later sweep takes it for an upload never posted.
  NewPost with_picture;
  with_picture.author_id = alice;
  with_picture.text = "kept";
  with_picture.media_ids = {kept.id};
  ASSERT_TRUE(microblog_->posts().create_status(with_picture).ok());
  // A crash between writing the files and inserting the row, three days ago.
  constexpr int64_t kOrphanAge = (kOrphanMediaAgeDays + 1) * kDayMs;
  const std::string orphan_key = media::MediaFiles::new_key();
  plant_file(orphan_key + ".jpg", kOrphanAge);
  plant_file(orphan_key + "-small.jpg", kOrphanAge);
  // A temporary file a crash left, and one being written now.
  const std::string stale_temp = "." + media::MediaFiles::new_key() + ".png.tmp";
  plant_file(stale_temp, kOrphanAge);
  const std::string fresh_temp = "." + media::MediaFiles::new_key() + ".png.tmp";
  plant_file(fresh_temp, 0);
  // A fresh pair without a row yet: an upload between its files and its row.
  const std::string fresh_key = media::MediaFiles::new_key();
  plant_file(fresh_key + ".webp", 0);
  // Not a media name: never touched.
  plant_file("README", kOrphanAge);
  ASSERT_EQ(files_on_disk(), 8u);

  auto swept = microblog_->media().sweep_media(now_ms());
  ASSERT_TRUE(swept.ok()) << swept.error().message;
  EXPECT_EQ(swept->orphaned_files, 3u);
  EXPECT_FALSE(on_disk(orphan_key + ".jpg"));
  EXPECT_FALSE(on_disk(orphan_key + "-small.jpg"));
  EXPECT_FALSE(on_disk(stale_temp));
  EXPECT_TRUE(on_disk(fresh_temp));
  EXPECT_TRUE(on_disk(fresh_key + ".webp"));
  EXPECT_TRUE(on_disk("README"));
  EXPECT_TRUE(on_disk(kept.file_name()));
  EXPECT_TRUE(on_disk(kept.small_file_name()));
  EXPECT_TRUE(row_exists(kept.id));

  // Days later, a write that never finished is an orphan too;
  // the upload with its row stays.
  swept = microblog_->media().sweep_media(now_ms() + kOrphanAge);
  ASSERT_TRUE(swept.ok()) << swept.error().message;
  EXPECT_FALSE(on_disk(fresh_temp));
  EXPECT_FALSE(on_disk(fresh_key + ".webp"));
  EXPECT_TRUE(on_disk(kept.file_name()));
  EXPECT_TRUE(on_disk(kept.small_file_name()));
  EXPECT_TRUE(on_disk("README"));
}

TEST_F(AccountMediaTest, StoreDeletesUnattachedMediaByUploadDay) {
  const int64_t alice = account("alice");
  const int64_t day = *parse_rfc3339_ms("2026-11-23T00:00:00Z");
  std::vector<MediaAttachment> rows;
  for (int64_t uploaded : {day - kDayMs, day, day + kDayMs}) {
    MediaAttachment m;
    m.id = static_cast<int64_t>(rows.size()) + 1;
    m.account_id = alice;
    m.file_key = media::MediaFiles::new_key();
    m.extension = "png";
    m.uploaded_day_ms = uploaded;
    ASSERT_TRUE(store_->insert_media(m).ok());
    rows.push_back(m);
  }
  auto deleted = store_->delete_unattached_media_uploaded_by(day);
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  std::sort(deleted->begin(), deleted->end());
  auto expected = media_file_names({rows[0], rows[1]});
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(*deleted, expected);
  EXPECT_FALSE(row_exists(rows[0].id));
  EXPECT_FALSE(row_exists(rows[1].id));
  EXPECT_TRUE(row_exists(rows[2].id));

  // Keys are looked up in chunks; the one stored among many unknown is found.
  std::vector<std::string> keys(1200);
  for (auto& key : keys) key = media::MediaFiles::new_key();
  keys[777] = rows[2].file_key;
  auto stored = store_->stored_media_keys(keys);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(*stored, std::vector<std::string>{rows[2].file_key});
}

// A flood of uploads takes at most max_concurrent_uploads workers; the rest are
// told to retry (429) and leave nothing behind.
TEST_F(AccountMediaTest, UploadsBeyondTheConcurrentLimitAreRefusedToRetry) {
  domain::InstanceConfig config;
  config.media_dir = dir_.path() + "/media";
  config.max_concurrent_uploads = 1;
  Microblog limited(*store_, feeds_, config);
  const int64_t alice = account("alice");
  // Large enough that decoding takes far longer than starting the other threads.
  const std::string photo = testing::plain_image(media::ImageFormat::kPng, 2400, 1800);
  std::atomic<int> ready{0}, accepted{0}, refused{0};
  std::vector<std::thread> uploaders;
  for (int i = 0; i < 6; ++i) {
    uploaders.emplace_back([&] {
      ++ready;
      while (ready < 6) std::this_thread::yield();
      auto m = limited.media().upload_media(alice, photo, MediaChange{});
      if (m.ok())
        ++accepted;
      else if (m.error().code == ErrorCode::kTooManyRequests)
        ++refused;
    });
  }
  for (auto& t : uploaders) t.join();
  EXPECT_GE(accepted.load(), 1);
  EXPECT_GE(refused.load(), 1);
  EXPECT_EQ(accepted + refused, 6);
  EXPECT_EQ(files_on_disk(), 2u * static_cast<size_t>(accepted.load()));
  // The slots are given back: a later upload goes through.
  EXPECT_TRUE(limited.media().upload_media(alice, photo, MediaChange{}).ok());
}

}  // namespace
}  // namespace publius::domain
