// MicroblogFixture: a gtest fixture with a Microblog over a SqliteStore in a
// fresh temporary data directory, and helpers to register accounts and post.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "domain/microblog.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"
#include "timeline/home_feeds.h"
#include "util/crypto.h"

namespace publius::testing {

class MicroblogFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto_init().ok());
    auto store = sqlite::SqliteStore::open(data_dir());
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    domain::InstanceConfig config;
    config.media_dir = data_dir() + "/media";  // as `publius serve` lays out a data directory
    microblog_ = std::make_unique<domain::Microblog>(*store_, feeds_, config);
  }

  // Where the store lives: the temporary directory itself unless a fixture says otherwise.
  virtual std::string data_dir() const { return dir_.path(); }

  // A registered app asking for `scopes`; its id.
  int64_t app(const std::string& scopes = "read write") {
    domain::App app;
    app.name = "test";
    app.scopes = scopes;
    app.client_id = random_token(32);
    auto created = store_->create_app(app);
    EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
    return created.ok() ? created->id : 0;
  }

  int64_t account(const std::string& name) {
    auto r = microblog_->accounts().register_account(name, "correct horse battery staple");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->account.id : 0;
  }

  int64_t post(int64_t author, const std::string& text,
               domain::Visibility visibility = domain::Visibility::kPublic) {
    domain::NewPost p;
    p.author_id = author;
    p.text = text;
    p.visibility = visibility;
    auto r = microblog_->posts().create_status(p);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->id : 0;
  }

  // How many rows `table` holds, read through the store's own connection.
  int64_t count_rows(const std::string& table) {
    auto n = store_->with_connection([&](sqlite::Db& db) -> Result<int64_t> {
      PUBLIUS_ASSIGN_OR_RETURN(auto s, db.prepare("SELECT count(*) FROM " + table));
      if (!s.step()) return internal_error("no row");
      return s.int64(0);
    });
    EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.error().message);
    return n.ok() ? *n : -1;
  }

  TempDir dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
  timeline::HomeFeeds feeds_;
  std::unique_ptr<domain::Microblog> microblog_;
};

}  // namespace publius::testing
