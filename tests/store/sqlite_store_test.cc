// Persistence guarantees of the SQLite store that the domain tests do not show.
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "store/sqlite/schema.h"
#include "support/temp_dir.h"

namespace publius::sqlite {
namespace {

TEST(SqliteStoreTest, MigratesToLatestVersionAndReopens) {
  testing::TempDir dir;
  {
    auto store = SqliteStore::open(dir.path());
    ASSERT_TRUE(store.ok()) << store.error().message;
    store::NewAccount a{"persisted", "$argon2id$fake", domain::Role::kAdmin, {{"h1", ""}}};
    ASSERT_TRUE((*store)->create_account(a).ok());
  }
  auto reopened = SqliteStore::open(dir.path());
  ASSERT_TRUE(reopened.ok());
  auto found = (*reopened)->account_by_username("PERSISTED");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->role, domain::Role::kAdmin);
  auto db = Db::open(dir.path() + "/publius.db");
  ASSERT_TRUE(db.ok());
  auto stmt = db->prepare("PRAGMA user_version");
  ASSERT_TRUE(stmt.ok() && stmt->step());
  EXPECT_EQ(stmt->int64(0), latest_schema_version());
  auto mode = db->prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok() && mode->step());
  EXPECT_EQ(mode->text(0), "wal");
}

TEST(SqliteStoreTest, RefusesANewerSchema) {
  testing::TempDir dir;
  { ASSERT_TRUE(SqliteStore::open(dir.path()).ok()); }
  {
    auto db = Db::open(dir.path() + "/publius.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("PRAGMA user_version=999").ok());
  }
  auto store = SqliteStore::open(dir.path());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("newer"), std::string::npos);
}

// A data directory from before sealing (schema 3) holding a clear direct message,
// its edit history and its hashtag: migrating erases all of it from the file.
TEST(SqliteStoreTest, SealingMigrationLeavesNoClearDirectMessageOnDisk) {
  testing::TempDir dir;
  int64_t author = 0;
  {
    auto store = SqliteStore::open(dir.path());
    ASSERT_TRUE(store.ok());
    auto account = (*store)->create_account({"early", "h", domain::Role::kUser, {}});
    ASSERT_TRUE(account.ok());
    author = account->id;
    store::Post dm;
    dm.id = 1000;
    dm.account_id = author;
    dm.visibility = domain::Visibility::kDirect;
    dm.text = "Oldersecret456";
    dm.html = "<p>Oldersecret456</p>";
    dm.tags = {"Hiddentag789"};
    dm.created_ms = 1;
    ASSERT_TRUE((*store)->insert_status(dm).ok());
    store::Post edited = dm;
    edited.text = "Clearsecret123";
    edited.html = "<p>Clearsecret123</p>";
    ASSERT_TRUE((*store)->update_status(edited, {dm.id, dm.text, dm.html, "", false, 1}).ok());
    store::Post open_post = dm;
    open_post.id = 1001;
    open_post.visibility = domain::Visibility::kPublic;
    open_post.text = "Publicword321";
    open_post.html = "<p>Publicword321</p>";
    open_post.tags.clear();
    ASSERT_TRUE((*store)->insert_status(open_post).ok());
  }
  {
    // Back to schema 3: the id high-water table, the sealing columns and media did not exist yet.
    auto db = Db::open(dir.path() + "/publius.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("ALTER TABLE accounts DROP COLUMN public_key;"
                         "ALTER TABLE accounts DROP COLUMN wrapped_key;"
                         "ALTER TABLE tokens DROP COLUMN wrapped_key;"
                         "ALTER TABLE web_sessions DROP COLUMN wrapped_key;"
                         "ALTER TABLE auth_codes DROP COLUMN wrapped_key;"
                         "ALTER TABLE recovery_codes DROP COLUMN wrapped_key;"
                         "ALTER TABLE statuses DROP COLUMN sealed;"
                         "ALTER TABLE status_edits DROP COLUMN sealed;"
                         "DROP TABLE account_id_high_water;"
                         "DROP TABLE media;"
                         "PRAGMA user_version=3;")
                    .ok());
  }
  auto store = SqliteStore::open(dir.path());
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto dm = (*store)->status_by_id(1000);
  ASSERT_TRUE(dm.ok() && dm->has_value());
  EXPECT_TRUE((*dm)->text.empty());
  EXPECT_NE((*dm)->html.find("erased"), std::string::npos);
  EXPECT_TRUE((*dm)->tags.empty());
  auto history = (*store)->status_edits(1000);
  ASSERT_TRUE(history.ok());
  EXPECT_TRUE(history->empty());
  auto tagged = (*store)->tag_timeline("hiddentag789", domain::Page{});
  ASSERT_TRUE(tagged.ok());
  EXPECT_TRUE(tagged->empty());

  // Read while the store is still open, as a seizure of a running server would.
  std::string bytes;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    std::ifstream in(entry.path(), std::ios::binary);
    bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  EXPECT_NE(bytes.find("Publicword321"), std::string::npos);  // the scan sees clear posts
  for (const char* secret : {"Oldersecret456", "Clearsecret123", "Hiddentag789", "hiddentag789"})
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret;
}

TEST(SqliteStoreTest, DuplicateUsernameIsAConflict) {
  testing::TempDir dir;
  auto store = SqliteStore::open(dir.path());
  ASSERT_TRUE(store.ok());
  store::NewAccount a{"dup", "h", domain::Role::kUser, {}};
  ASSERT_TRUE((*store)->create_account(a).ok());
  auto again = (*store)->create_account(a);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

TEST(SqliteStoreTest, DeletedAccountIdsAreNeverGivenOutAgain) {
  testing::TempDir dir;
  int64_t deleted_id = 0;
  {
    auto store = SqliteStore::open(dir.path());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->create_account({"first", "h", domain::Role::kUser, {}}).ok());
    auto last = (*store)->create_account({"last", "h", domain::Role::kUser, {}});
    ASSERT_TRUE(last.ok());
    deleted_id = last->id;
    ASSERT_TRUE((*store)->delete_account(deleted_id).ok());
  }
  // Also across a restart, where SQLite alone would hand out max(id) + 1 again.
  auto store = SqliteStore::open(dir.path());
  ASSERT_TRUE(store.ok());
  auto next = (*store)->create_account({"last", "h", domain::Role::kUser, {}});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->id, deleted_id + 1);
}

TEST(SqliteStoreTest, AuthCodesAreSingleUse) {
  testing::TempDir dir;
  auto store = SqliteStore::open(dir.path());
  ASSERT_TRUE(store.ok());
  auto account = (*store)->create_account({"coder", "h", domain::Role::kUser, {}});
  domain::App app;
  app.name = "x";
  app.client_id = "cid";
  app.client_secret = "hash";
  app.scopes = "read";
  app.redirect_uris = {"urn:ietf:wg:oauth:2.0:oob"};
  auto created = (*store)->create_app(app);
  ASSERT_TRUE(created.ok() && account.ok());
  domain::AuthCode code{created->id, account->id, "read", "urn:ietf:wg:oauth:2.0:oob", "", 1};
  ASSERT_TRUE((*store)->create_auth_code("codehash", code).ok());
  auto first = (*store)->take_auth_code("codehash");
  ASSERT_TRUE(first.ok() && first->has_value());
  auto second = (*store)->take_auth_code("codehash");
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->has_value());
}

TEST(SqliteStoreTest, SearchTreatsQueryAsPlainWords) {
  testing::TempDir dir;
  auto store = SqliteStore::open(dir.path());
  ASSERT_TRUE(store.ok());
  auto account = (*store)->create_account({"searcher", "h", domain::Role::kUser, {}});
  ASSERT_TRUE(account.ok());
  domain::Post p;
  p.id = 1000;
  p.account_id = account->id;
  p.text = "customs summons withdrawn";
  p.html = "<p>customs summons withdrawn</p>";
  p.created_ms = 1;
  ASSERT_TRUE((*store)->insert_status(p).ok());
  EXPECT_EQ(*(*store)->search_statuses("summons", 10, 0), (std::vector<int64_t>{1000}));
  EXPECT_EQ(*(*store)->search_statuses("SUMMONS customs", 10, 0), (std::vector<int64_t>{1000}));
  // FTS syntax in user input is just text, never an error.
  for (const char* q : {"\"", "summons OR", "NEAR(", "*", "a:b", "-x"}) {
    EXPECT_TRUE((*store)->search_statuses(q, 10, 0).ok()) << q;
  }
}

}  // namespace
}  // namespace publius::sqlite
