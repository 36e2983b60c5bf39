// Instance metadata and the start-up endpoints clients call, against the running server.
#include "integration/server_harness.h"

namespace publius::integration {
namespace {

class InstanceApiIntegration : public ApiIntegrationTest {};

TEST_F(InstanceApiIntegration, V1Instance) {
  auto u = new_user("inst");
  api().post_id(u, "counted");
  HttpRequest req;
  req.target = "/api/v1/instance";
  req.host = "127.0.0.1:" + std::to_string(port());
  auto v = Api::ok_json(api().request(req));
  EXPECT_EQ(str(v, "uri"), "localhost");
  EXPECT_EQ(str(v, "title"), "Publius");
  const std::string version = str(v, "version");
  EXPECT_TRUE(starts_with(version, "4.")) << version;
  EXPECT_TRUE(contains(version, "compatible; Publius")) << version;
  EXPECT_EQ(str(v, "urls.streaming_api"), "ws://127.0.0.1:" + std::to_string(port()));
  EXPECT_GE(num(v, "stats.user_count"), 1);
  EXPECT_GE(num(v, "stats.status_count"), 1);
  EXPECT_EQ(num(v, "stats.domain_count"), 0);
  EXPECT_TRUE(boolean(v, "registrations"));
  EXPECT_FALSE(boolean(v, "approval_required"));
  EXPECT_EQ(num(v, "configuration.statuses.max_characters"), 500);
  EXPECT_FALSE(has(v, "configuration.accounts.max_pinned_statuses")) << "a v2 member only";
  EXPECT_EQ(str(v, "email"), "") << "no contact detail is published";
  EXPECT_TRUE(is_null(v, "contact_account"));
}

TEST_F(InstanceApiIntegration, V2Instance) {
  HttpRequest req;
  req.target = "/api/v2/instance";
  req.host = "social.example";
  req.headers = {{"X-Forwarded-Proto", "https"}};
  auto v = Api::ok_json(api().request(req));
  EXPECT_EQ(str(v, "domain"), "localhost");
  EXPECT_EQ(str(v, "title"), "Publius");
  EXPECT_TRUE(contains(str(v, "version"), "compatible; Publius")) << str(v, "version");
  EXPECT_EQ(str(v, "source_url"), "http://127.0.0.1");
  EXPECT_EQ(str(v, "configuration.urls.streaming"), "wss://social.example");
  EXPECT_TRUE(boolean(v, "registrations.enabled"));
  EXPECT_FALSE(boolean(v, "registrations.approval_required"));
  EXPECT_EQ(num(v, "api_versions.mastodon"), 2);
  EXPECT_EQ(num(v, "configuration.statuses.max_characters"), 500);
  EXPECT_EQ(num(v, "configuration.accounts.max_pinned_statuses"), 5);
  EXPECT_EQ(str(v, "thumbnail.url"), "http://127.0.0.1/avatars/original/missing.png");
  EXPECT_EQ(str(v, "contact.email"), "");
  EXPECT_EQ(arr(v, "rules").size(), 0u);
}

TEST_F(InstanceApiIntegration, EmptyCollectionsForFeaturesNotYetBuilt) {
  for (const char* path : {"/api/v1/custom_emojis", "/api/v1/trends/tags",
                           "/api/v1/trends/statuses", "/api/v1/instance/rules"}) {
    auto r = api().get(path);
    EXPECT_EQ(r.status, 200) << path << " " << r;
    EXPECT_EQ(r.body, "[]") << path;
    EXPECT_TRUE(r.is_json()) << path;
  }
  // A signed-in user's own (as in Mastodon): a token is required.
  auto u = new_user("empty");
  for (const char* path : {"/api/v1/announcements", "/api/v2/suggestions"}) {
    auto r = api().get(path, u.token);
    EXPECT_EQ(r.status, 200) << path << " " << r;
    EXPECT_EQ(r.body, "[]") << path;
    expect_error(api().get(path), 401);
  }
}

// Mastodon's ExtendedDescription (the operator's texts as HTML), the languages it knows, and
// the weekly activity and peers the shield leaves empty
// (docs/decisions/0005-instance-activity-and-peers.md); anyone may read them.
TEST_F(InstanceApiIntegration, ExtendedDescriptionLanguagesActivityAndPeers) {
  auto extended = Api::ok_json(api().get("/api/v1/instance/extended_description"));
  EXPECT_TRUE(contains(str(extended, "updated_at"), "T00:00:00.000Z"))
      << str(extended, "updated_at");
  EXPECT_TRUE(starts_with(str(extended, "content"), "<p>")) << str(extended, "content");
  auto languages = Api::ok_json(api().get("/api/v1/instance/languages"));
  ASSERT_EQ(arr(languages).size(), 183u) << "every ISO 639-1 code";
  EXPECT_EQ(str(languages, "0.code"), "aa");
  EXPECT_EQ(str(languages, "0.name"), "Afar");
  bool english = false;
  for (const auto& l : arr(languages))
    english |= str(l, "code") == "en" && str(l, "name") == "English";
  EXPECT_TRUE(english);
  for (const char* path : {"/api/v1/instance/activity", "/api/v1/instance/peers"}) {
    auto r = api().get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, "[]") << path;
    EXPECT_TRUE(r.is_json()) << path;
    // A token is not read here, so even an invalid one changes nothing.
    EXPECT_EQ(api().get(path, "not-a-token").status, 200) << path;
  }
  auto v2 = Api::ok_json(api().get("/api/v2/instance"));
  EXPECT_EQ(num(v2, "api_versions.mastodon"), 2);
  EXPECT_EQ(num(v2, "configuration.accounts.max_featured_tags"), 10);
  EXPECT_EQ(
      num(Api::ok_json(api().get("/api/v1/instance")), "configuration.accounts.max_featured_tags"),
      10);
}

TEST_F(InstanceApiIntegration, Preferences) {
  auto u = new_user("pref");
  auto v = Api::ok_json(api().get("/api/v1/preferences", u.token));
  EXPECT_EQ(str(v, "posting:default:visibility"), "public");
  EXPECT_FALSE(boolean(v, "posting:default:sensitive"));
  EXPECT_TRUE(is_null(v, "posting:default:language"));
  EXPECT_EQ(str(v, "reading:expand:media"), "default");
  EXPECT_FALSE(boolean(v, "reading:expand:spoilers"));
  expect_error(api().get("/api/v1/preferences"), 401);
  expect_error(api().get("/api/v1/preferences", app_token_), 422);
}

TEST_F(InstanceApiIntegration, HealthDefaultImagesAndHead) {
  auto r = api().get("/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "OK");
  EXPECT_TRUE(starts_with(r.header("content-type"), "text/plain")) << r.header("content-type");
  auto png = api().get("/avatars/original/missing.png");
  EXPECT_EQ(png.status, 200);
  EXPECT_EQ(png.header("content-type"), "image/png");
  EXPECT_EQ(png.body.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  // HEAD: the GET's headers and length, no body.
  HttpRequest head;
  head.method = "HEAD";
  head.target = "/api/v1/instance";
  auto h = api().request(head);
  EXPECT_EQ(h.status, 200) << h;
  EXPECT_TRUE(h.body.empty());
  const auto length = std::strtoull(h.header("content-length").c_str(), nullptr, 10);
  EXPECT_EQ(length, api().get("/api/v1/instance").body.size());
}

TEST_F(InstanceApiIntegration, CommonResponseHeaders) {
  auto u = new_user("hdr");
  auto r = api().get("/api/v1/timelines/home", u.token);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(r.header("cache-control"), "private, no-store");
  EXPECT_EQ(r.header("x-ratelimit-limit"), "100000");
  const long remaining = std::strtol(r.header("x-ratelimit-remaining").c_str(), nullptr, 10);
  EXPECT_GT(remaining, 0);
  EXPECT_LT(remaining, 100000);
  EXPECT_TRUE(contains(r.header("x-ratelimit-reset"), "T")) << r.header("x-ratelimit-reset");
  EXPECT_EQ(r.header("server"), "Publius");
  // Errors carry them too.
  auto e = api().get("/api/v1/no/such/thing");
  EXPECT_EQ(e.header("cache-control"), "private, no-store");
  EXPECT_FALSE(e.header("x-ratelimit-remaining").empty());
}

}  // namespace
}  // namespace publius::integration
