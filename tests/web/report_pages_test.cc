// The moderators' reports in the web UI, through the router over a real store: admins only (a
// 404 page to everyone else), the open reports with their account, rules, comment (escaped) and
// posts, resolving (which erases the reporter's link), reopening and taking one, CSRF on every
// form, and bad input as the site's error page.
#include <gtest/gtest.h>

#include "support/app_fixture.h"

namespace publius::web {
namespace {

class ReportPagesTest : public testing::AppFixture {
 protected:
  void configure(domain::InstanceConfig& config) override {
    config.rules = {"No harassment.", "No spam."};
  }
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(AppFixture::SetUp());
    admin_ = session_for("boss", domain::Role::kAdmin);
    user_ = session_for("plain");
    for (auto [name, id] : {std::pair{"reporter", &reporter_}, std::pair{"target", &target_}}) {
      session_for(name);
      auto found = microblog_->accounts().account_by_acct(name);
      ASSERT_TRUE(found.ok());
      *id = found->id;
    }
  }
  domain::Report file(const domain::NewReport& in) {
    auto r = microblog_->reports().file_report(reporter_, in);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : domain::Report{};
  }
  std::string path(const domain::Report& r, std::string_view action) {
    return "/admin/reports/" + std::to_string(r.id) + "/" + std::string(action);
  }

  std::string admin_, user_;
  int64_t reporter_ = 0, target_ = 0;
};

TEST_F(ReportPagesTest, OnlyAdminsSeeReportsOrActOnThem) {
  auto report = file({.target_id = target_, .comment = "secret complaint"});
  for (const std::string& cookie : {std::string(), user_}) {
    auto r = browse("GET", "/admin/reports", cookie);
    EXPECT_EQ(r.status, 404);
    EXPECT_NE(r.body.find("<main"), std::string::npos) << "an error page in the layout";
    EXPECT_EQ(r.body.find("secret complaint"), std::string::npos);
  }
  EXPECT_EQ(browse("POST", path(report, "resolve"), user_).status, 404);
  EXPECT_FALSE(microblog_->reports().report(report.id)->resolved());
  // Admins see the link in every page's navigation; other people do not.
  EXPECT_NE(browse("GET", "/public", admin_).body.find("href=\"/admin/reports\""),
            std::string::npos);
  EXPECT_EQ(browse("GET", "/public", user_).body.find("href=\"/admin/reports\""),
            std::string::npos);
}

TEST_F(ReportPagesTest, TheListShowsOpenReportsWithTheirPostsEscaped) {
  domain::NewPost followers_only{.author_id = target_,
                                 .text = "followers only <b>bold</b>",
                                 .visibility = domain::Visibility::kPrivate};
  auto posted = microblog_->posts().create_status(followers_only);
  ASSERT_TRUE(posted.ok());
  const int64_t hidden = posted->id;
  ASSERT_TRUE(microblog_->relationships().follow(reporter_, target_, true, false).ok());
  auto report = file({.target_id = target_,
                      .status_ids = {hidden},
                      .comment = "<script>alert(1)</script>",
                      .rule_ids = {2}});
  auto page = browse("GET", "/admin/reports", admin_);
  ASSERT_EQ(page.status, 200) << page.body;
  const std::string& html = page.body;
  EXPECT_NE(html.find("Open reports"), std::string::npos);
  EXPECT_NE(html.find("@target"), std::string::npos);
  EXPECT_NE(html.find("@reporter"), std::string::npos);
  EXPECT_NE(html.find("No spam."), std::string::npos);
  EXPECT_EQ(html.find("No harassment."), std::string::npos) << "only the rule cited";
  EXPECT_EQ(html.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  // The moderator sees the followers-only post the reporter attached, its text escaped.
  EXPECT_NE(html.find("followers only &lt;b&gt;bold&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("action=\"" + path(report, "resolve") + "\""), std::string::npos);
  // A form sent without the page's CSRF token changes nothing.
  auto forged = send(testing::browser_request("POST", path(report, "resolve"), admin_, ""));
  EXPECT_EQ(forged.status, 403);
  EXPECT_FALSE(microblog_->reports().report(report.id)->resolved());
}

TEST_F(ReportPagesTest, ResolvingErasesTheReporterAndReopeningAndTakingWork) {
  auto report = file({.target_id = target_, .comment = "look"});
  auto taken = browse("POST", path(report, "assign_to_self"), admin_, "back=/admin/reports");
  EXPECT_EQ(taken.status, 303);
  EXPECT_TRUE(microblog_->reports().report(report.id)->assigned_id.has_value());
  EXPECT_EQ(browse("POST", path(report, "unassign"), admin_).status, 303);
  EXPECT_FALSE(microblog_->reports().report(report.id)->assigned_id.has_value());

  auto resolved = browse("POST", path(report, "resolve"), admin_);
  EXPECT_EQ(resolved.status, 303);
  auto stored = microblog_->reports().report(report.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->resolved());
  EXPECT_FALSE(stored->reporter_id.has_value()) << "the link goes with the resolution";
  EXPECT_EQ(browse("GET", "/admin/reports", admin_).body.find("look"), std::string::npos);
  auto done = browse("GET", "/admin/reports?resolved=true", admin_);
  EXPECT_NE(done.body.find("Resolved reports"), std::string::npos);
  EXPECT_NE(done.body.find("erased when the report was resolved"), std::string::npos);
  EXPECT_EQ(done.body.find("@reporter"), std::string::npos);
  EXPECT_NE(done.body.find("action=\"" + path(report, "reopen") + "\""), std::string::npos);

  EXPECT_EQ(browse("POST", path(report, "reopen"), admin_).status, 303);
  EXPECT_FALSE(microblog_->reports().report(report.id)->resolved());
  EXPECT_FALSE(microblog_->reports().report(report.id)->reporter_id.has_value());
}

TEST_F(ReportPagesTest, BadInputIsTheSitesErrorPage) {
  EXPECT_EQ(browse("GET", "/admin/reports?resolved=maybe", admin_).status, 400);
  EXPECT_EQ(browse("GET", "/admin/reports?max_id=abc", admin_).status, 400);
  for (const std::string id : {"999999999", "abc", "-1"}) {
    auto r = browse("POST", "/admin/reports/" + id + "/resolve", admin_);
    EXPECT_EQ(r.status, 404) << id;
    EXPECT_NE(r.body.find("<main"), std::string::npos);
  }
}

}  // namespace
}  // namespace publius::web
