// Password, recovery-code and OAuth sign-in guessing against the running
// server (issue 10, section 3): a fresh random Authorization header on every
// guess buys nothing; a target account gets bounded delays (429 with
// Retry-After), counted across every way in; one address spraying many
// accounts is refused too. Each test speaks from its own loopback address, so
// the per-address counts of one test never reach another.
#include "integration/server_harness.h"
#include "web/session.h"

namespace publius::integration {
namespace {

class AuthThrottleIntegration : public ApiIntegrationTest {
 protected:
  // A bearer header no token has: before the fix, each bought a fresh rate-limit budget.
  static std::pair<std::string, std::string> random_bearer() {
    return {"Authorization", "Bearer made-up-" + unique_suffix() + "-" + unique_suffix()};
  }
  static HttpResponse from(const std::string& address, HttpRequest r) {
    r.source_address = address;
    r.headers.push_back(random_bearer());
    return api().request(std::move(r));
  }
  static HttpRequest form_post(const std::string& target, const std::string& body,
                               const std::string& cookie = "") {
    HttpRequest r;
    r.method = "POST";
    r.target = target;
    r.content_type = "application/x-www-form-urlencoded";
    r.body = body;
    if (!cookie.empty()) {
      r.headers.push_back({"Cookie", std::string(web::kSessionCookie) + "=" + cookie});
      r.body += "&csrf=" + web::csrf_token(cookie);
    }
    return r;
  }
  // A browser's anonymous cookie from the sign-in page.
  static std::string anonymous_cookie(const std::string& address) {
    HttpRequest r;
    r.target = "/auth/sign_in";
    r.source_address = address;
    const std::string set = api().request(r).header("set-cookie");
    const auto eq = set.find('=');
    return set.substr(eq + 1, set.find(';') - eq - 1);
  }
  static HttpResponse web_sign_in(const std::string& address, const std::string& username,
                                  const std::string& password) {
    const std::string cookie = anonymous_cookie(address);
    return from(address, form_post("/auth/sign_in",
                                   form({{"username", username}, {"password", password}}), cookie));
  }
  static HttpResponse password_grant(const std::string& address, const std::string& username,
                                     const std::string& password) {
    return from(address, form_post("/oauth/token", form({{"grant_type", "password"},
                                                         {"client_id", app_.client_id},
                                                         {"client_secret", app_.client_secret},
                                                         {"username", username},
                                                         {"password", password},
                                                         {"scope", "read"}})));
  }
  static HttpResponse authorize_sign_in(const std::string& address, const std::string& username,
                                        const std::string& password) {
    return from(address, form_post("/oauth/authorize", form({{"client_id", app_.client_id},
                                                             {"redirect_uri", kOob},
                                                             {"scope", "read"},
                                                             {"response_type", "code"},
                                                             {"username", username},
                                                             {"password", password}})));
  }
  // A throttled answer: 429 and a Retry-After of at least a second and at most
  // the per-account cap (15 minutes): a delay, never a lock.
  static void expect_throttled(const HttpResponse& r) {
    EXPECT_EQ(r.status, 429) << r;
    const std::string retry = r.header("retry-after");
    ASSERT_FALSE(retry.empty()) << r;
    const int seconds = std::atoi(retry.c_str());
    EXPECT_GE(seconds, 1) << retry;
    EXPECT_LE(seconds, 900) << retry;
  }
  static constexpr const char* kOob = "urn:ietf:wg:oauth:2.0:oob";
};

TEST_F(AuthThrottleIntegration, FreshAuthorizationHeadersBuyNoWebSignInGuesses) {
  const User victim = new_user("victim");
  // The name in any case is the same account, and counts as one.
  std::string upper = victim.username;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::vector<std::string> names = {victim.username, upper, "V" + victim.username.substr(1)};
  for (int i = 0; i < 5; ++i) {
    auto r =
        web_sign_in("127.0.0.31", names[i % names.size()], "wrong password " + unique_suffix());
    EXPECT_EQ(r.status, 401) << "guess " << i << ": " << r;
  }
  for (int i = 0; i < 10; ++i) {
    auto r =
        web_sign_in("127.0.0.31", names[i % names.size()], "wrong password " + unique_suffix());
    expect_throttled(r);
    EXPECT_TRUE(starts_with(r.header("content-type"), "text/html")) << r;
    EXPECT_TRUE(contains(r.body, "Try again in")) << r.body;
  }
  // The owner, from another address: delayed too (the count is the account's), boundedly.
  expect_throttled(web_sign_in("127.0.0.32", victim.username, victim.password));
}

TEST_F(AuthThrottleIntegration, FreshAuthorizationHeadersBuyNoPasswordGrantGuesses) {
  const User victim = new_user("grantee");
  for (int i = 0; i < 5; ++i) {
    auto r = password_grant("127.0.0.33", victim.username, "wrong password " + unique_suffix());
    EXPECT_EQ(r.status, 400) << "guess " << i << ": " << r;
  }
  auto refused = password_grant("127.0.0.33", victim.username, "wrong password");
  expect_throttled(refused);
  EXPECT_TRUE(contains(expect_error(refused, 429), "Try again in"));
  expect_throttled(password_grant("127.0.0.34", victim.username, victim.password));
}

TEST_F(AuthThrottleIntegration, EveryWayInCountsAgainstTheSameAccount) {
  const User victim = new_user("everyway");
  EXPECT_EQ(web_sign_in("127.0.0.35", victim.username, "wrong 1").status, 401);
  EXPECT_EQ(password_grant("127.0.0.36", victim.username, "wrong 2").status, 400);
  EXPECT_EQ(authorize_sign_in("127.0.0.37", victim.username, "wrong 3").status, 401);
  // Recovery codes: wrong ones count with the passwords.
  const std::string cookie = anonymous_cookie("127.0.0.38");
  auto recovery = from("127.0.0.38", form_post("/auth/recover",
                                               form({{"username", victim.username},
                                                     {"code", "aaaa-bbbb-cccc-dddd"},
                                                     {"password", "a new password"}}),
                                               cookie));
  EXPECT_EQ(recovery.status, 422) << recovery;
  EXPECT_EQ(authorize_sign_in("127.0.0.39", victim.username, "wrong 5").status, 401);
  // Five failures through four doors: the sixth try, through any, waits.
  auto page = authorize_sign_in("127.0.0.40", victim.username, victim.password);
  expect_throttled(page);
  EXPECT_TRUE(contains(page.body, "Try again in")) << page.body;
  expect_throttled(from("127.0.0.40", form_post("/auth/recover",
                                                form({{"username", victim.username},
                                                      {"code", "aaaa-bbbb-cccc-dddd"},
                                                      {"password", "a new password"}}),
                                                anonymous_cookie("127.0.0.40"))));
}

TEST_F(AuthThrottleIntegration, OneAddressSprayingManyAccountsIsRefused) {
  // One guess each at many names, known or not: no account's own count grows
  // past one, so only the address's count can stop it.
  for (int i = 0; i < 20; ++i) {
    auto r = password_grant("127.0.0.41", "sprayed_" + unique_suffix(), "password123");
    EXPECT_EQ(r.status, 400) << "guess " << i << ": " << r;
  }
  expect_throttled(password_grant("127.0.0.41", "sprayed_" + unique_suffix(), "password123"));
  // Someone at another address signs in as usual.
  const User bystander = new_user("bystander");
  HttpRequest r = form_post("/oauth/token", form({{"grant_type", "password"},
                                                  {"client_id", app_.client_id},
                                                  {"client_secret", app_.client_secret},
                                                  {"username", bystander.username},
                                                  {"password", bystander.password}}));
  r.source_address = "127.0.0.42";
  EXPECT_EQ(api().request(r).status, 200);
}

}  // namespace
}  // namespace publius::integration
