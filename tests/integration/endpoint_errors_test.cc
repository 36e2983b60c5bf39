// Every route's bad-input cases, table-driven: the server's own route tables (Router::describe(),
// each route with the policy its registration declares) are walked by one test per class of bad
// input (no token, a token without the scope, an app token where a user is needed, unknown and
// malformed ids, other users' private posts, lists, media and conversations, missing and
// mistyped parameters, oversized values, malformed bodies and queries, bodies over the limit).
// Errors must be Mastodon-shaped ({"error": "..."}) with the documented status, never a 500.
// A route is covered the moment it is registered; no copy of the table can fall behind.
#include <set>

#include "api/api.h"
#include "integration/server_harness.h"
#include "legal/desk.h"
#include "oauth/scopes.h"
#include "store/sqlite/legal_store.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"
#include "util/crypto.h"
#include "web/legal_web.h"
#include "web/session.h"
#include "web/web_ui.h"

namespace publius::integration {
namespace {

using http::Access;

// One route as the server registers it, with the policy it declares.
using Route = http::RouteInfo;

// The server's own route tables: an API and a web UI built over a scratch data directory,
// read through Router::describe(). The tests below walk them, so a route is tested the moment
// it is registered, with the policy its registration declares.
struct RouteTables {
  std::vector<Route> api;
  std::vector<Route> web;  // static assets left out
};

const RouteTables& route_tables() {
  static const RouteTables tables = [] {
    RouteTables t;
    if (!crypto_init().ok()) return t;
    publius::testing::TempDir dir;
    auto store = sqlite::SqliteStore::open(dir.path());
    if (!store.ok()) return t;
    sqlite::SqliteLegalStore legal_store(**store);
    timeline::HomeFeeds feeds;
    domain::Microblog microblog(**store, feeds, domain::InstanceConfig{});
    legal::DeskOptions desk_options;
    desk_options.data_dir = dir.path();
    auto desk = legal::LegalDesk::open(microblog, **store, legal_store, desk_options);
    if (!desk.ok()) return t;
    http::Router api_router;
    api::Api api(microblog, api::ApiOptions{});
    api.register_routes(api_router);
    t.api = api_router.describe();
    http::Router web_router;
    web::WebUi ui(microblog);
    ui.register_routes(web_router);
    web::LegalDeskWeb legal_web(ui, **desk);
    legal_web.register_routes(web_router);
    for (auto& r : web_router.describe())
      if (!starts_with(r.pattern, "/static/")) t.web.push_back(std::move(r));
    return t;
  }();
  return tables;
}

const std::vector<Route>& api_routes() { return route_tables().api; }
const std::vector<Route>& web_routes() { return route_tables().web; }

bool is_id_param(std::string_view segment) {
  return segment == ":id" || segment == ":list_id" || segment == ":account_id" ||
         segment == ":filter_id";
}

// The route's pattern with every id parameter replaced by `id`; other parameters keep a
// harmless value.
std::string with_id(const std::string& pattern, std::string_view id) {
  std::string out;
  size_t start = 1;
  while (start <= pattern.size()) {
    const size_t slash = std::min(pattern.find('/', start), pattern.size());
    const std::string_view segment(pattern.data() + start, slash - start);
    out += '/';
    if (is_id_param(segment))
      out += id;
    else if (segment == ":hashtag" || segment == ":tag")
      out += "tag";
    else if (segment == ":group_key")
      out += "ungrouped-1";
    else if (segment == ":name")
      out += "missing.png";
    else if (segment == "@:acct")
      out += "@nobody";
    else
      out += segment;
    start = slash + 1;
  }
  return out;
}

bool has_id(const Route& r) {
  return contains(r.pattern, "/:id") || contains(r.pattern, "/:list_id") ||
         contains(r.pattern, "/:filter_id");
}

// Ids that name nothing: well-formed but unknown, and every malformed shape a client (or an
// attacker) might send. All are a 404 wherever an id is expected.
const std::vector<std::string>& bad_ids() {
  static const std::vector<std::string> ids = {"999999999999",
                                               "0",
                                               "abc",
                                               "-1",
                                               "+1",
                                               "%201",
                                               "1%20",
                                               "1%00",
                                               "%00",
                                               "1.0",
                                               "1e3",
                                               "0x1",
                                               "%F0%9F%98%80",
                                               "%E2%80%AE1",
                                               "9223372036854775807",
                                               "9223372036854775808",
                                               "99999999999999999999999",
                                               "-9223372036854775808",
                                               std::string(300, '9')};
  return ids;
}

class EndpointErrors : public ApiIntegrationTest {
 protected:
  static void SetUpTestSuite() {
    ApiIntegrationTest::SetUpTestSuite();
    if (!server_ || !api_) return;
    admin_token_ = create_account_with_cli(data_dir_, "ee_admin_" + unique_suffix(), "admin");
  }

  static HttpResponse send(const std::string& method, const std::string& target,
                           const std::string& token = "", const std::string& body = "",
                           const std::string& content_type = "",
                           std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.token = token;
    r.body = body;
    r.content_type =
        content_type.empty() && !body.empty() ? "application/x-www-form-urlencoded" : content_type;
    r.headers = std::move(headers);
    return api().request(r);
  }

  // Uploads the server's own 1x1 PNG as `u`; the attachment's id.
  static std::string upload_image(const User& u) { return upload_default_avatar(api(), u.token); }

  // A token that may call `route` (admin routes get the admin's).
  static std::string token_for(const Route& route, const User& user) {
    return route.policy.access == Access::kAdmin ? admin_token_ : user.token;
  }

  static inline std::string admin_token_;
};

// ---------------------------------------------------------------------------
// The tables are complete: they list exactly what the server registers.

TEST(EndpointErrorsTables, TheServerExportsItsRouteTables) {
  EXPECT_GE(api_routes().size(), 130u);
  EXPECT_GE(web_routes().size(), 60u);
}

// The policy of each kind of route, as Mastodon guards it: a change to one of these is a
// change of who may call it, and must be made here as deliberately as in the route table.
TEST(EndpointErrorsTables, SensitiveRoutesDeclareThePolicyMastodonUses) {
  auto policy_of = [](std::string_view method, std::string_view pattern) -> http::Policy {
    for (const auto& r : api_routes())
      if (r.method == method && r.pattern == pattern) return r.policy;
    ADD_FAILURE() << method << " " << pattern << " is not registered";
    return {};
  };
  const std::vector<std::tuple<std::string, std::string, Access, std::string>> expected = {
      {"GET", "/api/v1/statuses/:id", Access::kOptional, "read:statuses"},
      {"GET", "/api/v1/statuses", Access::kOptional, "read:statuses"},
      {"GET", "/api/v1/statuses/:id/context", Access::kOptional, "read:statuses"},
      {"GET", "/api/v1/statuses/:id/history", Access::kOptional, "read:statuses"},
      {"GET", "/api/v1/accounts/:id/statuses", Access::kOptional, "read:statuses"},
      {"GET", "/api/v1/timelines/public", Access::kOptional, "read:statuses"},
      {"GET", "/api/v1/timelines/tag/:hashtag", Access::kOptional, "read:statuses"},
      {"GET", "/api/v1/timelines/home", Access::kUser, "read:statuses"},
      {"GET", "/api/v1/conversations", Access::kUser, "read:statuses"},
      {"GET", "/api/v1/notifications", Access::kUser, "read:notifications"},
      {"GET", "/api/v1/notifications/unread_count", Access::kUser, "read:notifications"},
      {"GET", "/api/v2/notifications/policy", Access::kUser, "read:notifications"},
      {"PATCH", "/api/v2/notifications/policy", Access::kUser, "write:notifications"},
      {"GET", "/api/v1/notifications/requests", Access::kUser, "read:notifications"},
      {"POST", "/api/v1/notifications/requests/:id/accept", Access::kUser, "write:notifications"},
      {"POST", "/api/v1/notifications/requests/dismiss", Access::kUser, "write:notifications"},
      {"POST", "/api/v1/statuses/:id/mute", Access::kUser, "write:mutes"},
      {"GET", "/api/v2/search", Access::kOptional, "read:search"},
      {"GET", "/api/v1/accounts/:id", Access::kOptional, "read:accounts"},
      {"POST", "/api/v1/accounts", Access::kApp, "write:accounts"},
      {"POST", "/api/v1/statuses", Access::kUser, "write:statuses"},
      {"DELETE", "/api/v1/admin/accounts/:id", Access::kAdmin, "admin:write"},
      {"GET", "/api/v1/admin/legal/demands", Access::kAdmin, "admin:read"},
      {"POST", "/api/v1/reports", Access::kUser, "write:reports"},
      {"GET", "/api/v1/admin/reports", Access::kAdmin, "admin:read:reports"},
      {"POST", "/api/v1/admin/reports/:id/resolve", Access::kAdmin, "admin:write:reports"},
      {"GET", "/api/v1/admin/domain_blocks", Access::kAdmin, "admin:read:domain_blocks"},
      {"POST", "/api/v1/admin/domain_blocks", Access::kAdmin, "admin:write:domain_blocks"},
      {"GET", "/api/v1/admin/domain_blocks/:id", Access::kAdmin, "admin:read:domain_blocks"},
      {"PUT", "/api/v1/admin/domain_blocks/:id", Access::kAdmin, "admin:write:domain_blocks"},
      {"DELETE", "/api/v1/admin/domain_blocks/:id", Access::kAdmin, "admin:write:domain_blocks"},
      {"GET", "/api/v1/accounts/familiar_followers", Access::kUser, "read:follows"},
      {"POST", "/api/v1/accounts/:id/pin", Access::kUser, "write:accounts"},
      {"GET", "/api/v1/accounts/:id/featured_tags", Access::kPublic, ""},
      {"POST", "/api/v1/featured_tags", Access::kUser, "write:accounts"},
      {"POST", "/oauth/token", Access::kPublic, ""},
  };
  for (const auto& [method, pattern, access, scope] : expected) {
    SCOPED_TRACE(method + " " + pattern);
    const auto policy = policy_of(method, pattern);
    EXPECT_EQ(http::access_name(policy.access), http::access_name(access));
    EXPECT_EQ(policy.scope, scope);
  }
  // Every admin page of the web UI is the admin's alone.
  for (const auto& r : web_routes()) {
    if (!starts_with(r.pattern, "/legal") && !starts_with(r.pattern, "/admin")) continue;
    SCOPED_TRACE(r.method + " " + r.pattern);
    EXPECT_EQ(http::access_name(r.policy.access), "admin");
  }
}

// ---------------------------------------------------------------------------
// Authentication and scopes

TEST_F(EndpointErrors, EveryAuthenticatedRouteAnswers401WithoutAValidToken) {
  const User u = new_user("ee401");
  int checked = 0;
  for (const auto& route : api_routes()) {
    if (route.policy.access == Access::kPublic) continue;
    const std::string target = with_id(route.pattern, u.id);
    SCOPED_TRACE(route.method + " " + target);
    if (route.policy.access != Access::kOptional) {
      EXPECT_EQ(expect_error(send(route.method, target), 401), "The access token is invalid");
    }
    expect_error(send(route.method, target, "not-a-token"), 401);
    expect_error(send(route.method, target, "", "", "", {{"Authorization", "Basic eDp5"}}), 401);
    ++checked;
  }
  EXPECT_GE(checked, 70);
}

TEST_F(EndpointErrors, EveryScopedRouteAnswers403ForATokenWithoutTheScope) {
  const User u = new_user("ee403");
  // "push" covers none of the routes the server has.
  const std::string push_only = api().password_token(app_, u, "push");
  ASSERT_FALSE(push_only.empty());
  int checked = 0;
  for (const auto& route : api_routes()) {
    // Public routes read no token; a route any token may call admits this one too.
    if (route.policy.access == Access::kPublic || oauth::covers_any("push", route.policy.scope))
      continue;
    const std::string target = with_id(route.pattern, u.id);
    SCOPED_TRACE(route.method + " " + target);
    EXPECT_EQ(expect_error(send(route.method, target, push_only), 403),
              "This action is outside the authorized scopes");
    ++checked;
  }
  EXPECT_GE(checked, 60);
  // Admin routes also need the admin role: the scopes alone are not enough.
  const AppCredentials admin_app =
      api().create_app("read write follow push admin:read admin:write");
  const std::string scoped_user = api().password_token(admin_app, u, "admin:read admin:write");
  ASSERT_FALSE(scoped_user.empty());
  for (const auto& route : api_routes()) {
    if (route.policy.access != Access::kAdmin) continue;
    SCOPED_TRACE(route.method + " " + route.pattern);
    EXPECT_EQ(expect_error(send(route.method, with_id(route.pattern, u.id), scoped_user), 403),
              "This action requires the admin role");
  }
}

TEST_F(EndpointErrors, EveryUserRouteAnswers422ForAnAppToken) {
  const User u = new_user("ee422");
  int checked = 0;
  for (const auto& route : api_routes()) {
    if (route.policy.access != Access::kUser) continue;
    const std::string target = with_id(route.pattern, u.id);
    SCOPED_TRACE(route.method + " " + target);
    EXPECT_EQ(expect_error(send(route.method, target, app_token_), 422),
              "This method requires an authenticated user");
    ++checked;
  }
  EXPECT_GE(checked, 50);
}

// ---------------------------------------------------------------------------
// Ids

TEST_F(EndpointErrors, EveryIdRouteAnswers404ForUnknownAndMalformedIds) {
  const User u = new_user("eeid");
  int checked = 0;
  for (const auto& route : api_routes()) {
    if (!has_id(route)) continue;
    for (const auto& id : bad_ids()) {
      const std::string target = with_id(route.pattern, id);
      SCOPED_TRACE(route.method + " " + target);
      // No body: a route must find its record before it asks for parameters.
      expect_error(send(route.method, target, token_for(route, u)), 404);
    }
    ++checked;
  }
  EXPECT_GE(checked, 40);
  // Parameters that name a record are held to the same rule.
  for (const auto& id : bad_ids()) {
    SCOPED_TRACE(id);
    expect_error(send("GET", "/api/v1/timelines/list/" + id, u.token), 404);
    expect_error(send("POST", "/api/v1/statuses", u.token, "status=reply&in_reply_to_id=" + id),
                 404);
  }
}

TEST_F(EndpointErrors, PrivateAndDirectPostsOfOthersAre404OnEveryStatusRoute) {
  const User author = new_user("eepa"), stranger = new_user("eeps");
  const User addressee = new_user("eepd");
  const std::string priv = api().post_id(author, "followers only", {{"visibility", "private"}});
  const std::string direct =
      api().post_id(author, "@" + addressee.username + " only you", {{"visibility", "direct"}});
  ASSERT_FALSE(priv.empty());
  ASSERT_FALSE(direct.empty());
  int checked = 0;
  for (const auto& route : api_routes()) {
    if (!starts_with(route.pattern, "/api/v1/statuses/:id")) continue;
    for (const auto& id : {priv, direct}) {
      const std::string target = with_id(route.pattern, id);
      SCOPED_TRACE(route.method + " " + target);
      expect_error(send(route.method, target, stranger.token), 404);
      if (route.policy.access == Access::kOptional) expect_error(send(route.method, target), 404);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 18);
  // The multi-get leaves them out instead.
  auto many = Api::ok_json(
      send("GET", "/api/v1/statuses?id[]=" + priv + "&id[]=" + direct, stranger.token));
  EXPECT_TRUE(arr(many).empty());
  // Nothing the stranger tried changed the posts.
  auto seen = Api::ok_json(api().get("/api/v1/statuses/" + priv, author.token));
  EXPECT_EQ(num(seen, "favourites_count"), 0);
  EXPECT_EQ(num(seen, "reblogs_count"), 0);
  EXPECT_TRUE(is_null(seen, "edited_at"));
}

TEST_F(EndpointErrors, OthersPublicPostsCannotBeEditedOrDeleted) {
  // Mastodon looks the post up among the caller's own: someone else's is not found (404).
  const User author = new_user("eeop"), other = new_user("eeoo");
  const std::string id = api().post_id(author, "mine alone");
  EXPECT_EQ(expect_error(api().send_form("PUT", "/api/v1/statuses/" + id,
                                         form({{"status", "hijacked"}}), other.token),
                         404),
            "Record not found");
  EXPECT_EQ(expect_error(api().del("/api/v1/statuses/" + id, other.token), 404),
            "Record not found");
  expect_error(api().get("/api/v1/statuses/" + id + "/source", other.token), 404);
  auto still = api().status(id);
  EXPECT_EQ(str(still, "content"), "<p>mine alone</p>");
  EXPECT_TRUE(is_null(still, "edited_at"));
}

TEST_F(EndpointErrors, OthersListsMediaConversationsAndNotificationsAre404) {
  const User owner = new_user("eeow"), other = new_user("eeot"), friend_ = new_user("eefr");
  auto list =
      Api::ok_json(api().post_form("/api/v1/lists", form({{"title", "mine"}}), owner.token));
  const std::string list_id = str(list, "id");
  api().follow(owner, friend_);
  ASSERT_EQ(api()
                .post_form("/api/v1/lists/" + list_id + "/accounts",
                           form({{"account_ids[]", friend_.id}}), owner.token)
                .status,
            200);
  api().post_id(friend_, "@" + owner.username + " psst", {{"visibility", "direct"}});
  auto conversations = Api::ok_json(api().get("/api/v1/conversations", owner.token));
  ASSERT_EQ(arr(conversations).size(), 1u);
  const std::string conversation = str(conversations, "0.id");
  auto notifications = Api::ok_json(api().get("/api/v1/notifications", owner.token));
  ASSERT_FALSE(arr(notifications).empty());
  const std::string notification = str(notifications, "0.id");
  auto groups = Api::ok_json(api().get("/api/v2/notifications", owner.token));
  const std::string group = str(groups, "notification_groups.0.group_key");
  const std::string media = upload_image(owner);
  ASSERT_FALSE(media.empty());
  const std::string scheduled =
      str(Api::ok_json(api().post_form(
              "/api/v1/statuses",
              form({{"status", "later"}, {"scheduled_at", "2099-01-01T00:00:00Z"}}), owner.token)),
          "id");
  const std::string s = "/api/v1/scheduled_statuses/" + scheduled;

  struct Case {
    std::string method, target, body;
  };
  const std::string l = "/api/v1/lists/" + list_id;
  for (const Case& c : std::vector<Case>{
           {"GET", l, ""},
           {"PUT", l, "title=taken"},
           {"DELETE", l, ""},
           {"GET", l + "/accounts", ""},
           {"POST", l + "/accounts", "account_ids[]=" + friend_.id},
           {"DELETE", l + "/accounts", "account_ids[]=" + friend_.id},
           {"POST", l + "/accounts", ""},
           {"DELETE", l + "/accounts", ""},
           {"GET", "/api/v1/timelines/list/" + list_id, ""},
           {"POST", "/api/v1/conversations/" + conversation + "/read", ""},
           {"DELETE", "/api/v1/conversations/" + conversation, ""},
           {"GET", "/api/v1/notifications/" + notification, ""},
           {"POST", "/api/v1/notifications/" + notification + "/dismiss", ""},
           {"GET", "/api/v2/notifications/" + group, ""},
           {"GET", "/api/v1/media/" + media, ""},
           {"PUT", "/api/v1/media/" + media, "description=taken"},
           {"DELETE", "/api/v1/media/" + media, ""},
           {"GET", s, ""},
           {"PUT", s, "scheduled_at=2099-02-01T00:00:00Z"},
           {"DELETE", s, ""},
       }) {
    SCOPED_TRACE(c.method + " " + c.target);
    EXPECT_EQ(expect_error(send(c.method, c.target, other.token, c.body), 404), "Record not found");
  }
  // All of it is still the owner's, unchanged.
  EXPECT_EQ(str(Api::ok_json(api().get(l, owner.token)), "title"), "mine");
  EXPECT_EQ(arr(Api::ok_json(api().get(l + "/accounts", owner.token))).size(), 1u);
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/conversations", owner.token))).size(), 1u);
  EXPECT_EQ(
      str(Api::ok_json(api().get("/api/v1/notifications/" + notification, owner.token)), "id"),
      notification);
  auto mine = Api::ok_json(api().get("/api/v1/media/" + media, owner.token));
  EXPECT_TRUE(is_null(mine, "description"));
  EXPECT_EQ(str(Api::ok_json(api().get(s, owner.token)), "scheduled_at"),
            "2099-01-01T00:00:00.000Z");
  EXPECT_TRUE(arr(Api::ok_json(api().get("/api/v1/scheduled_statuses", other.token))).empty());
}

// ---------------------------------------------------------------------------
// Parameters

struct ParamCase {
  std::string method;
  std::string target;  // ":own_status", ":own_list", ":other" are filled in
  std::string body;    // form-encoded unless it starts with '{'
  int status;
  std::string error_has;  // a part of the error text; "" to skip
};

TEST_F(EndpointErrors, MissingMistypedAndOversizedParameters) {
  const User u = new_user("eepar"), other = new_user("eepao");
  const std::string own_status = api().post_id(u, "original");
  const std::string own_list =
      str(Api::ok_json(api().post_form("/api/v1/lists", form({{"title", "l"}}), u.token)), "id");
  auto fill = [&](std::string s) {
    for (auto [name, value] : {std::pair<std::string, std::string>{":own_status", own_status},
                               {":own_list", own_list},
                               {":other", other.id}}) {
      for (size_t at; (at = s.find(name)) != std::string::npos;) s.replace(at, name.size(), value);
    }
    return s;
  };
  const std::string long_status(501, 's'), long_name(31, 'd'), long_note(501, 'n');
  const std::vector<ParamCase> cases = {
      // Missing required parameters
      {"POST", "/api/v1/statuses", "", 422, "Text can't be blank"},
      {"POST", "/api/v1/statuses", "{}", 422, "Text can't be blank"},
      {"PUT", "/api/v1/statuses/:own_status", "", 422, "Text can't be blank"},
      {"POST", "/api/v1/lists", "", 422, "title can't be blank"},
      {"PUT", "/api/v1/lists/:own_list", "title=", 422, "title can't be blank"},
      {"POST", "/api/v1/lists/:own_list/accounts", "", 422, "account_ids[] is required"},
      {"DELETE", "/api/v1/lists/:own_list/accounts", "", 422, "account_ids[] is required"},
      {"POST", "/api/v1/markers", "", 422, "is required"},
      {"POST", "/api/v1/notifications/requests/accept", "", 422, "id[] is required"},
      {"POST", "/api/v1/notifications/requests/dismiss", "id[]=abc", 422, "id[] is required"},
      {"POST", "/api/v2/media", "", 422, "File can't be blank"},
      {"POST", "/api/v1/media", "description=no file", 422, "File can't be blank"},
      {"POST", "/api/v1/apps", "", 422, "Application name can't be blank"},
      {"POST", "/api/v1/apps", "client_name=x", 422, "Redirect URI can't be blank"},
      {"GET", "/api/v1/accounts/lookup", "", 404, ""},
      // Wrong types: text where a number, boolean or id is expected, lists and objects where
      // one value is expected.
      {"GET", "/api/v1/timelines/public?limit=abc", "", 400, "limit must be an integer"},
      {"GET", "/api/v1/timelines/public?limit=1.5", "", 400, "limit"},
      {"GET", "/api/v1/timelines/public?local=maybe", "", 400, "local must be a boolean"},
      {"GET", "/api/v1/timelines/public?only_media=2", "", 400, "only_media must be a boolean"},
      {"GET", "/api/v1/timelines/tag/x?only_media=abc", "", 400, "only_media"},
      {"GET", "/api/v1/accounts/:other/statuses?pinned=abc", "", 400, "pinned"},
      {"GET", "/api/v1/accounts/:other/statuses?exclude_replies=abc", "", 400, "exclude_replies"},
      {"GET", "/api/v1/accounts/search?q=a&limit=abc", "", 400, "limit"},
      {"GET", "/api/v1/accounts/search?q=a&offset=abc", "", 400, "offset"},
      {"GET", "/api/v2/search?q=a&limit=abc", "", 400, "limit"},
      {"GET", "/api/v2/search?q=a&offset=abc", "", 400, "offset"},
      {"GET", "/api/v2/search?q=a&type=people", "", 400, "type"},
      {"GET", "/api/v2/notifications/unread_count?limit=abc", "", 400, "limit"},
      {"GET", "/api/v1/notifications/unread_count?limit=abc", "", 400, "limit"},
      {"GET", "/api/v1/notifications?include_filtered=abc", "", 400, "include_filtered"},
      {"GET", "/api/v1/notifications/requests?limit=abc", "", 400, "limit"},
      {"PATCH", "/api/v2/notifications/policy", "for_not_following=maybe", 422,
       "for_not_following must be accept, filter or drop"},
      {"PATCH", "/api/v2/notifications/policy", "{\"for_private_mentions\":[\"drop\"]}", 422,
       "for_private_mentions"},
      {"GET", "/api/v1/lists/:own_list/accounts?limit=abc", "", 400, "limit"},
      {"GET", "/api/v1/timelines/home?max_id=abc", "", 400, "max_id"},
      {"GET", "/api/v1/notifications?since_id=-1", "", 400, "since_id"},
      {"GET", "/api/v1/favourites?min_id=1e3", "", 400, "min_id"},
      {"POST", "/api/v1/statuses", "status=x&sensitive=abc", 400, "sensitive must be a boolean"},
      {"POST", "/api/v1/statuses", "status=x&visibility=everyone", 422, "Visibility"},
      {"POST", "/api/v1/statuses", "{\"status\":\"x\",\"visibility\":7}", 422, "Visibility"},
      {"POST", "/api/v1/statuses", "{\"status\":\"x\",\"sensitive\":\"abc\"}", 400, "sensitive"},
      {"POST", "/api/v1/statuses", "{\"status\":[\"x\"]}", 422, "Text can't be blank"},
      {"POST", "/api/v1/statuses", "{\"status\":{\"text\":\"x\"}}", 422, "Text can't be blank"},
      {"POST", "/api/v1/statuses", "{\"status\":\"x\",\"media_ids\":\"abc\"}", 422, "media"},
      {"POST", "/api/v1/statuses", "{\"status\":\"x\",\"media_ids\":[\"abc\"]}", 422, "media"},
      {"POST", "/api/v1/statuses", "{\"status\":\"x\",\"in_reply_to_id\":\"abc\"}", 404, ""},
      {"POST", "/api/v1/statuses", "{\"status\":\"x\",\"in_reply_to_id\":1.5}", 404, ""},
      {"POST", "/api/v1/statuses", "{\"status\":\"x\",\"in_reply_to_id\":{\"id\":1}}", 422,
       "in_reply_to_id"},
      {"POST", "/api/v1/statuses", "{\"status\":\"x\",\"in_reply_to_id\":[\"1\"]}", 422,
       "in_reply_to_id"},
      {"POST", "/api/v1/statuses", "{\"status\":\"x\",\"visibility\":[\"public\"]}", 422,
       "visibility"},
      {"POST", "/api/v1/statuses", "status=x&poll[options][]=a", 422, "at least 2 options"},
      {"POST", "/api/v1/statuses", "status=x&scheduled_at=soon", 422, "Scheduled at"},
      {"POST", "/api/v1/statuses", "status=x&scheduled_at=2020-01-01T00:00:00Z", 422,
       "at least 5 minutes"},
      {"POST", "/api/v1/statuses", "{\"status\":\"x\",\"scheduled_at\":[\"2099-01-01\"]}", 422,
       "scheduled_at"},
      {"POST", "/api/v1/statuses", "status=x&visibility=direct&scheduled_at=2099-01-01T00:00:00Z",
       422, "direct messages cannot be scheduled"},
      {"POST", "/api/v1/statuses/:own_status/reblog", "visibility=loud", 422, "Visibility"},
      {"PATCH", "/api/v1/accounts/update_credentials", "locked=abc", 400, "locked"},
      {"PATCH", "/api/v1/accounts/update_credentials", "{\"bot\":\"abc\"}", 400, "bot"},
      {"PATCH", "/api/v1/accounts/update_credentials", "discoverable=abc", 400, "discoverable"},
      {"PATCH", "/api/v1/accounts/update_credentials", "indexable=abc", 400, "indexable"},
      {"PATCH", "/api/v1/accounts/update_credentials", "hide_collections=2", 400,
       "hide_collections"},
      {"PATCH", "/api/v1/accounts/update_credentials", "source[privacy]=abc", 422, "privacy"},
      {"PATCH", "/api/v1/accounts/update_credentials", "source[sensitive]=abc", 422, "sensitive"},
      {"PATCH", "/api/v1/accounts/update_credentials", "{\"display_name\":[\"a\",\"b\"]}", 422,
       "display_name"},
      {"PATCH", "/api/v1/accounts/update_credentials", "{\"note\":{\"a\":1}}", 422, "note"},
      {"POST", "/api/v1/lists", "title=x&replies_policy=all", 422, "replies_policy"},
      {"POST", "/api/v1/lists", "title=x&exclusive=abc", 400, "exclusive"},
      {"PUT", "/api/v1/lists/:own_list", "exclusive=abc", 400, "exclusive"},
      {"POST", "/api/v1/lists", "{\"title\":[\"x\"]}", 422, "title"},
      {"POST", "/api/v1/accounts/:other/follow", "reblogs=sometimes", 400, "reblogs"},
      {"POST", "/api/v1/accounts/:other/follow", "{\"notify\":\"abc\"}", 400, "notify"},
      {"POST", "/api/v1/accounts/:other/mute", "notifications=2", 400, "notifications"},
      {"POST", "/api/v1/markers", "home[last_read_id]=abc", 422, "last_read_id"},
      {"POST", "/api/v1/markers", "{\"home\":{\"last_read_id\":-3}}", 422, "last_read_id"},
      {"POST", "/api/v1/apps", "client_name=x&redirect_uris=not a uri&scopes=read", 422,
       "Redirect URI"},
      {"POST", "/api/v1/apps", "client_name=x&redirect_uris=urn:ietf:wg:oauth:2.0:oob&scopes=all",
       422, "Scopes"},
      // Oversized values
      {"POST", "/api/v1/statuses", "status=" + long_status, 422, "character limit"},
      {"POST", "/api/v1/statuses", "status=x&spoiler_text=" + long_status, 422, "character limit"},
      {"POST", "/api/v1/statuses", "status=x&language=" + std::string(300, 'l'), 422, "Language"},
      {"PUT", "/api/v1/statuses/:own_status", "status=" + long_status, 422, "character limit"},
      {"PATCH", "/api/v1/accounts/update_credentials", "display_name=" + long_name, 422,
       "Display name is too long"},
      {"PATCH", "/api/v1/accounts/update_credentials", "note=" + long_note, 422,
       "Note is too long"},
      {"PATCH", "/api/v1/accounts/update_credentials",
       "fields_attributes[0][name]=a&fields_attributes[0][value]=1&"
       "fields_attributes[1][name]=b&fields_attributes[1][value]=2&"
       "fields_attributes[2][name]=c&fields_attributes[2][value]=3&"
       "fields_attributes[3][name]=d&fields_attributes[3][value]=4&"
       "fields_attributes[4][name]=e&fields_attributes[4][value]=5",
       422, "at most 4"},
      {"PATCH", "/api/v1/accounts/update_credentials",
       "fields_attributes[0][name]=" + std::string(256, 'f') + "&fields_attributes[0][value]=v",
       422, "too long"},
      {"PATCH", "/api/v1/accounts/update_credentials", "source[language]=" + std::string(300, 'l'),
       422, "language"},
      {"POST", "/api/v1/lists", "title=" + std::string(5000, 't'), 422, "title is too long"},
      {"PUT", "/api/v1/lists/:own_list", "title=" + std::string(101, 't'), 422, "too long"},
      {"PUT", "/api/v1/media/1", "focus=2,2", 404, ""},
      {"POST", "/api/v1/apps",
       "client_name=" + std::string(201, 'a') + "&redirect_uris=urn:ietf:wg:oauth:2.0:oob", 422,
       "Application name"},
      {"POST", "/api/v1/statuses", "status=x", 422, "Idempotency-Key"},  // header below
  };
  for (const auto& c : cases) {
    const std::string target = fill(c.target);
    const std::string body = fill(c.body);
    SCOPED_TRACE(c.method + " " + target + " " + body.substr(0, 120));
    std::vector<std::pair<std::string, std::string>> headers;
    if (c.error_has == "Idempotency-Key") headers = {{"Idempotency-Key", std::string(300, 'k')}};
    const bool is_json = !body.empty() && body.front() == '{';
    auto r = send(c.method, target, starts_with(target, "/api/v1/apps") ? "" : u.token, body,
                  is_json ? "application/json" : "", headers);
    const std::string text = expect_error(r, c.status);
    if (!c.error_has.empty()) {
      EXPECT_TRUE(contains(text, c.error_has)) << text;
    }
  }
  // None of that changed the account, its post or its list.
  auto me = Api::ok_json(api().get("/api/v1/accounts/verify_credentials", u.token));
  EXPECT_EQ(num(me, "statuses_count"), 1);
  EXPECT_EQ(str(me, "display_name"), "");
  EXPECT_EQ(str(me, "note"), "");
  EXPECT_TRUE(arr(me, "fields").empty());
  EXPECT_FALSE(boolean(me, "locked"));
  EXPECT_EQ(str(api().status(own_status), "content"), "<p>original</p>");
  EXPECT_EQ(str(Api::ok_json(api().get("/api/v1/lists/" + own_list, u.token)), "title"), "l");
  auto rel = Api::ok_json(api().get("/api/v1/accounts/relationships?id[]=" + other.id, u.token));
  EXPECT_FALSE(boolean(rel, "0.following"));
  EXPECT_FALSE(boolean(rel, "0.muting"));
  auto markers = Api::ok_json(api().get("/api/v1/markers", u.token));
  EXPECT_TRUE(markers.as_object().empty());
}

TEST_F(EndpointErrors, OutOfRangeLimitsAndOffsetsAreClampedNotObeyed) {
  const User u = new_user("eelim");
  for (int i = 0; i < 3; ++i) api().post_id(u, "post " + std::to_string(i));
  const std::string statuses = "/api/v1/accounts/" + u.id + "/statuses";
  // A huge limit is capped, a negative or zero one means at least one.
  EXPECT_EQ(arr(Api::ok_json(api().get(statuses + "?limit=100000"))).size(), 3u);
  EXPECT_EQ(arr(Api::ok_json(api().get(statuses + "?limit=-5"))).size(), 1u);
  EXPECT_EQ(arr(Api::ok_json(api().get(statuses + "?limit=0"))).size(), 1u);
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/timelines/home?limit=-100000", u.token))).size(),
            1u);
  // An offset past every result finds nothing, however large: it never wraps round to the
  // first page.
  for (const std::string offset :
       {"1000", "2147483647", "2147483648", "3000000000", "4294967296", "9223372036854775807"}) {
    SCOPED_TRACE(offset);
    auto found =
        Api::ok_json(api().get("/api/v2/search?q=" + u.username + "&offset=" + offset, u.token));
    EXPECT_TRUE(arr(found, "accounts").empty());
    EXPECT_TRUE(arr(found, "statuses").empty());
    auto tagged =
        Api::ok_json(api().get("/api/v2/search?type=statuses&q=%23x&offset=" + offset, u.token));
    EXPECT_TRUE(arr(tagged, "statuses").empty());
    EXPECT_TRUE(arr(Api::ok_json(api().get(
                        "/api/v1/accounts/search?q=" + u.username + "&offset=" + offset, u.token)))
                    .empty());
  }
  // Out of int64 range is refused outright.
  expect_error(api().get("/api/v2/search?q=a&offset=99999999999999999999", u.token), 400);
  // A negative offset is the first page.
  EXPECT_EQ(arr(Api::ok_json(
                    api().get("/api/v1/accounts/search?q=" + u.username + "&offset=-3", u.token)))
                .size(),
            1u);
}

TEST_F(EndpointErrors, AccountSearchWithoutAQueryFindsNothing) {
  const User u = new_user("eeq");
  for (const std::string q : {"", "@", "%20"}) {
    SCOPED_TRACE(q);
    EXPECT_TRUE(arr(Api::ok_json(api().get("/api/v1/accounts/search?q=" + q, u.token))).empty());
  }
  EXPECT_TRUE(arr(Api::ok_json(api().get("/api/v1/accounts/search", u.token))).empty());
}

// ---------------------------------------------------------------------------
// Malformed encodings and oversized bodies, on every route that reads them

TEST_F(EndpointErrors, EveryRouteRefusesMalformedBodiesAndQueries) {
  const User u = new_user("eemal");
  const std::string own_status = api().post_id(u, "kept");
  const std::string own_list =
      str(Api::ok_json(api().post_form("/api/v1/lists", form({{"title", "kept"}}), u.token)), "id");
  const std::string own_media = upload_image(u);
  const auto own_filter = Api::ok_json(api().post_json(
      "/api/v2/filters",
      json::parse(R"({"title":"kept","context":["home"],"keywords_attributes":[{"keyword":"k"}]})"),
      u.token));
  const std::string own_scheduled =
      str(Api::ok_json(api().post_form(
              "/api/v1/statuses",
              form({{"status", "later"}, {"scheduled_at", "2099-01-01T00:00:00Z"}}), u.token)),
          "id");
  int checked = 0;
  for (const auto& route : api_routes()) {
    // Routes that look their record up first need one that exists.
    std::string id = u.id;
    if (contains(route.pattern, "statuses/:id")) id = own_status;
    if (starts_with(route.pattern, "/api/v1/lists/:id")) id = own_list;
    if (starts_with(route.pattern, "/api/v1/media/:id")) id = own_media;
    if (starts_with(route.pattern, "/api/v1/scheduled_statuses/:id")) id = own_scheduled;
    if (starts_with(route.pattern, "/api/v2/filters/:")) id = str(own_filter, "id");
    if (starts_with(route.pattern, "/api/v2/filters/keywords/") ||
        starts_with(route.pattern, "/api/v1/filters/:"))
      id = str(own_filter, "keywords.0.id");
    const std::string target = with_id(route.pattern, id);
    const std::string token = token_for(route, u);
    SCOPED_TRACE(route.method + " " + target);
    // Parameters are read before any record is looked up, on every route.
    auto refused = [&](const HttpResponse& r) { expect_error(r, 400); };
    for (const std::string query : {"q=%zz", "limit=%", "x=%C3%28", "%FF=1"})
      refused(send(route.method, target + "?" + query, token));
    if (route.method != "GET") {
      refused(send(route.method, target, token, "{\"status\": \"x\"", "application/json"));
      refused(send(route.method, target, token, "[1, 2]", "application/json"));
      refused(send(route.method, target, token, "a=%zz&b=1"));
      refused(send(route.method, target, token, "a=%ED%A0%80"));
      refused(send(route.method, target, token, "status=hi", "text/plain"));
      refused(send(route.method, target, token,
                   "--B\r\nContent-Disposition: form-data; "
                   "name=\"a\"\r\n\r\nx\r\n",
                   "multipart/form-data; boundary=B"));
    }
    ++checked;
  }
  EXPECT_GE(checked, 50);
  // None of those posts, follows, lists or markers happened.
  auto me = Api::ok_json(api().get("/api/v1/accounts/verify_credentials", u.token));
  EXPECT_EQ(num(me, "statuses_count"), 1);
  EXPECT_EQ(num(me, "following_count"), 0);
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/lists", u.token))).size(), 1u);
  EXPECT_EQ(str(api().status(own_status), "content"), "<p>kept</p>");
}

TEST_F(EndpointErrors, EveryRouteRefusesABodyOverTheLimitWith413) {
  const std::string length = std::to_string(16 * 1024 * 1024 + 1);
  int checked = 0;
  for (const auto& route : api_routes()) {
    if (route.method == "GET") continue;
    const std::string target = with_id(route.pattern, "1");
    SCOPED_TRACE(route.method + " " + target);
    // The declared length is enough: the server answers before reading a byte of the body.
    auto r = send_raw(port(), route.method + " " + target +
                                  " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                                  "application/json\r\nContent-Length: " +
                                  length + "\r\n\r\n{");
    EXPECT_EQ(expect_error(r, 413), "Request body is too large");
    ++checked;
  }
  EXPECT_GE(checked, 40);
  EXPECT_EQ(api().get("/api/v1/instance").status, 200);
}

// ---------------------------------------------------------------------------
// Odd values everywhere: never a 500, never a non-JSON API error, the server keeps serving.

TEST_F(EndpointErrors, OddValuesOnEveryRouteNeverCauseA5xx) {
  const User u = new_user("eeodd");
  const std::vector<std::string> odd_values = {"",
                                               "%00",
                                               "a%00b",
                                               "%F0%9F%98%80",
                                               "%E2%80%AE",
                                               "-1",
                                               "+1",
                                               "%201",
                                               "1%20",
                                               "99999999999999999999999",
                                               "-9223372036854775808",
                                               "1e308",
                                               "%5B%5D",
                                               "%7B%7D",
                                               std::string(2000, 'x')};
  const std::vector<std::string> names = {"limit",          "max_id",
                                          "since_id",       "min_id",
                                          "offset",         "q",
                                          "id[]",           "types[]",
                                          "status",         "visibility",
                                          "in_reply_to_id", "title",
                                          "account_ids[]",  "home[last_read_id]",
                                          "focus"};
  int sent = 0;
  for (const auto& route : api_routes()) {
    const std::string token = token_for(route, u);
    for (size_t i = 0; i < odd_values.size(); ++i) {
      const std::string& value = odd_values[i];
      // An empty id would match another route; an unknown one stands in.
      const std::string target = with_id(route.pattern, value.empty() ? "999999999999" : value) +
                                 "?" + names[i % names.size()] + "=" + value;
      SCOPED_TRACE(route.method + " " + target.substr(0, 200));
      const std::string body =
          route.method == "GET" ? "" : names[(i + 3) % names.size()] + "=" + value;
      auto r = send(route.method, target, token, body);
      EXPECT_GT(r.status, 0) << r;
      EXPECT_LT(r.status, 500) << r;
      if (r.status >= 400 && !starts_with(route.pattern, "/oauth/authorize"))
        expect_error(r, r.status);
      ++sent;
    }
  }
  EXPECT_GT(sent, 1000);
  EXPECT_EQ(api().get("/api/v1/instance").status, 200);
}

// ---------------------------------------------------------------------------
// The web UI: bad form input gives a 4xx page, never a 500.

TEST_F(EndpointErrors, WebFormsAnswerBadInputWithA4xxPage) {
  const User u = new_user("eeweb");
  // A signed-in browser: its session cookie and the CSRF token its forms carry. Cookies are
  // taken only while signing in, so a form that signs out cannot end the loop's session.
  std::string cookie;
  bool take_cookies = true;
  auto browse = [&](const std::string& method, const std::string& target, const std::string& body) {
    HttpRequest r;
    r.method = method;
    r.target = target;
    if (!cookie.empty())
      r.headers.push_back({"Cookie", std::string(web::kSessionCookie) + "=" + cookie});
    if (method == "POST") {
      r.content_type = "application/x-www-form-urlencoded";
      r.body = body + (body.empty() ? "" : "&") + "csrf=" + web::csrf_token(cookie);
    }
    auto response = api().request(std::move(r));
    if (const std::string set = response.header("set-cookie"); take_cookies && !set.empty()) {
      const auto eq = set.find('=');
      const std::string value = set.substr(eq + 1, set.find(';') - eq - 1);
      if (!value.empty()) cookie = value;
    }
    return response;
  };
  browse("GET", "/auth/sign_in", "");
  ASSERT_EQ(
      browse("POST", "/auth/sign_in", form({{"username", u.username}, {"password", u.password}}))
          .status,
      303);
  take_cookies = false;
  const std::vector<std::string> odd_ids = {
      "abc", "-1", "+1", "%201", "1%00", "99999999999999999999999", "%F0%9F%98%80"};
  const std::vector<std::string> odd_bodies = {
      "status=" + std::string(501, 's'),
      "status=x&visibility=everyone",
      "title=" + std::string(5000, 't'),
      "display_name=" + std::string(31, 'd'),
      "note=" + std::string(501, 'n'),
      "account_id=abc&account_ids[]=-1",
      "to=nowhere&approve[]=",
      "page=abc&limit=abc&max_id=abc",
      "new_password=x&current_password=",
      "confirm_username=somebody_else",
      "a=%zz",
      "status=%FF%FE",
  };
  // A malformed id in a page's address is the site's 404 page; only a list's edit page sends
  // the browser back to the lists instead.
  for (const auto& route : web_routes()) {
    if (!contains(route.pattern, "/:id")) continue;
    for (const auto& id : odd_ids) {
      SCOPED_TRACE(route.method + " " + with_id(route.pattern, id));
      auto r = browse(route.method, with_id(route.pattern, id), "");
      if (route.method == "GET" && route.pattern == "/lists/:id/edit") {
        EXPECT_EQ(r.status, 303) << r;
        EXPECT_EQ(r.header("location"), "/lists");
      } else {
        EXPECT_EQ(r.status, 404) << r;
        EXPECT_TRUE(starts_with(r.header("content-type"), "text/html")) << r;
      }
    }
  }
  int sent = 0;
  for (const auto& route : web_routes()) {
    if (route.pattern == "/auth/sign_out" || route.pattern == "/settings/delete" ||
        route.pattern == "/settings/password" || route.pattern == "/settings/recovery_codes")
      continue;  // they would end the session this loop runs in; covered by the web tests
    for (size_t i = 0; i < odd_ids.size(); ++i) {
      std::string target = with_id(route.pattern, odd_ids[i]);
      if (route.method == "GET") target += "?" + odd_bodies[i % odd_bodies.size()];
      const std::string body =
          route.method == "POST" ? odd_bodies[(i * 5) % odd_bodies.size()] : "";
      SCOPED_TRACE(route.method + " " + target.substr(0, 120) + " " + body.substr(0, 60));
      auto r = browse(route.method, target, body);
      EXPECT_GT(r.status, 0) << r;
      EXPECT_LT(r.status, 500) << r;
      ++sent;
    }
  }
  EXPECT_GT(sent, 300);
  // Malformed form bodies are a 400 page (not JSON: this is the web UI).
  for (const std::string body : {"a=%zz", "status=caf%C3"}) {
    auto r = browse("POST", "/statuses", body);
    EXPECT_EQ(r.status, 400) << r;
    EXPECT_TRUE(starts_with(r.header("content-type"), "text/html")) << r.header("content-type");
  }
  // The session survived all of it, and nothing was posted.
  EXPECT_EQ(browse("GET", "/settings", "").status, 200);
  EXPECT_EQ(num(api().account(u.id), "statuses_count"), 0);
}

}  // namespace
}  // namespace publius::integration
