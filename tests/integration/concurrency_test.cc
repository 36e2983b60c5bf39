// Many clients at once against the running server: counters and lists must come out exact and
// no request may fail.
#include <mutex>
#include <set>
#include <thread>

#include "integration/server_harness.h"

namespace publius::integration {
namespace {

class ConcurrencyApiIntegration : public ApiIntegrationTest {
 protected:
  // Runs fn(i) for i in [0, n) on n threads and waits for all.
  template <typename Fn>
  static void parallel(int n, Fn fn) {
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) threads.emplace_back([&fn, i] { fn(i); });
    for (auto& t : threads) t.join();
  }
};

TEST_F(ConcurrencyApiIntegration, ParallelRegistrationsFollowsAndFavourites) {
  constexpr int kFans = 6;
  auto star = new_user("cstar");
  const std::string post = api().post_id(star, "popular post");
  std::vector<User> fans(kFans);
  parallel(kFans, [&](int i) { fans[i] = api().register_user(app_token_, "cfan"); });
  std::set<std::string> fan_ids;
  for (const auto& f : fans) {
    ASSERT_FALSE(f.id.empty());
    fan_ids.insert(f.id);
  }
  EXPECT_EQ(fan_ids.size(), static_cast<size_t>(kFans));

  std::mutex mu;
  std::vector<int> statuses;
  parallel(kFans, [&](int i) {
    const int follow = api().post("/api/v1/accounts/" + star.id + "/follow", fans[i].token).status;
    const int fav = api().post("/api/v1/statuses/" + post + "/favourite", fans[i].token).status;
    const int boost = api().post("/api/v1/statuses/" + post + "/reblog", fans[i].token).status;
    std::lock_guard lock(mu);
    statuses.insert(statuses.end(), {follow, fav, boost});
  });
  for (int s : statuses) EXPECT_EQ(s, 200);
  auto st = api().status(post);
  EXPECT_EQ(num(st, "favourites_count"), kFans);
  EXPECT_EQ(num(st, "reblogs_count"), kFans);
  EXPECT_EQ(num(api().account(star.id), "followers_count"), kFans);
  auto by = Api::ok_json(api().get("/api/v1/statuses/" + post + "/favourited_by"));
  std::vector<std::string> got = ids(by);
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), fan_ids);
  auto notes = Api::ok_json(api().get("/api/v1/notifications?limit=80", star.token));
  EXPECT_EQ(arr(notes).size(), static_cast<size_t>(3 * kFans));
}

TEST_F(ConcurrencyApiIntegration, ParallelPostsGetUniqueIdsAndExactCounts) {
  constexpr int kThreads = 4, kPerThread = 20;
  auto author = new_user("cpost");
  auto reader = new_user("cread");
  api().follow(reader, author);
  // A warm home feed receives every post by fan-out while they are being written.
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/timelines/home", reader.token))).size(), 0u);
  std::mutex mu;
  std::vector<std::string> created;
  int failures = 0;
  parallel(kThreads, [&](int t) {
    for (int i = 0; i < kPerThread; ++i) {
      auto r = api().post_form(
          "/api/v1/statuses",
          form({{"status", "t" + std::to_string(t) + " n" + std::to_string(i)}}), author.token);
      bool ok = false;
      json::value v = parse_json(r.body, &ok);
      std::lock_guard lock(mu);
      const json::value* id = ok && v.is_object() ? v.as_object().if_contains("id") : nullptr;
      if (r.status != 200 || !id || !id->is_string()) {
        ++failures;
        continue;
      }
      created.push_back(std::string(id->as_string()));
    }
  });
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(std::set<std::string>(created.begin(), created.end()).size(),
            static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(num(api().account(author.id), "statuses_count"), kThreads * kPerThread);
  // Every post reaches the follower's home exactly once, newest first.
  std::vector<std::string> home;
  std::string target = "/api/v1/timelines/home?limit=40";
  for (int guard = 0; guard < 10 && !target.empty(); ++guard) {
    auto r = api().get(target, reader.token);
    auto page = Api::ok_json(r);
    if (arr(page).empty()) break;
    for (const auto& id : ids(page)) home.push_back(id);
    target = strip_origin(link_url(r.header("link"), "next"));
  }
  EXPECT_EQ(home.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(std::set<std::string>(home.begin(), home.end()),
            std::set<std::string>(created.begin(), created.end()));
  for (size_t i = 1; i < home.size(); ++i)
    EXPECT_GT(std::stoll(home[i - 1]), std::stoll(home[i])) << "home is not newest first at " << i;
}

}  // namespace
}  // namespace publius::integration
