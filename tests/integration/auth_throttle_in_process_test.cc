// The credential throttle through the whole request path (Api::handle, the
// router, the web UI and OAuth routes, the domain), in process so that the
// test owns the clock: the victim of a distributed guessing attack waits
// bounded delays, never a lock, and the right password works once they pass.
#include <gtest/gtest.h>

#include "support/app_fixture.h"
#include "util/crypto.h"

namespace publius::testing {
namespace {

class AuthThrottleInProcess : public AppFixture {
 protected:
  void configure(domain::InstanceConfig& config) override {
    config.auth_throttle.clock = [this] { return now_; };
  }
  // A sign-in on the web form from `client`, with a made-up bearer header.
  http::Response sign_in(const std::string& username, const std::string& password,
                         const std::string& client) {
    const std::string cookie = random_token(32);
    auto req = browser_request(
        "POST", "/auth/sign_in", cookie,
        "username=" + username + "&password=" + password + "&csrf=" + web::csrf_token(cookie));
    req.headers.push_back({"authorization", "Bearer " + random_token(32)});
    return send(std::move(req), client);
  }
  static int64_t retry_after(const http::Response& r) {
    return std::atoll(header(r, "Retry-After").c_str());
  }

  int64_t now_ = 1'700'000'000'000;
};

TEST_F(AuthThrottleInProcess, TheVictimWaitsBoundedDelaysAndTheRightPasswordWorksAfter) {
  ASSERT_FALSE(session_for("victim").empty());
  // A distributed attack: every guess from a new address, with a new bearer header.
  int refused = 0;
  int64_t longest = 0;
  for (int guess = 0; guess < 40; ++guess) {
    const std::string password = "guess" + std::to_string(guess);
    auto r = sign_in("victim", password, "bot-" + std::to_string(guess));
    while (r.status == 429) {
      ++refused;
      const int64_t wait = retry_after(r);
      ASSERT_GE(wait, 1);
      ASSERT_LE(wait, 900) << "the delay is capped at 15 minutes";
      longest = std::max(longest, wait);
      now_ += wait * 1000;  // the attacker waits it out, and goes on
      r = sign_in("victim", password, "bot-" + std::to_string(guess));
    }
    EXPECT_EQ(r.status, 401) << r.body;
  }
  EXPECT_EQ(refused, 35);  // every guess after the first five had to wait
  EXPECT_EQ(longest, 900);
  // The owner, from home: delayed, not locked out...
  auto owner = sign_in("victim", "password123", "home");
  ASSERT_EQ(owner.status, 429);
  EXPECT_LE(retry_after(owner), 900);
  now_ += retry_after(owner) * 1000;
  // ...and in once the delay has passed.
  auto in = sign_in("victim", "password123", "home");
  EXPECT_EQ(in.status, 303) << in.body;
  EXPECT_EQ(header(in, "Location"), "/home");
  // That success cleared the account's count: the next wrong guess is a plain 401.
  EXPECT_EQ(sign_in("victim", "wrong", "bot-x").status, 401);
}

TEST_F(AuthThrottleInProcess, ThePasswordGrantWorksAfterTheDelayToo) {
  ASSERT_FALSE(session_for("grantee").empty());
  auto app =
      send(browser_request("POST", "/api/v1/apps", "",
                           "client_name=t&redirect_uris=urn:ietf:wg:oauth:2.0:oob&scopes=read"));
  ASSERT_EQ(app.status, 200) << app.body;
  auto field = [&](const std::string& name) {
    const std::string key = "\"" + name + "\":\"";
    const auto at = app.body.find(key) + key.size();
    return app.body.substr(at, app.body.find('"', at) - at);
  };
  auto grant = [&](const std::string& password, const std::string& client) {
    auto req = browser_request("POST", "/oauth/token", "",
                               "grant_type=password&scope=read&client_id=" + field("client_id") +
                                   "&client_secret=" + field("client_secret") +
                                   "&username=grantee&password=" + password);
    req.headers.push_back({"authorization", "Bearer " + random_token(32)});
    return send(std::move(req), client);
  };
  for (int i = 0; i < 5; ++i) EXPECT_EQ(grant("wrong", "bot-" + std::to_string(i)).status, 400);
  auto refused = grant("password123", "owner");
  ASSERT_EQ(refused.status, 429) << refused.body;
  now_ += retry_after(refused) * 1000;
  auto granted = grant("password123", "owner");
  EXPECT_EQ(granted.status, 200) << granted.body;
  EXPECT_NE(granted.body.find("access_token"), std::string::npos);
}

}  // namespace
}  // namespace publius::testing
