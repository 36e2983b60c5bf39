// Hashtags against the running server: the Tag entity, following and unfollowing, the followed
// tags paged by Link headers, and the home timeline a followed tag feeds (blocks and mutes
// respected, each post once, the same after a restart).
#include <set>

#include "integration/server_harness.h"

namespace publius::integration {
namespace {

using Ids = std::vector<std::string>;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string upper_case(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A hashtag no other test uses.
std::string fresh_tag(const std::string& prefix) { return prefix + unique_suffix(); }

class TagsApiIntegration : public ApiIntegrationTest {
 protected:
  static json::value follow_tag(const User& u, const std::string& tag) {
    return Api::ok_json(api().post("/api/v1/tags/" + tag + "/follow", u.token));
  }
  static Ids home(const User& u) {
    return ids(Api::ok_json(api().get("/api/v1/timelines/home?limit=40", u.token)));
  }
  static std::vector<std::string> followed(const User& u, const std::string& query = "") {
    const auto list = Api::ok_json(api().get("/api/v1/followed_tags" + query, u.token));
    std::vector<std::string> names;
    for (const auto& t : arr(list)) names.push_back(str(t, "name"));
    return names;
  }
};

TEST_F(TagsApiIntegration, ATagShowsItsHistoryAndWhetherTheViewerFollowsIt) {
  const User u = new_user("tagview"), author = new_user("tagauthor");
  const std::string tag = fresh_tag("Birds");
  api().post_id(author, "#" + tag + " at dawn");
  api().post_id(author, "#" + tag + " quietly", {{"visibility", "unlisted"}});

  auto anonymous = Api::ok_json(api().get("/api/v1/tags/" + tag));
  EXPECT_EQ(str(anonymous, "name"), lower(tag));
  EXPECT_TRUE(ends_with(str(anonymous, "url"), "/tags/" + lower(tag))) << str(anonymous, "url");
  EXPECT_FALSE(has(anonymous, "following")) << "only signed-in viewers get it, as in Mastodon";
  const auto& history = arr(anonymous, "history");
  ASSERT_EQ(history.size(), 7u);
  // Strings, newest day first; today's public use by one account.
  EXPECT_EQ(str(history[0], "uses"), "1");
  EXPECT_EQ(str(history[0], "accounts"), "1");
  EXPECT_EQ(std::stoll(str(history[0], "day")) % 86400, 0);
  EXPECT_EQ(std::stoll(str(history[0], "day")) - std::stoll(str(history[1], "day")), 86400);
  EXPECT_EQ(str(history[6], "uses"), "0");
  EXPECT_EQ(str(anonymous, "id"), str(Api::ok_json(api().get("/api/v1/tags/" + lower(tag))), "id"));

  auto seen = Api::ok_json(api().get("/api/v1/tags/" + tag, u.token));
  EXPECT_FALSE(boolean(seen, "following"));
  // An app token has no account: no `following` either.
  EXPECT_FALSE(has(Api::ok_json(api().get("/api/v1/tags/" + tag, app_token_)), "following"));
  // Percent-encoded names are hashtags too; what cannot be one is not found.
  EXPECT_EQ(str(Api::ok_json(api().get("/api/v1/tags/%C3%89t%C3%A9")), "name"), "été");
  for (const std::string bad : {"123", "two%20words", "a.b", "%23hash", "%FF", "_"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(expect_error(api().get("/api/v1/tags/" + bad, u.token), 404), "Record not found");
    expect_error(api().post("/api/v1/tags/" + bad + "/follow", u.token), 404);
  }
  expect_error(api().get("/api/v1/tags/" + tag, "not-a-token"), 401);
}

TEST_F(TagsApiIntegration, FollowAndUnfollowAreIdempotentAndListed) {
  const User u = new_user("tagfollow");
  const std::string tag = fresh_tag("Trains");
  auto followed_tag = follow_tag(u, tag);
  EXPECT_EQ(str(followed_tag, "name"), lower(tag));
  EXPECT_TRUE(boolean(followed_tag, "following"));
  EXPECT_TRUE(boolean(follow_tag(u, lower(tag)), "following"));
  EXPECT_EQ(followed(u), std::vector<std::string>{lower(tag)});
  auto list = Api::ok_json(api().get("/api/v1/followed_tags", u.token));
  EXPECT_TRUE(boolean(list, "0.following"));
  EXPECT_EQ(arr(list, "0.history").size(), 7u);
  EXPECT_TRUE(boolean(Api::ok_json(api().get("/api/v1/tags/" + tag, u.token)), "following"));
  // Search shows it followed too.
  api().post_id(u, "#" + tag + " so it can be found");
  auto found = Api::ok_json(api().get("/api/v2/search?type=hashtags&q=%23" + tag, u.token));
  ASSERT_EQ(arr(found, "hashtags").size(), 1u);
  EXPECT_TRUE(boolean(found, "hashtags.0.following"));
  EXPECT_EQ(str(found, "hashtags.0.history.0.uses"), "1");

  auto unfollowed = Api::ok_json(api().post("/api/v1/tags/" + tag + "/unfollow", u.token));
  EXPECT_FALSE(boolean(unfollowed, "following"));
  EXPECT_FALSE(
      boolean(Api::ok_json(api().post("/api/v1/tags/" + tag + "/unfollow", u.token)), "following"));
  EXPECT_TRUE(followed(u).empty());
  // Someone else's follows are not this account's.
  const User other = new_user("tagother");
  follow_tag(other, tag);
  EXPECT_TRUE(followed(u).empty());
  EXPECT_FALSE(boolean(Api::ok_json(api().get("/api/v1/tags/" + tag, u.token)), "following"));
}

TEST_F(TagsApiIntegration, FollowedTagsArePagedByLinkHeaders) {
  const User u = new_user("tagpages");
  std::set<std::string> all;
  for (int i = 0; i < 5; ++i) {
    const std::string tag = fresh_tag("page");
    follow_tag(u, tag);
    all.insert(lower(tag));
  }
  std::vector<std::string> walked;
  std::string target = "/api/v1/followed_tags?limit=2";
  for (int pages = 0; pages < 10 && !target.empty(); ++pages) {
    auto r = api().get(target, u.token);
    auto page = Api::ok_json(r);
    if (arr(page).empty()) break;
    EXPECT_LE(arr(page).size(), 2u);
    for (const auto& t : arr(page)) walked.push_back(str(t, "name"));
    target = strip_origin(link_url(r.header("link"), "next"));
    EXPECT_FALSE(link_url(r.header("link"), "prev").empty());
  }
  EXPECT_EQ(walked.size(), all.size()) << "each tag exactly once";
  EXPECT_EQ(std::set<std::string>(walked.begin(), walked.end()), all);
  // Bad paging parameters are refused like everywhere else.
  expect_error(api().get("/api/v1/followed_tags?max_id=abc", u.token), 400);
  expect_error(api().get("/api/v1/followed_tags?limit=abc", u.token), 400);
  EXPECT_EQ(followed(u, "?limit=1000").size(), all.size());
}

TEST_F(TagsApiIntegration, HomeTimelineGetsTaggedPublicPostsOfUnfollowedAuthors) {
  const User reader = new_user("tagreader"), stranger = new_user("tagstranger");
  const User friend_ = new_user("tagfriend");
  const std::string tag = fresh_tag("Owls");
  api().follow(reader, friend_);
  follow_tag(reader, tag);
  EXPECT_TRUE(home(reader).empty());  // warm: what follows is fanned out
  const std::string tagged = api().post_id(stranger, "#" + tag + " hooting");
  const std::string upper = api().post_id(stranger, "#" + upper_case(tag) + " LOUDLY");
  const std::string plain = api().post_id(stranger, "nothing tagged");
  const std::string unlisted =
      api().post_id(stranger, "#" + tag + " unlisted", {{"visibility", "unlisted"}});
  const std::string private_post =
      api().post_id(stranger, "#" + tag + " private", {{"visibility", "private"}});
  const std::string direct = api().post_id(
      stranger, "@" + friend_.username + " #" + tag + " sealed", {{"visibility", "direct"}});
  const std::string from_friend = api().post_id(friend_, "#" + tag + " from a friend");
  const Ids got = home(reader);
  EXPECT_EQ(got, (Ids{from_friend, upper, tagged}));
  for (const auto& hidden : {plain, unlisted, private_post, direct})
    EXPECT_FALSE(has_id(Api::ok_json(api().get("/api/v1/timelines/home", reader.token)), hidden));
  // Unfollowing the tag leaves only the friend's post.
  Api::ok_json(api().post("/api/v1/tags/" + tag + "/unfollow", reader.token));
  EXPECT_EQ(home(reader), Ids{from_friend});
}

TEST_F(TagsApiIntegration, BlockedAndMutedAuthorsStayOutOfTheTagsPosts) {
  const User reader = new_user("tagblk"), blocked = new_user("tagblkd");
  const User blocker = new_user("tagblkr"), muted = new_user("tagmute");
  const User fine = new_user("tagfine");
  const std::string tag = fresh_tag("News");
  follow_tag(reader, tag);
  Api::ok_json(api().post("/api/v1/accounts/" + blocked.id + "/block", reader.token));
  Api::ok_json(api().post("/api/v1/accounts/" + reader.id + "/block", blocker.token));
  Api::ok_json(api().post("/api/v1/accounts/" + muted.id + "/mute", reader.token));
  EXPECT_TRUE(home(reader).empty());
  api().post_id(blocked, "#" + tag + " blocked");
  api().post_id(blocker, "#" + tag + " blocker");
  api().post_id(muted, "#" + tag + " muted");
  const std::string shown = api().post_id(fine, "#" + tag + " fine");
  EXPECT_EQ(home(reader), Ids{shown});
  // A block after the post takes it out too.
  Api::ok_json(api().post("/api/v1/accounts/" + fine.id + "/block", reader.token));
  EXPECT_TRUE(home(reader).empty());
}

TEST_F(TagsApiIntegration, APostReachingAFeedTwoWaysIsThereOnce) {
  const User reader = new_user("tagonce"), author = new_user("tagonceau");
  const std::string a = fresh_tag("one"), b = fresh_tag("two");
  api().follow(reader, author);
  follow_tag(reader, a);
  follow_tag(reader, b);
  EXPECT_TRUE(home(reader).empty());
  const std::string both = api().post_id(author, "#" + a + " and #" + b);
  EXPECT_EQ(home(reader), Ids{both});
}

TEST_F(TagsApiIntegration, TheDisclosureInventoryCountsFollowedTags) {
  const User u = new_user("taginv");
  follow_tag(u, fresh_tag("inv"));
  follow_tag(u, fresh_tag("inv"));
  const std::string admin =
      create_account_with_cli(data_dir_, "taginv_admin" + unique_suffix(), "admin");
  auto inventory = Api::ok_json(api().get("/api/v1/admin/accounts/" + u.id + "/inventory", admin));
  EXPECT_EQ(num(inventory, "groups.non_public_content.followed_tags.count"), 2);
}

// A server of its own: the home feed is rebuilt from the store after a restart.
class TagsRestartTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir("publius-tags-"); }
  void TearDown() override {
    server_.stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string dir_;
  ServerProcess server_;
};

TEST_F(TagsRestartTest, TheRebuiltHomeTimelineHasTheFollowedTagsPosts) {
  ASSERT_TRUE(server_.start(dir_));
  User reader, author;
  std::string tagged, friends_post;
  const std::string tag = fresh_tag("Moths");
  {
    Api api(server_.port());
    const std::string app_token = api.app_token(api.create_app());
    reader = api.register_user(app_token, "mothreader");
    author = api.register_user(app_token, "mothauthor");
    const User friend_ = api.register_user(app_token, "mothfriend");
    api.follow(reader, friend_);
    Api::ok_json(api.post("/api/v1/tags/" + tag + "/follow", reader.token));
    tagged = api.post_id(author, "#" + tag + " by lamplight");
    api.post_id(author, "untagged");
    friends_post = api.post_id(friend_, "#" + tag + " too");
    EXPECT_EQ(ids(Api::ok_json(api.get("/api/v1/timelines/home", reader.token))),
              (Ids{friends_post, tagged}));
  }
  ASSERT_TRUE(server_.stop().has_value());
  ASSERT_TRUE(server_.start(dir_));
  Api api(server_.port());
  EXPECT_EQ(ids(Api::ok_json(api.get("/api/v1/timelines/home", reader.token))),
            (Ids{friends_post, tagged}));
  EXPECT_EQ(str(Api::ok_json(api.get("/api/v1/followed_tags", reader.token)), "0.name"),
            lower(tag));
}

}  // namespace
}  // namespace publius::integration
