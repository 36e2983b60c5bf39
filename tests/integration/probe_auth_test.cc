// Probe (issue 10, §3): authentication that cannot be guessed, redirect URIs that cannot run
// script, OAuth pages that cannot be framed, and credentials that end when they should.
#include "integration/server_harness.h"
#include "integration/web_browser.h"
#include "util/crypto.h"

namespace publius::integration {
namespace {

// An Authorization header no one issued, fresh for every request.
std::pair<std::string, std::string> random_bearer() {
  return {"Authorization", "Bearer " + random_token(24)};
}

// ---------------------------------------------------------------------------
// Guessing passwords: a server of its own with a small rate limit, so a throttle is reached
// within a few dozen attempts. Each test attacks from its own loopback address.

constexpr int kRateLimit = 10;
// Four times the server's limit, and more than Mastodon's 25 sign-in attempts per address in five
// minutes: a throttle keyed on the client or on the target account must have answered 429 by then.
constexpr int kMaxAttempts = 4 * kRateLimit;

class ProbeThrottleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(crypto_init().ok());
    server_ = new ServerProcess;
    server_->rate_limit = std::to_string(kRateLimit);
    data_dir_ = make_temp_dir();
    ASSERT_TRUE(server_->start(data_dir_));
    api_ = new Api(server_->port());
    app_ = api_->create_app("read write follow push", "urn:ietf:wg:oauth:2.0:oob", "Throttle");
    const std::string app_token = api_->app_token(app_);
    victim_ = api_->register_user(app_token, "victim");
  }
  static void TearDownTestSuite() {
    if (server_ && server_->alive()) server_->stop();
    delete api_;
    delete server_;
    api_ = nullptr;
    server_ = nullptr;
    std::error_code ec;
    std::filesystem::remove_all(data_dir_, ec);
  }
  void SetUp() override {
    ASSERT_TRUE(server_ && server_->alive());
    ASSERT_FALSE(victim_.id.empty());
  }

  // A form POST from `source_address` carrying an Authorization header no one issued.
  static HttpResponse post_with_random_bearer(const std::string& target,
                                              const std::string& source_address,
                                              const std::string& body) {
    HttpRequest r;
    r.method = "POST";
    r.target = target;
    r.source_address = source_address;
    r.content_type = "application/x-www-form-urlencoded";
    r.body = body;
    r.headers.push_back(random_bearer());
    return api_->request(r);
  }

  // Sends `attempt()` until it is answered 429 or kMaxAttempts went by; the number of attempts
  // it took, or 0 when none was refused.
  template <typename Attempt>
  static int attempts_until_throttled(Attempt attempt) {
    for (int i = 1; i <= kMaxAttempts; ++i) {
      const HttpResponse r = attempt();
      if (r.status == 429) return i;
      if (r.status == 0) {
        ADD_FAILURE() << r;
        return 0;
      }
    }
    return 0;
  }

  static inline ServerProcess* server_ = nullptr;
  static inline Api* api_ = nullptr;
  static inline std::string data_dir_;
  static inline AppCredentials app_;
  static inline User victim_;
};

// Defect 4: the limiter is keyed on the unverified Authorization header, so a fresh random bearer
// on each POST /auth/sign_in buys a fresh budget: unlimited password guesses.
TEST_F(ProbeThrottleTest, WebSignInGuessesWithFreshBearerHeadersAreThrottled) {
  WebBrowser b{"", "127.0.0.31"};
  b.request(*api_, "GET", "/auth/sign_in");
  const int n = attempts_until_throttled([&] {
    return b.request(
        *api_, "POST", "/auth/sign_in",
        form({{"username", victim_.username}, {"password", "wrong " + random_token(8)}}),
        {random_bearer()});
  });
  EXPECT_GT(n, 0) << kMaxAttempts << " wrong passwords for one account, none refused with 429";
}

// Defect 4, the OAuth password grant (POST /oauth/token grant_type=password).
TEST_F(ProbeThrottleTest, PasswordGrantGuessesWithFreshBearerHeadersAreThrottled) {
  const int n = attempts_until_throttled([&] {
    return post_with_random_bearer("/oauth/token", "127.0.0.32",
                                   form({{"grant_type", "password"},
                                         {"client_id", app_.client_id},
                                         {"client_secret", app_.client_secret},
                                         {"username", victim_.username},
                                         {"password", "wrong " + random_token(8)},
                                         {"scope", "read"}}));
  });
  EXPECT_GT(n, 0) << kMaxAttempts << " wrong passwords for one account, none refused with 429";
}

// Defect 4, the OAuth consent form (POST /oauth/authorize takes the password too).
TEST_F(ProbeThrottleTest, AuthorizeFormGuessesWithFreshBearerHeadersAreThrottled) {
  const int n = attempts_until_throttled([&] {
    return post_with_random_bearer("/oauth/authorize", "127.0.0.33",
                                   form({{"client_id", app_.client_id},
                                         {"redirect_uri", "urn:ietf:wg:oauth:2.0:oob"},
                                         {"response_type", "code"},
                                         {"scope", "read"},
                                         {"username", victim_.username},
                                         {"password", "wrong " + random_token(8)}}));
  });
  EXPECT_GT(n, 0) << kMaxAttempts << " wrong passwords for one account, none refused with 429";
}

// Defect 4, recovery codes (POST /auth/recover): a code resets the password.
TEST_F(ProbeThrottleTest, RecoveryCodeGuessesWithFreshBearerHeadersAreThrottled) {
  WebBrowser b{"", "127.0.0.34"};
  b.request(*api_, "GET", "/auth/recover");
  const int n = attempts_until_throttled([&] {
    return b.request(*api_, "POST", "/auth/recover",
                     form({{"username", victim_.username},
                           {"code", "aaaa-bbbb-cccc-dddd"},
                           {"password", "a new password " + random_token(4)}}),
                     {random_bearer()});
  });
  EXPECT_GT(n, 0) << kMaxAttempts << " wrong recovery codes for one account, none refused";
}

// Same defect for sign-up (POST /auth/sign_up): with a fresh bearer header on each request, one
// client creates accounts without limit (Mastodon throttles sign-ups per address), each costing
// the server an Argon2id hash and a key pair.
TEST_F(ProbeThrottleTest, WebSignUpsWithFreshBearerHeadersAreThrottled) {
  WebBrowser b{"", "127.0.0.35"};
  b.request(*api_, "GET", "/auth/sign_up");
  const int n = attempts_until_throttled([&] {
    WebBrowser fresh = b;  // each sign-up signs in: keep the first cookie
    return fresh.request(
        *api_, "POST", "/auth/sign_up",
        form({{"username", "su" + unique_suffix()}, {"password", "a long enough password"}}),
        {random_bearer()});
  });
  EXPECT_GT(n, 0) << kMaxAttempts << " sign-ups from one client, none refused with 429";
}

// ---------------------------------------------------------------------------

class ProbeAuthTest : public ApiIntegrationTest {};

// Defect 5: POST /api/v1/apps accepts redirect URIs that run script or read local files when the
// authorize flow sends the browser there (`javascript:`, `data:`, `vbscript:`, `file:`), in any
// case and among other URIs.
TEST_F(ProbeAuthTest, AppRegistrationRefusesScriptAndFileRedirectUris) {
  for (const std::string uri :
       {"javascript:alert(document.cookie)", "JavaScript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "vbscript:msgbox(1)",
        "file:///etc/passwd", "https://ok.example/cb\njavascript:alert(1)"}) {
    auto r = api().post_form("/api/v1/apps", form({{"client_name", "Evil " + unique_suffix()},
                                                   {"redirect_uris", uri},
                                                   {"scopes", "read"}}));
    EXPECT_EQ(r.status, 422) << "registered with redirect_uris=" << uri << ": " << r;
  }
}

// Defect 5: the HTML pages served outside the web UI's frame (the OAuth consent form, its error
// page, a failed sign-in, the out-of-band code page, the admin API's HTML transparency report)
// can be framed: no `frame-ancestors 'none'`, no `X-Frame-Options: DENY`. A framed consent page
// is a clickjacking target that takes the password.
TEST_F(ProbeAuthTest, HtmlPagesOutsideTheWebUiCannotBeFramed) {
  const auto app = api().create_app("read", "urn:ietf:wg:oauth:2.0:oob");
  const User u = new_user("framed");
  const std::string query = "client_id=" + app.client_id +
                            "&redirect_uri=urn:ietf:wg:oauth:2.0:oob&response_type=code&scope=read";
  auto form_body = [&](const std::string& password) {
    return form({{"client_id", app.client_id},
                 {"redirect_uri", "urn:ietf:wg:oauth:2.0:oob"},
                 {"response_type", "code"},
                 {"scope", "read"},
                 {"username", u.username},
                 {"password", password}});
  };
  const std::vector<std::pair<std::string, HttpResponse>> pages = {
      {"the consent page", api().get("/oauth/authorize?" + query)},
      {"the error page", api().get("/oauth/authorize?client_id=nope&redirect_uri=x")},
      {"a failed sign-in", api().post_form("/oauth/authorize", form_body("wrong password"))},
      {"the out-of-band code page", api().post_form("/oauth/authorize", form_body(u.password))},
      {"the admin API's HTML transparency report",
       api().get("/api/v1/admin/legal/transparency?format=html&period=2026",
                 create_account_with_cli(data_dir_, "adm" + unique_suffix(), "admin"))},
  };
  for (const auto& [what, r] : pages) {
    ASSERT_TRUE(contains(r.header("content-type"), "text/html")) << what << " " << r;
    EXPECT_TRUE(contains(r.header("content-security-policy"), "frame-ancestors 'none'"))
        << what << " can be framed: Content-Security-Policy '"
        << r.header("content-security-policy") << "'";
    EXPECT_EQ(r.header("x-frame-options"), "DENY") << what << " can be framed";
  }
}

// Recovery is Mastodon's password reset, which ends every session and revokes every access token
// (Auth::PasswordsController#update: revoke_access!). Publius ends the web sessions only: whoever
// had the old password keeps the API tokens it minted, and with them the key that opens new DMs.
TEST_F(ProbeAuthTest, RecoveryRevokesTheAccountsAccessTokens) {
  User u;
  u.username = "recov_" + unique_suffix();
  u.password = "correct horse battery staple";
  auto registered = Api::ok_json(api().post_form(
      "/api/v1/accounts",
      form({{"username", u.username}, {"password", u.password}, {"agreement", "true"}}),
      app_token_));
  ASSERT_FALSE(arr(registered, "recovery_codes").empty());
  const std::string code = str(registered, "recovery_codes.0");
  const std::string intruder_token = api().password_token(app_, u);
  ASSERT_EQ(api().get("/api/v1/accounts/verify_credentials", intruder_token).status, 200);

  WebBrowser b;
  b.request(api(), "GET", "/auth/recover");
  auto recovered = b.request(
      api(), "POST", "/auth/recover",
      form({{"username", u.username}, {"code", code}, {"password", "a brand new password"}}));
  ASSERT_EQ(recovered.status, 303) << recovered;
  EXPECT_EQ(api().get("/api/v1/accounts/verify_credentials", intruder_token).status, 401)
      << "a token minted with the old password survives recovery";
  EXPECT_EQ(
      api().get("/api/v1/accounts/verify_credentials", str(registered, "access_token")).status, 401)
      << "the sign-up token survives recovery";
}

// The authorization code exchange (POST /oauth/token grant_type=authorization_code) accepts a
// request without redirect_uri, which RFC 6749 §4.1.3 requires when the authorization request
// had one (it always has here) and Doorkeeper refuses; and it spends the code before checking
// that the client presenting it is the one it was issued to, so anyone holding a leaked code and
// any app's credentials voids the rightful app's sign-in (Doorkeeper checks the client first).
TEST_F(ProbeAuthTest, CodeExchangeNeedsTheRedirectUriAndTheRightClientBeforeSpendingTheCode) {
  const std::string oob = "urn:ietf:wg:oauth:2.0:oob";
  const auto app = api().create_app("read", oob);
  const auto other_app = api().create_app("read", oob);
  const User u = new_user("code");
  auto code_for = [&] {
    auto page = api().post_form("/oauth/authorize", form({{"client_id", app.client_id},
                                                          {"redirect_uri", oob},
                                                          {"response_type", "code"},
                                                          {"scope", "read"},
                                                          {"username", u.username},
                                                          {"password", u.password}}));
    const std::string marker = "aria-label=\"Authorization code\" value=\"";
    const auto at = page.body.find(marker);
    if (at == std::string::npos) return std::string();
    const auto start = at + marker.size();
    return page.body.substr(start, page.body.find('"', start) - start);
  };
  auto exchange = [&](const AppCredentials& client, const std::string& code,
                      std::optional<std::string> redirect_uri) {
    std::string body = form({{"grant_type", "authorization_code"},
                             {"client_id", client.client_id},
                             {"client_secret", client.client_secret},
                             {"code", code}});
    if (redirect_uri) body += "&redirect_uri=" + enc(*redirect_uri);
    return api().post_form("/oauth/token", body);
  };

  const std::string without_redirect = code_for();
  ASSERT_FALSE(without_redirect.empty());
  EXPECT_EQ(exchange(app, without_redirect, std::nullopt).status, 400)
      << "a code is exchanged without its redirect_uri";

  const std::string leaked = code_for();
  ASSERT_FALSE(leaked.empty());
  EXPECT_EQ(exchange(other_app, leaked, oob).status, 400);
  auto rightful = exchange(app, leaked, oob);
  EXPECT_EQ(rightful.status, 200) << "another client's failed attempt spent the code: " << rightful;
}

}  // namespace
}  // namespace publius::integration
