// Notifications and read markers against the running server.
#include "integration/server_harness.h"

namespace publius::integration {
namespace {

using Strings = std::vector<std::string>;

class NotificationsApiIntegration : public ApiIntegrationTest {
 protected:
  static Strings types(const json::value& list) {
    Strings out;
    for (const auto& n : arr(list)) out.push_back(str(n, "type"));
    return out;
  }
  static json::value notifications(const User& u, const std::string& query = "") {
    return Api::ok_json(api().get("/api/v1/notifications" + query, u.token));
  }
  // Three notifications for `me` in two groups: `a` and `b` favourite a post of its, then
  // `a` follows it.
  static void favourites_and_a_follow(const User& me, const User& a, const User& b) {
    const std::string mine = api().post_id(me, "count me");
    Api::ok_json(api().post("/api/v1/statuses/" + mine + "/favourite", a.token));
    Api::ok_json(api().post("/api/v1/statuses/" + mine + "/favourite", b.token));
    api().follow(a, me);
  }
};

TEST_F(NotificationsApiIntegration, EveryTypeIsDeliveredWithItsAccountAndStatus) {
  auto me = new_user("nme");
  auto b = new_user("nb");
  // follow
  api().follow(b, me);
  // mention
  const std::string mention = api().post_id(b, "hello @" + me.username);
  // favourite and reblog of my post
  const std::string mine = api().post_id(me, "my post");
  Api::ok_json(api().post("/api/v1/statuses/" + mine + "/favourite", b.token));
  Api::ok_json(api().post("/api/v1/statuses/" + mine + "/reblog", b.token));
  // update: I boosted b's post and b edits it
  const std::string theirs = api().post_id(b, "before the edit");
  Api::ok_json(api().post("/api/v1/statuses/" + theirs + "/reblog", me.token));
  Api::ok_json(api().send_form("PUT", "/api/v1/statuses/" + theirs,
                               form({{"status", "after the edit"}}), b.token));

  auto r = api().get("/api/v1/notifications", me.token);
  auto list = Api::ok_json(r);
  EXPECT_EQ(types(list), (Strings{"update", "reblog", "favourite", "mention", "follow"}));
  for (const auto& n : arr(list)) {
    EXPECT_EQ(str(n, "account.id"), b.id) << json::serialize(n);
    EXPECT_FALSE(str(n, "id").empty());
    EXPECT_TRUE(contains(str(n, "created_at"), "T")) << str(n, "created_at");
  }
  EXPECT_EQ(str(list, "0.status.id"), theirs);
  EXPECT_EQ(str(list, "0.status.content"), "<p>after the edit</p>");
  EXPECT_EQ(str(list, "1.status.id"), mine);
  EXPECT_EQ(str(list, "2.status.id"), mine);
  EXPECT_EQ(num(list, "2.status.favourites_count"), 1);
  EXPECT_EQ(str(list, "3.status.id"), mention);
  EXPECT_FALSE(has(list, "4.status")) << "Mastodon leaves `status` out of a follow";
  EXPECT_TRUE(contains(r.header("link"), "/api/v1/notifications?max_id=")) << r.header("link");

  // b hears of my boost of their post.
  auto theirs_list = notifications(b);
  EXPECT_EQ(types(theirs_list), Strings{"reblog"});
  EXPECT_EQ(str(theirs_list, "0.account.id"), me.id);
}

TEST_F(NotificationsApiIntegration, FollowRequestNotification) {
  auto owner = new_user("nlock");
  auto asker = new_user("nask");
  Api::ok_json(api().send_form("PATCH", "/api/v1/accounts/update_credentials",
                               form({{"locked", "1"}}), owner.token));
  api().follow(asker, owner);
  auto list = notifications(owner);
  EXPECT_EQ(types(list), Strings{"follow_request"});
  EXPECT_EQ(str(list, "0.account.id"), asker.id);
  // Accepting turns it into a follow.
  Api::ok_json(api().post("/api/v1/follow_requests/" + asker.id + "/authorize", owner.token));
  auto after = notifications(owner);
  ASSERT_FALSE(arr(after).empty());
  EXPECT_EQ(str(after, "0.type"), "follow");
  EXPECT_EQ(str(after, "0.account.id"), asker.id);
}

TEST_F(NotificationsApiIntegration, TypesAndExcludeTypesFilter) {
  auto me = new_user("nfil");
  auto b = new_user("nfb");
  api().follow(b, me);
  api().post_id(b, "@" + me.username + " one");
  const std::string mine = api().post_id(me, "fav this");
  Api::ok_json(api().post("/api/v1/statuses/" + mine + "/favourite", b.token));
  api().post_id(b, "@" + me.username + " two");

  EXPECT_EQ(types(notifications(me)), (Strings{"mention", "favourite", "mention", "follow"}));
  EXPECT_EQ(types(notifications(me, "?types[]=mention")), (Strings{"mention", "mention"}));
  EXPECT_EQ(types(notifications(me, "?types[]=follow&types[]=favourite")),
            (Strings{"favourite", "follow"}));
  EXPECT_EQ(types(notifications(me, "?exclude_types[]=mention")), (Strings{"favourite", "follow"}));
  EXPECT_EQ(types(notifications(me, "?exclude_types[]=mention&exclude_types[]=follow")),
            Strings{"favourite"});
  // Types this server never sends match nothing.
  EXPECT_EQ(types(notifications(me, "?types[]=poll")), Strings{});
  EXPECT_EQ(types(notifications(me, "?exclude_types[]=poll")).size(), 4u);
  // From one account only.
  EXPECT_EQ(types(notifications(me, "?account_id=" + b.id)).size(), 4u);
  EXPECT_EQ(types(notifications(me, "?account_id=" + me.id)), Strings{});
  // Paging.
  auto first = api().get("/api/v1/notifications?limit=2", me.token);
  EXPECT_EQ(types(Api::ok_json(first)), (Strings{"mention", "favourite"}));
  auto rest =
      Api::ok_json(api().get(strip_origin(link_url(first.header("link"), "next")), me.token));
  EXPECT_EQ(types(rest), (Strings{"mention", "follow"}));
  const std::string oldest = str(rest, "1.id");
  auto above = notifications(me, "?min_id=" + oldest + "&limit=2");
  EXPECT_EQ(types(above), (Strings{"favourite", "mention"})) << "min_id: the oldest page above it";
  EXPECT_EQ(types(notifications(me, "?since_id=" + oldest + "&limit=2")),
            (Strings{"mention", "favourite"}));
  EXPECT_EQ(types(notifications(me, "?types[]=mention&exclude_types[]=mention")), Strings{});
  expect_error(api().get("/api/v1/notifications?limit=many", me.token), 400);
  expect_error(api().get("/api/v1/notifications"), 401);
}

TEST_F(NotificationsApiIntegration, GetOneAndDismiss) {
  auto me = new_user("ndis");
  auto b = new_user("ndb");
  api().follow(b, me);
  api().post_id(b, "@" + me.username + " ping");
  auto list = notifications(me);
  ASSERT_EQ(arr(list).size(), 2u);
  const std::string mention_id = str(list, "0.id");
  const std::string follow_id = str(list, "1.id");

  auto one = Api::ok_json(api().get("/api/v1/notifications/" + mention_id, me.token));
  EXPECT_EQ(str(one, "id"), mention_id);
  EXPECT_EQ(str(one, "type"), "mention");
  EXPECT_EQ(str(one, "account.username"), b.username);
  // Someone else's notification does not exist for you.
  expect_error(api().get("/api/v1/notifications/" + mention_id, b.token), 404);
  expect_error(api().post("/api/v1/notifications/" + mention_id + "/dismiss", b.token), 404);
  expect_error(api().get("/api/v1/notifications/987654321", me.token), 404);
  expect_error(api().get("/api/v1/notifications/nope", me.token), 404);

  auto r = api().post("/api/v1/notifications/" + mention_id + "/dismiss", me.token);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.body, "{}");
  expect_error(api().get("/api/v1/notifications/" + mention_id, me.token), 404);
  expect_error(api().post("/api/v1/notifications/" + mention_id + "/dismiss", me.token), 404);
  EXPECT_EQ(ids(notifications(me)), Strings{follow_id});
}

TEST_F(NotificationsApiIntegration, ClearRemovesAll) {
  auto me = new_user("nclr");
  auto b = new_user("ncb");
  api().follow(b, me);
  api().post_id(b, "@" + me.username + " hey");
  ASSERT_EQ(arr(notifications(me)).size(), 2u);
  auto r = api().post("/api/v1/notifications/clear", me.token);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(arr(notifications(me)).size(), 0u);
  // Others' notifications are untouched.
  api().follow(me, b);
  EXPECT_EQ(types(notifications(b)), Strings{"follow"});
  expect_error(api().post("/api/v1/notifications/clear"), 401);
}

TEST_F(NotificationsApiIntegration, DeletedStatusesAndMutedAccountsDropOut) {
  auto me = new_user("ndel");
  auto b = new_user("ndelb");
  auto c = new_user("ndelc");
  const std::string gone = api().post_id(b, "@" + me.username + " soon deleted");
  api().post_id(c, "@" + me.username + " from c");
  Api::ok_json(api().del("/api/v1/statuses/" + gone, b.token));
  auto list = notifications(me);
  EXPECT_EQ(types(list), Strings{"mention"});
  EXPECT_EQ(str(list, "0.account.id"), c.id);
  Api::ok_json(api().post("/api/v1/accounts/" + c.id + "/mute", me.token));
  EXPECT_EQ(types(notifications(me)), Strings{});
  Api::ok_json(api().post("/api/v1/accounts/" + c.id + "/unmute", me.token));
  EXPECT_EQ(types(notifications(me)), Strings{"mention"});
}

TEST_F(NotificationsApiIntegration, FollowWithNotifyGetsStatusNotifications) {
  auto author = new_user("nauth");
  auto bell = new_user("nbell");
  auto quiet = new_user("nquiet");
  auto other = new_user("nother");
  auto rel = Api::ok_json(api().post_form("/api/v1/accounts/" + author.id + "/follow",
                                          form({{"notify", "true"}}), bell.token));
  EXPECT_TRUE(boolean(rel, "notifying"));
  api().follow(quiet, author);
  const std::string theirs = api().post_id(other, "someone else");

  const std::string post = api().post_id(author, "a new post");
  const std::string thread =
      api().post_id(author, "continuing my thread", {{"in_reply_to_id", post}});
  api().post_id(author, "a reply to someone else", {{"in_reply_to_id", theirs}});
  api().post_id(author, "@" + other.username + " direct", {{"visibility", "direct"}});
  Api::ok_json(api().post("/api/v1/statuses/" + theirs + "/reblog", author.token));
  const std::string priv = api().post_id(author, "followers only", {{"visibility", "private"}});

  // As in Mastodon: a "status" notification for each new post the follower can see, except
  // boosts, direct posts and replies to others.
  auto list = notifications(bell, "?types[]=status");
  EXPECT_EQ(types(list), (Strings{"status", "status", "status"}));
  Strings posted;
  for (const auto& n : arr(list)) {
    posted.push_back(str(n, "status.id"));
    EXPECT_EQ(str(n, "account.id"), author.id);
  }
  EXPECT_EQ(posted, (Strings{priv, thread, post}));
  EXPECT_EQ(types(notifications(quiet)), Strings{}) << "no bell, no notifications";
  // Turning the bell off stops them.
  Api::ok_json(api().post_form("/api/v1/accounts/" + author.id + "/follow",
                               form({{"notify", "false"}}), bell.token));
  api().post_id(author, "after the bell was turned off");
  EXPECT_EQ(arr(notifications(bell, "?types[]=status")).size(), 3u);
}

TEST_F(NotificationsApiIntegration, BlockedAccountsCannotNotify) {
  auto me = new_user("nblk");
  auto troll = new_user("ntroll");
  const std::string mine = api().post_id(me, "minding my business");
  Api::ok_json(api().post("/api/v1/accounts/" + troll.id + "/block", me.token));
  api().post_id(troll, "@" + me.username + " hey");
  expect_error(api().post("/api/v1/statuses/" + mine + "/favourite", troll.token), 404);
  expect_error(api().post("/api/v1/accounts/" + me.id + "/follow", troll.token), 403);
  EXPECT_EQ(types(notifications(me)), Strings{});
  // Muting with notifications=false keeps notifications coming.
  auto chatty = new_user("nchat");
  Api::ok_json(api().post_form("/api/v1/accounts/" + chatty.id + "/mute",
                               form({{"notifications", "false"}}), me.token));
  api().post_id(chatty, "@" + me.username + " still here");
  EXPECT_EQ(types(notifications(me)), Strings{"mention"});
}

TEST_F(NotificationsApiIntegration, Markers) {
  auto me = new_user("mark");
  auto v =
      Api::ok_json(api().get("/api/v1/markers?timeline[]=home&timeline[]=notifications", me.token));
  EXPECT_TRUE(v.is_object() && v.as_object().empty()) << json::serialize(v);

  v = Api::ok_json(
      api().post_form("/api/v1/markers", form({{"home[last_read_id]", "103"}}), me.token));
  EXPECT_EQ(str(v, "home.last_read_id"), "103");
  EXPECT_EQ(num(v, "home.version"), 1);
  // Shield: when someone read their timeline is kept to the day.
  EXPECT_TRUE(contains(str(v, "home.updated_at"), "T00:00:00.000Z")) << str(v, "home.updated_at");
  EXPECT_FALSE(has(v, "notifications"));

  v = Api::ok_json(
      api().post_json("/api/v1/markers",
                      json::object{{"home", json::object{{"last_read_id", "200"}}},
                                   {"notifications", json::object{{"last_read_id", "55"}}}},
                      me.token));
  EXPECT_EQ(str(v, "home.last_read_id"), "200");
  EXPECT_EQ(num(v, "home.version"), 2);
  EXPECT_EQ(str(v, "notifications.last_read_id"), "55");
  EXPECT_EQ(num(v, "notifications.version"), 1);

  v = Api::ok_json(api().get("/api/v1/markers?timeline[]=home", me.token));
  EXPECT_EQ(str(v, "home.last_read_id"), "200");
  EXPECT_FALSE(has(v, "notifications"));
  v = Api::ok_json(api().get("/api/v1/markers", me.token));
  EXPECT_EQ(str(v, "notifications.last_read_id"), "55");

  auto text = expect_error(
      api().post_form("/api/v1/markers", form({{"home[last_read_id]", "abc"}}), me.token), 422);
  EXPECT_TRUE(contains(text, "last_read_id")) << text;
  expect_error(api().post_form("/api/v1/markers", form({{"other[last_read_id]", "1"}}), me.token),
               422);
  expect_error(api().post("/api/v1/markers", me.token), 422);
  // Markers are per account.
  auto other = new_user("mark");
  v = Api::ok_json(api().get("/api/v1/markers", other.token));
  EXPECT_TRUE(v.is_object() && v.as_object().empty()) << json::serialize(v);
  expect_error(api().get("/api/v1/markers"), 401);
}

TEST_F(NotificationsApiIntegration, GroupedFavouritesBoostsAndFollowsFoldTogether) {
  auto me = new_user("grp");
  auto fans = std::vector<User>{new_user("fan"), new_user("fan"), new_user("fan")};
  const std::string mine = api().post_id(me, "worth grouping");
  for (const auto& fan : fans) {
    api().follow(fan, me);
    Api::ok_json(api().post("/api/v1/statuses/" + mine + "/favourite", fan.token));
  }
  Api::ok_json(api().post("/api/v1/statuses/" + mine + "/reblog", fans[0].token));
  const std::string mention = api().post_id(fans[1], "hi @" + me.username);

  auto r = api().get("/api/v2/notifications", me.token);
  auto v = Api::ok_json(r);
  const auto& groups = arr(v.at("notification_groups"));
  ASSERT_EQ(groups.size(), 4u) << json::serialize(v);
  EXPECT_EQ(str(groups[0], "type"), "mention");
  EXPECT_EQ(str(groups[0], "group_key").rfind("ungrouped-", 0), 0u);
  EXPECT_EQ(str(groups[0], "status_id"), mention);
  EXPECT_EQ(str(groups[1], "type"), "reblog");
  EXPECT_EQ(num(groups[1], "notifications_count"), 1);
  EXPECT_EQ(str(groups[2], "type"), "favourite");
  EXPECT_EQ(num(groups[2], "notifications_count"), 3);
  EXPECT_EQ(str(groups[2], "status_id"), mine);
  EXPECT_EQ(arr(groups[2].at("sample_account_ids")).size(), 3u);
  EXPECT_EQ(str(groups[2], "sample_account_ids.0"), fans[2].id);  // newest first
  EXPECT_EQ(str(groups[3], "type"), "follow");
  EXPECT_EQ(num(groups[3], "notifications_count"), 3);
  EXPECT_EQ(arr(v.at("accounts")).size(), 3u);
  ASSERT_EQ(arr(v.at("statuses")).size(), 2u);
  EXPECT_TRUE(contains(r.header("link"), "/api/v2/notifications?max_id=")) << r.header("link");

  // v1 carries the same group keys.
  auto v1 = Api::ok_json(api().get("/api/v1/notifications?types[]=favourite", me.token));
  for (const auto& n : arr(v1)) EXPECT_EQ(str(n, "group_key"), str(groups[2], "group_key"));

  // A page smaller than a group still counts the whole group.
  auto first = Api::ok_json(api().get("/api/v2/notifications?limit=3", me.token));
  EXPECT_EQ(num(first, "notification_groups.2.notifications_count"), 3);
  EXPECT_EQ(str(first, "notification_groups.2.page_min_id"),
            str(first, "notification_groups.2.page_max_id"));

  // grouped_types[] narrows grouping; others come one by one.
  auto only_follows =
      Api::ok_json(api().get("/api/v2/notifications?grouped_types[]=follow", me.token));
  EXPECT_EQ(arr(only_follows.at("notification_groups")).size(), 6u);

  // One group, its accounts, then dismissing it whole.
  const std::string key = str(groups[2], "group_key");
  auto one = Api::ok_json(api().get("/api/v2/notifications/" + key, me.token));
  EXPECT_EQ(num(one, "notification_groups.0.notifications_count"), 3);
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v2/notifications/" + key + "/accounts", me.token))),
            (Strings{fans[2].id, fans[1].id, fans[0].id}));
  expect_error(api().get("/api/v2/notifications/" + key, fans[0].token), 404);
  for (const char* bad : {"not-a-key", "favourite-1", "follow-1-2", "mention-1-2", "ungrouped-",
                          "ungrouped--5", "follow-99999999999999999999", "favourite-1-2-3"})
    expect_error(api().get(std::string("/api/v2/notifications/") + bad, me.token), 404);
  Api::ok_json(api().post("/api/v2/notifications/" + key + "/dismiss", me.token));
  expect_error(api().get("/api/v2/notifications/" + key, me.token), 404);
  EXPECT_EQ(
      arr(Api::ok_json(api().get("/api/v2/notifications", me.token)).at("notification_groups"))
          .size(),
      3u);
  expect_error(api().get("/api/v2/notifications"), 401);
}

TEST_F(NotificationsApiIntegration, UnreadGroupCountFollowsTheMarker) {
  auto me = new_user("unr");
  auto a = new_user("unr");
  auto b = new_user("unr");
  favourites_and_a_follow(me, a, b);
  auto count = [&](const std::string& query = "") {
    return num(Api::ok_json(api().get("/api/v2/notifications/unread_count" + query, me.token)),
               "count");
  };
  EXPECT_EQ(count(), 2);  // one favourite group, one follow group
  EXPECT_EQ(count("?limit=1"), 1);
  auto newest = Api::ok_json(api().get("/api/v1/notifications?limit=1", me.token));
  Api::ok_json(api().post_form(
      "/api/v1/markers", form({{"notifications[last_read_id]", str(newest, "0.id")}}), me.token));
  EXPECT_EQ(count(), 0);
  api().follow(b, me);
  EXPECT_EQ(count(), 1);
}

TEST_F(NotificationsApiIntegration, UnreadCountCountsNotificationsSinceTheMarker) {
  auto me = new_user("unc");
  auto a = new_user("unc");
  auto b = new_user("unc");
  favourites_and_a_follow(me, a, b);
  auto count = [&](const std::string& query = "") {
    auto r = api().get("/api/v1/notifications/unread_count" + query, me.token);
    EXPECT_EQ(r.body.find("\"id\""), std::string::npos) << "not a notification: " << r;
    return num(Api::ok_json(r), "count");
  };
  // Not grouped: each favourite counts (v2 counts the group once).
  EXPECT_EQ(count(), 3);
  EXPECT_EQ(count("?limit=2"), 2);
  EXPECT_EQ(count("?types[]=favourite"), 2);
  EXPECT_EQ(count("?exclude_types[]=favourite"), 1);
  EXPECT_EQ(count("?account_id=" + a.id), 2);
  auto newest = Api::ok_json(api().get("/api/v1/notifications?limit=1", me.token));
  Api::ok_json(api().post_form(
      "/api/v1/markers", form({{"notifications[last_read_id]", str(newest, "0.id")}}), me.token));
  EXPECT_EQ(count(), 0);
  api().follow(b, me);
  EXPECT_EQ(count(), 1);
  expect_error(api().get("/api/v1/notifications/unread_count?limit=lots", me.token), 400);
  expect_error(api().get("/api/v1/notifications/unread_count"), 401);
}

TEST_F(NotificationsApiIntegration, UnknownTypesAreIgnoredOnEveryNotificationList) {
  auto me = new_user("unk");
  auto b = new_user("unk");
  api().follow(b, me);
  api().post_id(b, "@" + me.username + " typed");
  const std::string unknown = "types[]=mention&types[]=no_such_type&types[]=severed_relationships";
  const std::string exclude_unknown = "exclude_types[]=no_such_type&exclude_types[]=admin.sign_up";
  EXPECT_EQ(types(notifications(me, "?" + unknown)), Strings{"mention"});
  EXPECT_EQ(types(notifications(me, "?" + exclude_unknown)), (Strings{"mention", "follow"}));
  auto grouped = [&](const std::string& query) {
    Strings out;
    auto v = Api::ok_json(api().get("/api/v2/notifications?" + query, me.token));
    for (const auto& g : arr(v.at("notification_groups"))) out.push_back(str(g, "type"));
    return out;
  };
  EXPECT_EQ(grouped(unknown), Strings{"mention"});
  EXPECT_EQ(grouped(exclude_unknown + "&grouped_types[]=no_such_type"),
            (Strings{"mention", "follow"}));
  for (const char* version : {"v1", "v2"}) {
    const std::string path = std::string("/api/") + version + "/notifications/unread_count?";
    EXPECT_EQ(num(Api::ok_json(api().get(path + unknown, me.token)), "count"), 1) << version;
    EXPECT_EQ(num(Api::ok_json(api().get(path + exclude_unknown, me.token)), "count"), 2)
        << version;
  }
}

// ---------------------------------------------------------------------------
// Notification policy and requests (Mastodon 4.3)

class NotificationPolicyIntegration : public NotificationsApiIntegration {
 protected:
  static json::value policy(const User& u) {
    return Api::ok_json(api().get("/api/v2/notifications/policy", u.token));
  }
  static json::value set_policy(const User& u, const std::string& body) {
    return Api::ok_json(api().send_form("PATCH", "/api/v2/notifications/policy", body, u.token));
  }
  static json::value requests(const User& u) {
    return Api::ok_json(api().get("/api/v1/notifications/requests", u.token));
  }
  // The senders whose requests `u` holds, newest request first.
  static Strings request_senders(const User& u) {
    Strings out;
    const auto list = requests(u);
    for (const auto& r : arr(list)) out.push_back(str(r, "account.id"));
    return out;
  }
  static Strings senders(const json::value& list) {
    Strings out;
    for (const auto& n : arr(list)) out.push_back(str(n, "account.id"));
    return out;
  }
  static std::string dm(const User& from, const User& to, const std::string& text,
                        const std::string& in_reply_to = "") {
    if (in_reply_to.empty())
      return api().post_id(from, "@" + to.username + " " + text, {{"visibility", "direct"}});
    return api().post_id(from, "@" + to.username + " " + text,
                         {{"visibility", "direct"}, {"in_reply_to_id", in_reply_to}});
  }
};

TEST_F(NotificationPolicyIntegration, PrivateMentionsFromStrangersWaitAsRequestsUntilAccepted) {
  auto me = new_user("pol");
  auto stranger = new_user("pols");
  auto v = policy(me);
  EXPECT_EQ(str(v, "for_not_following"), "accept");
  EXPECT_EQ(str(v, "for_not_followers"), "accept");
  EXPECT_EQ(str(v, "for_new_accounts"), "accept");
  EXPECT_EQ(str(v, "for_private_mentions"), "filter");
  EXPECT_EQ(str(v, "for_limited_accounts"), "filter") << "Mastodon 4.3's default";
  EXPECT_EQ(num(v, "summary.pending_requests_count"), 0);

  const std::string first = dm(stranger, me, "a tip");
  const std::string second = dm(stranger, me, "more of it");
  api().post_id(stranger, "@" + me.username + " in public");  // not private: accepted
  EXPECT_EQ(types(notifications(me)), Strings{"mention"});
  EXPECT_EQ(num(Api::ok_json(api().get("/api/v1/notifications/unread_count", me.token)), "count"),
            1);
  EXPECT_EQ(types(notifications(me, "?include_filtered=true")),
            (Strings{"mention", "mention", "mention"}));
  v = policy(me);
  EXPECT_EQ(num(v, "summary.pending_requests_count"), 1);
  EXPECT_EQ(num(v, "summary.pending_notifications_count"), 2);

  auto listed = api().get("/api/v1/notifications/requests", me.token);
  auto list = Api::ok_json(listed);
  ASSERT_EQ(arr(list).size(), 1u);
  EXPECT_EQ(str(list, "0.account.id"), stranger.id);
  EXPECT_EQ(str(list, "0.notifications_count"), "2");
  EXPECT_EQ(str(list, "0.last_status.id"), second);
  EXPECT_EQ(str(list, "0.last_status.content"), str(api().status(second, me.token), "content"))
      << "the sealed message opens for its recipient";
  EXPECT_TRUE(contains(listed.header("link"), "/api/v1/notifications/requests?max_id="))
      << listed.header("link");
  const std::string request = str(list, "0.id");
  auto one = Api::ok_json(api().get("/api/v1/notifications/requests/" + request, me.token));
  EXPECT_EQ(str(one, "id"), request);
  // Another message keeps the request and its id.
  dm(stranger, me, "last one");
  EXPECT_EQ(str(requests(me), "0.id"), request);
  EXPECT_EQ(str(requests(me), "0.notifications_count"), "3");

  Api::ok_json(api().post("/api/v1/notifications/requests/" + request + "/accept", me.token));
  EXPECT_EQ(arr(requests(me)).size(), 0u);
  EXPECT_EQ(types(notifications(me)), (Strings{"mention", "mention", "mention", "mention"}));
  EXPECT_EQ(str(notifications(me), "3.status.id"), first);
  EXPECT_TRUE(boolean(Api::ok_json(api().get("/api/v1/notifications/requests/merged", me.token)),
                      "merged"));
  EXPECT_EQ(num(policy(me), "summary.pending_requests_count"), 0);
  // The sender is accepted from now on.
  const std::string later = dm(stranger, me, "after accepting");
  EXPECT_EQ(str(notifications(me), "0.status.id"), later);
  expect_error(api().get("/api/v1/notifications/requests/" + request, me.token), 404);
}

TEST_F(NotificationPolicyIntegration, AnAnswerToOnesOwnPrivateMentionIsNotHeldBack) {
  auto me = new_user("pola");
  auto source = new_user("polb");
  const std::string asked = dm(me, source, "can we talk?");
  dm(source, me, "yes", asked);
  EXPECT_EQ(types(notifications(me)), Strings{"mention"});
  EXPECT_EQ(arr(requests(me)).size(), 0u);
  // A message that answers nothing of mine is unsolicited again.
  dm(source, me, "and another thing");
  EXPECT_EQ(request_senders(me), Strings{source.id});
}

TEST_F(NotificationPolicyIntegration, EveryStoredValueChangesWhatIsNotified) {
  auto me = new_user("polv");
  auto followed = new_user("polf");
  auto follower = new_user("polr");
  auto stranger = new_user("polx");
  api().follow(me, followed);
  api().follow(follower, me);
  auto mention_me = [&](const User& from) { api().post_id(from, "@" + me.username + " hi"); };
  auto clear = [&] {
    Api::ok_json(api().post("/api/v1/notifications/clear", me.token));
    const auto pending = requests(me);
    for (const auto& r : arr(pending))
      Api::ok_json(
          api().post("/api/v1/notifications/requests/" + str(r, "id") + "/dismiss", me.token));
  };
  clear();

  // Not following the sender: filtered, the others shown.
  {
    auto v = set_policy(me, form({{"for_not_following", "filter"}}));
    EXPECT_EQ(str(v, "for_not_following"), "filter");
    EXPECT_EQ(str(v, "for_private_mentions"), "filter") << "untouched";
    for (const auto* u : {&followed, &follower, &stranger}) mention_me(*u);
    EXPECT_EQ(senders(notifications(me)), Strings{followed.id});
    EXPECT_EQ(request_senders(me), (Strings{stranger.id, follower.id}));
    clear();
  }
  // Not followed by the sender: dropped, not even a request.
  set_policy(me, form({{"for_not_following", "accept"}, {"for_not_followers", "drop"}}));
  for (const auto* u : {&followed, &follower, &stranger}) mention_me(*u);
  EXPECT_EQ(senders(notifications(me)), Strings{follower.id});
  EXPECT_EQ(senders(notifications(me, "?include_filtered=true")), Strings{follower.id});
  EXPECT_EQ(arr(requests(me)).size(), 0u);
  clear();
  // New accounts (every account here is): filtered, even the one followed.
  set_policy(me, form({{"for_not_followers", "accept"}, {"for_new_accounts", "filter"}}));
  for (const auto* u : {&followed, &follower}) mention_me(*u);
  EXPECT_EQ(arr(notifications(me)).size(), 0u);
  EXPECT_EQ(request_senders(me), (Strings{follower.id, followed.id}));
  clear();
  // Private mentions from strangers: dropped.
  set_policy(me, form({{"for_new_accounts", "accept"}, {"for_private_mentions", "drop"}}));
  dm(stranger, me, "dropped");
  dm(followed, me, "from someone I follow");
  EXPECT_EQ(senders(notifications(me)), Strings{followed.id});
  EXPECT_EQ(arr(requests(me)).size(), 0u);
  // ...and all of it accepted again; no account is limited, so for_limited_accounts drops none.
  set_policy(me, form({{"for_private_mentions", "accept"}, {"for_limited_accounts", "drop"}}));
  dm(stranger, me, "welcome now");
  EXPECT_EQ(str(notifications(me), "0.account.id"), stranger.id);
}

// A follow's notification is decided before the follow is stored (it commits with it),
// yet as of after it: the new follower counts as following the account it follows,
// so "not followers: drop" keeps it, while "not following: filter" holds it back.
TEST_F(NotificationPolicyIntegration, AFollowIsNotifiedAsFromAFollower) {
  auto me = new_user("polfw");
  auto first = new_user("polf1");
  auto second = new_user("polf2");
  set_policy(me, form({{"for_not_followers", "drop"}}));
  api().follow(first, me);
  EXPECT_EQ(types(notifications(me)), Strings{"follow"});
  EXPECT_EQ(senders(notifications(me)), Strings{first.id});
  set_policy(me, form({{"for_not_followers", "accept"}, {"for_not_following", "filter"}}));
  api().follow(second, me);
  EXPECT_EQ(senders(notifications(me)), Strings{first.id});
  EXPECT_EQ(request_senders(me), Strings{second.id});
}

TEST_F(NotificationPolicyIntegration, DismissingDeletesAndBulkActionsTakeIds) {
  auto me = new_user("pold");
  auto a = new_user("polda");
  auto b = new_user("poldb");
  auto c = new_user("poldc");
  set_policy(me, form({{"for_not_following", "filter"}}));
  for (const auto* u : {&a, &b, &c}) api().post_id(*u, "@" + me.username + " knock");
  auto list = requests(me);
  ASSERT_EQ(arr(list).size(), 3u);
  const std::string of_c = str(list, "0.id"), of_b = str(list, "1.id"), of_a = str(list, "2.id");
  // Paging by request id.
  auto first = api().get("/api/v1/notifications/requests?limit=2", me.token);
  EXPECT_EQ(arr(Api::ok_json(first)).size(), 2u);
  auto rest =
      Api::ok_json(api().get(strip_origin(link_url(first.header("link"), "next")), me.token));
  ASSERT_EQ(arr(rest).size(), 1u);
  EXPECT_EQ(str(rest, "0.id"), of_a);

  Api::ok_json(api().post("/api/v1/notifications/requests/" + of_c + "/dismiss", me.token));
  EXPECT_EQ(request_senders(me), (Strings{b.id, a.id}));
  EXPECT_EQ(arr(notifications(me, "?include_filtered=true")).size(), 2u) << "c's were deleted";
  // c's next one is a new request.
  api().post_id(c, "@" + me.username + " again");
  EXPECT_NE(str(requests(me), "0.id"), of_c);
  EXPECT_EQ(request_senders(me), (Strings{c.id, b.id, a.id}));

  Api::ok_json(api().post_form("/api/v1/notifications/requests/accept",
                               form({{"id[]", of_a}, {"id[]", of_b}, {"id[]", "12345"}}),
                               me.token));
  EXPECT_EQ(request_senders(me), Strings{c.id});
  EXPECT_EQ(senders(notifications(me)), (Strings{b.id, a.id}));
  Api::ok_json(api().post_form("/api/v1/notifications/requests/dismiss",
                               form({{"id[]", str(requests(me), "0.id")}}), me.token));
  EXPECT_EQ(arr(requests(me)).size(), 0u);

  // Bad input: a clear 4xx, and nothing changed.
  auto other = new_user("polo");
  set_policy(other, form({{"for_not_following", "filter"}}));
  api().post_id(a, "@" + other.username + " theirs");
  const std::string theirs = str(requests(other), "0.id");
  expect_error(api().get("/api/v1/notifications/requests/" + theirs, me.token), 404);
  expect_error(api().post("/api/v1/notifications/requests/" + theirs + "/accept", me.token), 404);
  expect_error(api().post("/api/v1/notifications/requests/" + theirs + "/dismiss", me.token), 404);
  expect_error(api().get("/api/v1/notifications/requests/nope", me.token), 404);
  EXPECT_TRUE(contains(
      expect_error(api().post_form("/api/v1/notifications/requests/accept", "", me.token), 422),
      "id[]"));
  EXPECT_TRUE(
      contains(expect_error(api().send_form("PATCH", "/api/v2/notifications/policy",
                                            form({{"for_new_accounts", "maybe"}}), me.token),
                            422),
               "for_new_accounts"));
  // No account is limited here, so the condition filters nothing, but it is kept as set.
  EXPECT_EQ(str(set_policy(me, form({{"for_limited_accounts", "drop"}})), "for_limited_accounts"),
            "drop");
  EXPECT_EQ(str(policy(me), "for_limited_accounts"), "drop");
  EXPECT_EQ(str(policy(me), "for_private_mentions"), "filter") << "untouched";
  expect_error(api().send_form("PATCH", "/api/v2/notifications/policy",
                               form({{"for_limited_accounts", "sometimes"}}), me.token),
               422);
  EXPECT_EQ(str(requests(other), "0.id"), theirs);
  expect_error(api().get("/api/v2/notifications/policy"), 401);
  expect_error(api().get("/api/v1/notifications/requests"), 401);
}

// ---------------------------------------------------------------------------
// Muted threads (Mastodon's conversation mutes)

TEST_F(NotificationsApiIntegration, AMutedThreadNotifiesNothingUntilUnmuted) {
  auto me = new_user("thr");
  auto a = new_user("thra");
  auto b = new_user("thrb");
  const std::string root = api().post_id(me, "a thread of mine");
  const std::string reply =
      api().post_id(a, "@" + me.username + " a reply", {{"in_reply_to_id", root}});
  EXPECT_EQ(types(notifications(me)), Strings{"mention"});
  Api::ok_json(api().post("/api/v1/notifications/clear", me.token));

  // Muting through any post of the thread mutes the whole thread.
  auto muted = Api::ok_json(api().post("/api/v1/statuses/" + reply + "/mute", me.token));
  EXPECT_EQ(str(muted, "id"), reply);
  EXPECT_TRUE(boolean(muted, "muted"));
  EXPECT_TRUE(boolean(api().status(root, me.token), "muted"));
  EXPECT_FALSE(boolean(api().status(root, a.token), "muted")) << "the mute is mine alone";
  Api::ok_json(api().post("/api/v1/statuses/" + root + "/favourite", b.token));
  Api::ok_json(api().post("/api/v1/statuses/" + root + "/reblog", b.token));
  api().post_id(b, "@" + me.username + " deeper", {{"in_reply_to_id", reply}});
  EXPECT_EQ(types(notifications(me, "?include_filtered=true")), Strings{});
  // Elsewhere, notifications go on.
  const std::string other = api().post_id(me, "another thread");
  Api::ok_json(api().post("/api/v1/statuses/" + other + "/favourite", b.token));
  EXPECT_EQ(types(notifications(me)), Strings{"favourite"});
  EXPECT_FALSE(boolean(api().status(other, me.token), "muted"));

  auto unmuted = Api::ok_json(api().post("/api/v1/statuses/" + root + "/unmute", me.token));
  EXPECT_FALSE(boolean(unmuted, "muted"));
  Api::ok_json(api().post("/api/v1/statuses/" + root + "/favourite", a.token));
  EXPECT_EQ(types(notifications(me)), (Strings{"favourite", "favourite"}));

  // A post the caller may not see is not found; no token, no mute.
  const std::string hidden = api().post_id(a, "followers only", {{"visibility", "private"}});
  expect_error(api().post("/api/v1/statuses/" + hidden + "/mute", b.token), 404);
  expect_error(api().post("/api/v1/statuses/nope/mute", me.token), 404);
  expect_error(api().post("/api/v1/statuses/" + root + "/mute"), 401);
}

}  // namespace
}  // namespace publius::integration
