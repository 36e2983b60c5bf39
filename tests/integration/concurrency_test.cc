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

// The probe's finding: three posts sent at once with one Idempotency-Key made two or three
// posts. One is made; every request is answered with it, as Mastodon answers a retry.
TEST_F(ConcurrencyApiIntegration, ConcurrentPostsWithOneIdempotencyKeyMakeOnePost) {
  constexpr int kRounds = 4, kRequests = 3;
  auto author = new_user("cidem");
  for (int round = 0; round < kRounds; ++round) {
    HttpRequest post;
    post.method = "POST";
    post.target = "/api/v1/statuses";
    post.content_type = "application/x-www-form-urlencoded";
    post.body = form({{"status", "once " + std::to_string(round)}});
    post.token = author.token;
    post.headers = {{"Idempotency-Key", "retry-" + std::to_string(round) + "-" + author.id}};
    const std::string bytes = post.serialize();
    // All but the last byte first, then the last bytes together: the server has the
    // requests at once.
    const auto deadline = Clock::now() + 15s;
    std::vector<Connection> connections(kRequests);
    for (auto& c : connections) {
      ASSERT_TRUE(c.open(port()));
      ASSERT_TRUE(c.send(std::string_view(bytes).substr(0, bytes.size() - 1), deadline));
    }
    for (auto& c : connections)
      ASSERT_TRUE(c.send(std::string_view(bytes).substr(bytes.size() - 1), deadline));
    std::vector<HttpResponse> answers;
    for (auto& c : connections) {
      answers.push_back(c.read_response(deadline));
      ASSERT_EQ(answers.back().status, 200) << answers.back();
    }
    // The same status for each (its author's counters may be read at different moments).
    auto status_of = [](const HttpResponse& r) {
      json::value v = r.json();
      v.as_object().erase("account");
      return json::serialize(v);
    };
    for (const auto& answer : answers) EXPECT_EQ(status_of(answer), status_of(answers.front()));
    EXPECT_EQ(num(api().account(author.id), "statuses_count"), round + 1);
  }
}

// The probe's finding: a favourite, boost or bookmark racing the post's deletion was a 500
// ("FOREIGN KEY constraint failed"). A write whose post is gone is a 404, and leaves nothing.
TEST_F(ConcurrencyApiIntegration, ActionsRacingTheirPostsDeletionAre200Or404) {
  constexpr int kRounds = 12;
  auto author = new_user("cdel");
  auto reader = new_user("cact");
  for (const char* action : {"favourite", "reblog", "bookmark"}) {
    for (int round = 0; round < kRounds; ++round) {
      const std::string post = api().post_id(author, std::string(action) + " target");
      int acted = 0, deleted = 0;
      parallel(2, [&](int i) {
        if (i == 0)
          acted = api().post("/api/v1/statuses/" + post + "/" + action, reader.token).status;
        else
          deleted = api().del("/api/v1/statuses/" + post, author.token).status;
      });
      EXPECT_TRUE(acted == 200 || acted == 404) << action << " answered " << acted;
      EXPECT_EQ(deleted, 200);
    }
  }
  // Nothing of the deleted posts stays with the reader.
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/favourites", reader.token))).size(), 0u);
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/bookmarks", reader.token))).size(), 0u);
  EXPECT_EQ(num(api().account(reader.id, reader.token), "statuses_count"), 0);
}

}  // namespace
}  // namespace publius::integration
