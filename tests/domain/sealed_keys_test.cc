// The domain's side of sealed direct messages: what the store keeps of a DM, who
// opens it, and how password changes, resets and older accounts treat the keys.
#include <gtest/gtest.h>

#include "domain/microblog.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"
#include "util/crypto.h"

namespace publius::domain {
namespace {

class SealedKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto_init().ok());
    auto opened = sqlite::SqliteStore::open(dir_.path());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
    InstanceConfig config;
    config.domain = "example.org";
    microblog_ = std::make_unique<Microblog>(*store_, feeds_, config);
    App app;
    app.name = "test";
    app.scopes = "read write";
    app.client_id = random_token(32);
    auto created = store_->create_app(app);
    ASSERT_TRUE(created.ok());
    app_id_ = created->id;
  }

  // Registers `name`; returns its id and a token that carries its key.
  std::pair<int64_t, std::string> member(const std::string& name) {
    auto r = microblog_->accounts().register_account(name, "password123");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (!r.ok()) return {0, ""};
    return {r->account.id, token_for(r->account.id, &r->key)};
  }

  std::string token_for(int64_t account, const shield::SecretKey* key) {
    auto issued = microblog_->credentials().issue_token(app_id_, account, "read write", key);
    EXPECT_TRUE(issued.ok());
    return issued.ok() ? issued->secret : "";
  }

  Post dm(int64_t author, const std::string& text) {
    NewPost p;
    p.author_id = author;
    p.text = text;
    p.visibility = Visibility::kDirect;
    auto r = microblog_->posts().create_status(p);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : Post{};
  }

  // The stored post as `reader` (holding `token`) sees it.
  Post as_read_by(int64_t post_id, int64_t reader, const std::string& token) {
    auto stored = store_->status_by_id(post_id);
    EXPECT_TRUE(stored.ok() && stored->has_value());
    Post p = **stored;
    ReaderKey key(microblog_->keys(), reader, shield::Credential::kAccessToken, token);
    key.open(p);
    return p;
  }

  testing::TempDir dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
  timeline::HomeFeeds feeds_;
  std::unique_ptr<Microblog> microblog_;
  int64_t app_id_ = 0;
};

TEST_F(SealedKeysTest, DirectPostsAreStoredSealedAndOpenOnlyForTheirReaders) {
  auto [alice, alice_token] = member("alice");
  auto [bob, bob_token] = member("bob");
  auto [eve, eve_token] = member("eve");
  const Post sent = dm(alice, "@bob meet at noon #Rendezvous");
  EXPECT_NE(sent.html.find("meet at noon"), std::string::npos);  // the author's copy is open
  EXPECT_FALSE(sent.sealed.empty());

  auto stored = store_->status_by_id(sent.id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_TRUE((*stored)->text.empty());
  EXPECT_TRUE((*stored)->html.empty());
  EXPECT_TRUE((*stored)->tags.empty());
  EXPECT_TRUE(is_sealed_unopened(**stored));
  auto tagged = microblog_->timelines().tag_timeline(alice, "rendezvous", Page{});
  ASSERT_TRUE(tagged.ok());
  EXPECT_TRUE(tagged->empty());

  const Post for_bob = as_read_by(sent.id, bob, bob_token);
  EXPECT_EQ(for_bob.text, "@bob meet at noon #Rendezvous");
  ASSERT_EQ(for_bob.tags.size(), 1u);
  EXPECT_NE(as_read_by(sent.id, alice, alice_token).html.find("meet at noon"), std::string::npos);
  // Not a recipient, or no credential at all: a placeholder, never the text.
  EXPECT_EQ(as_read_by(sent.id, eve, eve_token).html, kSealedPlaceholderHtml);
  Post anonymous = **stored;
  ReaderKey nobody;
  nobody.open(anonymous);
  EXPECT_EQ(anonymous.html, kSealedPlaceholderHtml);
}

TEST_F(SealedKeysTest, EditsKeepEarlierVersionsSealed) {
  auto [alice, alice_token] = member("alice");
  auto [bob, bob_token] = member("bob");
  const Post sent = dm(alice, "@bob first words");
  auto edited =
      microblog_->posts().edit_status(alice, sent.id, {"@bob second words", "", false, ""});
  ASSERT_TRUE(edited.ok()) << edited.error().message;
  EXPECT_NE(edited->html.find("second words"), std::string::npos);

  auto stored_edits = store_->status_edits(sent.id);
  ASSERT_TRUE(stored_edits.ok());
  ASSERT_EQ(stored_edits->size(), 1u);
  EXPECT_TRUE(stored_edits->front().text.empty());
  EXPECT_FALSE(stored_edits->front().sealed.empty());

  auto history = microblog_->posts().history(bob, sent.id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  ReaderKey key(microblog_->keys(), bob, shield::Credential::kAccessToken, bob_token);
  for (auto& version : *history) key.open(version);
  EXPECT_EQ((*history)[0].text, "@bob first words");
  EXPECT_EQ((*history)[1].text, "@bob second words");
}

TEST_F(SealedKeysTest, PasswordChangeRewrapsAndAResetWithoutTheKeyStartsAFreshPair) {
  auto [alice, alice_token] = member("alice");
  auto [bob, bob_token] = member("bob");
  const Post before = dm(bob, "@alice sealed to the first pair");

  auto key = microblog_->keys().unlock_with_password(alice, "password123");
  ASSERT_TRUE(key.ok() && key->has_value());
  ASSERT_TRUE(microblog_->credentials().change_password(alice, "second password", &**key).ok());
  EXPECT_FALSE(microblog_->keys().unlock_with_password(alice, "password123")->has_value());
  auto second = microblog_->keys().unlock_with_password(alice, "second password");
  ASSERT_TRUE(second.ok() && second->has_value());
  const std::string rewrapped = token_for(alice, &**second);
  EXPECT_EQ(as_read_by(before.id, alice, rewrapped).text, "@alice sealed to the first pair");

  // A reset by a recovery code that wraps no key: a fresh pair for what comes next.
  ASSERT_TRUE(microblog_->credentials().change_password(alice, "third password", nullptr).ok());
  auto third = microblog_->keys().unlock_with_password(alice, "third password");
  ASSERT_TRUE(third.ok() && third->has_value());
  EXPECT_NE((*third)->public_key(), (*second)->public_key());
  const std::string fresh = token_for(alice, &**third);
  EXPECT_EQ(as_read_by(before.id, alice, fresh).html, kSealedPlaceholderHtml);
  const Post after = dm(bob, "@alice sealed to the fresh pair");
  EXPECT_EQ(as_read_by(after.id, alice, fresh).text, "@alice sealed to the fresh pair");
  EXPECT_EQ(microblog_->credentials().change_password(alice, "short", nullptr).error().code,
            ErrorCode::kUnprocessable);
}

TEST_F(SealedKeysTest, AccountsFromBeforeSealingGetAKeyPairAtTheirNextPassword) {
  auto [alice, alice_token] = member("alice");
  auto hash = password_hash("early password");
  ASSERT_TRUE(hash.ok());
  auto early = store_->create_account({"early", *hash, Role::kUser, {}});
  ASSERT_TRUE(early.ok());
  auto none = store_->account_key(early->id);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  const Post unreadable = dm(alice, "@early sent before your key pair");

  auto key = microblog_->keys().unlock_with_password(early->id, "early password");
  ASSERT_TRUE(key.ok() && key->has_value());
  auto stored = store_->account_key(early->id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->public_key, (*key)->public_key());
  const std::string token = token_for(early->id, &**key);
  EXPECT_EQ(as_read_by(unreadable.id, early->id, token).html, kSealedPlaceholderHtml);
  const Post readable = dm(alice, "@early sent after it");
  EXPECT_EQ(as_read_by(readable.id, early->id, token).text, "@early sent after it");
  // The author's own copy is unaffected.
  EXPECT_EQ(as_read_by(unreadable.id, alice, alice_token).text, "@early sent before your key pair");
}

}  // namespace
}  // namespace publius::domain
