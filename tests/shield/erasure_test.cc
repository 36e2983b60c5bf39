// Erasure: a deleted post or account must not be recoverable from the data
// directory's files. secure_delete zeroes freed pages in the database file, but
// the write-ahead log keeps old page images and the search index keeps terms
// until store::Store::erase_deleted() merges and checkpoints.
#include <gtest/gtest.h>

#include <algorithm>

#include "shield/needle_scan.h"
#include "support/microblog_fixture.h"

namespace publius::shield {
namespace {

using shield_test::describe;
using shield_test::NeedleScanner;

using ErasureTest = publius::testing::MicroblogFixture;

TEST_F(ErasureTest, DeletedPostLeavesNoBytesOnceErased) {
  const int64_t alice = account("alice");
  post(alice, "an ordinary post that stays");
  // One word on its own too: the search index stores terms, not sentences.
  const std::string word = "quokkazebraneedle";
  const std::string text = "the regretted words " + word + " about my street";
  const int64_t regretted = post(alice, text);
  NeedleScanner scanner;
  scanner.add(text);
  scanner.add(word);
  ASSERT_FALSE(scanner.scan_path(dir_.path()).empty()) << "the scan cannot see the live post";

  ASSERT_TRUE(microblog_->posts().delete_status(alice, regretted).ok());
  // Deleted and secure_delete'd, yet the log still holds the page it was written on.
  EXPECT_FALSE(scanner.scan_path(dir_.path()).empty());
  auto erased = store_->erase_deleted();
  ASSERT_TRUE(erased.ok()) << erased.error().message;
  EXPECT_TRUE(*erased);
  const auto hits = scanner.scan_path(dir_.path());
  EXPECT_TRUE(hits.empty()) << describe(hits);

  auto again = store_->erase_deleted();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again) << "nothing was deleted since the last pass";
}

TEST_F(ErasureTest, DeletedAccountIsErasedAtOnceWithItsFeeds) {
  const int64_t mallory = account("mallory");
  const int64_t bob = account("bob");
  domain::ProfileChange profile;
  profile.display_name = "Quixote Realname";
  profile.note = "call me on 202-555-0147";
  ASSERT_TRUE(microblog_->accounts().update_profile(mallory, profile).ok());
  ASSERT_TRUE(microblog_->relationships().follow(bob, mallory, true, false).ok());
  ASSERT_TRUE(microblog_->timelines().home_timeline(bob, {}).ok());  // bob's feed is warm
  post(mallory, "my followers-only musings xylophonequagga", domain::Visibility::kPrivate);
  const int64_t bobs = post(bob, "bob says something");
  ASSERT_TRUE(microblog_->posts().set_favourite(mallory, bobs, true).ok());
  NeedleScanner scanner;
  for (const char* needle :
       {"Quixote Realname", "202-555-0147", "xylophonequagga", "my followers-only musings"})
    scanner.add(needle);
  ASSERT_FALSE(scanner.scan_path(dir_.path()).empty());
  ASSERT_TRUE(feeds_.is_warm(bob));

  ASSERT_TRUE(microblog_->accounts().delete_account(mallory).ok());
  const auto hits = scanner.scan_path(dir_.path());
  EXPECT_TRUE(hits.empty()) << describe(hits);
  EXPECT_FALSE(feeds_.is_warm(bob)) << "a follower's feed held the account's posts";
  auto favourited = microblog_->visibility().status(bob, bobs);
  ASSERT_TRUE(favourited.ok());
  EXPECT_EQ(favourited->favourites_count, 0);
  auto bob_account = microblog_->accounts().account(bob);
  ASSERT_TRUE(bob_account.ok());
  EXPECT_EQ(bob_account->following_count, 0);
  EXPECT_EQ(microblog_->accounts().delete_account(mallory).error().code, ErrorCode::kNotFound);
}

// Records what the domain tells caches to drop.
class RecordingObserver final : public domain::ChangeObserver {
 public:
  void post_changed(int64_t post_id) override { posts.push_back(post_id); }
  void account_changed(int64_t account_id) override { accounts.push_back(account_id); }
  void filters_changed(int64_t account_id) override { filter_owners.push_back(account_id); }
  std::vector<int64_t> posts;
  std::vector<int64_t> accounts;
  std::vector<int64_t> filter_owners;
};

// Regression: caches (the API's rendered JSON) kept a deleted account's posts in memory until
// evicted by pressure.
TEST_F(ErasureTest, DeletedAccountLeavesNothingInTheCaches) {
  const int64_t mallory = account("mallory");
  const int64_t bob = account("bob");
  const int64_t bobs = post(bob, "bob's post");
  const std::vector<int64_t> mallorys = {
      post(mallory, "public words"), post(mallory, "unlisted words", domain::Visibility::kUnlisted),
      post(mallory, "followers-only words", domain::Visibility::kPrivate)};
  auto boost = microblog_->posts().set_reblog(mallory, bobs, true, std::nullopt);
  ASSERT_TRUE(boost.ok()) << boost.error().message;
  RecordingObserver observer;
  microblog_->set_observer(&observer);

  ASSERT_TRUE(microblog_->accounts().delete_account(mallory).ok());
  for (int64_t id : mallorys) EXPECT_NE(std::ranges::count(observer.posts, id), 0) << id;
  EXPECT_NE(std::ranges::count(observer.posts, boost->id), 0) << "the boost";
  EXPECT_NE(std::ranges::count(observer.accounts, mallory), 0);
  microblog_->set_observer(nullptr);
}

// Regression: the renderer's cache of each reader's filters kept a deleted account's filter
// keywords (words it chose to avoid, private) in memory after the rows were gone.
TEST_F(ErasureTest, DeletedAccountsFiltersLeaveTheCaches) {
  const int64_t mallory = account("mallory");
  domain::Filter filter;
  filter.title = "spoilers";
  filter.contexts = domain::kFilterHome;
  filter.keywords.push_back({0, "xylophonequagga", true});
  ASSERT_TRUE(microblog_->filters().save_filter(mallory, filter).ok());
  RecordingObserver observer;
  microblog_->set_observer(&observer);

  ASSERT_TRUE(microblog_->accounts().delete_account(mallory).ok());
  EXPECT_NE(std::ranges::count(observer.filter_owners, mallory), 0);
  microblog_->set_observer(nullptr);
}

}  // namespace
}  // namespace publius::shield
