// Featured hashtags against the running server: featuring one's own hashtags (idempotent, at
// most Mastodon's ten), the FeaturedTag entity counting only posts anyone may see, anyone
// reading an account's features, suggestions from the account's own recent tags, and bad input.
#include "integration/server_harness.h"

namespace publius::integration {
namespace {

std::string fresh_tag(const std::string& prefix) { return prefix + unique_suffix(); }

std::string upper_tag(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

class FeaturedTagsIntegration : public ApiIntegrationTest {
 protected:
  static HttpResponse feature(const User& u, const std::string& name) {
    return api().post_form("/api/v1/featured_tags", form({{"name", name}}), u.token);
  }
  static std::vector<std::string> names(const json::value& list) {
    std::vector<std::string> out;
    for (const auto& t : arr(list)) out.push_back(str(t, "name"));
    return out;
  }
};

TEST_F(FeaturedTagsIntegration, AFeatureCountsOnlyTheOwnersPostsAnyoneMaySee) {
  const User u = new_user("feat"), other = new_user("featother");
  const std::string tag = fresh_tag("Gardens");
  api().post_id(u, "#" + tag + " in spring");
  api().post_id(u, "#" + tag + " quietly", {{"visibility", "unlisted"}});
  api().post_id(u, "#" + tag + " for friends", {{"visibility", "private"}});
  api().post_id(u, "@" + other.username + " #" + tag + " between us", {{"visibility", "direct"}});
  api().post_id(other, "#" + tag + " someone else's");

  auto featured = Api::ok_json(feature(u, "#" + tag));
  EXPECT_EQ(str(featured, "name"), lower(tag));
  // Mastodon writes the count as a string and the last post's time as a day.
  EXPECT_EQ(str(featured, "statuses_count"), "2");
  const std::string day = str(featured, "last_status_at");
  EXPECT_EQ(day.size(), 10u) << day;
  EXPECT_TRUE(contains(str(featured, "url"), "/@" + u.username + "?tagged=" + lower(tag)));
  EXPECT_FALSE(str(featured, "id").empty());

  // Featuring it again is the same feature; so is another spelling.
  EXPECT_EQ(str(Api::ok_json(feature(u, upper_tag(tag))), "id"), str(featured, "id"));
  auto mine = Api::ok_json(api().get("/api/v1/featured_tags", u.token));
  ASSERT_EQ(arr(mine).size(), 1u);
  EXPECT_EQ(str(mine, "0.id"), str(featured, "id"));

  // Anyone reads an account's features, without a token or with another's.
  auto shown = Api::ok_json(api().get("/api/v1/accounts/" + u.id + "/featured_tags"));
  ASSERT_EQ(arr(shown).size(), 1u);
  EXPECT_EQ(str(shown, "0.statuses_count"), "2");
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/accounts/" + u.id + "/featured_tags", other.token)))
                .size(),
            1u);
  EXPECT_TRUE(
      arr(Api::ok_json(api().get("/api/v1/accounts/" + other.id + "/featured_tags"))).empty());

  // The featured tag's url lists the owner's posts with the tag.
  auto page = api().get(strip_origin(str(featured, "url")));
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "in spring"));
  EXPECT_FALSE(contains(page.body, "someone else"));

  // A feature of a tag not used yet counts nothing.
  auto unused = Api::ok_json(feature(u, fresh_tag("Unused")));
  EXPECT_EQ(str(unused, "statuses_count"), "0");
  EXPECT_TRUE(is_null(unused, "last_status_at"));
}

TEST_F(FeaturedTagsIntegration, UnfeatureTakesOnlyOnesOwnFeature) {
  const User u = new_user("unfeat"), other = new_user("unfeatother");
  const std::string id = str(Api::ok_json(feature(u, fresh_tag("Rivers"))), "id");
  EXPECT_EQ(expect_error(api().del("/api/v1/featured_tags/" + id, other.token), 404),
            "Record not found");
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/featured_tags", u.token))).size(), 1u);
  auto gone = api().del("/api/v1/featured_tags/" + id, u.token);
  EXPECT_EQ(gone.status, 200) << gone;
  EXPECT_EQ(gone.body, "{}");
  EXPECT_TRUE(arr(Api::ok_json(api().get("/api/v1/featured_tags", u.token))).empty());
  expect_error(api().del("/api/v1/featured_tags/" + id, u.token), 404);
}

TEST_F(FeaturedTagsIntegration, AnAccountFeaturesAtMostTenTags) {
  const User u = new_user("featmax");
  for (int i = 0; i < 10; ++i) Api::ok_json(feature(u, fresh_tag("Tag")));
  EXPECT_TRUE(contains(expect_error(feature(u, fresh_tag("Eleventh")), 422), "10"));
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/featured_tags", u.token))).size(), 10u);
  // The instance says so.
  EXPECT_EQ(
      num(Api::ok_json(api().get("/api/v2/instance")), "configuration.accounts.max_featured_tags"),
      10);
}

TEST_F(FeaturedTagsIntegration, SuggestionsAreTheOwnersRecentPublicTagsNotYetFeatured) {
  const User u = new_user("featsug");
  const std::string older = fresh_tag("Older"), newer = fresh_tag("Newer");
  const std::string hidden = fresh_tag("Hidden"), featured = fresh_tag("Featured");
  api().post_id(u, "#" + older);
  api().post_id(u, "#" + featured);
  api().post_id(u, "#" + newer, {{"visibility", "unlisted"}});
  api().post_id(u, "#" + hidden, {{"visibility", "private"}});
  Api::ok_json(feature(u, featured));
  auto suggested = Api::ok_json(api().get("/api/v1/featured_tags/suggestions", u.token));
  EXPECT_EQ(names(suggested), (std::vector<std::string>{lower(newer), lower(older)}));
  // Tag entities with their week of history.
  EXPECT_EQ(arr(suggested, "0.history").size(), 7u);
}

TEST_F(FeaturedTagsIntegration, BadInputIsAClearError) {
  const User u = new_user("featbad");
  EXPECT_TRUE(contains(expect_error(feature(u, ""), 422), "blank"));
  EXPECT_TRUE(contains(expect_error(api().post("/api/v1/featured_tags", u.token), 422), "blank"));
  for (const std::string bad : {"123", "two words", "a.b", "##x", "#"}) {
    SCOPED_TRACE(bad);
    expect_error(feature(u, bad), 422);
  }
  expect_error(
      api().post_json("/api/v1/featured_tags", json::parse(R"({"name":["a","b"]})"), u.token), 422);
  expect_error(api().del("/api/v1/featured_tags/abc", u.token), 404);
  expect_error(api().get("/api/v1/accounts/999999999/featured_tags"), 404);
  expect_error(api().get("/api/v1/featured_tags"), 401);
  EXPECT_TRUE(arr(Api::ok_json(api().get("/api/v1/featured_tags", u.token))).empty());
}

}  // namespace
}  // namespace publius::integration
