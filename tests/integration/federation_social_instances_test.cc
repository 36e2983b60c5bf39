// Two Publius servers federating over loopback (--federation-loopback-testing): likes,
// boosts and blocks across servers, replies from accounts the author does not follow,
// and posts fetched by their id. Each step is taken on one server and checked on the
// other through the Mastodon API: a favourite and a boost of A's post on B count on A
// (favourited_by, reblogged_by as user@host, notifications) and leave with their undo;
// a boost on B of a post A does not hold reaches A's followers' home timelines as a
// reblog (the post fetched by its id) and leaves with the unboost; a reply from a
// non-follower joins the thread on A; a post's URL searched with resolve=true is
// fetched with its parents; a block on A ends the follows both ways on B and refuses
// B's follow until it is lifted.
#include "integration/federation_instances.h"

namespace publius::integration {
namespace {

// The id on `on` of the post whose ActivityPub id is `uri`, as `viewer` finds it by
// search (resolve=true: fetched when not held); empty when it is not found.
std::string resolve_post(Instance& on, const User& viewer, const std::string& uri) {
  auto found = Api::ok_json(
      on.api->get("/api/v2/search?type=statuses&resolve=true&q=" + enc(uri), viewer.token));
  if (!found.is_object() || arr(found, "statuses").empty()) return {};
  return str(found, "statuses.0.id");
}

// The ActivityPub id of `user`'s post `id` on `on`.
std::string note_uri(const Instance& on, const User& user, const std::string& id) {
  return "http://" + on.host + "/users/" + user.username + "/statuses/" + id;
}

// The accts in an account list.
std::vector<std::string> accts(const json::value& list) {
  std::vector<std::string> out;
  for (const auto& a : arr(list)) out.push_back(str(a, "acct"));
  return out;
}

class FederationSocial : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(a.start());
    ASSERT_TRUE(b.start());
    alice = a.api->register_user(a.app_token, "alice");
    bob = b.api->register_user(b.app_token, "bob");
  }
  json::value status_on_a(const std::string& id) {
    return Api::ok_json(a.api->get("/api/v1/statuses/" + id, alice.token));
  }
  json::value notifications_on_a(const std::string& type) {
    return Api::ok_json(a.api->get("/api/v1/notifications?types[]=" + type, alice.token));
  }
  std::string bob_acct() const { return bob.username + "@" + b.host; }

  Instance a, b;
  User alice, bob;
};

TEST_F(FederationSocial, LikesAndBoostsOfAPostCountOnItsServerUntilUndone) {
  ASSERT_FALSE(follow_across(b, bob, a, alice).empty());
  const std::string post = a.api->post_id(alice, "like me");
  // Bob's server has it: he follows alice.
  const std::string on_b = resolve_post(b, bob, note_uri(a, alice, post));
  ASSERT_FALSE(on_b.empty());

  // Bob favourites it on B: A counts a favourite by bob@B and tells alice.
  Api::ok_json(b.api->post("/api/v1/statuses/" + on_b + "/favourite", bob.token));
  auto status = until([&] { return status_on_a(post); },
                      [](const json::value& v) { return num(v, "favourites_count") == 1; });
  EXPECT_EQ(num(status, "favourites_count"), 1) << status;
  EXPECT_EQ(accts(Api::ok_json(a.api->get("/api/v1/statuses/" + post + "/favourited_by"))),
            std::vector<std::string>{bob_acct()});
  auto favourites = notifications_on_a("favourite");
  ASSERT_EQ(arr(favourites).size(), 1u) << favourites;
  EXPECT_EQ(str(favourites, "0.account.acct"), bob_acct());
  EXPECT_EQ(str(favourites, "0.status.id"), post);
  // And unfavourites it: gone on A.
  Api::ok_json(b.api->post("/api/v1/statuses/" + on_b + "/unfavourite", bob.token));
  status = until([&] { return status_on_a(post); },
                 [](const json::value& v) { return num(v, "favourites_count") == 0; });
  EXPECT_EQ(num(status, "favourites_count"), 0) << status;
  EXPECT_TRUE(arr(Api::ok_json(a.api->get("/api/v1/statuses/" + post + "/favourited_by"))).empty());

  // Bob boosts it on B: A counts a reblog by bob@B and tells alice.
  Api::ok_json(b.api->post("/api/v1/statuses/" + on_b + "/reblog", bob.token));
  status = until([&] { return status_on_a(post); },
                 [](const json::value& v) { return num(v, "reblogs_count") == 1; });
  EXPECT_EQ(num(status, "reblogs_count"), 1) << status;
  EXPECT_EQ(accts(Api::ok_json(a.api->get("/api/v1/statuses/" + post + "/reblogged_by"))),
            std::vector<std::string>{bob_acct()});
  auto reblogs = notifications_on_a("reblog");
  ASSERT_EQ(arr(reblogs).size(), 1u) << reblogs;
  EXPECT_EQ(str(reblogs, "0.account.acct"), bob_acct());
  EXPECT_EQ(str(reblogs, "0.status.id"), post);
  // And unboosts it: gone on A.
  Api::ok_json(b.api->post("/api/v1/statuses/" + on_b + "/unreblog", bob.token));
  status = until([&] { return status_on_a(post); },
                 [](const json::value& v) { return num(v, "reblogs_count") == 0; });
  EXPECT_EQ(num(status, "reblogs_count"), 0) << status;
}

TEST_F(FederationSocial, ABoostOfAPostNotHeldReachesTheBoostersFollowersAsAReblog) {
  // Alice on A follows bob on B; carol on B, whom no one on A follows, posts.
  const std::string bob_on_a = follow_across(a, alice, b, bob);
  ASSERT_FALSE(bob_on_a.empty());
  auto carol = b.api->register_user(b.app_token, "carol");
  const std::string carols = b.api->post_id(carol, "boost me");
  // Bob boosts it: A fetches carol's post by its id and shows bob's boost of it.
  const std::string boost =
      str(Api::ok_json(b.api->post("/api/v1/statuses/" + carols + "/reblog", bob.token)), "id");
  ASSERT_FALSE(boost.empty());
  const auto home = [&] { return Api::ok_json(a.api->get("/api/v1/timelines/home", alice.token)); };
  auto timeline = until(home, [](const json::value& v) { return !arr(v).empty(); });
  ASSERT_EQ(arr(timeline).size(), 1u) << timeline;
  EXPECT_EQ(str(timeline, "0.account.acct"), bob_acct());
  EXPECT_EQ(str(timeline, "0.reblog.account.acct"), carol.username + "@" + b.host);
  EXPECT_EQ(str(timeline, "0.reblog.uri"), note_uri(b, carol, carols));
  EXPECT_TRUE(contains(str(timeline, "0.reblog.content"), "boost me")) << timeline;
  // The unboost takes it away.
  Api::ok_json(b.api->post("/api/v1/statuses/" + carols + "/unreblog", bob.token));
  timeline = until(home, [](const json::value& v) { return arr(v).empty(); });
  EXPECT_TRUE(arr(timeline).empty()) << timeline;
}

TEST_F(FederationSocial, AReplyFromANonFollowerReachesTheAuthorsThread) {
  ASSERT_FALSE(follow_across(b, bob, a, alice).empty());
  const std::string post = a.api->post_id(alice, "any thoughts?");
  auto carol = b.api->register_user(b.app_token, "carol");
  // Carol, whom alice does not follow and who does not follow alice, finds the post and
  // replies to it without a mention.
  const std::string on_b = resolve_post(b, carol, note_uri(a, alice, post));
  ASSERT_FALSE(on_b.empty());
  const std::string reply = b.api->post_id(carol, "a reply", {{"in_reply_to_id", on_b}});
  ASSERT_FALSE(reply.empty());
  const auto context = [&] {
    return Api::ok_json(a.api->get("/api/v1/statuses/" + post + "/context", alice.token));
  };
  auto thread = until(context, [](const json::value& v) { return !arr(v, "descendants").empty(); });
  ASSERT_EQ(arr(thread, "descendants").size(), 1u) << thread;
  EXPECT_EQ(str(thread, "descendants.0.account.acct"), carol.username + "@" + b.host);
  EXPECT_EQ(str(thread, "descendants.0.uri"), note_uri(b, carol, reply));
  EXPECT_EQ(str(thread, "descendants.0.in_reply_to_id"), post);
}

TEST_F(FederationSocial, APostsUrlIsFetchedWithItsParents) {
  auto carol = b.api->register_user(b.app_token, "carol");
  const std::string first = b.api->post_id(carol, "first");
  const std::string second = b.api->post_id(carol, "second", {{"in_reply_to_id", first}});
  const std::string third = b.api->post_id(carol, "third", {{"in_reply_to_id", second}});
  const std::string on_a = resolve_post(a, alice, note_uri(b, carol, third));
  ASSERT_FALSE(on_a.empty());
  auto status = status_on_a(on_a);
  EXPECT_EQ(str(status, "account.acct"), carol.username + "@" + b.host);
  EXPECT_TRUE(contains(str(status, "content"), "third")) << status;
  auto thread = Api::ok_json(a.api->get("/api/v1/statuses/" + on_a + "/context", alice.token));
  ASSERT_EQ(arr(thread, "ancestors").size(), 2u) << thread;
  EXPECT_EQ(str(thread, "ancestors.0.uri"), note_uri(b, carol, first));
  EXPECT_EQ(str(thread, "ancestors.1.uri"), note_uri(b, carol, second));
  // Searched again, it is the same post; a URL of nothing is no result.
  EXPECT_EQ(resolve_post(a, alice, note_uri(b, carol, third)), on_a);
  EXPECT_TRUE(resolve_post(a, alice, note_uri(b, carol, "1")).empty());
}

TEST_F(FederationSocial, ABlockEndsFollowsBothWaysOnTheOtherServerUntilLifted) {
  const std::string bob_on_a = follow_across(a, alice, b, bob);
  const std::string alice_on_b = follow_across(b, bob, a, alice);
  ASSERT_FALSE(bob_on_a.empty());
  ASSERT_FALSE(alice_on_b.empty());
  const auto bob_sees = [&] {
    return Api::ok_json(b.api->get("/api/v1/accounts/relationships?id[]=" + alice_on_b, bob.token));
  };

  // Alice blocks bob: on B neither follows the other any more, and bob's follow is refused.
  Api::ok_json(a.api->post("/api/v1/accounts/" + bob_on_a + "/block", alice.token));
  auto relationship = until(
      bob_sees, [](const json::value& v) { return boolean(v.as_array().at(0), "blocked_by"); });
  const auto& r = relationship.as_array().at(0);
  EXPECT_TRUE(boolean(r, "blocked_by")) << relationship;
  EXPECT_FALSE(boolean(r, "following")) << relationship;
  EXPECT_FALSE(boolean(r, "followed_by")) << relationship;
  EXPECT_EQ(num(Api::ok_json(b.api->get("/api/v1/accounts/" + alice_on_b)), "followers_count"), 0);
  EXPECT_EQ(b.api->post("/api/v1/accounts/" + alice_on_b + "/follow", bob.token).status, 403);
  // On A, bob follows alice no more either.
  EXPECT_EQ(num(Api::ok_json(a.api->get("/api/v1/accounts/" + alice.id)), "followers_count"), 0);

  // Alice lifts it: bob may follow her again.
  Api::ok_json(a.api->post("/api/v1/accounts/" + bob_on_a + "/unblock", alice.token));
  relationship = until(
      bob_sees, [](const json::value& v) { return !boolean(v.as_array().at(0), "blocked_by"); });
  EXPECT_FALSE(boolean(relationship.as_array().at(0), "blocked_by")) << relationship;
  EXPECT_FALSE(follow_across(b, bob, a, alice).empty());
}

}  // namespace
}  // namespace publius::integration
