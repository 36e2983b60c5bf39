// Persistence guarantees of the SQLite store that the domain tests do not show.
#include "store/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "store/sqlite/schema.h"
#include "support/statement_hook.h"
#include "support/temp_dir.h"
#include "util/time.h"

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
  {
    // Schema 3 as that release wrote it: a direct message edited once, with a hashtag.
    auto db = Db::open(dir.path() + "/publius.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(migrate(*db, 3).ok());
    ASSERT_TRUE(
        db->exec("INSERT INTO accounts (id, username, password_hash, created_day) VALUES "
                 "(1, 'early', 'h', 0);"
                 "INSERT INTO statuses (id, account_id, text, html, visibility, created_ms, tags) "
                 "VALUES (1000, 1, 'Clearsecret123', '<p>Clearsecret123</p>', 3, 1, "
                 "'Hiddentag789');"
                 "INSERT INTO status_edits (status_id, text, html, spoiler_text, sensitive, "
                 "created_ms) VALUES (1000, 'Oldersecret456', '<p>Oldersecret456</p>', '', 0, 1);"
                 "INSERT INTO status_tags (tag, status_id) VALUES ('hiddentag789', 1000);"
                 "INSERT INTO statuses (id, account_id, text, html, visibility, created_ms) "
                 "VALUES (1001, 1, 'Publicword321', '<p>Publicword321</p>', 0, 1);")
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

TEST(SqliteStoreTest, PostsForgetTheirClientAppOnMigration) {
  constexpr int kSchemaThatRecordedApps = 11;
  testing::TempDir dir;
  {
    auto db = Db::open(dir.path() + "/publius.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(migrate(*db, kSchemaThatRecordedApps).ok());
    const auto inserted = db->exec(
        "INSERT INTO accounts (id, username, password_hash, created_day) VALUES "
        "(1, 'early', 'h', 0);"
        "INSERT INTO apps (id, name, redirect_uris, scopes, client_id, client_secret) "
        "VALUES (7, 'Janes Phone', 'urn:ietf:wg:oauth:2.0:oob', 'read', 'c', 's');"
        "INSERT INTO statuses (id, account_id, text, html, visibility, created_ms, "
        "application_id) VALUES (1000, 1, 'hello', '<p>hello</p>', 0, 1, 7);");
    ASSERT_TRUE(inserted.ok()) << inserted.error().message;
  }
  auto store = SqliteStore::open(dir.path());
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto post = (*store)->status_by_id(1000);
  ASSERT_TRUE(post.ok() && post->has_value());
  EXPECT_EQ((*post)->text, "hello");
  auto db = Db::open(dir.path() + "/publius.db");
  ASSERT_TRUE(db.ok());
  auto columns = db->prepare(
      "SELECT count(*) FROM pragma_table_info('statuses') "
      "WHERE name = 'application_id'");
  ASSERT_TRUE(columns.ok() && columns->step());
  EXPECT_EQ(columns->int64(0), 0) << "posts still name the app they came from";
}

TEST(SqliteStoreTest, UploadDayMigrationGivesWaitingUploadsTodayAndPostedOnesNone) {
  constexpr int kSchemaBeforeUploadDays = 10;
  testing::TempDir dir;
  {
    // The schema before upload days (version 11 added them): one upload
    // waiting, one in a post.
    auto db = Db::open(dir.path() + "/publius.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(migrate(*db, kSchemaBeforeUploadDays).ok());
    auto media_row = [](const std::string& id, const std::string& status_id, char key) {
      return "INSERT INTO media (id, account_id, status_id, file_key, extension, width, height, "
             "size, small_width, small_height, small_size, blurhash) VALUES (" +
             id + ", 1, " + status_id + ", '" + std::string(32, key) +
             "', 'png', 1, 1, 1, 1, 1, 1, 'LEHV6nWB2yk8pyo0adR*.7kCMdnj');";
    };
    ASSERT_TRUE(db->exec("INSERT INTO accounts (id, username, password_hash, created_day) VALUES "
                         "(1, 'early', 'h', 0);"
                         "INSERT INTO statuses (id, account_id, text, html, visibility, "
                         "created_ms) VALUES (1000, 1, 'with media', '<p>with media</p>', 0, 1);" +
                         media_row("7", "NULL", 'a') + media_row("8", "1000", 'b'))
                    .ok());
  }
  const int64_t before = now_day_ms();
  auto store = SqliteStore::open(dir.path());
  ASSERT_TRUE(store.ok()) << store.error().message;
  const int64_t after = now_day_ms();
  auto media = (*store)->media_by_ids({7, 8});
  ASSERT_TRUE(media.ok() && media->size() == 2u);
  for (const auto& m : *media) {
    if (m.id == 7) {
      ASSERT_TRUE(m.uploaded_day_ms);
      EXPECT_TRUE(*m.uploaded_day_ms == before || *m.uploaded_day_ms == after);
    } else {
      EXPECT_FALSE(m.uploaded_day_ms);
    }
  }
}

TEST(SqliteStoreTest, ProfilePictureMigrationGivesAccountsNoneAndKeysAreStoredOnceSet) {
  testing::TempDir dir;
  {
    // The schema before profile pictures (version 14 added them).
    auto db = Db::open(dir.path() + "/publius.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(migrate(*db, 13).ok());
    ASSERT_TRUE(db->exec("INSERT INTO accounts (id, username, password_hash, created_day) VALUES "
                         "(1, 'early', 'h', 0);")
                    .ok());
  }
  auto store = SqliteStore::open(dir.path());
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto account = (*store)->account_by_id(1);
  ASSERT_TRUE(account.ok() && *account);
  EXPECT_EQ((*account)->avatar_file, "");
  EXPECT_EQ((*account)->header_file, "");

  const std::string avatar_key(32, 'a'), header_key(32, 'b'), orphan_key(32, 'c');
  store::ProfileUpdate update;
  update.avatar_file = avatar_key + ".png";
  update.header_file = header_key + ".jpg";
  ASSERT_TRUE((*store)->update_profile(1, update).ok());
  account = (*store)->account_by_id(1);
  ASSERT_TRUE(account.ok() && *account);
  EXPECT_EQ((*account)->avatar_file, avatar_key + ".png");
  auto stored = (*store)->stored_media_keys({avatar_key, header_key, orphan_key});
  ASSERT_TRUE(stored.ok());
  std::sort(stored->begin(), stored->end());
  EXPECT_EQ(*stored, (std::vector<std::string>{avatar_key, header_key}));
  auto names = (*store)->media_file_names_of(1);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{avatar_key + ".png", header_key + ".jpg"}));
}

// Posts and edits from before polls (schema 15) read back without one.
TEST(SqliteStoreTest, PollMigrationLeavesEarlierPostsAndEditsWithoutAPoll) {
  testing::TempDir dir;
  {
    auto db = Db::open(dir.path() + "/publius.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(migrate(*db, 14).ok());
    ASSERT_TRUE(db->exec("INSERT INTO accounts (id, username, password_hash, created_day) VALUES "
                         "(1, 'early', 'h', 0);"
                         "INSERT INTO statuses (id, account_id, text, html, visibility, "
                         "created_ms) VALUES (1000, 1, 'now', '<p>now</p>', 0, 1);"
                         "INSERT INTO status_edits (status_id, text, html, spoiler_text, "
                         "sensitive, created_ms) VALUES (1000, 'then', '<p>then</p>', '', 0, 1);")
                    .ok());
  }
  auto store = SqliteStore::open(dir.path());
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto post = (*store)->status_by_id(1000);
  ASSERT_TRUE(post.ok() && *post);
  EXPECT_FALSE((*post)->poll);
  auto edits = (*store)->status_edits(1000);
  ASSERT_TRUE(edits.ok() && edits->size() == 1u);
  EXPECT_FALSE(edits->front().poll_options);
  EXPECT_EQ(edits->front().text, "then");
}

// Posts from before listings (schema 19) as the store counted them then:
// a direct message in its author's statuses_count and last status day, every reply in its
// parent's replies_count, unlisted posts in full-text search, every post's hashtags in hashtag
// search. The migration lists them by today's rule and recounts.
TEST(SqliteStoreTest, ListingMigrationRecountsOnlyWhatAnyoneMaySee) {
  constexpr int kSchemaBeforeListings = 19;
  const int64_t day = 86400000;
  testing::TempDir dir;
  {
    auto db = Db::open(dir.path() + "/publius.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(migrate(*db, kSchemaBeforeListings).ok());
    auto post = [](int64_t id, int64_t account, int visibility, int64_t created_ms,
                   const std::string& text, const std::string& reply_to) {
      return "INSERT INTO statuses (id, account_id, text, html, visibility, created_ms, "
             "in_reply_to_id, sealed) VALUES (" +
             std::to_string(id) + ", " + std::to_string(account) + ", '" + text + "', '', " +
             std::to_string(visibility) + ", " + std::to_string(created_ms) + ", " + reply_to +
             ", " + (visibility == 3 ? "x'01'" : "NULL") + ");" +
             (visibility <= 1 ? "INSERT INTO statuses_fts (rowid, text) VALUES (" +
                                    std::to_string(id) + ", char(10) || '" + text + "');"
                              : "");
    };
    const auto inserted = db->exec(
        "INSERT INTO accounts (id, username, password_hash, created_day, statuses_count, "
        "last_status_day) VALUES (1, 'early', 'h', 0, 5, " +
        std::to_string(3 * day) + "), (2, 'other', 'h', 0, 1, 0);" +
        post(2000, 2, 0, 1, "rootword", "NULL") + post(1000, 1, 0, day + 5, "publicword", "NULL") +
        post(1001, 1, 1, day + 6, "unlistedword", "NULL") +
        post(1002, 1, 3, 3 * day + 7, "", "NULL") + post(1003, 1, 2, day + 8, "x", "2000") +
        post(1004, 1, 1, day + 9, "replyword", "2000") +
        "UPDATE statuses SET replies_count = 2 WHERE id = 2000;"
        "INSERT INTO status_tags (tag, status_id) VALUES ('closedtag', 1003), ('quiettag', 1004);");
    ASSERT_TRUE(inserted.ok()) << inserted.error().message;
  }
  auto store = SqliteStore::open(dir.path());
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto early = (*store)->account_by_id(1);
  ASSERT_TRUE(early.ok() && *early);
  EXPECT_EQ((*early)->statuses_count, 4);
  EXPECT_EQ((*early)->last_status_day_ms, day);
  EXPECT_EQ((*store)->status_by_id(2000).value()->replies_count, 1);
  EXPECT_EQ((*store)->instance_stats()->statuses, 5);
  EXPECT_EQ(*(*store)->search_statuses("publicword", 10, 0), (std::vector<int64_t>{1000}));
  EXPECT_TRUE((*store)->search_statuses("unlistedword", 10, 0)->empty());
  EXPECT_TRUE((*store)->search_statuses("replyword", 10, 0)->empty());
  EXPECT_EQ(*(*store)->search_tags("quiet", 10), (std::vector<std::string>{"quiettag"}));
  EXPECT_TRUE((*store)->search_tags("closed", 10)->empty());
  EXPECT_EQ(*(*store)->public_timeline(domain::Page{}), (std::vector<int64_t>{2000, 1000}));
  // What the migration listed, deletion takes back: the public post leaves search.
  ASSERT_TRUE((*store)->delete_status(1000).ok());
  EXPECT_TRUE((*store)->search_statuses("publicword", 10, 0)->empty());
  ASSERT_TRUE((*store)->delete_status(1003).ok());
  EXPECT_EQ((*store)->status_by_id(2000).value()->replies_count, 1);
  EXPECT_EQ((*store)->account_by_id(1).value()->statuses_count, 2);
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

// A direct post and its place in each participant's conversations commit
// together: a failed insert files no thread.
TEST(SqliteStoreTest, DirectPostAndItsConversationsCommitTogether) {
  testing::TempDir dir;
  auto store = SqliteStore::open(dir.path());
  ASSERT_TRUE(store.ok());
  std::vector<int64_t> ids;
  for (const char* name : {"author", "first", "second"}) {
    auto a = (*store)->create_account({name, "h", domain::Role::kUser, {}});
    ASSERT_TRUE(a.ok());
    ids.push_back(a->id);
  }
  store::Post dm;
  dm.id = 7000;
  dm.account_id = ids[0];
  dm.visibility = domain::Visibility::kDirect;
  dm.mention_account_ids = {ids[1], ids[2]};
  dm.created_ms = 1;
  const std::vector<store::ConversationFiling> filings = {{ids[0], {ids[1], ids[2]}, false},
                                                          {ids[1], {ids[0], ids[2]}, true},
                                                          {ids[2], {ids[0], ids[1]}, true}};
  ASSERT_TRUE((*store)->insert_status(dm, {.conversations = filings}).ok());
  for (const auto& filing : filings) {
    auto threads = (*store)->conversations(filing.account_id, domain::Page{});
    ASSERT_TRUE(threads.ok());
    ASSERT_EQ(threads->size(), 1u);
    EXPECT_EQ(threads->front().participant_ids, filing.participant_ids);
    EXPECT_EQ(threads->front().last_status_id, dm.id);
    EXPECT_EQ(threads->front().unread, filing.unread);
  }

  // The same id again fails, and the thread it would have started is not there.
  EXPECT_FALSE((*store)->insert_status(dm, {.conversations = {{ids[1], {ids[0]}, true}}}).ok());
  auto threads = (*store)->conversations(ids[1], domain::Page{});
  ASSERT_TRUE(threads.ok());
  EXPECT_EQ(threads->size(), 1u);
}

TEST(SqliteStoreTest, ConversationsGoWithAnyParticipantsAccount) {
  testing::TempDir dir;
  auto store = SqliteStore::open(dir.path());
  ASSERT_TRUE(store.ok());
  std::vector<int64_t> ids;
  for (const char* name : {"owner", "gone", "stays"}) {
    auto a = (*store)->create_account({name, "h", domain::Role::kUser, {}});
    ASSERT_TRUE(a.ok());
    ids.push_back(a->id);
  }
  store::Post dm;
  dm.id = 5000;
  dm.account_id = ids[2];
  dm.visibility = domain::Visibility::kDirect;
  dm.mention_account_ids = {ids[0]};
  dm.created_ms = 1;
  ASSERT_TRUE((*store)->insert_status(dm, {}).ok());
  ASSERT_TRUE((*store)->save_conversation(ids[0], {ids[1], ids[2]}, dm.id, true).ok());
  ASSERT_TRUE((*store)->save_conversation(ids[0], {ids[2]}, dm.id, true).ok());
  // An older post never replaces a newer one.
  ASSERT_TRUE((*store)->save_conversation(ids[0], {ids[2]}, dm.id - 1, false).ok());
  auto before = (*store)->conversations(ids[0], domain::Page{});
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->size(), 2u);
  EXPECT_TRUE(before->back().unread);

  ASSERT_TRUE((*store)->delete_account(ids[1]).ok());
  auto after = (*store)->conversations(ids[0], domain::Page{});
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ(after->front().participant_ids, std::vector<int64_t>{ids[2]});
  EXPECT_EQ(after->front().last_status_id, dm.id);
}

TEST(SqliteStoreTest, AuthCodesAreSingleUseAndOnlyTheirAppsToSpend) {
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
  ASSERT_TRUE((*store)->create_auth_code("codehash", code, "").ok());
  // Another app's attempt finds nothing and spends nothing.
  auto stolen = (*store)->take_auth_code("codehash", created->id + 1);
  ASSERT_TRUE(stolen.ok());
  EXPECT_FALSE(stolen->has_value());
  auto first = (*store)->take_auth_code("codehash", created->id);
  ASSERT_TRUE(first.ok() && first->has_value());
  auto second = (*store)->take_auth_code("codehash", created->id);
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
  ASSERT_TRUE((*store)->insert_status(p, {.listing = {.in_search = true}}).ok());
  EXPECT_EQ(*(*store)->search_statuses("summons", 10, 0), (std::vector<int64_t>{1000}));
  EXPECT_EQ(*(*store)->search_statuses("SUMMONS customs", 10, 0), (std::vector<int64_t>{1000}));
  // FTS syntax in user input is just text, never an error.
  for (const char* q : {"\"", "summons OR", "NEAR(", "*", "a:b", "-x"}) {
    EXPECT_TRUE((*store)->search_statuses(q, 10, 0).ok()) << q;
  }
}

// A store with helpers for the write tests below.
class SqliteStoreWritesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteStore::open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
  }

  int64_t account(const std::string& name) {
    auto a = store_->create_account({name, "h", domain::Role::kUser, {}});
    EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error().message);
    return a.ok() ? a->id : 0;
  }

  // A public post of `author` with the id `id`, with a two-option poll when asked.
  store::Post post_of(int64_t author, int64_t id, bool with_poll = false) {
    store::Post p;
    p.id = id;
    p.account_id = author;
    p.text = "post " + std::to_string(id);
    p.html = "<p>" + p.text + "</p>";
    p.created_ms = 1;
    if (with_poll) p.poll = domain::Poll{.options = {{"yes", 0}, {"no", 0}}, .expires_ms = 1};
    return p;
  }
  int64_t post(int64_t author, int64_t id, bool with_poll = false) {
    EXPECT_TRUE(store_->insert_status(post_of(author, id, with_poll), {}).ok());
    return id;
  }

  // A token of `account_id` stored under `hash` (with its own app); its id.
  int64_t token(int64_t account_id, const std::string& hash, const std::string& scopes) {
    domain::App app;
    app.name = "a";
    app.client_id = "client-" + hash;
    app.client_secret = "secret";
    app.scopes = scopes;
    auto created_app = store_->create_app(app);
    EXPECT_TRUE(created_app.ok());
    domain::Token t;
    t.app_id = created_app.ok() ? created_app->id : 0;
    t.account_id = account_id;
    t.scopes = scopes;
    auto created = store_->create_token(hash, t, "");
    EXPECT_TRUE(created.ok());
    return created.ok() ? created->id : 0;
  }

  // The single number `sql` selects, read through the store's own connection.
  int64_t number(const std::string& sql) {
    auto n = store_->with_connection([&](Db& db) -> Result<int64_t> {
      PUBLIUS_ASSIGN_OR_RETURN(auto s, db.prepare(sql));
      if (!s.step()) return internal_error("no row");
      return s.int64(0);
    });
    EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.error().message);
    return n.ok() ? *n : -1;
  }

  // Runs each write on a thread of its own while the test holds the store's
  // connection, and lets go once all of them wait for it: they then form one batch.
  void run_as_one_batch(const std::vector<std::function<void()>>& writes) {
    std::vector<std::thread> threads;
    store_->with_connection([&](Db&) {
      for (const auto& w : writes) threads.emplace_back(w);
      while (store_->write_stats().waiting < writes.size()) std::this_thread::yield();
    });
    for (auto& t : threads) t.join();
  }

  template <typename T>
  static ErrorCode code_of(const Result<T>& r) {
    return r.ok() ? ErrorCode{} : r.error().code;
  }

  testing::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

// The domain checks a post, then writes; the post may be deleted in between. The
// write is then a 404 (kNotFound) and leaves nothing, never a 500.
TEST_F(SqliteStoreWritesTest, WritesNamingAPostThatIsGoneAreNotFoundAndLeaveNothing) {
  const int64_t author = account("author"), reader = account("reader");
  const int64_t gone = post(author, 1000, /*with_poll=*/true);
  ASSERT_TRUE(store_->delete_status(gone).ok());

  EXPECT_EQ(code_of(store_->set_favourite(reader, gone, true, {})), ErrorCode::kNotFound);
  EXPECT_EQ(code_of(store_->set_bookmark(reader, gone, true)), ErrorCode::kNotFound);
  EXPECT_EQ(code_of(store_->set_pin(author, gone, true)), ErrorCode::kNotFound);
  EXPECT_EQ(code_of(store_->add_poll_votes(reader, gone, {0})), ErrorCode::kNotFound);
  store::Post boost = post_of(reader, 2000);
  boost.reblog_of_id = gone;
  EXPECT_EQ(code_of(store_->insert_status(boost, {})), ErrorCode::kNotFound);
  store::Post reply = post_of(reader, 2001);
  reply.in_reply_to_id = gone;
  reply.in_reply_to_account_id = author;
  EXPECT_EQ(code_of(store_->insert_status(reply, {})), ErrorCode::kNotFound);
  domain::Filter filter;
  filter.account_id = reader;
  filter.title = "f";
  filter.statuses = {{0, gone}};
  EXPECT_EQ(code_of(store_->save_filter(filter)), ErrorCode::kNotFound);

  for (const char* table : {"favourites", "bookmarks", "pins", "poll_votes", "statuses", "filters",
                            "filter_statuses", "notifications"})
    EXPECT_EQ(number(std::string("SELECT count(*) FROM ") + table), 0) << table;
  auto account_row = store_->account_by_id(reader);
  ASSERT_TRUE(account_row.ok() && account_row->has_value());
  EXPECT_EQ((*account_row)->statuses_count, 0);
  auto flags = store_->viewer_flags(reader, {gone});
  ASSERT_TRUE(flags.ok());
  EXPECT_TRUE(flags->favourited.empty() && flags->reblogged.empty() && flags->bookmarked.empty());
}

TEST_F(SqliteStoreWritesTest, WritesNamingAnAccountThatIsGoneAreNotFoundAndLeaveNothing) {
  const int64_t owner = account("owner"), gone = account("gone");
  auto list = store_->create_list(
      {.account_id = owner, .title = "friends", .replies_policy = domain::RepliesPolicy::kList});
  ASSERT_TRUE(list.ok());
  ASSERT_TRUE(store_->delete_account(gone).ok());

  EXPECT_EQ(code_of(store_->follow(owner, gone, false, true, false, {})), ErrorCode::kNotFound);
  EXPECT_EQ(code_of(store_->follow(owner, gone, true, true, false, {})), ErrorCode::kNotFound);
  EXPECT_EQ(code_of(store_->set_block(owner, gone, true, {})), ErrorCode::kNotFound);
  EXPECT_EQ(code_of(store_->set_mute(owner, gone, true, true)), ErrorCode::kNotFound);
  EXPECT_EQ(code_of(store_->set_account_note(owner, gone, "sealed")), ErrorCode::kNotFound);
  EXPECT_EQ(code_of(store_->add_list_members(list->id, {gone})), ErrorCode::kNotFound);
  // And a list deleted meanwhile.
  ASSERT_TRUE(store_->delete_list(list->id).ok());
  EXPECT_EQ(code_of(store_->add_list_members(list->id, {owner})), ErrorCode::kNotFound);

  for (const char* table :
       {"follows", "follow_requests", "blocks", "mutes", "account_notes", "list_members"})
    EXPECT_EQ(number(std::string("SELECT count(*) FROM ") + table), 0) << table;
  auto row = store_->account_by_id(owner);
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->following_count, 0);
}

// What a post causes for accounts deleted since the domain read its text (mentions,
// notifications, conversation threads) is left out; the post itself is stored.
TEST_F(SqliteStoreWritesTest, APostsEffectsOnAccountsThatAreGoneAreLeftOut) {
  const int64_t author = account("writer"), stays = account("stays"), gone = account("leaves");
  ASSERT_TRUE(store_->delete_account(gone).ok());
  store::Post dm = post_of(author, 3000);
  dm.visibility = domain::Visibility::kDirect;
  dm.mention_account_ids = {stays, gone};
  store::NewPostEffects effects;
  for (int64_t recipient : {stays, gone})
    effects.notifications.push_back(
        {recipient * 10, recipient, domain::NotificationType::kMention, author, dm.id, 1});
  effects.conversations = {
      {author, {stays, gone}, false}, {stays, {author, gone}, true}, {gone, {author, stays}, true}};
  auto inserted = store_->insert_status(dm, effects);
  ASSERT_TRUE(inserted.ok()) << inserted.error().message;
  EXPECT_EQ(number("SELECT count(*) FROM mentions"), 1);
  EXPECT_EQ(number("SELECT count(*) FROM notifications"), 1);
  EXPECT_EQ(number("SELECT count(*) FROM conversations"), 2);
  // The post's deletion takes its notifications, and a favourite of it then stores
  // neither itself nor the notification it carries.
  ASSERT_TRUE(store_->delete_status(dm.id).ok());
  EXPECT_EQ(number("SELECT count(*) FROM notifications"), 0);
  EXPECT_EQ(code_of(store_->set_favourite(
                stays, dm.id, true,
                {{99, author, domain::NotificationType::kFavourite, stays, dm.id, 1}})),
            ErrorCode::kNotFound);
  EXPECT_EQ(number("SELECT count(*) FROM notifications"), 0);
}

// An idempotency key is claimed with its post: a second post with the key stores nothing.
TEST_F(SqliteStoreWritesTest, AnIdempotencyKeyNamesOnePost) {
  const int64_t author = account("retrier");
  store::NewPostEffects effects;
  effects.idempotency_key_hash = "keyhash";
  ASSERT_TRUE(store_->insert_status(post_of(author, 4000), effects).ok());
  auto second = store_->insert_status(post_of(author, 4001), effects);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  EXPECT_EQ(number("SELECT count(*) FROM statuses"), 1);
  auto named = store_->idempotent_status(author, "keyhash");
  ASSERT_TRUE(named.ok() && named->has_value());
  EXPECT_EQ(**named, 4000);
  // Another account's key of the same text is its own.
  const int64_t other = account("other");
  EXPECT_TRUE(store_->insert_status(post_of(other, 4002), effects).ok());
}

// The store speaks in codes and technical words; the domain phrases what a client reads.
TEST_F(SqliteStoreWritesTest, ErrorsCarryNoClientWording) {
  const int64_t author = account("phrases");
  domain::MediaAttachment m;
  m.id = 77;
  m.account_id = author;
  m.file_key = "0123456789abcdef0123456789abcdef";
  m.extension = "png";
  m.blurhash = "x";
  ASSERT_TRUE(store_->insert_media(m).ok());
  store::Post first = post_of(author, 5000, /*with_poll=*/true);
  first.media = {m};
  ASSERT_TRUE(store_->insert_status(first, {}).ok());
  store::Post second = post_of(author, 5001);
  second.media = {m};  // taken by the first meanwhile
  const auto taken = store_->insert_status(second, {});
  const auto not_an_option = store_->add_poll_votes(account("voter"), first.id, {5});
  const auto same_name = store_->create_account({"Phrases", "h", domain::Role::kUser, {}});
  ASSERT_FALSE(taken.ok() || not_an_option.ok() || same_name.ok());
  for (const Error* e : {&taken.error(), &not_an_option.error(), &same_name.error()}) {
    EXPECT_EQ(e->message.find("Validation failed"), std::string::npos) << e->message;
    EXPECT_EQ(e->message.find("Username"), std::string::npos) << e->message;
  }
  EXPECT_EQ(taken.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(not_an_option.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(same_name.error().code, ErrorCode::kConflict);
  EXPECT_EQ(number("SELECT count(*) FROM statuses"), 1);
  EXPECT_EQ(number("SELECT count(*) FROM poll_votes"), 0);
}

// Writes from many threads at once (posts, favourites, follows) all land, and every
// counter they move counts each of them.
TEST_F(SqliteStoreWritesTest, ConcurrentWritesAreAllStoredAndCounted) {
  constexpr int kThreads = 8, kPostsEach = 20;
  const int64_t author = account("author");
  std::vector<int64_t> readers;
  for (int t = 0; t < kThreads; ++t) readers.push_back(account("reader" + std::to_string(t)));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      EXPECT_TRUE(store_->follow(readers[t], author, false, true, false, {}).ok());
      for (int i = 0; i < kPostsEach; ++i) {
        const int64_t id = 10000 + t * kPostsEach + i;
        store::NewPostEffects counted;
        counted.listing.counted = true;
        EXPECT_TRUE(store_->insert_status(post_of(author, id), counted).ok());
        EXPECT_TRUE(store_->set_favourite(readers[t], id, true, {}).ok());
      }
    });
  }
  for (auto& thread : threads) thread.join();

  constexpr int kPosts = kThreads * kPostsEach;
  EXPECT_EQ(number("SELECT count(*) FROM statuses"), kPosts);
  EXPECT_EQ(number("SELECT count(*) FROM favourites"), kPosts);
  EXPECT_EQ(number("SELECT sum(favourites_count) FROM statuses"), kPosts);
  auto author_row = store_->account_by_id(author);
  ASSERT_TRUE(author_row.ok() && author_row->has_value());
  EXPECT_EQ((*author_row)->statuses_count, kPosts);
  EXPECT_EQ((*author_row)->followers_count, kThreads);
  std::vector<int64_t> ids;
  for (int i = 0; i < kPosts; ++i) ids.push_back(10000 + i);
  auto posts = store_->statuses_by_ids(ids);
  ASSERT_TRUE(posts.ok());
  EXPECT_EQ(posts->size(), static_cast<size_t>(kPosts));
  const auto stats = store_->write_stats();
  EXPECT_EQ(stats.writes, static_cast<uint64_t>((kThreads + 1) + kThreads + 2 * kPosts));
  EXPECT_LE(stats.batches, stats.writes);
}

// Writes waiting while the connection is busy share one transaction: one commit
// (one fsync) for all of them, each acknowledged only once it is committed.
TEST_F(SqliteStoreWritesTest, WritesWaitingTogetherShareOneCommit) {
  const int64_t author = account("author");
  const auto before = store_->write_stats();
  std::vector<std::function<void()>> writes;
  for (int64_t id = 1; id <= 8; ++id)
    writes.emplace_back(
        [&, id] { EXPECT_TRUE(store_->insert_status(post_of(author, id), {}).ok()); });
  run_as_one_batch(writes);

  const auto after = store_->write_stats();
  EXPECT_EQ(after.writes - before.writes, 8u);
  EXPECT_EQ(after.batches - before.batches, 1u);
  // Committed, as another connection sees.
  auto other = Db::open(dir_.path() + "/publius.db");
  ASSERT_TRUE(other.ok());
  auto count = other->prepare("SELECT count(*) FROM statuses");
  ASSERT_TRUE(count.ok() && count->step());
  EXPECT_EQ(count->int64(0), 8);
}

// A name already taken fails its registration, inside a batch of registrations that
// all commit; what the failed one did before failing (taking the next account id)
// is taken back with it, so the others' ids stay dense.
TEST_F(SqliteStoreWritesTest, AWriteFailingInABatchFailsAlone) {
  const int64_t taken = account("taken");
  const auto before = store_->write_stats();
  std::vector<Result<store::Account>> created(6, internal_error("not run"));
  std::vector<std::function<void()>> writes;
  for (size_t i = 0; i < created.size(); ++i) {
    writes.emplace_back([&, i] {
      const std::string name = i == 2 ? "TAKEN" : "fresh" + std::to_string(i);
      created[i] = store_->create_account({name, "h", domain::Role::kUser, {}});
    });
  }
  run_as_one_batch(writes);

  EXPECT_EQ(store_->write_stats().batches - before.batches, 1u);
  ASSERT_FALSE(created[2].ok());
  EXPECT_EQ(created[2].error().code, ErrorCode::kConflict);
  std::vector<int64_t> ids;
  for (size_t i = 0; i < created.size(); ++i) {
    if (i == 2) continue;
    ASSERT_TRUE(created[i].ok()) << created[i].error().message;
    ids.push_back(created[i]->id);
    auto stored = store_->account_by_username("fresh" + std::to_string(i));
    ASSERT_TRUE(stored.ok() && stored->has_value());
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<int64_t>{taken + 1, taken + 2, taken + 3, taken + 4, taken + 5}));
  EXPECT_EQ(number("SELECT last_id FROM account_id_high_water"), taken + 5);
  EXPECT_EQ(number("SELECT count(*) FROM accounts"), 6);
}

// Makes the connection's next commits fail (after `allowed` more succeed), as a
// full disk or an I/O error would, until the object is gone.
class FailingCommits {
 public:
  FailingCommits(SqliteStore& store, int allowed) : store_(store), allowed_(allowed) {
    store_.with_connection([this](Db& db) { sqlite3_commit_hook(db.handle(), &refuse, this); });
  }
  ~FailingCommits() {
    store_.with_connection([](Db& db) { sqlite3_commit_hook(db.handle(), nullptr, nullptr); });
  }

 private:
  static int refuse(void* self) {
    auto* f = static_cast<FailingCommits*>(self);
    return f->allowed_-- > 0 ? 0 : 1;  // non-zero turns the commit into a rollback
  }
  SqliteStore& store_;
  int allowed_;
};

// Caches change only with a commit: a failed one leaves them as the file is.
TEST_F(SqliteStoreWritesTest, CachesStayExactWhenACommitFails) {
  const int64_t author = account("cached"), viewer = account("viewer");
  const int64_t original = post(author, 6000);
  auto flags = [&] {
    auto f = store_->viewer_flags(viewer, {original});
    EXPECT_TRUE(f.ok());
    return f.ok() ? *f : store::ViewerFlags{};
  };
  EXPECT_TRUE(flags().reblogged.empty());  // the viewer's sets are now cached
  store::Post boost = post_of(viewer, 6001);
  boost.reblog_of_id = original;
  {
    FailingCommits failing(*store_, 0);
    EXPECT_FALSE(store_->insert_status(boost, {}).ok());
    EXPECT_FALSE(store_->set_favourite(viewer, original, true, {}).ok());
  }
  EXPECT_EQ(number("SELECT count(*) FROM statuses WHERE reblog_of_id IS NOT NULL"), 0);
  EXPECT_TRUE(flags().reblogged.empty());
  EXPECT_TRUE(flags().favourited.empty());

  ASSERT_TRUE(store_->insert_status(boost, {}).ok());
  ASSERT_EQ(flags().reblogged, std::vector<int64_t>{original});
  {
    FailingCommits failing(*store_, 0);
    EXPECT_FALSE(store_->delete_status(boost.id).ok());
  }
  EXPECT_EQ(flags().reblogged, std::vector<int64_t>{original});

  // A token's day of use: the account's row and the token's fail together.
  const int64_t token_id = token(viewer, "tokenhash", "read");
  ASSERT_NE(token_id, 0);
  ASSERT_TRUE(store_->token_by_hash("tokenhash").ok());  // cached
  {
    // The day is queued, and lost with the batch that carries it.
    FailingCommits failing(*store_, 0);
    EXPECT_TRUE(store_->touch_activity_day(viewer, token_id, "tokenhash", 86400000).ok());
    EXPECT_FALSE(store_->set_favourite(viewer, original, true, {}).ok());
  }
  auto cached = store_->token_by_hash("tokenhash");
  ASSERT_TRUE(cached.ok() && cached->has_value());
  EXPECT_FALSE((*cached)->last_used_day_ms);
  EXPECT_EQ(number("SELECT count(*) FROM tokens WHERE last_used_day IS NOT NULL"), 0);
  // Queued again (the lost one is forgotten), a commit that succeeds updates the cached
  // token, found by its hash.
  ASSERT_TRUE(store_->touch_activity_day(viewer, token_id, "tokenhash", 86400000).ok());
  ASSERT_TRUE(store_->set_favourite(viewer, original, true, {}).ok());
  cached = store_->token_by_hash("tokenhash");
  ASSERT_TRUE(cached.ok() && cached->has_value());
  EXPECT_EQ((*cached)->last_used_day_ms, 86400000);
}

// A token's day of use is queued, not waited for: it commits with the next write (here
// a follow, whose request made the token's first use of the day), durable when that
// write returns, as another connection sees; or, with no write to carry it, within
// kQueuedWritesFlush; and a read of the days commits it first.
TEST_F(SqliteStoreWritesTest, ATokensDayOfUseCommitsWithTheNextWrite) {
  const int64_t follower = account("dayfollower"), target = account("daytarget");
  const int64_t token_id = token(follower, "dayhash", "read follow");
  ASSERT_NE(token_id, 0);
  constexpr int64_t kDay = 20 * 86400000LL;
  const auto other_sees = [&](const std::string& sql) {
    auto other = Db::open(dir_.path() + "/publius.db");
    EXPECT_TRUE(other.ok());
    auto s = other->prepare(sql);
    EXPECT_TRUE(s.ok() && s->step());
    return s.ok() ? s->int64(0) : -1;
  };

  ASSERT_TRUE(store_->touch_activity_day(follower, token_id, "dayhash", kDay).ok());
  // Queued once a day: a second use the same day queues nothing more.
  ASSERT_TRUE(store_->touch_activity_day(follower, token_id, "dayhash", kDay).ok());
  EXPECT_LE(store_->write_stats().enqueued, 1u);
  ASSERT_TRUE(store_->follow(follower, target, false, true, false, {}).ok());
  EXPECT_EQ(other_sees("SELECT last_used_day FROM tokens WHERE id = " + std::to_string(token_id)),
            kDay);
  EXPECT_EQ(
      other_sees("SELECT last_active_day FROM accounts WHERE id = " + std::to_string(follower)),
      kDay);
  auto cached = store_->token_by_hash("dayhash");
  ASSERT_TRUE(cached.ok() && cached->has_value());
  EXPECT_EQ((*cached)->last_used_day_ms, kDay);

  // The next day, with no write after it: the flusher commits it.
  ASSERT_TRUE(store_->touch_activity_day(follower, token_id, "dayhash", kDay + 86400000).ok());
  const auto deadline = std::chrono::steady_clock::now() + 10 * SqliteStore::kQueuedWritesFlush;
  while (other_sees("SELECT last_used_day FROM tokens WHERE id = " + std::to_string(token_id)) !=
             kDay + 86400000 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(other_sees("SELECT last_used_day FROM tokens WHERE id = " + std::to_string(token_id)),
            kDay + 86400000);

  // A read of the days commits what is queued before it reads.
  const int64_t reader = account("dayreader");
  ASSERT_TRUE(store_->touch_activity_day(reader, 0, "", kDay + 2 * 86400000).ok());
  auto active = store_->accounts_active_since(kDay + 2 * 86400000);
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(*active, 1);
}

// A follow and the notification it causes commit together or not at all, and a
// follow that was there already notifies nothing again.
TEST_F(SqliteStoreWritesTest, AFollowAndItsNotificationCommitTogether) {
  const int64_t follower = account("nfollower"), target = account("ntarget");
  const auto notification = [&](int64_t id) {
    domain::Notification n;
    n.id = id;
    n.account_id = target;
    n.type = domain::NotificationType::kFollow;
    n.from_account_id = follower;
    n.created_ms = 1;
    return std::vector<domain::Notification>{n};
  };
  {
    FailingCommits failing(*store_, 0);
    EXPECT_FALSE(store_->follow(follower, target, false, true, false, notification(101)).ok());
  }
  EXPECT_EQ(number("SELECT count(*) FROM follows"), 0);
  EXPECT_EQ(number("SELECT count(*) FROM notifications"), 0);

  auto followed = store_->follow(follower, target, false, true, false, notification(102));
  ASSERT_TRUE(followed.ok());
  EXPECT_EQ(*followed, store::FollowOutcome::kFollowing);
  EXPECT_EQ(number("SELECT count(*) FROM follows"), 1);
  EXPECT_EQ(number("SELECT count(*) FROM notifications WHERE id = 102"), 1);

  auto again = store_->follow(follower, target, false, true, false, notification(103));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, store::FollowOutcome::kAlready);
  EXPECT_EQ(number("SELECT count(*) FROM notifications"), 1);

  // A request to a locked account carries its own notification the same way.
  const int64_t locked = account("nlocked");
  auto request = notification(104);
  request[0].account_id = locked;
  request[0].type = domain::NotificationType::kFollowRequest;
  auto asked = store_->follow(follower, locked, true, true, false, request);
  ASSERT_TRUE(asked.ok());
  EXPECT_EQ(*asked, store::FollowOutcome::kRequested);
  EXPECT_EQ(number("SELECT count(*) FROM notifications WHERE id = 104"), 1);
  request[0].id = 105;
  asked = store_->follow(follower, locked, true, true, false, request);
  ASSERT_TRUE(asked.ok());
  EXPECT_EQ(*asked, store::FollowOutcome::kAlready);
  EXPECT_EQ(number("SELECT count(*) FROM notifications WHERE id = 105"), 0);
}

// A favourite and an accepted follow request commit with the notification they cause,
// or not at all: a reader never sees the one without the other. A favourite there
// already, an unfavourite and a rejected request notify no one.
TEST_F(SqliteStoreWritesTest, AFavouriteAndAnAcceptedRequestCommitWithTheirNotifications) {
  const int64_t author = account("fauthor"), fan = account("ffan");
  const int64_t id = post(author, 7300);
  const auto favourite = [&](int64_t notification_id) {
    return std::vector<domain::Notification>{
        {notification_id, author, domain::NotificationType::kFavourite, fan, id, 1}};
  };
  const auto favourites_count = [&] {
    return number("SELECT favourites_count FROM statuses WHERE id = 7300");
  };
  {
    FailingCommits failing(*store_, 0);
    EXPECT_FALSE(store_->set_favourite(fan, id, true, favourite(201)).ok());
  }
  EXPECT_EQ(number("SELECT count(*) FROM favourites"), 0);
  EXPECT_EQ(favourites_count(), 0);
  EXPECT_EQ(number("SELECT count(*) FROM notifications"), 0);

  auto liked = store_->set_favourite(fan, id, true, favourite(202));
  ASSERT_TRUE(liked.ok() && *liked);
  EXPECT_EQ(favourites_count(), 1);
  EXPECT_EQ(number("SELECT count(*) FROM notifications WHERE id = 202"), 1);
  liked = store_->set_favourite(fan, id, true, favourite(203));
  ASSERT_TRUE(liked.ok());
  EXPECT_FALSE(*liked);
  liked = store_->set_favourite(fan, id, false, favourite(204));
  ASSERT_TRUE(liked.ok() && *liked);
  EXPECT_EQ(favourites_count(), 0);
  EXPECT_EQ(number("SELECT count(*) FROM notifications WHERE id IN (203, 204)"), 0);

  // A request accepted: the follow and the target's notification of it, together.
  const int64_t locked = account("flocked");
  const std::vector<domain::Notification> followed{
      {205, locked, domain::NotificationType::kFollow, fan, std::nullopt, 1}};
  ASSERT_TRUE(store_->follow(fan, locked, true, true, false, {}).ok());
  {
    FailingCommits failing(*store_, 0);
    EXPECT_FALSE(store_->resolve_follow_request(fan, locked, true, followed).ok());
  }
  EXPECT_EQ(number("SELECT count(*) FROM follows"), 0);
  EXPECT_EQ(number("SELECT count(*) FROM follow_requests"), 1);
  EXPECT_EQ(number("SELECT count(*) FROM notifications WHERE id = 205"), 0);
  auto accepted = store_->resolve_follow_request(fan, locked, true, followed);
  ASSERT_TRUE(accepted.ok() && *accepted);
  EXPECT_EQ(number("SELECT count(*) FROM follows"), 1);
  EXPECT_EQ(number("SELECT count(*) FROM notifications WHERE id = 205"), 1);

  // A request rejected writes no notification, whatever it is given.
  const int64_t other = account("fother");
  ASSERT_TRUE(store_->follow(other, locked, true, true, false, {}).ok());
  auto rejected = store_->resolve_follow_request(
      other, locked, false,
      {{206, locked, domain::NotificationType::kFollow, other, std::nullopt, 1}});
  ASSERT_TRUE(rejected.ok() && *rejected);
  EXPECT_EQ(number("SELECT count(*) FROM notifications WHERE id = 206"), 0);
}

// The disclosure inventory is one snapshot: a commit by another connection while it
// is being read (here: between its counts of posts and of favourites) is in all of its
// counts or in none.
// A read the caches can answer runs no statement, not even PRAGMA data_version (a read
// transaction, with its file locks), so it never waits for the connection a batch holds
// while it syncs.
TEST_F(SqliteStoreWritesTest, ReadsTheCachesAnswerRunNoStatement) {
  const int64_t author = account("cachedauthor"), viewer = account("cachedviewer");
  const int64_t id = post(author, 7000);
  const auto read_all = [&] {
    EXPECT_TRUE(store_->account_by_id(author).ok());
    EXPECT_TRUE(store_->accounts_by_ids({author, viewer}).ok());
    EXPECT_TRUE(store_->status_by_id(id).ok());
    EXPECT_TRUE(store_->statuses_by_ids({id}).ok());
    EXPECT_TRUE(store_->viewer_flags(viewer, {id}).ok());
    EXPECT_TRUE(store_->poll_choices(viewer, {id}).ok());
    EXPECT_TRUE(store_->hidden_accounts(viewer).ok());
    EXPECT_TRUE(store_->follower_ids(author).ok());
    EXPECT_TRUE(store_->external_commits().ok());
  };
  read_all();  // fills the caches
  testing::StatementHook any(
      *store_, [](std::string_view) { return true; }, [] {});
  read_all();
  EXPECT_FALSE(any.fired());
}

// Every read of a cached post carries the revision of its cache entry; a change gives the
// next read a new one (what the renderer's cache trusts, domain::StoreRevision).
TEST_F(SqliteStoreWritesTest, ReadsOfACachedPostShareItsRevisionUntilItChanges) {
  const int64_t author = account("revauthor"), fan = account("revfan");
  const int64_t id = post(author, 7050), other = post(author, 7051);
  const auto revision = [&](int64_t post_id) {
    auto found = store_->statuses_by_ids({post_id});
    EXPECT_TRUE(found.ok() && found->size() == 1);
    return found.ok() && found->size() == 1 ? found->front().store_revision.value() : 0;
  };
  const uint64_t first = revision(id);
  EXPECT_NE(first, 0u);
  EXPECT_EQ(revision(id), first);
  auto single = store_->status_by_id(id);
  ASSERT_TRUE(single.ok() && single->has_value());
  EXPECT_EQ((*single)->store_revision.value(), first);
  EXPECT_NE(revision(other), first);

  ASSERT_TRUE(store_->set_favourite(fan, id, true, {}).ok());
  auto changed = store_->statuses_by_ids({id});
  ASSERT_TRUE(changed.ok() && changed->size() == 1);
  EXPECT_EQ(changed->front().favourites_count, 1);
  EXPECT_NE(changed->front().store_revision.value(), first);
  EXPECT_NE(changed->front().store_revision.value(), 0u);
}

// So does every read of a cached account, whether one or many are asked for; a follow,
// which counts in the cached accounts in place, and a profile update each give the next
// read a new one.
TEST_F(SqliteStoreWritesTest, ReadsOfACachedAccountShareItsRevisionUntilItChanges) {
  const int64_t followed = account("revfollowed"), follower = account("revfollower");
  const auto revision = [&](int64_t id) {
    auto one = store_->account_by_id(id);
    auto many = store_->accounts_by_ids({follower, id});
    EXPECT_TRUE(one.ok() && one->has_value() && many.ok() && many->size() == 2);
    if (!one.ok() || !one->has_value() || !many.ok() || many->size() != 2) return uint64_t{0};
    for (const auto& a : *many) {
      if (a.id == id) {
        EXPECT_EQ(a.store_revision.value(), (*one)->store_revision.value());
      }
    }
    return (*one)->store_revision.value();
  };
  const uint64_t first = revision(followed);
  EXPECT_NE(first, 0u);
  EXPECT_EQ(revision(followed), first);
  EXPECT_NE(revision(follower), first);

  ASSERT_TRUE(store_->follow(follower, followed, false, true, false, {}).ok());
  const uint64_t followed_revision = revision(followed);
  EXPECT_NE(followed_revision, first);
  EXPECT_NE(followed_revision, 0u);
  auto counted = store_->account_by_id(followed);
  ASSERT_TRUE(counted.ok() && counted->has_value());
  EXPECT_EQ((*counted)->followers_count, 1);

  store::ProfileUpdate renamed;
  renamed.display_name = "Renamed";
  ASSERT_TRUE(store_->update_profile(followed, renamed).ok());
  const uint64_t renamed_revision = revision(followed);
  EXPECT_NE(renamed_revision, followed_revision);
  EXPECT_NE(renamed_revision, 0u);
}

// Reads the caches answer still see what another connection committed (the admin CLI, or
// any SQLite client), and count it as another's commit.
TEST_F(SqliteStoreWritesTest, CachedReadsSeeAnotherConnectionsCommit) {
  const int64_t author = account("seenauthor");
  const int64_t id = post(author, 7100);
  ASSERT_TRUE(store_->account_by_id(author).ok());
  ASSERT_TRUE(store_->status_by_id(id).ok());
  auto before = store_->external_commits();
  ASSERT_TRUE(before.ok());

  auto other = Db::open(dir_.path() + "/publius.db");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(other
                  ->exec("UPDATE accounts SET display_name = 'Renamed' WHERE username = "
                         "'seenauthor'; UPDATE statuses SET text = 'edited' WHERE id = 7100")
                  .ok());

  auto account = store_->account_by_id(author);
  ASSERT_TRUE(account.ok() && account->has_value());
  EXPECT_EQ((*account)->display_name, "Renamed");
  auto status = store_->status_by_id(id);
  ASSERT_TRUE(status.ok() && status->has_value());
  EXPECT_EQ((*status)->text, "edited");
  auto after = store_->external_commits();
  ASSERT_TRUE(after.ok());
  EXPECT_GT(*after, *before);
}

// The store watches SQLite's shared-memory WAL index without a descriptor of its own: closing
// one would drop the process's fcntl locks on the -shm file, SQLite's included, and the next
// process to open the database would take the file over and truncate it under the server's
// mappings (the server died of SIGBUS when a test read the database from outside).
TEST_F(SqliteStoreWritesTest, AnotherProcessFindsTheWalIndexInUseAndLeavesItWhole) {
  const int64_t author = account("shmauthor");
  const int64_t id = post(author, 7200);
  ASSERT_TRUE(store_->status_by_id(id).ok());
  const std::string path = dir_.path() + "/publius.db";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // SQLite's "dead man switch": the byte every user of the WAL index holds a read lock on.
    constexpr off_t kDeadManSwitch = 128;
    const int fd = ::open((path + "-shm").c_str(), O_RDWR | O_CLOEXEC);
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    lock.l_start = kDeadManSwitch;
    lock.l_len = 1;
    if (fd < 0 || ::fcntl(fd, F_GETLK, &lock) != 0 || lock.l_type == F_UNLCK) ::_exit(1);
    // A reader from outside, as the admin CLI or any SQLite client would be.
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK ||
        sqlite3_exec(db, "SELECT count(*) FROM statuses", nullptr, nullptr, nullptr) != SQLITE_OK)
      ::_exit(2);
    sqlite3_close(db);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: nobody holds the WAL index; 2: the reader failed";
  // The server's reads and writes go on over the same mappings.
  const int64_t second = post(author, 7201);
  auto both = store_->statuses_by_ids({id, second});
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->size(), 2u);
}

TEST_F(SqliteStoreWritesTest, InventoryCountsAreOneSnapshot) {
  const int64_t target = account("target"), other = account("someone");
  const int64_t theirs = post(other, 7000);
  auto writer = Db::open(dir_.path() + "/publius.db");
  ASSERT_TRUE(writer.ok());
  const std::string a = std::to_string(target);
  Status written = ok_status();
  Result<store::AccountInventoryCounts> counts = internal_error("not read");
  {
    testing::StatementHook midway(
        *store_, [](std::string_view sql) { return sql.find("FROM favourites") != sql.npos; },
        [&] {
          written = writer->exec(
              "BEGIN; INSERT INTO statuses (id, account_id, text, html, visibility, created_ms) "
              "VALUES (7001, " +
              a +
              ", 'x', 'x', 0, 1); INSERT INTO favourites (account_id, "
              "status_id) VALUES (" +
              a + ", " + std::to_string(theirs) + "); COMMIT;");
        });
    counts = store_->inventory_counts(target);
    ASSERT_TRUE(midway.fired());
  }
  ASSERT_TRUE(written.ok()) << written.error().message;
  ASSERT_TRUE(counts.ok()) << counts.error().message;
  EXPECT_EQ(counts->own_posts[domain::Visibility::kPublic], counts->favourites);
}

// An account's actor key is kept once: a second key offered later (a racing first use)
// is not kept, both get the first; the key goes with its account and counts in the
// inventory; an account that is gone gets none.
TEST_F(SqliteStoreWritesTest, ActorKeyIsKeptOnceAndGoesWithItsAccount) {
  const int64_t alice = account("alice"), gone = account("gone");
  auto none = store_->actor_key(alice);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  const store::ActorKey first{"public one", "private one"}, second{"public two", "private two"};
  auto kept = store_->add_actor_key(alice, first);
  ASSERT_TRUE(kept.ok()) << kept.error().message;
  EXPECT_EQ(*kept, first);
  auto raced = store_->add_actor_key(alice, second);
  ASSERT_TRUE(raced.ok());
  EXPECT_EQ(*raced, first);
  auto read = store_->actor_key(alice);
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ(**read, first);
  auto counts = store_->inventory_counts(alice);
  ASSERT_TRUE(counts.ok());
  EXPECT_TRUE(counts->has_actor_key);

  ASSERT_TRUE(store_->delete_account(gone).ok());
  EXPECT_EQ(code_of(store_->add_actor_key(gone, first)), ErrorCode::kNotFound);
  ASSERT_TRUE(store_->delete_account(alice).ok());
  EXPECT_EQ(number("SELECT count(*) FROM actor_keys"), 0);
}

TEST_F(SqliteStoreWritesTest, AccountsActiveSinceCountsByLastActiveDay) {
  const int64_t a = account("active_a"), b = account("active_b");
  account("never_active");
  const int64_t day = 86'400'000;
  ASSERT_TRUE(store_->touch_activity_day(a, 0, "", 10 * day).ok());
  ASSERT_TRUE(store_->touch_activity_day(b, 0, "", 20 * day).ok());
  for (auto [since, expected] :
       {std::pair{int64_t{0}, 2}, {10 * day, 2}, {11 * day, 1}, {20 * day, 1}, {21 * day, 0}}) {
    auto n = store_->accounts_active_since(since);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, expected) << since;
  }
}

}  // namespace
}  // namespace publius::sqlite
