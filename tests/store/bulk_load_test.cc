// The store's bulk paths (benchmark seeding) leave exactly what the single writes leave.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>

#include "domain/visibility.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"
#include "util/ids.h"

namespace publius::sqlite {
namespace {

// Every row of `table` as text, sorted (the store's own connection, after its commits).
std::vector<std::string> rows_of(SqliteStore& store, const std::string& table) {
  std::vector<std::string> rows;
  store.with_connection([&](Db& db) {
    sqlite3_stmt* stmt = nullptr;
    const std::string sql = "SELECT * FROM " + table;
    ASSERT_EQ(sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::string row;
      for (int col = 0; col < sqlite3_column_count(stmt); ++col) {
        const auto* text = sqlite3_column_text(stmt, col);
        row += (text ? reinterpret_cast<const char*>(text) : "NULL") + std::string("|");
      }
      rows.push_back(row);
    }
    sqlite3_finalize(stmt);
  });
  std::sort(rows.begin(), rows.end());
  return rows;
}

store::NewAccount account_named(std::string name) {
  return {std::move(name), "$argon2id$fake", domain::Role::kUser, {}};
}

std::pair<store::Post, store::NewPostEffects> post_by(int64_t author, int64_t id) {
  store::Post post;
  post.id = id;
  post.created_ms = ms_of_id(id);
  post.account_id = author;
  post.text = "post " + std::to_string(id) + " about #bulk";
  post.html = "<p>" + post.text + "</p>";
  post.tags = {"bulk"};
  store::NewPostEffects effects;
  effects.listing = domain::listing_of(post);
  effects.tag_keys = domain::listed_tag_keys(post);
  return {post, effects};
}

class BulkLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = SqliteStore::open(single_dir_.path());
    ASSERT_TRUE(s.ok());
    single_ = std::move(*s);
    auto b = SqliteStore::open(bulk_dir_.path());
    ASSERT_TRUE(b.ok());
    bulk_ = std::move(*b);
  }
  testing::TempDir single_dir_, bulk_dir_;
  std::unique_ptr<SqliteStore> single_, bulk_;
};

TEST_F(BulkLoadTest, BulkWritesLeaveWhatSingleWritesLeave) {
  const std::vector<std::string> names = {"ann", "bob", "cy", "dee"};
  const std::vector<std::pair<int64_t, int64_t>> follows = {{2, 1}, {3, 1}, {4, 1}, {1, 2}, {3, 2}};
  const int64_t first_id = id_floor_for_ms(1'700'000'000'000);
  std::vector<std::pair<store::Post, store::NewPostEffects>> posts;
  for (int64_t i = 0; i < 5; ++i) posts.push_back(post_by(1 + i % 2, first_id + (i << 16)));
  store::Token token;
  token.app_id = 1;
  token.account_id = 2;
  token.scopes = "read write follow";
  const store::App app{0, "seed", "", {"urn:ietf:wg:oauth:2.0:oob"}, "read", "client", "secret"};

  for (const auto& name : names) ASSERT_TRUE(single_->create_account(account_named(name)).ok());
  ASSERT_TRUE(single_->create_app(app).ok());
  ASSERT_TRUE(single_->create_token("hash", token, "").ok());
  for (const auto& [from, to] : follows)
    ASSERT_TRUE(single_->follow(from, to, false, true, false, {}).ok());
  for (const auto& [post, effects] : posts) ASSERT_TRUE(single_->insert_status(post, effects).ok());

  std::vector<store::NewAccount> accounts;
  for (const auto& name : names) accounts.push_back(account_named(name));
  auto created = bulk_->create_accounts(accounts);
  ASSERT_TRUE(created.ok());
  ASSERT_EQ(created->size(), 4u);
  EXPECT_EQ(created->back().id, 4);
  ASSERT_TRUE(bulk_->create_app(app).ok());
  ASSERT_TRUE(bulk_->create_tokens({{"hash", token, ""}}).ok());
  ASSERT_TRUE(bulk_->insert_follows(follows).ok());
  ASSERT_TRUE(bulk_->insert_statuses(posts).ok());

  for (const char* table :
       {"accounts", "account_id_high_water", "tokens", "follows", "statuses", "status_tags"})
    EXPECT_EQ(rows_of(*single_, table), rows_of(*bulk_, table)) << table;
  auto found_single = single_->search_statuses("about", 20, 0);
  auto found_bulk = bulk_->search_statuses("about", 20, 0);
  ASSERT_TRUE(found_single.ok() && found_bulk.ok());
  EXPECT_EQ(found_single->size(), 5u);
  EXPECT_EQ(*found_single, *found_bulk);
  // The caches read what the batch wrote.
  auto followed = bulk_->account_by_id(1);
  ASSERT_TRUE(followed.ok() && followed->has_value());
  EXPECT_EQ((*followed)->followers_count, 3);
  EXPECT_EQ((*followed)->statuses_count, 3);
}

TEST_F(BulkLoadTest, AFollowBatchWithAPairAlreadyFollowingLeavesNothing) {
  ASSERT_TRUE(
      bulk_->create_accounts({account_named("ann"), account_named("bob"), account_named("cy")})
          .ok());
  ASSERT_TRUE(bulk_->insert_follows({{2, 1}}).ok());
  const auto before = rows_of(*bulk_, "accounts");
  auto failed = bulk_->insert_follows({{3, 1}, {2, 1}});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kConflict);
  EXPECT_EQ(rows_of(*bulk_, "accounts"), before);
  EXPECT_EQ(rows_of(*bulk_, "follows").size(), 1u);
  auto missing = bulk_->insert_follows({{3, 99}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(rows_of(*bulk_, "follows").size(), 1u);
}

}  // namespace
}  // namespace publius::sqlite
