// Lists against the running server: CRUD, members (followed accounts only),
// the list timeline with its replies policy, privacy between accounts.
#include "integration/server_harness.h"

namespace publius::integration {
namespace {

using Ids = std::vector<std::string>;

class ListsApiIntegration : public ApiIntegrationTest {
 protected:
  static Ids get_ids(const std::string& target, const std::string& token) {
    return ids(Api::ok_json(api().get(target, token)));
  }
  static std::string create_list(const User& owner, const std::string& title,
                                 const std::string& replies_policy = "list") {
    auto list = Api::ok_json(
        api().post_form("/api/v1/lists",
                        form({{"title", title}, {"replies_policy", replies_policy}}), owner.token));
    return list.is_object() ? str(list, "id") : "";
  }
  static void add(const User& owner, const std::string& list, const User& member) {
    Api::ok_json(api().post_form("/api/v1/lists/" + list + "/accounts",
                                 form({{"account_ids[]", member.id}}), owner.token));
  }
};

TEST_F(ListsApiIntegration, CreateReadRenameAndDelete) {
  auto owner = new_user("lister");
  auto created = Api::ok_json(api().post_form(
      "/api/v1/lists", form({{"title", "Journalists"}, {"replies_policy", "followed"}}),
      owner.token));
  const std::string id = str(created, "id");
  EXPECT_EQ(str(created, "title"), "Journalists");
  EXPECT_EQ(str(created, "replies_policy"), "followed");
  EXPECT_FALSE(boolean(created, "exclusive"));

  auto renamed = Api::ok_json(api().send_json("PUT", "/api/v1/lists/" + id,
                                              json::object{{"title", "Reporters"}}, owner.token));
  EXPECT_EQ(str(renamed, "title"), "Reporters");
  EXPECT_EQ(str(renamed, "replies_policy"), "followed");  // unchanged when not given
  EXPECT_EQ(str(Api::ok_json(api().get("/api/v1/lists/" + id, owner.token)), "title"), "Reporters");
  EXPECT_EQ(get_ids("/api/v1/lists", owner.token), Ids{id});

  Api::ok_json(api().del("/api/v1/lists/" + id, owner.token));
  EXPECT_EQ(get_ids("/api/v1/lists", owner.token), Ids{});
  expect_error(api().get("/api/v1/lists/" + id, owner.token), 404);
}

TEST_F(ListsApiIntegration, BadInputIsRefusedWithTheFieldNamed) {
  auto owner = new_user("listbad");
  EXPECT_NE(
      expect_error(api().post_form("/api/v1/lists", form({{"title", "  "}}), owner.token), 422)
          .find("title"),
      std::string::npos);
  expect_error(api().post_form("/api/v1/lists", "", owner.token), 422);
  expect_error(
      api().post_form("/api/v1/lists", form({{"title", std::string(101, 'x')}}), owner.token), 422);
  EXPECT_NE(expect_error(api().post_form("/api/v1/lists",
                                         form({{"title", "t"}, {"replies_policy", "everyone"}}),
                                         owner.token),
                         422)
                .find("replies_policy"),
            std::string::npos);
  EXPECT_NE(
      expect_error(api().post_form("/api/v1/lists",
                                   form({{"title", "t"}, {"exclusive", "perhaps"}}), owner.token),
                   400)
          .find("exclusive"),
      std::string::npos);
  const std::string id = create_list(owner, "ok");
  expect_error(api().post_form("/api/v1/lists/" + id + "/accounts", "", owner.token), 422);
  expect_error(api().get("/api/v1/lists"), 401);
  EXPECT_EQ(get_ids("/api/v1/lists", owner.token), Ids{id});  // nothing half-made
}

TEST_F(ListsApiIntegration, OnlyFollowedAccountsJoinAndUnfollowingLeaves) {
  auto owner = new_user("listown");
  auto followed = new_user("listfol");
  auto stranger = new_user("liststr");
  const std::string list = create_list(owner, "Sources");
  api().follow(owner, followed);

  add(owner, list, followed);
  add(owner, list, followed);  // already there: no error, no duplicate
  EXPECT_EQ(get_ids("/api/v1/lists/" + list + "/accounts", owner.token), Ids{followed.id});
  EXPECT_EQ(get_ids("/api/v1/lists/" + list + "/accounts?limit=0", owner.token), Ids{followed.id});
  EXPECT_EQ(get_ids("/api/v1/accounts/" + followed.id + "/lists", owner.token), Ids{list});
  EXPECT_EQ(get_ids("/api/v1/accounts/" + stranger.id + "/lists", owner.token), Ids{});
  expect_error(api().get("/api/v1/accounts/999999999/lists", owner.token), 404);

  EXPECT_NE(expect_error(api().post_form("/api/v1/lists/" + list + "/accounts",
                                         form({{"account_ids[]", stranger.id}}), owner.token),
                         422)
                .find("follow"),
            std::string::npos);
  expect_error(api().post_form("/api/v1/lists/" + list + "/accounts",
                               form({{"account_ids[]", "999999999"}}), owner.token),
               404);

  Api::ok_json(api().post("/api/v1/accounts/" + followed.id + "/unfollow", owner.token));
  EXPECT_EQ(get_ids("/api/v1/lists/" + list + "/accounts", owner.token), Ids{});

  api().follow(owner, followed);
  add(owner, list, followed);
  auto removed = api().send_form("DELETE", "/api/v1/lists/" + list + "/accounts",
                                 form({{"account_ids[]", followed.id}}), owner.token);
  Api::ok_json(removed);
  EXPECT_EQ(get_ids("/api/v1/lists/" + list + "/accounts", owner.token), Ids{});
}

TEST_F(ListsApiIntegration, ListsArePrivateToTheirOwner) {
  auto owner = new_user("listpriv");
  auto other = new_user("listpeek");
  auto member = new_user("listmem");
  const std::string list = create_list(owner, "Private");
  api().follow(owner, member);
  add(owner, list, member);
  api().follow(other, member);
  for (const std::string& target : {"/api/v1/lists/" + list, "/api/v1/lists/" + list + "/accounts",
                                    "/api/v1/timelines/list/" + list})
    expect_error(api().get(target, other.token), 404);
  expect_error(api().post_form("/api/v1/lists/" + list + "/accounts",
                               form({{"account_ids[]", member.id}}), other.token),
               404);
  expect_error(api().del("/api/v1/lists/" + list, other.token), 404);
  EXPECT_EQ(get_ids("/api/v1/accounts/" + member.id + "/lists", other.token), Ids{});
  EXPECT_EQ(get_ids("/api/v1/lists", owner.token), Ids{list});
}

TEST_F(ListsApiIntegration, TimelineShowsMembersPostsWithRepliesAsThePolicySays) {
  auto owner = new_user("listtl");
  auto member = new_user("listtlm");
  auto other_member = new_user("listtlo");
  auto followed = new_user("listtlf");  // followed, not in the list
  auto stranger = new_user("listtls");
  for (const User* u : {&member, &other_member, &followed}) api().follow(owner, *u);
  const std::string by_list = create_list(owner, "list replies", "list");
  const std::string by_followed = create_list(owner, "followed replies", "followed");
  const std::string no_replies = create_list(owner, "no replies", "none");
  for (const std::string& l : {by_list, by_followed, no_replies}) {
    add(owner, l, member);
    add(owner, l, other_member);
  }

  const std::string to_stranger_root = api().post_id(stranger, "stranger");
  const std::string to_followed_root = api().post_id(followed, "followed");
  const std::string to_member_root = api().post_id(other_member, "other member");
  const std::string plain = api().post_id(member, "plain post");
  const std::string for_followers =
      api().post_id(member, "followers only", {{"visibility", "private"}});
  const std::string dm =
      api().post_id(member, "@listtlf a direct message", {{"visibility", "direct"}});
  // The owner may read this one, but it reaches their home feed only (as in Mastodon).
  const std::string dm_to_owner =
      api().post_id(member, "@listtl for the owner alone", {{"visibility", "direct"}});
  const std::string self_reply = api().post_id(member, "thread", {{"in_reply_to_id", plain}});
  const std::string to_member =
      api().post_id(member, "to a member", {{"in_reply_to_id", to_member_root}});
  const std::string to_followed =
      api().post_id(member, "to a followed", {{"in_reply_to_id", to_followed_root}});
  const std::string to_stranger =
      api().post_id(member, "to a stranger", {{"in_reply_to_id", to_stranger_root}});
  (void)dm;
  (void)dm_to_owner;
  (void)to_stranger;

  EXPECT_EQ(get_ids("/api/v1/timelines/list/" + by_list, owner.token),
            (Ids{to_member, self_reply, for_followers, plain, to_member_root}));
  EXPECT_EQ(get_ids("/api/v1/timelines/list/" + by_followed, owner.token),
            (Ids{to_followed, to_member, self_reply, for_followers, plain, to_member_root}));
  EXPECT_EQ(get_ids("/api/v1/timelines/list/" + no_replies, owner.token),
            (Ids{self_reply, for_followers, plain, to_member_root}));

  // Paging: Link header and max_id as every timeline.
  auto page = api().get("/api/v1/timelines/list/" + by_list + "?limit=2", owner.token);
  EXPECT_EQ(ids(Api::ok_json(page)), (Ids{to_member, self_reply}));
  EXPECT_NE(page.header("link").find("max_id=" + self_reply), std::string::npos);
  EXPECT_EQ(get_ids("/api/v1/timelines/list/" + by_list + "?max_id=" + self_reply, owner.token),
            (Ids{for_followers, plain, to_member_root}));

  // Unfollowed members leave the list, and their posts its timeline.
  Api::ok_json(api().post("/api/v1/accounts/" + member.id + "/unfollow", owner.token));
  EXPECT_EQ(get_ids("/api/v1/timelines/list/" + by_list, owner.token), Ids{to_member_root});
}

// An exclusive list's members stay out of the owner's home feed, whether the feed is warm
// when they post (fan-out) or rebuilt from the store later; the list itself shows them.
TEST_F(ListsApiIntegration, ExclusiveListsKeepTheirMembersOutOfHome) {
  auto owner = new_user("excl");
  auto member = new_user("exclm");
  auto followed = new_user("exclf");
  for (const User* u : {&member, &followed}) api().follow(owner, *u);
  auto created = Api::ok_json(api().post_form(
      "/api/v1/lists", form({{"title", "Close ones"}, {"exclusive", "true"}}), owner.token));
  EXPECT_TRUE(boolean(created, "exclusive"));
  const std::string list = str(created, "id");
  add(owner, list, member);
  EXPECT_TRUE(boolean(Api::ok_json(api().get("/api/v1/lists/" + list, owner.token)), "exclusive"));
  auto home = [&] { return get_ids("/api/v1/timelines/home", owner.token); };
  EXPECT_EQ(home(), Ids{});  // warms the feed

  const std::string in_list = api().post_id(member, "for the list");
  const std::string in_home = api().post_id(followed, "for home");
  EXPECT_EQ(home(), Ids{in_home}) << "fan-out";
  EXPECT_EQ(get_ids("/api/v1/timelines/list/" + list, owner.token), Ids{in_list});

  // No longer exclusive: the feed is rebuilt with the member's posts.
  auto changed = Api::ok_json(api().send_json("PUT", "/api/v1/lists/" + list,
                                              json::object{{"exclusive", false}}, owner.token));
  EXPECT_FALSE(boolean(changed, "exclusive"));
  EXPECT_EQ(str(changed, "title"), "Close ones");
  EXPECT_EQ(home(), (Ids{in_home, in_list}));
  const std::string shared = api().post_id(member, "now in both");
  EXPECT_EQ(home(), (Ids{shared, in_home, in_list}));
  // Exclusive again: the rebuilt feed leaves them out.
  Api::ok_json(
      api().send_form("PUT", "/api/v1/lists/" + list, form({{"exclusive", "1"}}), owner.token));
  EXPECT_EQ(home(), Ids{in_home}) << "rebuild";
  // Leaving the list brings them back.
  Api::ok_json(
      api().del("/api/v1/lists/" + list + "/accounts?account_ids[]=" + member.id, owner.token));
  EXPECT_EQ(home(), (Ids{shared, in_home, in_list}));
}

}  // namespace
}  // namespace publius::integration
