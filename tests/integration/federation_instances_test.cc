// Two Publius servers federating over loopback (--federation-loopback-testing), each at
// its own http://127.0.0.1:PORT: an account on B finds one on A by WebFinger and follows
// it; A's post with a hashtag and a mention of B's account reaches B's home timeline as
// A's (acct user@host, its own uri, its HTML as A rendered it, sanitized), B's account
// hears of the mention, the post streams on public:remote (not public:local), and A's
// deletion takes it away on B.
#include "integration/federation_instances.h"

namespace publius::integration {
namespace {

TEST(FederationInstances, FollowedAccountsPostsReachTheOtherServerAndLeaveWithTheirDeletion) {
  Instance a, b;
  ASSERT_TRUE(a.start());
  ASSERT_TRUE(b.start());
  auto alice = a.api->register_user(a.app_token, "alice");
  auto bob = b.api->register_user(b.app_token, "bob");
  const std::string alice_acct = alice.username + "@" + a.host;

  // Bob finds alice by WebFinger and follows her; A accepts at once.
  const std::string alice_on_b = follow_across(b, bob, a, alice);
  ASSERT_FALSE(alice_on_b.empty());

  // Bob's server streams remote posts on public:remote only.
  Updates remote_updates, local_updates;
  ASSERT_TRUE(remote_updates.open(b.server.port(), "/api/v1/streaming/public/remote", bob.token));
  ASSERT_TRUE(local_updates.open(b.server.port(), "/api/v1/streaming/public/local", bob.token));

  // Alice posts, mentioning bob (whom A knows from his Follow) with a hashtag.
  const std::string post_id =
      a.api->post_id(alice, "Hello @" + bob.username + "@" + b.host + " <b>not bold</b> #fedtest");
  // On A the mention is of bob's account there, shown as Mastodon shows a remote one.
  auto on_a = Api::ok_json(a.api->get("/api/v1/statuses/" + post_id, alice.token));
  EXPECT_EQ(str(on_a, "mentions.0.acct"), bob.username + "@" + b.host);
  EXPECT_EQ(str(on_a, "mentions.0.username"), bob.username);
  const auto home = [&] { return Api::ok_json(b.api->get("/api/v1/timelines/home", bob.token)); };
  auto timeline = until(home, [](const json::value& v) { return !arr(v).empty(); });
  ASSERT_EQ(arr(timeline).size(), 1u) << timeline;
  EXPECT_EQ(str(timeline, "0.account.acct"), alice_acct);
  EXPECT_EQ(str(timeline, "0.uri"),
            "http://" + a.host + "/users/" + alice.username + "/statuses/" + post_id);
  const std::string content = str(timeline, "0.content");
  EXPECT_TRUE(contains(content, "&lt;b&gt;not bold&lt;/b&gt;")) << content;
  EXPECT_TRUE(contains(content, "rel=\"nofollow noopener\" target=\"_blank\"")) << content;
  EXPECT_EQ(str(timeline, "0.tags.0.name"), "fedtest");
  EXPECT_EQ(str(timeline, "0.mentions.0.id"), bob.id);
  const std::string on_b = str(timeline, "0.id");
  EXPECT_EQ(remote_updates.next_id(), on_b);
  const std::string local_post = b.api->post_id(bob, "a local one");
  EXPECT_EQ(local_updates.next_id(), local_post) << "public:local skips the remote post";
  auto mentions = Api::ok_json(b.api->get("/api/v1/notifications?types[]=mention", bob.token));
  ASSERT_EQ(arr(mentions).size(), 1u) << mentions;
  EXPECT_EQ(str(mentions, "0.account.acct"), alice_acct);
  EXPECT_EQ(str(mentions, "0.status.id"), on_b);

  // Alice deletes it: gone on B.
  ASSERT_EQ(a.api->del("/api/v1/statuses/" + post_id, alice.token).status, 200);
  timeline = until(home, [&](const json::value& v) { return !has_id(v, on_b); });
  EXPECT_FALSE(has_id(timeline, on_b)) << timeline;
  EXPECT_EQ(b.api->get("/api/v1/statuses/" + on_b, bob.token).status, 404);
}

}  // namespace
}  // namespace publius::integration
