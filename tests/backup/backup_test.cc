// Encrypted backups: a round trip restores every file, and each way a backup
// can be wrong (passphrase, truncation, tampering, not a backup) is refused
// with its own problem and leaves no restored directory behind.
#include "backup/backup.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/microblog_fixture.h"

namespace publius::backup {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

class BackupTest : public publius::testing::MicroblogFixture {
 protected:
  std::string data_dir() const override { return dir_.path() + "/data"; }

  void SetUp() override {
    MicroblogFixture::SetUp();
    if (HasFatalFailure()) return;
    data_ = data_dir();
    post(account("alice"), "a post worth keeping");
    // Media files (another subsystem's) are backed up like any other file.
    media_ = std::string(300 * 1024, '\0');
    randombytes_buf(media_.data(), media_.size());
    spit(data_ + "/media/ab/cdef.jpg", media_);
  }

  // Cheap Argon2id: these tests check the format, not the cost.
  Status backup(const std::string& out, const std::string& passphrase = kPassphrase) {
    BackupOptions o;
    o.data_dir = data_;
    o.out_path = out;
    o.passphrase = passphrase;
    o.cost = {1, 8 << 20};
    o.progress = [this](const Progress& p) { last_progress_ = p; };
    return create_backup(o);
  }
  Status restore(const std::string& in, const std::string& target,
                 const std::string& passphrase = kPassphrase) {
    RestoreOptions o;
    o.in_path = in;
    o.data_dir = target;
    o.passphrase = passphrase;
    return restore_backup(o);
  }
  // No restored directory nor temporary one is left beside `target`.
  void expect_nothing_restored(const std::string& target) {
    EXPECT_FALSE(fs::exists(target));
    for (const auto& entry : fs::directory_iterator(dir_.path()))
      EXPECT_EQ(entry.path().filename().string().find(".restoring-"), std::string::npos)
          << entry.path();
  }

  static constexpr const char* kPassphrase = "a long enough passphrase";
  std::string data_;
  std::string media_;
  Progress last_progress_;
};

TEST_F(BackupTest, RoundTripRestoresDatabaseAndFilesWhileTheStoreIsOpen) {
  const std::string out = dir_.path() + "/backup.pbk";
  ASSERT_TRUE(backup(out).ok());
  EXPECT_EQ(last_progress_.entries, 2u);  // the database and the media file
  EXPECT_GT(last_progress_.bytes, media_.size());
  const std::string sealed = slurp(out);
  EXPECT_EQ(sealed.substr(0, 8), "PUBLBKUP");
  EXPECT_EQ(sealed.find("a post worth keeping"), std::string::npos);
  EXPECT_EQ(sealed.find("SQLite format 3"), std::string::npos);
  EXPECT_EQ(fs::status(out).permissions() & fs::perms::group_all, fs::perms::none);

  const std::string target = dir_.path() + "/restored";
  ASSERT_TRUE(restore(out, target).ok());
  EXPECT_EQ(slurp(target + "/media/ab/cdef.jpg"), media_);
  EXPECT_FALSE(fs::exists(target + "/publius.db-wal"));
  auto restored = sqlite::SqliteStore::open(target);
  ASSERT_TRUE(restored.ok());
  auto alice = (*restored)->account_by_username("alice");
  ASSERT_TRUE(alice.ok() && *alice);
  EXPECT_EQ((*alice)->statuses_count, 1);
}

TEST_F(BackupTest, RestoresIntoAnEmptyDirectoryButNotOverData) {
  const std::string out = dir_.path() + "/backup.pbk";
  ASSERT_TRUE(backup(out).ok());
  const std::string empty = dir_.path() + "/empty";
  fs::create_directory(empty);
  EXPECT_TRUE(restore(out, empty).ok());
  EXPECT_TRUE(fs::exists(empty + "/publius.db"));
  auto again = restore(out, empty);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kBadRequest);
  EXPECT_NE(again.error().message.find("--data-dir"), std::string::npos);
}

TEST_F(BackupTest, WrongPassphraseIsNamed) {
  const std::string out = dir_.path() + "/backup.pbk";
  ASSERT_TRUE(backup(out).ok());
  const std::string target = dir_.path() + "/restored";
  auto wrong = restore(out, target, "not the passphrase at all");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthorized);
  EXPECT_NE(wrong.error().message.find("--passphrase-file"), std::string::npos);
  expect_nothing_restored(target);
}

TEST_F(BackupTest, TruncatedBackupIsRefusedAndLeavesNothing) {
  const std::string out = dir_.path() + "/backup.pbk";
  ASSERT_TRUE(backup(out).ok());
  const std::string whole = slurp(out);
  const std::string target = dir_.path() + "/restored";
  // Inside the header, at a chunk boundary's length field, inside a chunk, just before the end.
  for (size_t size : {size_t{40}, size_t{98}, size_t{5000}, whole.size() - 1}) {
    spit(out, whole.substr(0, size));
    auto r = restore(out, target);
    ASSERT_FALSE(r.ok()) << size;
    EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable) << size << ": " << r.error().message;
    EXPECT_NE(r.error().message.find("truncated"), std::string::npos) << r.error().message;
    expect_nothing_restored(target);
  }
}

TEST_F(BackupTest, TamperedBackupIsRefusedAndLeavesNothing) {
  const std::string out = dir_.path() + "/backup.pbk";
  ASSERT_TRUE(backup(out).ok());
  const std::string whole = slurp(out);
  const std::string target = dir_.path() + "/restored";
  for (size_t at : {size_t{200}, whole.size() / 2, whole.size() - 3}) {
    std::string bad = whole;
    bad[at] = static_cast<char>(bad[at] ^ 0x01);
    spit(out, bad);
    auto r = restore(out, target);
    ASSERT_FALSE(r.ok()) << at;
    EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable) << at << ": " << r.error().message;
    EXPECT_NE(r.error().message.find("altered or damaged"), std::string::npos) << r.error().message;
    expect_nothing_restored(target);
  }
  spit(out, whole + "x");
  auto trailing = restore(out, target);
  ASSERT_FALSE(trailing.ok());
  EXPECT_EQ(trailing.error().code, ErrorCode::kUnprocessable);
  EXPECT_NE(trailing.error().message.find("altered or damaged"), std::string::npos)
      << trailing.error().message;
  // A changed salt or cost in the header reads as a wrong passphrase: the key check fails.
  std::string header = whole;
  header[30] = static_cast<char>(header[30] ^ 0x01);
  spit(out, header);
  auto altered = restore(out, target);
  ASSERT_FALSE(altered.ok());
  EXPECT_EQ(altered.error().code, ErrorCode::kUnauthorized);
  expect_nothing_restored(target);
}

TEST_F(BackupTest, NotABackupAndNewerFormatsAreNamed) {
  const std::string other = dir_.path() + "/other";
  spit(other, "SQLite format 3\0 and so on");
  auto r = restore(other, dir_.path() + "/restored");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable);
  spit(other, std::string("PUBLBKUP\x02", 9) + std::string(100, '\0'));
  r = restore(other, dir_.path() + "/restored");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable);
  EXPECT_NE(r.error().message.find("version 2"), std::string::npos);
}

TEST_F(BackupTest, ShortPassphraseIsRefusedNamingTheFlag) {
  const std::string out = dir_.path() + "/backup.pbk";
  auto r = backup(out, "short");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kBadRequest);
  EXPECT_NE(r.error().message.find("--passphrase-file"), std::string::npos);
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(BackupTest, FailedBackupLeavesNoPartialFile) {
  const std::string out = dir_.path() + "/backup.pbk";
  fs::remove(data_ + "/publius.db");  // the store's open connection keeps its inode
  auto r = backup(out);
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(fs::exists(out));
  for (const auto& entry : fs::directory_iterator(dir_.path()))
    EXPECT_EQ(entry.path().filename().string().find(".partial-"), std::string::npos);
}

}  // namespace
}  // namespace publius::backup
