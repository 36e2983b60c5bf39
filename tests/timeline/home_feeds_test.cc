#include "timeline/home_feeds.h"

#include <gtest/gtest.h>

#include <thread>

namespace publius::timeline {
namespace {

using domain::Page;

std::function<Result<std::vector<int64_t>>()> loads(std::vector<int64_t> newest_first) {
  return [ids = std::move(newest_first)]() -> Result<std::vector<int64_t>> { return ids; };
}

TEST(HomeFeedsTest, ColdFeedReadsNothingAndFanOutSkipsIt) {
  HomeFeeds feeds(8);
  const std::vector<int64_t> recipients = {1, 2, 3};
  feeds.fan_out(100, recipients);
  EXPECT_FALSE(feeds.read(1, Page{}).has_value());
  EXPECT_FALSE(feeds.is_warm(1));
}

TEST(HomeFeedsTest, WarmFeedReceivesFanOutNewestFirst) {
  HomeFeeds feeds(8);
  ASSERT_TRUE(feeds.warm(7, loads({30, 20, 10})).ok());
  const std::vector<int64_t> recipients = {7, 8};
  feeds.fan_out(40, recipients);
  auto ids = feeds.read(7, Page{.limit = 10});
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(*ids, (std::vector<int64_t>{40, 30, 20, 10}));
  EXPECT_FALSE(feeds.is_warm(8));
}

TEST(HomeFeedsTest, UsageCountsWarmFeedsTheirIdsAndMemory) {
  HomeFeeds feeds(8);
  EXPECT_EQ(feeds.usage().warm_feeds, 0u);
  EXPECT_EQ(feeds.usage().entries, 0u);
  ASSERT_TRUE(feeds.warm(7, loads({30, 20, 10})).ok());
  ASSERT_TRUE(feeds.warm(500, loads({})).ok());
  const std::vector<int64_t> recipients = {7, 500, 9};
  feeds.fan_out(40, recipients);
  const auto usage = feeds.usage();
  EXPECT_EQ(usage.warm_feeds, 2u);
  EXPECT_EQ(usage.entries, 5u);
  EXPECT_GE(usage.bytes, 5 * sizeof(int64_t));
  feeds.drop(7);
  EXPECT_EQ(feeds.usage().warm_feeds, 1u);
  EXPECT_EQ(feeds.usage().entries, 1u);
}

TEST(HomeFeedsTest, PagesByMaxSinceAndMinId) {
  HomeFeeds feeds(100);
  ASSERT_TRUE(feeds.warm(1, loads({60, 50, 40, 30, 20, 10})).ok());
  EXPECT_EQ(*feeds.read(1, Page{.max_id = 40, .limit = 2}), (std::vector<int64_t>{30, 20}));
  EXPECT_EQ(*feeds.read(1, Page{.since_id = 30, .limit = 2}), (std::vector<int64_t>{60, 50}));
  // min_id: the oldest entries just above it, still newest first.
  EXPECT_EQ(*feeds.read(1, Page{.min_id = 20, .limit = 2}), (std::vector<int64_t>{40, 30}));
  EXPECT_TRUE(feeds.read(1, Page{.max_id = 10, .limit = 5})->empty());
}

TEST(HomeFeedsTest, TrimsToCapacityAndDefersDeepPagesToTheStore) {
  HomeFeeds feeds(4);
  ASSERT_TRUE(feeds.warm(1, loads({})).ok());
  const std::vector<int64_t> me = {1};
  for (int64_t id = 1; id <= 20; ++id) feeds.fan_out(id, me);
  auto newest = feeds.read(1, Page{.limit = 3});
  ASSERT_TRUE(newest.has_value());
  EXPECT_EQ(*newest, (std::vector<int64_t>{20, 19, 18}));
  // Below what the trimmed feed holds, only the store can answer.
  EXPECT_FALSE(feeds.read(1, Page{.max_id = 5, .limit = 3}).has_value());
}

TEST(HomeFeedsTest, AnIdOlderThanATruncatedFeedIsLeftToTheStore) {
  // An edit that adds a followed hashtag fans an old post out again: kept in memory below
  // the feed's oldest entry, it would make the posts between vanish from deeper pages.
  HomeFeeds feeds(8);
  ASSERT_TRUE(feeds.warm(1, loads({})).ok());
  const std::vector<int64_t> me = {1};
  // Trimmed back to 8 at 10 entries: 113..120 are held, the rest is the store's.
  for (int64_t id = 101; id <= 120; ++id) feeds.fan_out(id, me);
  const auto held = feeds.read(1, Page{.limit = 8});
  ASSERT_TRUE(held.has_value());
  ASSERT_EQ(held->back(), 113);
  feeds.fan_out(2, me);
  EXPECT_EQ(feeds.read(1, Page{.limit = 8}), held);
  // The page below the oldest entry held is still the store's (112 and older), never {2}.
  EXPECT_FALSE(feeds.read(1, Page{.max_id = held->back(), .limit = 1}).has_value());
  // A feed that holds the whole history takes it where it belongs.
  HomeFeeds whole(100);
  ASSERT_TRUE(whole.warm(1, loads({20, 10})).ok());
  whole.fan_out(2, me);
  EXPECT_EQ(*whole.read(1, Page{.limit = 10}), (std::vector<int64_t>{20, 10, 2}));
}

TEST(HomeFeedsTest, DuplicateAndOutOfOrderInsertsStaySortedAndUnique) {
  HomeFeeds feeds(10);
  ASSERT_TRUE(feeds.warm(1, loads({50, 10})).ok());
  const std::vector<int64_t> me = {1};
  feeds.fan_out(30, me);
  feeds.fan_out(30, me);
  feeds.fan_out(50, me);
  EXPECT_EQ(*feeds.read(1, Page{.limit = 10}), (std::vector<int64_t>{50, 30, 10}));
}

TEST(HomeFeedsTest, FanOutDuringWarmIsNotLost) {
  HomeFeeds feeds(100);
  const std::vector<int64_t> me = {5};
  // The post lands while the store query runs: it must survive the rebuild.
  ASSERT_TRUE(feeds
                  .warm(5,
                        [&]() -> Result<std::vector<int64_t>> {
                          feeds.fan_out(99, me);
                          return std::vector<int64_t>{10};
                        })
                  .ok());
  EXPECT_EQ(*feeds.read(5, Page{.limit = 10}), (std::vector<int64_t>{99, 10}));
}

TEST(HomeFeedsTest, FailedWarmLeavesTheFeedCold) {
  HomeFeeds feeds(10);
  auto status =
      feeds.warm(3, []() -> Result<std::vector<int64_t>> { return internal_error("disk"); });
  EXPECT_FALSE(status.ok());
  EXPECT_FALSE(feeds.is_warm(3));
}

TEST(HomeFeedsTest, DropMakesTheFeedCold) {
  HomeFeeds feeds(10);
  ASSERT_TRUE(feeds.warm(3, loads({1})).ok());
  feeds.drop(3);
  EXPECT_FALSE(feeds.read(3, Page{}).has_value());
}

TEST(HomeFeedsTest, ManyFollowersAcrossShardsAllReceiveThePost) {
  HomeFeeds feeds(800);
  std::vector<int64_t> followers;
  for (int64_t id = 1; id <= 5000; ++id) {
    followers.push_back(id);
    ASSERT_TRUE(feeds.warm(id, loads({})).ok());
  }
  feeds.fan_out(777, followers);
  for (int64_t id :
       {int64_t{1}, int64_t{63}, int64_t{64}, int64_t{65}, int64_t{4999}, int64_t{5000}}) {
    EXPECT_EQ(*feeds.read(id, Page{.limit = 1}), (std::vector<int64_t>{777})) << id;
  }
}

TEST(HomeFeedsTest, ConcurrentFanOutAndReadsAreSafe) {
  HomeFeeds feeds(50);
  std::vector<int64_t> followers;
  for (int64_t id = 1; id <= 200; ++id) {
    followers.push_back(id);
    ASSERT_TRUE(feeds.warm(id, loads({})).ok());
  }
  std::thread writer([&] {
    for (int64_t post = 1; post <= 500; ++post) feeds.fan_out(post, followers);
  });
  for (int i = 0; i < 2000; ++i) (void)feeds.read(1 + i % 200, Page{.limit = 20});
  writer.join();
  EXPECT_EQ(feeds.read(200, Page{.limit = 1})->front(), 500);
}

}  // namespace
}  // namespace publius::timeline
