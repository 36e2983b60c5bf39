// Hashtags as entities and followed hashtags: who follows what, paging, and the public posts a
// followed tag brings into the home timeline (fanned out, and rebuilt from the store).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "domain/microblog.h"
#include "support/microblog_fixture.h"
#include "util/time.h"

namespace publius::domain {
namespace {

class TagsTest : public publius::testing::MicroblogFixture {
 protected:
  std::vector<int64_t> home(int64_t account) {
    auto posts = microblog_->timelines().home_timeline(account, Page{.limit = 40});
    EXPECT_TRUE(posts.ok()) << posts.error().message;
    std::vector<int64_t> ids;
    if (posts.ok())
      for (const auto& p : *posts) ids.push_back(p.id);
    return ids;
  }
  // The home timeline from warm memory and, after dropping the feed, rebuilt from the store:
  // both must agree.
  std::vector<int64_t> home_both_ways(int64_t account) {
    const auto from_memory = home(account);
    feeds_.drop(account);
    const auto rebuilt = home(account);
    EXPECT_EQ(from_memory, rebuilt) << "fan-out and the store's rebuild disagree";
    return rebuilt;
  }
  static bool has(const std::vector<int64_t>& ids, int64_t id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  }
  std::vector<std::string> followed_names(int64_t account, const Page& page) {
    auto tags = microblog_->tags().followed_tags(account, page);
    EXPECT_TRUE(tags.ok()) << tags.error().message;
    std::vector<std::string> names;
    if (tags.ok())
      for (const auto& t : *tags) names.push_back(t.name);
    return names;
  }
};

TEST_F(TagsTest, ATagHasAStableIdAWeekOfPublicHistoryAndTheViewersFollowing) {
  const int64_t alice = account("alice"), bob = account("bob");
  post(alice, "#Cats one");
  post(alice, "#cats two");
  post(bob, "#CATS three");
  post(bob, "#cats unlisted", Visibility::kUnlisted);
  post(bob, "#cats followers only", Visibility::kPrivate);
  post(bob, "@alice #cats direct", Visibility::kDirect);

  auto anonymous = microblog_->tags().tag(std::nullopt, "Cats");
  ASSERT_TRUE(anonymous.ok()) << anonymous.error().message;
  EXPECT_EQ(anonymous->name, "cats");
  EXPECT_EQ(anonymous->id, tag_id("cats"));
  EXPECT_FALSE(anonymous->following.has_value());
  ASSERT_EQ(anonymous->history.size(), static_cast<size_t>(kTagHistoryDays));
  const int64_t today = now_day_ms();
  for (size_t i = 0; i < anonymous->history.size(); ++i)
    EXPECT_EQ(anonymous->history[i].day_ms, today - static_cast<int64_t>(i) * kDayMs);
  // Only the public posts count: three uses by two accounts today, nothing before.
  EXPECT_EQ(anonymous->history[0].uses, 3);
  EXPECT_EQ(anonymous->history[0].accounts, 2);
  for (size_t i = 1; i < anonymous->history.size(); ++i) EXPECT_EQ(anonymous->history[i].uses, 0);

  auto seen = microblog_->tags().tag(alice, "cats");
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->following, std::optional<bool>(false));
  // A tag nobody used is still a tag; a name that cannot be one is not found.
  auto unused = microblog_->tags().tag(alice, "nobodyusesthis");
  ASSERT_TRUE(unused.ok());
  EXPECT_EQ(unused->history[0].uses, 0);
  for (std::string_view bad : {"", "123", "_", "two words", "#cats", "a.b", "x\n"})
    EXPECT_EQ(microblog_->tags().tag(alice, bad).error().code, ErrorCode::kNotFound) << bad;
  // Ids differ between tags and stay exact as JavaScript numbers.
  EXPECT_NE(tag_id("cats"), tag_id("dogs"));
  EXPECT_GT(tag_id("cats"), 0);
  EXPECT_LE(tag_id("cats"), int64_t{1} << 52);
}

TEST_F(TagsTest, FollowingIsIdempotentCaseInsensitiveAndUndone) {
  const int64_t alice = account("alice");
  auto followed = microblog_->tags().follow_tag(alice, "Cats");
  ASSERT_TRUE(followed.ok()) << followed.error().message;
  EXPECT_EQ(followed->name, "cats");
  EXPECT_EQ(followed->following, std::optional<bool>(true));
  ASSERT_TRUE(microblog_->tags().follow_tag(alice, "CATS").ok());
  EXPECT_EQ(followed_names(alice, Page{}), std::vector<std::string>{"cats"});
  EXPECT_EQ(microblog_->tags().follow_tag(alice, "not a tag").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(microblog_->tags().unfollow_tag(alice, "123").error().code, ErrorCode::kNotFound);

  auto unfollowed = microblog_->tags().unfollow_tag(alice, "cAts");
  ASSERT_TRUE(unfollowed.ok());
  EXPECT_EQ(unfollowed->following, std::optional<bool>(false));
  EXPECT_TRUE(followed_names(alice, Page{}).empty());
  EXPECT_TRUE(microblog_->tags().unfollow_tag(alice, "cats").ok());  // already not followed
  // Another account's follows are its own.
  const int64_t bob = account("bob");
  ASSERT_TRUE(microblog_->tags().follow_tag(bob, "dogs").ok());
  EXPECT_TRUE(followed_names(alice, Page{}).empty());
  EXPECT_EQ(microblog_->tags().tag(alice, "dogs")->following, std::optional<bool>(false));
}

TEST_F(TagsTest, FollowedTagsPageByIdLikeEveryList) {
  const int64_t alice = account("alice");
  const std::vector<std::string> names = {"alpha", "bravo", "charlie", "delta", "echo"};
  for (const auto& n : names) ASSERT_TRUE(microblog_->tags().follow_tag(alice, n).ok());
  auto all = microblog_->tags().followed_tags(alice, Page{.limit = 100});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), names.size());
  for (size_t i = 1; i < all->size(); ++i) EXPECT_GT((*all)[i - 1].id, (*all)[i].id);
  for (const auto& t : *all) EXPECT_EQ(t.following, std::optional<bool>(true));

  // Walking down with max_id visits each once, in order.
  std::vector<int64_t> walked;
  Page page{.limit = 2};
  for (;;) {
    auto chunk = microblog_->tags().followed_tags(alice, page);
    ASSERT_TRUE(chunk.ok());
    if (chunk->empty()) break;
    ASSERT_LE(chunk->size(), 2u);
    for (const auto& t : *chunk) walked.push_back(t.id);
    page.max_id = chunk->back().id;
  }
  std::vector<int64_t> expected;
  for (const auto& t : *all) expected.push_back(t.id);
  EXPECT_EQ(walked, expected);
  // min_id gives the ones just above it, since_id the newest above it.
  auto above = microblog_->tags().followed_tags(alice, Page{.min_id = expected[4], .limit = 2});
  ASSERT_TRUE(above.ok());
  ASSERT_EQ(above->size(), 2u);
  EXPECT_EQ((*above)[0].id, expected[2]);
  EXPECT_EQ((*above)[1].id, expected[3]);
  auto newest = microblog_->tags().followed_tags(alice, Page{.since_id = expected[4], .limit = 2});
  ASSERT_TRUE(newest.ok());
  ASSERT_EQ(newest->size(), 2u);
  EXPECT_EQ((*newest)[0].id, expected[0]);
}

TEST_F(TagsTest, AnAccountFollowsAtMostTheLimit) {
  const int64_t alice = account("alice");
  // Filled in one transaction: the limit is about what the domain accepts next.
  ASSERT_TRUE(store_
                  ->with_connection([&](sqlite::Db& db) -> Status {
                    PUBLIUS_TRY(db.exec("BEGIN"));
                    for (size_t i = 0; i < kMaxFollowedTags; ++i) {
                      PUBLIUS_TRY(db.exec("INSERT INTO tag_follows (account_id, tag) VALUES (" +
                                          std::to_string(alice) + ", 'tag" + std::to_string(i) +
                                          "')"));
                    }
                    return db.exec("COMMIT");
                  })
                  .ok());
  auto refused = microblog_->tags().follow_tag(alice, "onemore");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnprocessable);
  // Following one already followed is still fine, and after an unfollow there is room again.
  EXPECT_TRUE(microblog_->tags().follow_tag(alice, "tag7").ok());
  ASSERT_TRUE(microblog_->tags().unfollow_tag(alice, "tag7").ok());
  EXPECT_TRUE(microblog_->tags().follow_tag(alice, "onemore").ok());
}

TEST_F(TagsTest, PublicPostsWithAFollowedTagReachTheHomeTimeline) {
  const int64_t reader = account("reader"), stranger = account("stranger");
  ASSERT_TRUE(microblog_->tags().follow_tag(reader, "Cats").ok());
  EXPECT_TRUE(home(reader).empty());  // warms the feed
  const int64_t tagged = post(stranger, "look #CATS");
  const int64_t untagged = post(stranger, "no tag here");
  const int64_t other_tag = post(stranger, "#dogs");
  const int64_t unlisted = post(stranger, "#cats quietly", Visibility::kUnlisted);
  const int64_t private_post = post(stranger, "#cats for followers", Visibility::kPrivate);
  const int64_t direct = post(stranger, "@reader #cats sealed", Visibility::kDirect);
  const auto ids = home_both_ways(reader);
  EXPECT_TRUE(has(ids, tagged));
  EXPECT_FALSE(has(ids, untagged));
  EXPECT_FALSE(has(ids, other_tag));
  EXPECT_FALSE(has(ids, unlisted));
  EXPECT_FALSE(has(ids, private_post));
  // A direct message reaches its addressee as a direct message, never as a tagged post.
  EXPECT_TRUE(has(ids, direct));
  const int64_t bystander = account("bystander");
  ASSERT_TRUE(microblog_->tags().follow_tag(bystander, "cats").ok());
  EXPECT_EQ(home_both_ways(bystander), std::vector<int64_t>{tagged});

  // A boost of a tagged post by someone the reader does not follow brings nothing new.
  const int64_t booster = account("booster");
  ASSERT_TRUE(microblog_->posts().set_reblog(booster, untagged, true, std::nullopt).ok());
  auto boost = microblog_->posts().set_reblog(booster, tagged, true, std::nullopt);
  ASSERT_TRUE(boost.ok());
  EXPECT_FALSE(has(home_both_ways(reader), boost->id));

  // Unfollowing takes the tag's posts out again.
  ASSERT_TRUE(microblog_->tags().unfollow_tag(reader, "cats").ok());
  EXPECT_FALSE(has(home(reader), tagged));
  EXPECT_FALSE(has(home_both_ways(reader), tagged));
}

TEST_F(TagsTest, FollowingATagBringsItsEarlierPostsAndOnceOnly) {
  const int64_t reader = account("reader"), friend_ = account("friend");
  ASSERT_TRUE(microblog_->relationships().follow(reader, friend_, true, false).ok());
  const int64_t before = post(friend_, "#cats before");
  EXPECT_EQ(home(reader), std::vector<int64_t>{before});
  ASSERT_TRUE(microblog_->tags().follow_tag(reader, "cats").ok());
  const int64_t after = post(friend_, "#cats #Kittens after");
  ASSERT_TRUE(microblog_->tags().follow_tag(reader, "kittens").ok());
  const int64_t both = post(friend_, "#kittens and #cats");
  // Followed author and followed tags: each post once.
  EXPECT_EQ(home_both_ways(reader), (std::vector<int64_t>{both, after, before}));
  // Unfollowing the tag leaves what the followed author wrote.
  ASSERT_TRUE(microblog_->tags().unfollow_tag(reader, "cats").ok());
  ASSERT_TRUE(microblog_->tags().unfollow_tag(reader, "kittens").ok());
  EXPECT_EQ(home_both_ways(reader), (std::vector<int64_t>{both, after, before}));
  // A stranger's earlier tagged post arrives when the tag is followed.
  const int64_t stranger = account("stranger");
  const int64_t old = post(stranger, "#owls at night");
  EXPECT_FALSE(has(home(reader), old));
  ASSERT_TRUE(microblog_->tags().follow_tag(reader, "owls").ok());
  EXPECT_TRUE(has(home_both_ways(reader), old));
}

TEST_F(TagsTest, BlockedAndMutedAuthorsTaggedPostsStayOut) {
  const int64_t reader = account("reader");
  const int64_t blocked = account("blocked"), blocker = account("blocker");
  const int64_t muted = account("muted"), fine = account("fine");
  ASSERT_TRUE(microblog_->tags().follow_tag(reader, "news").ok());
  ASSERT_TRUE(microblog_->relationships().block(reader, blocked, true).ok());
  ASSERT_TRUE(microblog_->relationships().block(blocker, reader, true).ok());
  ASSERT_TRUE(microblog_->relationships().mute(reader, muted, true, true).ok());
  EXPECT_TRUE(home(reader).empty());
  post(blocked, "#news from the blocked");
  post(blocker, "#news from one who blocks the reader");
  post(muted, "#news from the muted");
  const int64_t shown = post(fine, "#news fit to print");
  // The feed itself holds no more, fanned out or rebuilt: the home-feed rule left them
  // out, not the filter the reader's timeline passes.
  const std::optional<std::vector<int64_t>> only_shown = std::vector<int64_t>{shown};
  EXPECT_EQ(feeds_.read(reader, Page{.limit = 40}), only_shown);
  EXPECT_EQ(home_both_ways(reader), std::vector<int64_t>{shown});
  EXPECT_EQ(feeds_.read(reader, Page{.limit = 40}), only_shown);
  // The store's list of a tag's followers is plain data; the rule is the domain's.
  auto followers = store_->tag_follower_ids({"news", "other"});
  ASSERT_TRUE(followers.ok());
  EXPECT_EQ(*followers, std::vector<int64_t>{reader});
}

TEST_F(TagsTest, AnEditThatAddsAFollowedTagBringsThePost) {
  const int64_t reader = account("reader"), author = account("author");
  ASSERT_TRUE(microblog_->tags().follow_tag(reader, "cats").ok());
  EXPECT_TRUE(home(reader).empty());
  const int64_t id = post(author, "a plain post");
  EXPECT_TRUE(home(reader).empty());
  PostChange change;
  change.text = "a plain post about #cats";
  change.keep_poll = true;
  ASSERT_TRUE(microblog_->posts().edit_status(author, id, change).ok());
  EXPECT_EQ(home_both_ways(reader), std::vector<int64_t>{id});
}

TEST_F(TagsTest, TagFollowsGoWithTheAccountAndAreCountedInItsInventory) {
  const int64_t alice = account("alice");
  ASSERT_TRUE(microblog_->tags().follow_tag(alice, "cats").ok());
  ASSERT_TRUE(microblog_->tags().follow_tag(alice, "dogs").ok());
  auto counts = store_->inventory_counts(alice);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->followed_tags, 2);
  // An unfollow is a deletion the erasure pass must see, although the table has no rowid.
  ASSERT_TRUE(store_->erase_deleted().ok());
  ASSERT_TRUE(microblog_->tags().unfollow_tag(alice, "dogs").ok());
  auto erased = store_->erase_deleted();
  ASSERT_TRUE(erased.ok());
  EXPECT_TRUE(*erased);

  ASSERT_TRUE(microblog_->accounts().delete_account(alice).ok());
  auto left = store_->with_connection([](sqlite::Db& db) -> Result<int64_t> {
    PUBLIUS_ASSIGN_OR_RETURN(auto s, db.prepare("SELECT count(*) FROM tag_follows"));
    if (!s.step()) return internal_error("no row");
    return s.int64(0);
  });
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(*left, 0);
}

}  // namespace
}  // namespace publius::domain
