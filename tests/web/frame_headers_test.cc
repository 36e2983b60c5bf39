// No page of the server may be framed by another site (clickjacking): every
// HTML answer, of every route the router knows (web UI, legal desk, OAuth
// pages, error pages), carries Content-Security-Policy frame-ancestors 'none'
// and X-Frame-Options: DENY. The walk takes the routes from the router itself,
// so a route added later is walked too.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "oauth/authorize_page.h"
#include "support/app_fixture.h"

namespace publius::testing {
namespace {

class FrameHeadersTest : public AppFixture {
 protected:
  // Checks one answer; counts it when it is HTML.
  void check(const std::string& what, const http::Response& r) {
    if (r.content_type.rfind("text/html", 0) != 0) return;
    ++html_answers_;
    html_routes_.insert(r.route);
    EXPECT_NE(header(r, "Content-Security-Policy").find("frame-ancestors 'none'"),
              std::string::npos)
        << what << " (" << r.status << ")";
    EXPECT_EQ(header(r, "X-Frame-Options"), "DENY") << what << " (" << r.status << ")";
  }
  // `pattern` with each parameter segment (":id", "@:acct") filled in.
  std::string fill(const std::string& pattern) {
    std::string out;
    std::istringstream segments(pattern);
    std::string segment;
    while (std::getline(segments, segment, '/')) {
      if (segment.empty()) continue;
      const auto colon = segment.find(':');
      if (colon != std::string::npos) {
        const std::string name = segment.substr(colon + 1);
        const std::string value = name == "acct" ? "walker" : name == "tag" ? "walk" : post_id_;
        segment = segment.substr(0, colon) + value;
      }
      out += "/" + segment;
    }
    return out.empty() ? "/" : out;
  }

  std::string post_id_ = "1";
  size_t html_answers_ = 0;
  std::set<std::string> html_routes_;
};

TEST_F(FrameHeadersTest, EveryHtmlAnswerOfEveryRouteForbidsFraming) {
  const std::string user = session_for("walker");
  const std::string admin = session_for("operator", domain::Role::kAdmin);
  auto posted = browse("POST", "/statuses", user, "status=hello+%23walk");
  ASSERT_EQ(posted.status, 303);
  auto account = store_->account_by_username("walker");
  ASSERT_TRUE(account.ok() && *account);
  auto posts = microblog_->timelines().public_timeline(std::nullopt, domain::Page{});
  ASSERT_TRUE(posts.ok() && !posts->empty());
  post_id_ = std::to_string(posts->front().id);

  const auto routes = router_.describe();
  for (const auto& route : routes) {
    const std::string& method = route.method;
    const std::string target = fill(route.pattern);
    for (const std::string& cookie : {std::string(), user, admin}) {
      // Reads as they are; forms without their CSRF token, so the walk changes
      // nothing and still meets every form's refusal page.
      auto req = browser_request(method, target, cookie, method == "GET" ? "" : "csrf=forged");
      check(method + " " + route.pattern, send(std::move(req)));
    }
  }
  // The OAuth pages a person meets: sign-in and consent, a refused sign-in, the code.
  auto app = send(browser_request("POST", "/api/v1/apps", "",
                                  "client_name=walk&redirect_uris=urn:ietf:wg:oauth:2.0:oob"));
  ASSERT_EQ(app.status, 200) << app.body;
  const std::string marker = "\"client_id\":\"";
  const auto at = app.body.find(marker) + marker.size();
  const std::string client_id = app.body.substr(at, app.body.find('"', at) - at);
  const std::string query =
      "client_id=" + client_id + "&redirect_uri=urn:ietf:wg:oauth:2.0:oob&response_type=code";
  auto consent = send(browser_request("GET", "/oauth/authorize?" + query));
  EXPECT_EQ(consent.status, 200);
  check("the consent page", consent);
  auto refused = send(
      browser_request("POST", "/oauth/authorize", "", query + "&username=walker&password=wrong"));
  EXPECT_EQ(refused.status, 401);
  check("a refused sign-in", refused);
  auto code = send(browser_request("POST", "/oauth/authorize", "",
                                   query + "&username=walker&password=password123"));
  EXPECT_EQ(code.status, 200);
  check("the code page", code);
  // The OAuth pages style themselves inline, allowed by hash, and leave form-action
  // open: the form's redirect goes to the app's own scheme.
  EXPECT_EQ(header(consent, "Content-Security-Policy"),
            std::string(oauth::page_policy()) + "; frame-ancestors 'none'");
  EXPECT_EQ(header(consent, "Content-Security-Policy").find("form-action"), std::string::npos);

  EXPECT_GE(html_answers_, 3 * html_routes_.size() / 2);
  // Every page route of the web UI and the legal desk answered HTML at least once,
  // and so did the OAuth routes.
  EXPECT_TRUE(html_routes_.count("/oauth/authorize"));
  EXPECT_TRUE(html_routes_.count("/settings"));
  EXPECT_TRUE(html_routes_.count("/legal/demands/:id"));
  EXPECT_GE(html_routes_.size(), 50u) << "fewer HTML routes than the web UI has: the walk broke";
}

}  // namespace
}  // namespace publius::testing
