// OAuth 2 and app registration against the running server: /api/v1/apps,
// /oauth/authorize, /oauth/token, /oauth/revoke and the RFC 8414 metadata.
#include "integration/server_harness.h"

namespace publius::integration {
namespace {

constexpr const char* kOob = "urn:ietf:wg:oauth:2.0:oob";

class OAuthApiIntegration : public ApiIntegrationTest {
 protected:
  // The authorization code shown on the out-of-band page, or "".
  static std::string oob_code(const HttpResponse& page) {
    const std::string marker = "aria-label=\"Authorization code\" value=\"";
    const auto pos = page.body.find(marker);
    if (pos == std::string::npos) return "";
    const auto start = pos + marker.size();
    return page.body.substr(start, page.body.find('"', start) - start);
  }

  // Signs in on the authorize form; returns the response (page or redirect).
  static HttpResponse authorize(const AppCredentials& app, const User& user,
                                const std::string& redirect_uri, const std::string& scope,
                                const std::string& extra = "") {
    std::string body = form({{"client_id", app.client_id},
                             {"redirect_uri", redirect_uri},
                             {"scope", scope},
                             {"response_type", "code"},
                             {"username", user.username},
                             {"password", user.password}});
    if (!extra.empty()) body += "&" + extra;
    return api().post_form("/oauth/authorize", body);
  }

  static HttpResponse exchange(const AppCredentials& app, const std::string& code,
                               const std::string& redirect_uri, const std::string& extra = "") {
    std::string body = form({{"grant_type", "authorization_code"},
                             {"client_id", app.client_id},
                             {"client_secret", app.client_secret},
                             {"code", code},
                             {"redirect_uri", redirect_uri}});
    if (!extra.empty()) body += "&" + extra;
    return api().post_form("/oauth/token", body);
  }

  // Asserts an RFC 6749 error body with the given code.
  static void expect_oauth_error(const HttpResponse& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r;
    EXPECT_TRUE(r.is_json()) << r;
    auto v = r.json();
    EXPECT_EQ(str(v, "error"), code) << r;
    EXPECT_FALSE(str(v, "error_description").empty()) << r;
  }

  static std::string username_of(const std::string& token) {
    auto v = Api::ok_json(api().get("/api/v1/accounts/verify_credentials", token));
    return v.is_object() ? str(v, "username") : "";
  }
};

TEST_F(OAuthApiIntegration, CreateAppWithJsonBody) {
  json::object body{{"client_name", "Json Client"},
                    {"redirect_uris", "https://json.example/callback"},
                    {"scopes", "read write:statuses"},
                    {"website", "https://json.example"}};
  auto v = Api::ok_json(api().post_json("/api/v1/apps", body));
  EXPECT_EQ(str(v, "name"), "Json Client");
  EXPECT_EQ(str(v, "website"), "https://json.example");
  EXPECT_EQ(str(v, "redirect_uri"), "https://json.example/callback");
  ASSERT_EQ(arr(v, "redirect_uris").size(), 1u);
  EXPECT_EQ(str(v, "redirect_uris.0"), "https://json.example/callback");
  ASSERT_EQ(arr(v, "scopes").size(), 2u);
  EXPECT_EQ(str(v, "scopes.0"), "read");
  EXPECT_EQ(str(v, "scopes.1"), "write:statuses");
  EXPECT_GE(str(v, "client_id").size(), 32u);
  EXPECT_GE(str(v, "client_secret").size(), 32u);
  EXPECT_NE(str(v, "client_id"), str(v, "client_secret"));
  EXPECT_EQ(num(v, "client_secret_expires_at"), 0);
  EXPECT_EQ(str(v, "vapid_key"),
            str(Api::ok_json(api().get("/api/v2/instance")), "configuration.vapid.public_key"))
      << "the instance's Web Push key";
  EXPECT_FALSE(str(v, "id").empty());
}

TEST_F(OAuthApiIntegration, CreateAppWithFormBodyAndSeveralRedirectUris) {
  auto v = Api::ok_json(api().post_form(
      "/api/v1/apps", form({{"client_name", "Form Client"},
                            {"redirect_uris", "https://form.example/cb\nmyapp://oauth"},
                            {"scopes", "read follow"}})));
  EXPECT_EQ(str(v, "name"), "Form Client");
  EXPECT_TRUE(is_null(v, "website"));
  ASSERT_EQ(arr(v, "redirect_uris").size(), 2u);
  EXPECT_EQ(str(v, "redirect_uris.0"), "https://form.example/cb");
  EXPECT_EQ(str(v, "redirect_uris.1"), "myapp://oauth");
  EXPECT_EQ(str(v, "redirect_uri"), "https://form.example/cb\nmyapp://oauth");
  ASSERT_EQ(arr(v, "scopes").size(), 2u);
  EXPECT_EQ(str(v, "scopes.1"), "follow");
}

TEST_F(OAuthApiIntegration, CreateAppDefaultsScopeToRead) {
  auto v = Api::ok_json(api().post_form(
      "/api/v1/apps", form({{"client_name", "Default scopes"}, {"redirect_uris", kOob}})));
  ASSERT_EQ(arr(v, "scopes").size(), 1u);
  EXPECT_EQ(str(v, "scopes.0"), "read");
}

TEST_F(OAuthApiIntegration, CreateAppValidationErrors) {
  // Missing or blank client_name.
  auto text = expect_error(
      api().post_form("/api/v1/apps", form({{"redirect_uris", kOob}, {"scopes", "read"}})), 422);
  EXPECT_TRUE(contains(text, "name")) << text;
  expect_error(
      api().post_form("/api/v1/apps", form({{"client_name", ""}, {"redirect_uris", kOob}})), 422);
  // Missing redirect URI.
  text = expect_error(api().post_form("/api/v1/apps", form({{"client_name", "x"}})), 422);
  EXPECT_TRUE(contains(text, "Redirect URI")) << text;
  // Not absolute URIs, or with a fragment.
  for (const char* bad : {"relative/path", "https://app.example/cb#frag", "://nothing",
                          "https://app.example/<script>"}) {
    text = expect_error(
        api().post_form("/api/v1/apps", form({{"client_name", "x"}, {"redirect_uris", bad}})), 422);
    EXPECT_TRUE(contains(text, "Redirect URI")) << bad << ": " << text;
  }
  // Unknown scopes.
  for (const char* bad : {"read destroy:everything", "write:nonsense", "admin"}) {
    text = expect_error(
        api().post_form("/api/v1/apps",
                        form({{"client_name", "x"}, {"redirect_uris", kOob}, {"scopes", bad}})),
        422);
    EXPECT_TRUE(contains(text, "Scopes")) << bad << ": " << text;
  }
  // Over-long name.
  expect_error(api().post_form("/api/v1/apps", form({{"client_name", std::string(201, 'n')},
                                                     {"redirect_uris", kOob}})),
               422);
}

TEST_F(OAuthApiIntegration, AppVerifyCredentials) {
  auto app = api().create_app("read write", kOob, "Verify Me");
  auto token = api().app_token(app, "read");
  auto v = Api::ok_json(api().get("/api/v1/apps/verify_credentials", token));
  EXPECT_EQ(str(v, "name"), "Verify Me");
  EXPECT_EQ(str(v, "id"), app.id);
  EXPECT_FALSE(has(v, "client_secret")) << "verify_credentials must not reveal the secret";
  // A user token of the same app names the same app.
  auto user = new_user("appv");
  auto user_token = api().password_token(app, user, "read");
  v = Api::ok_json(api().get("/api/v1/apps/verify_credentials", user_token));
  EXPECT_EQ(str(v, "name"), "Verify Me");

  expect_error(api().get("/api/v1/apps/verify_credentials"), 401);
  expect_error(api().get("/api/v1/apps/verify_credentials", "not-a-token"), 401);
}

TEST_F(OAuthApiIntegration, ClientCredentialsGrant) {
  auto app = api().create_app("read write", kOob);
  auto v = Api::ok_json(api().post_form("/oauth/token", form({{"grant_type", "client_credentials"},
                                                              {"client_id", app.client_id},
                                                              {"client_secret", app.client_secret},
                                                              {"scope", "read"}})));
  EXPECT_EQ(str(v, "token_type"), "Bearer");
  EXPECT_EQ(str(v, "scope"), "read");
  EXPECT_GE(str(v, "access_token").size(), 32u);
  EXPECT_GT(num(v, "created_at"), 1600000000);
  // JSON body works as well, and scope defaults to read.
  v = Api::ok_json(
      api().post_json("/oauth/token", json::object{{"grant_type", "client_credentials"},
                                                   {"client_id", app.client_id},
                                                   {"client_secret", app.client_secret}}));
  EXPECT_EQ(str(v, "scope"), "read");
  Api::ok_json(api().get("/api/v1/apps/verify_credentials", str(v, "access_token")));
}

TEST_F(OAuthApiIntegration, PasswordGrant) {
  auto user = new_user("pw");
  auto v = Api::ok_json(api().post_form("/oauth/token", form({{"grant_type", "password"},
                                                              {"client_id", app_.client_id},
                                                              {"client_secret", app_.client_secret},
                                                              {"username", user.username},
                                                              {"password", user.password},
                                                              {"scope", "read write"}})));
  EXPECT_EQ(str(v, "scope"), "read write");
  EXPECT_EQ(username_of(str(v, "access_token")), user.username);
  // Scopes joined with '+' (as some clients send them) mean the same.
  v = Api::ok_json(api().post_form(
      "/oauth/token", "grant_type=password&client_id=" + enc(app_.client_id) + "&client_secret=" +
                          enc(app_.client_secret) + "&username=" + enc(user.username) +
                          "&password=" + enc(user.password) + "&scope=read%2Bfollow"));
  EXPECT_EQ(str(v, "scope"), "read follow");

  auto bad = api().post_form("/oauth/token", form({{"grant_type", "password"},
                                                   {"client_id", app_.client_id},
                                                   {"client_secret", app_.client_secret},
                                                   {"username", user.username},
                                                   {"password", "wrong password"}}));
  expect_oauth_error(bad, 400, "invalid_grant");
  bad = api().post_form("/oauth/token", form({{"grant_type", "password"},
                                              {"client_id", app_.client_id},
                                              {"client_secret", app_.client_secret},
                                              {"username", "nobody_" + unique_suffix()},
                                              {"password", user.password}}));
  expect_oauth_error(bad, 400, "invalid_grant");
}

TEST_F(OAuthApiIntegration, AuthorizationCodeFlowOutOfBand) {
  auto user = new_user("oob");
  auto app = api().create_app("read write follow", kOob, "Oob <Client>");
  // The consent page names the app (escaped) and carries the request in hidden fields.
  auto page = api().get("/oauth/authorize?response_type=code&client_id=" + enc(app.client_id) +
                        "&redirect_uri=" + enc(kOob) + "&scope=read+write");
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_TRUE(starts_with(page.header("content-type"), "text/html")) << page.header("content-type");
  EXPECT_TRUE(contains(page.body, "Authorize Oob &lt;Client&gt;")) << page.body;
  EXPECT_FALSE(contains(page.body, "<Client>"));
  EXPECT_TRUE(contains(page.body, "name=\"client_id\" value=\"" + app.client_id + "\""));
  EXPECT_TRUE(contains(page.body, "<code>read</code>"));
  EXPECT_TRUE(contains(page.body, "<code>write</code>"));
  EXPECT_TRUE(contains(page.body, "action=\"/oauth/authorize\""));

  // A wrong password shows the form again with an error.
  User wrong = user;
  wrong.password = "not the password";
  auto denied = authorize(app, wrong, kOob, "read write");
  EXPECT_EQ(denied.status, 401) << denied;
  EXPECT_TRUE(contains(denied.body, "Invalid username or password")) << denied.body;
  EXPECT_EQ(oob_code(denied), "");

  auto shown = authorize(app, user, kOob, "read write");
  ASSERT_EQ(shown.status, 200) << shown;
  const std::string code = oob_code(shown);
  ASSERT_GE(code.size(), 32u) << shown.body;

  auto token = Api::ok_json(exchange(app, code, kOob));
  EXPECT_EQ(str(token, "scope"), "read write");
  EXPECT_EQ(str(token, "token_type"), "Bearer");
  EXPECT_EQ(username_of(str(token, "access_token")), user.username);

  // A code works once.
  expect_oauth_error(exchange(app, code, kOob), 400, "invalid_grant");
}

TEST_F(OAuthApiIntegration, AuthorizationCodeRedirectCarriesCodeAndState) {
  auto user = new_user("redir");
  auto app = api().create_app("read write", "https://client.example/callback?x=1");
  auto r = authorize(app, user, "https://client.example/callback?x=1", "read",
                     form({{"state", "s t&ate"}}));
  ASSERT_EQ(r.status, 302) << r;
  const std::string location = r.header("location");
  ASSERT_TRUE(starts_with(location, "https://client.example/callback?x=1&code=")) << location;
  EXPECT_TRUE(contains(location, "&state=s%20t%26ate")) << location;
  const auto start = location.find("&code=") + 6;
  const std::string code = location.substr(start, location.find('&', start) - start);
  ASSERT_FALSE(code.empty());

  // The redirect URI must match the one the code was issued for.
  expect_oauth_error(exchange(app, code, "https://client.example/other"), 400, "invalid_grant");
  // That attempt used the code up.
  expect_oauth_error(exchange(app, code, "https://client.example/callback?x=1"), 400,
                     "invalid_grant");

  r = authorize(app, user, "https://client.example/callback?x=1", "read");
  ASSERT_EQ(r.status, 302) << r;
  EXPECT_FALSE(contains(r.header("location"), "state=")) << r.header("location");
  const std::string loc2 = r.header("location");
  const std::string code2 = loc2.substr(loc2.find("&code=") + 6);
  auto token = Api::ok_json(exchange(app, code2, "https://client.example/callback?x=1"));
  EXPECT_EQ(username_of(str(token, "access_token")), user.username);
  // Another app cannot redeem this app's code.
  auto other = api().create_app("read write", "https://client.example/callback?x=1");
  r = authorize(app, user, "https://client.example/callback?x=1", "read");
  const std::string loc3 = r.header("location");
  const std::string code3 = loc3.substr(loc3.find("&code=") + 6);
  expect_oauth_error(exchange(other, code3, "https://client.example/callback?x=1"), 400,
                     "invalid_grant");
}

TEST_F(OAuthApiIntegration, AuthorizeRejectsBadRequestsWithAPage) {
  auto app = api().create_app("read", "https://client.example/cb");
  auto unknown = api().get("/oauth/authorize?response_type=code&client_id=nope&redirect_uri=" +
                           enc("https://client.example/cb"));
  EXPECT_EQ(unknown.status, 400) << unknown;
  EXPECT_TRUE(contains(unknown.body, "Unknown client_id")) << unknown.body;
  auto bad_redirect =
      api().get("/oauth/authorize?response_type=code&client_id=" + enc(app.client_id) +
                "&redirect_uri=" + enc("https://evil.example/cb"));
  EXPECT_EQ(bad_redirect.status, 400) << bad_redirect;
  EXPECT_TRUE(contains(bad_redirect.body, "redirect_uri")) << bad_redirect.body;
  auto too_much =
      api().get("/oauth/authorize?response_type=code&client_id=" + enc(app.client_id) +
                "&redirect_uri=" + enc("https://client.example/cb") + "&scope=read+write");
  EXPECT_EQ(too_much.status, 400) << too_much;
  EXPECT_TRUE(contains(too_much.body, "scope")) << too_much.body;
  auto token_type =
      api().get("/oauth/authorize?response_type=token&client_id=" + enc(app.client_id) +
                "&redirect_uri=" + enc("https://client.example/cb"));
  EXPECT_EQ(token_type.status, 400) << token_type;
  auto plain = api().get("/oauth/authorize?response_type=code&client_id=" + enc(app.client_id) +
                         "&redirect_uri=" + enc("https://client.example/cb") +
                         "&code_challenge=abc&code_challenge_method=plain");
  EXPECT_EQ(plain.status, 400) << plain;
  EXPECT_TRUE(contains(plain.body, "S256")) << plain.body;
  // The POST side checks the same rules before looking at the password.
  auto user = new_user("authz");
  auto post = authorize(app, user, "https://evil.example/cb", "read");
  EXPECT_EQ(post.status, 400) << post;
  EXPECT_FALSE(post.has_header("location"));
}

TEST_F(OAuthApiIntegration, PkceS256) {
  auto user = new_user("pkce");
  auto app = api().create_app("read", kOob);
  const std::string verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-" + unique_suffix();
  const std::string challenge = pkce_challenge(verifier);
  const std::string pkce = form({{"code_challenge", challenge}, {"code_challenge_method", "S256"}});

  auto page = api().get("/oauth/authorize?response_type=code&client_id=" + enc(app.client_id) +
                        "&redirect_uri=" + enc(kOob) + "&" + pkce);
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_TRUE(contains(page.body, "value=\"" + challenge + "\"")) << "challenge must be carried";

  // Wrong verifier.
  std::string code = oob_code(authorize(app, user, kOob, "read", pkce));
  ASSERT_FALSE(code.empty());
  auto r = exchange(app, code, kOob, form({{"code_verifier", verifier + "x"}}));
  expect_oauth_error(r, 400, "invalid_grant");
  // Missing verifier.
  code = oob_code(authorize(app, user, kOob, "read", pkce));
  expect_oauth_error(exchange(app, code, kOob), 400, "invalid_grant");
  // Right verifier.
  code = oob_code(authorize(app, user, kOob, "read", pkce));
  auto token = Api::ok_json(exchange(app, code, kOob, form({{"code_verifier", verifier}})));
  EXPECT_EQ(username_of(str(token, "access_token")), user.username);
}

TEST_F(OAuthApiIntegration, TokenEndpointErrors) {
  auto app = api().create_app("read", kOob);
  // Wrong secret, unknown client, no client at all.
  expect_oauth_error(api().post_form("/oauth/token", form({{"grant_type", "client_credentials"},
                                                           {"client_id", app.client_id},
                                                           {"client_secret", "wrong"}})),
                     401, "invalid_client");
  expect_oauth_error(api().post_form("/oauth/token", form({{"grant_type", "client_credentials"},
                                                           {"client_id", "unknown"},
                                                           {"client_secret", app.client_secret}})),
                     401, "invalid_client");
  expect_oauth_error(api().post_form("/oauth/token", form({{"grant_type", "client_credentials"}})),
                     401, "invalid_client");
  // Unsupported grant.
  for (const char* grant : {"implicit", "refresh_token", ""}) {
    expect_oauth_error(
        api().post_form("/oauth/token", form({{"grant_type", grant},
                                              {"client_id", app.client_id},
                                              {"client_secret", app.client_secret}})),
        400, "unsupported_grant_type");
  }
  // Scope beyond the app's, and unknown scopes.
  for (const char* scope : {"write", "read write", "read:statuses follow", "bogus"}) {
    expect_oauth_error(api().post_form("/oauth/token", form({{"grant_type", "client_credentials"},
                                                             {"client_id", app.client_id},
                                                             {"client_secret", app.client_secret},
                                                             {"scope", scope}})),
                       400, "invalid_scope");
  }
  // A narrower scope than the app's is fine.
  auto v = Api::ok_json(api().post_form("/oauth/token", form({{"grant_type", "client_credentials"},
                                                              {"client_id", app.client_id},
                                                              {"client_secret", app.client_secret},
                                                              {"scope", "read:statuses"}})));
  EXPECT_EQ(str(v, "scope"), "read:statuses");
  // Malformed body.
  HttpRequest req;
  req.method = "POST";
  req.target = "/oauth/token";
  req.content_type = "application/json";
  req.body = "{\"grant_type\":";
  auto r = api().request(req);
  EXPECT_EQ(r.status, 400) << r;
  EXPECT_EQ(str(r.json(), "error"), "invalid_request");
}

TEST_F(OAuthApiIntegration, RevokeMakesTokenUnusable) {
  auto user = new_user("rev");
  auto app = api().create_app("read write", kOob);
  const std::string token = api().password_token(app, user, "read");
  ASSERT_EQ(username_of(token), user.username);

  // Another app cannot revoke it.
  auto other = api().create_app("read", kOob);
  auto r = api().post_form("/oauth/revoke", form({{"client_id", other.client_id},
                                                  {"client_secret", other.client_secret},
                                                  {"token", token}}));
  EXPECT_EQ(r.status, 403) << r;
  EXPECT_EQ(str(r.json(), "error"), "unauthorized_client");
  // Nor can the right app with a wrong secret.
  r = api().post_form(
      "/oauth/revoke",
      form({{"client_id", app.client_id}, {"client_secret", "nope"}, {"token", token}}));
  EXPECT_EQ(r.status, 403) << r;
  EXPECT_EQ(username_of(token), user.username) << "token must survive failed revocations";

  r = api().post_form(
      "/oauth/revoke",
      form({{"client_id", app.client_id}, {"client_secret", app.client_secret}, {"token", token}}));
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.body, "{}");
  auto after = api().get("/api/v1/accounts/verify_credentials", token);
  EXPECT_EQ(expect_error(after, 401), "The access token is invalid");
  expect_error(api().get("/api/v1/timelines/home", token), 401);
  // Revoking an unknown (or already revoked) token also succeeds (RFC 7009).
  r = api().post_form(
      "/oauth/revoke",
      form({{"client_id", app.client_id}, {"client_secret", app.client_secret}, {"token", token}}));
  EXPECT_EQ(r.status, 200) << r;
}

TEST_F(OAuthApiIntegration, AuthorizationServerMetadata) {
  auto v = Api::ok_json(api().get("/.well-known/oauth-authorization-server"));
  EXPECT_EQ(str(v, "issuer"), "http://127.0.0.1/");
  EXPECT_EQ(str(v, "authorization_endpoint"), "http://127.0.0.1/oauth/authorize");
  EXPECT_EQ(str(v, "token_endpoint"), "http://127.0.0.1/oauth/token");
  EXPECT_EQ(str(v, "revocation_endpoint"), "http://127.0.0.1/oauth/revoke");
  EXPECT_EQ(str(v, "app_registration_endpoint"), "http://127.0.0.1/api/v1/apps");
  std::vector<std::string> grants;
  for (const auto& g : arr(v, "grant_types_supported")) grants.push_back(str(g));
  EXPECT_EQ(grants,
            (std::vector<std::string>{"authorization_code", "password", "client_credentials"}));
  ASSERT_EQ(arr(v, "code_challenge_methods_supported").size(), 1u);
  EXPECT_EQ(str(v, "code_challenge_methods_supported.0"), "S256");
  ASSERT_EQ(arr(v, "response_types_supported").size(), 1u);
  EXPECT_EQ(str(v, "response_types_supported.0"), "code");
  bool read = false, admin_write = false;
  for (const auto& s : arr(v, "scopes_supported")) {
    read |= str(s) == "read";
    admin_write |= str(s) == "admin:write";
  }
  EXPECT_TRUE(read && admin_write);

  // URLs follow the Host (and X-Forwarded-Proto) the client used.
  HttpRequest req;
  req.target = "/.well-known/oauth-authorization-server";
  req.host = "auth.example:8443";
  req.headers = {{"X-Forwarded-Proto", "https"}};
  v = Api::ok_json(api().request(req));
  EXPECT_EQ(str(v, "issuer"), "https://auth.example:8443/");
  EXPECT_EQ(str(v, "token_endpoint"), "https://auth.example:8443/oauth/token");
}

}  // namespace
}  // namespace publius::integration
