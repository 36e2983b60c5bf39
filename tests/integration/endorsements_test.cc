// Endorsements (Mastodon 4.3's pin and unpin: accounts featured on one's profile) and familiar
// followers against the running server: endorsing only whom one follows, the relationship's
// `endorsed`, the paged list, the follow's end taking the endorsement with it, and familiar
// followers without blocked or muted accounts.
#include "integration/server_harness.h"

namespace publius::integration {
namespace {

class EndorsementsIntegration : public ApiIntegrationTest {
 protected:
  static HttpResponse pin(const User& u, const User& target, bool on = true) {
    return api().post("/api/v1/accounts/" + target.id + (on ? "/pin" : "/unpin"), u.token);
  }
  static std::vector<std::string> endorsed(const User& u, const std::string& query = "") {
    return ids(Api::ok_json(api().get("/api/v1/endorsements" + query, u.token)));
  }
  static bool endorsed_in_relationship(const User& u, const User& target) {
    auto rel = Api::ok_json(api().get("/api/v1/accounts/relationships?id[]=" + target.id, u.token));
    return boolean(rel, "0.endorsed");
  }
};

TEST_F(EndorsementsIntegration, OneEndorsesOnlyWhomOneFollows) {
  const User u = new_user("pin"), friend_ = new_user("pinfriend");
  EXPECT_TRUE(contains(expect_error(pin(u, friend_), 422), "must be already following"));
  EXPECT_TRUE(endorsed(u).empty());
  api().follow(u, friend_);
  auto rel = Api::ok_json(pin(u, friend_));
  EXPECT_TRUE(boolean(rel, "endorsed"));
  EXPECT_TRUE(boolean(rel, "following"));
  // Idempotent, and shown in the relationship.
  EXPECT_TRUE(boolean(Api::ok_json(pin(u, friend_)), "endorsed"));
  EXPECT_TRUE(endorsed_in_relationship(u, friend_));
  EXPECT_FALSE(endorsed_in_relationship(friend_, u));
  EXPECT_EQ(endorsed(u), (std::vector<std::string>{friend_.id}));
  // Unpin, twice.
  EXPECT_FALSE(boolean(Api::ok_json(pin(u, friend_, false)), "endorsed"));
  EXPECT_FALSE(boolean(Api::ok_json(pin(u, friend_, false)), "endorsed"));
  EXPECT_TRUE(endorsed(u).empty());
  // Oneself cannot be followed, so not endorsed either.
  expect_error(pin(u, u), 422);
}

TEST_F(EndorsementsIntegration, EndingTheFollowEndsTheEndorsement) {
  const User u = new_user("pinend");
  const User a = new_user("pina"), b = new_user("pinb"), c = new_user("pinc");
  for (const User* t : {&a, &b, &c}) {
    api().follow(u, *t);
    Api::ok_json(pin(u, *t));
  }
  EXPECT_EQ(endorsed(u).size(), 3u);
  Api::ok_json(api().post("/api/v1/accounts/" + a.id + "/unfollow", u.token));
  // b removes u from its followers; c blocks u.
  Api::ok_json(api().post("/api/v1/accounts/" + u.id + "/remove_from_followers", b.token));
  Api::ok_json(api().post("/api/v1/accounts/" + u.id + "/block", c.token));
  EXPECT_TRUE(endorsed(u).empty());
  for (const User* t : {&a, &b}) EXPECT_FALSE(endorsed_in_relationship(u, *t));
  // Following again does not bring it back.
  api().follow(u, a);
  EXPECT_FALSE(endorsed_in_relationship(u, a));
}

TEST_F(EndorsementsIntegration, EndorsementsPageByLinkHeaders) {
  const User u = new_user("pinpage");
  std::vector<User> targets;
  for (int i = 0; i < 3; ++i) {
    targets.push_back(new_user("pinpaged"));
    api().follow(u, targets.back());
    Api::ok_json(pin(u, targets.back()));
  }
  auto first = api().get("/api/v1/endorsements?limit=2", u.token);
  auto page = Api::ok_json(first);
  // Newest first.
  EXPECT_EQ(ids(page), (std::vector<std::string>{targets[2].id, targets[1].id}));
  const std::string next = link_url(first.header("link"), "next");
  ASSERT_FALSE(next.empty()) << first;
  EXPECT_EQ(ids(Api::ok_json(api().get(strip_origin(next), u.token))),
            (std::vector<std::string>{targets[0].id}));
  expect_error(api().get("/api/v1/endorsements?limit=abc", u.token), 400);
  expect_error(api().get("/api/v1/endorsements"), 401);
}

TEST_F(EndorsementsIntegration, FamiliarFollowersAreFollowedFollowersMinusHiddenOnes) {
  const User me = new_user("fam"), target = new_user("famtarget"), other = new_user("famother");
  const User shared = new_user("famshared"), muted = new_user("fammuted");
  const User blocked = new_user("famblocked"), stranger = new_user("famstranger");
  for (const User* f : {&shared, &muted, &blocked}) api().follow(me, *f);
  for (const User* f : {&shared, &muted, &blocked, &stranger}) api().follow(*f, target);
  api().follow(shared, other);
  Api::ok_json(api().post("/api/v1/accounts/" + muted.id + "/mute", me.token));
  // Blocking ends the viewer's follow, so the blocked account is no familiar follower either.
  Api::ok_json(api().post("/api/v1/accounts/" + blocked.id + "/block", me.token));

  auto familiar =
      Api::ok_json(api().get("/api/v1/accounts/familiar_followers?id[]=" + target.id +
                                 "&id[]=" + other.id + "&id[]=" + stranger.id + "&id[]=999999999",
                             me.token));
  ASSERT_EQ(arr(familiar).size(), 4u);
  EXPECT_EQ(str(familiar, "0.id"), target.id);
  EXPECT_EQ(ids(at(familiar, "0.accounts")), (std::vector<std::string>{shared.id}));
  EXPECT_EQ(str(familiar, "1.id"), other.id);
  EXPECT_EQ(ids(at(familiar, "1.accounts")), (std::vector<std::string>{shared.id}));
  EXPECT_TRUE(arr(familiar, "2.accounts").empty());
  EXPECT_EQ(str(familiar, "3.id"), "999999999");
  EXPECT_TRUE(arr(familiar, "3.accounts").empty());

  // An account that blocks the viewer shows it none of its followers.
  Api::ok_json(api().post("/api/v1/accounts/" + me.id + "/block", other.token));
  auto blocked_view =
      Api::ok_json(api().get("/api/v1/accounts/familiar_followers?id[]=" + other.id, me.token));
  EXPECT_TRUE(arr(blocked_view, "0.accounts").empty());
  // No ids: nothing to answer.
  EXPECT_TRUE(
      arr(Api::ok_json(api().get("/api/v1/accounts/familiar_followers", me.token))).empty());
}

TEST_F(EndorsementsIntegration, BadInputIsAClearError) {
  const User u = new_user("pinbad");
  std::string many;
  for (int i = 1; i <= 41; ++i) many += "&id[]=" + std::to_string(i);
  expect_error(api().get("/api/v1/accounts/familiar_followers?" + many.substr(1), u.token), 422);
  expect_error(api().get("/api/v1/accounts/familiar_followers?id[]=1"), 401);
  for (const std::string bad : {"999999999", "abc", "-1"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(expect_error(api().post("/api/v1/accounts/" + bad + "/pin", u.token), 404),
              "Record not found");
    expect_error(api().post("/api/v1/accounts/" + bad + "/unpin", u.token), 404);
  }
}

}  // namespace
}  // namespace publius::integration
