// Reports against the running server (with two rules from a rules file): filing one with posts,
// category and rules, checked as Mastodon checks them; the moderators' Admin::Report list,
// actions and changes of category and rules for admins only; the reporter's link erased at
// resolution; bad input on every route.
#include <fstream>

#include "integration/server_harness.h"

namespace publius::integration {
namespace {

class ReportsIntegration : public ApiIntegrationTest {
 protected:
  static void SetUpTestSuite() {
    rules_dir_ = make_temp_dir("publius-rules-");
    const std::string rules = rules_dir_ + "/rules.txt";
    std::ofstream(rules) << "No harassment.\nNo spam.\n";
    start_suite_server({"--rules-file", rules});
    if (server_ && server_->alive())
      admin_token_ = create_account_with_cli(data_dir_, "mod_" + unique_suffix(), "admin");
  }
  static void TearDownTestSuite() {
    ApiIntegrationTest::TearDownTestSuite();
    std::error_code ec;
    std::filesystem::remove_all(rules_dir_, ec);
  }

  static HttpResponse file(const User& reporter, const json::value& body) {
    return api().post_json("/api/v1/reports", body, reporter.token);
  }
  static json::value admin_get(const std::string& target) {
    return Api::ok_json(api().get(target, admin_token_));
  }
  static json::value admin_post(const std::string& target) {
    return Api::ok_json(api().post(target, admin_token_));
  }

  static inline std::string rules_dir_;
  static inline std::string admin_token_;
};

TEST_F(ReportsIntegration, AReportNamesTheAccountItsPostsWhyAndNothingOfTheReporter) {
  const User reporter = new_user("rep"), target = new_user("reptarget");
  api().follow(reporter, target);
  const std::string public_post = api().post_id(target, "buy my pills");
  const std::string private_post =
      api().post_id(target, "followers see this", {{"visibility", "private"}});
  auto report = Api::ok_json(
      file(reporter, json::parse(R"({"account_id":")" + target.id + R"(","status_ids":[")" +
                                 private_post + R"(",")" + public_post +
                                 R"("],"comment":"spam bot","category":"spam","forward":true})")));
  EXPECT_FALSE(str(report, "id").empty());
  EXPECT_FALSE(boolean(report, "action_taken"));
  EXPECT_TRUE(is_null(report, "action_taken_at"));
  EXPECT_EQ(str(report, "category"), "spam");
  EXPECT_EQ(str(report, "comment"), "spam bot");
  EXPECT_FALSE(boolean(report, "forwarded"));
  EXPECT_TRUE(contains(str(report, "created_at"), "T00:00:00.000Z")) << "a day, not an instant";
  ASSERT_EQ(arr(report, "status_ids").size(), 2u);
  EXPECT_TRUE(is_null(report, "rule_ids"));
  EXPECT_EQ(str(report, "target_account.id"), target.id);

  // Citing rules makes it a violation, whatever the category says.
  auto cited = Api::ok_json(
      file(reporter, json::parse(R"({"account_id":")" + target.id +
                                 R"(","rule_ids":["2","1","2"],"category":"other"})")));
  EXPECT_EQ(str(cited, "category"), "violation");
  ASSERT_EQ(arr(cited, "rule_ids").size(), 2u);
  EXPECT_EQ(str(cited, "rule_ids.0"), "2");
  EXPECT_TRUE(is_null(cited, "status_ids"));
  // A form works too, with the default category.
  auto plain = Api::ok_json(
      api().post_form("/api/v1/reports", form({{"account_id", target.id}}), reporter.token));
  EXPECT_EQ(str(plain, "category"), "other");
}

TEST_F(ReportsIntegration, ModeratorsListShowResolveReopenAndTakeReports) {
  const User reporter = new_user("repmod"), target = new_user("repmodt");
  const std::string post = api().post_id(target, "offending");
  const std::string id =
      str(Api::ok_json(
              file(reporter, json::parse(R"({"account_id":")" + target.id + R"(","status_ids":[")" +
                                         post + R"("],"rule_ids":["1"],"comment":"rude"})"))),
          "id");

  auto listed = admin_get("/api/v1/admin/reports?target_account_id=" + target.id);
  ASSERT_EQ(arr(listed).size(), 1u);
  auto shown = admin_get("/api/v1/admin/reports/" + id);
  EXPECT_EQ(str(shown, "id"), id);
  EXPECT_EQ(str(shown, "account.account.id"), reporter.id);
  EXPECT_EQ(str(shown, "account.email"), "") << "no email is ever held";
  EXPECT_TRUE(is_null(shown, "account.ip"));
  EXPECT_EQ(str(shown, "target_account.id"), target.id);
  EXPECT_EQ(str(shown, "target_account.username"), target.username);
  EXPECT_TRUE(is_null(shown, "assigned_account"));
  EXPECT_TRUE(is_null(shown, "action_taken_by_account"));
  ASSERT_EQ(arr(shown, "statuses").size(), 1u);
  EXPECT_EQ(str(shown, "statuses.0.id"), post);
  ASSERT_EQ(arr(shown, "rules").size(), 1u);
  EXPECT_EQ(str(shown, "rules.0.text"), "No harassment.");
  // Filtered by reporter while the report is open.
  EXPECT_EQ(arr(admin_get("/api/v1/admin/reports?account_id=" + reporter.id)).size(), 1u);

  auto taken = admin_post("/api/v1/admin/reports/" + id + "/assign_to_self");
  EXPECT_FALSE(str(taken, "assigned_account.id").empty());
  EXPECT_TRUE(is_null(admin_post("/api/v1/admin/reports/" + id + "/unassign"), "assigned_account"));

  auto resolved = admin_post("/api/v1/admin/reports/" + id + "/resolve");
  EXPECT_TRUE(boolean(resolved, "action_taken"));
  EXPECT_TRUE(contains(str(resolved, "action_taken_at"), "T00:00:00.000Z"));
  EXPECT_FALSE(str(resolved, "action_taken_by_account.id").empty());
  // The reporter's link is gone with the resolution, and stays gone.
  EXPECT_TRUE(is_null(resolved, "account"));
  EXPECT_TRUE(arr(admin_get("/api/v1/admin/reports?account_id=" + reporter.id)).empty());
  EXPECT_TRUE(arr(admin_get("/api/v1/admin/reports?target_account_id=" + target.id)).empty())
      << "open ones by default";
  EXPECT_EQ(
      arr(admin_get("/api/v1/admin/reports?resolved=true&target_account_id=" + target.id)).size(),
      1u);
  auto reopened = admin_post("/api/v1/admin/reports/" + id + "/reopen");
  EXPECT_FALSE(boolean(reopened, "action_taken"));
  EXPECT_TRUE(is_null(reopened, "account"));
  // Idempotent.
  EXPECT_FALSE(boolean(admin_post("/api/v1/admin/reports/" + id + "/reopen"), "action_taken"));
}

TEST_F(ReportsIntegration, ModeratorsChangeWhatAReportIsAbout) {
  const User reporter = new_user("repput"), target = new_user("repputt");
  const std::string id =
      str(Api::ok_json(file(
              reporter, json::parse(R"({"account_id":")" + target.id + R"(","category":"spam"})"))),
          "id");
  const std::string path = "/api/v1/admin/reports/" + id;
  auto put = [&](const std::string& body, const std::string& token = admin_token_) {
    return api().send_json("PUT", path, json::parse(body), token);
  };

  auto cited = Api::ok_json(put(R"({"category":"violation","rule_ids":["2"]})"));
  EXPECT_EQ(str(cited, "id"), id);
  EXPECT_EQ(str(cited, "category"), "violation");
  ASSERT_EQ(arr(cited, "rules").size(), 1u);
  EXPECT_EQ(str(cited, "rules.0.id"), "2");
  EXPECT_EQ(str(cited, "rules.0.text"), "No spam.");
  EXPECT_EQ(str(cited, "target_account.id"), target.id) << "an Admin::Report";
  // Rules alone: still a violation, now citing both.
  EXPECT_EQ(arr(Api::ok_json(put(R"({"rule_ids":["1","2"]})")), "rules").size(), 2u);
  // Another category drops the rules; citing rules again makes it a violation, as filing does.
  auto legal = Api::ok_json(put(R"({"category":"legal"})"));
  EXPECT_EQ(str(legal, "category"), "legal");
  EXPECT_TRUE(arr(legal, "rules").empty());
  auto again =
      Api::ok_json(api().send_form("PUT", path, form({{"rule_ids[]", "1"}}), admin_token_));
  EXPECT_EQ(str(again, "category"), "violation");
  EXPECT_EQ(str(again, "rules.0.id"), "1");
  // Kept: the list of reports shows it.
  EXPECT_EQ(str(admin_get("/api/v1/admin/reports?target_account_id=" + target.id), "0.category"),
            "violation");

  // Bad input: a 422 naming the field, and the report unchanged.
  struct Case {
    std::string body;
    std::string error_has;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"category":"rudeness"})", "Category"},
           {R"({"rule_ids":["3"]})", "Rule ids"},
           {R"({"rule_ids":["0"]})", "Rule ids"},
           {R"({"rule_ids":["x"]})", "Rule ids"},
           {R"({"rule_ids":[]})", "Rule ids"},
           {R"({"category":"spam","rule_ids":["1","7"]})", "Rule ids"},
           {R"({"category":["spam","legal"]})", "category"},
       }) {
    SCOPED_TRACE(c.body);
    EXPECT_TRUE(contains(expect_error(put(c.body), 422), c.error_has));
  }
  auto unchanged = admin_get(path);
  EXPECT_EQ(str(unchanged, "category"), "violation");
  ASSERT_EQ(arr(unchanged, "rules").size(), 1u);
  EXPECT_EQ(str(unchanged, "rules.0.id"), "1");
  // A violation must cite rules: from another category, asking for one without them fails.
  Api::ok_json(put(R"({"category":"other"})"));
  EXPECT_TRUE(contains(expect_error(put(R"({"category":"violation"})"), 422), "Rule ids"));
  EXPECT_EQ(str(admin_get(path), "category"), "other");

  expect_error(put(R"({"category":"spam"})", reporter.token), 403);
  expect_error(put(R"({"category":"spam"})", ""), 401);
  expect_error(api().send_json("PUT", "/api/v1/admin/reports/999999999",
                               json::parse(R"({"category":"spam"})"), admin_token_),
               404);
}

TEST_F(ReportsIntegration, ModeratorsSeeAttachedPostsWhateverTheirVisibility) {
  const User reporter = new_user("repvis"), target = new_user("repvist");
  api().follow(reporter, target);
  const std::string hidden =
      api().post_id(target, "only for followers", {{"visibility", "private"}});
  const std::string id =
      str(Api::ok_json(file(reporter, json::parse(R"({"account_id":")" + target.id +
                                                  R"(","status_ids":[")" + hidden + R"("]})"))),
          "id");
  auto shown = admin_get("/api/v1/admin/reports/" + id);
  ASSERT_EQ(arr(shown, "statuses").size(), 1u);
  EXPECT_EQ(str(shown, "statuses.0.content"), "<p>only for followers</p>");
  // A deleted post leaves the report.
  ASSERT_EQ(api().del("/api/v1/statuses/" + hidden, target.token).status, 200);
  EXPECT_TRUE(arr(admin_get("/api/v1/admin/reports/" + id), "statuses").empty());
}

TEST_F(ReportsIntegration, AReportedDirectMessageStaysSealedFromTheModerators) {
  const User reporter = new_user("repdm"), target = new_user("repdmt");
  const std::string secret = "dmsecret" + unique_suffix();
  const std::string dm =
      api().post_id(target, "@" + reporter.username + " " + secret, {{"visibility", "direct"}});
  const std::string id =
      str(Api::ok_json(file(reporter, json::parse(R"({"account_id":")" + target.id +
                                                  R"(","status_ids":[")" + dm + R"("]})"))),
          "id");
  auto shown = api().get("/api/v1/admin/reports/" + id, admin_token_);
  auto report = Api::ok_json(shown);
  ASSERT_EQ(arr(report, "statuses").size(), 1u);
  EXPECT_EQ(str(report, "statuses.0.id"), dm);
  EXPECT_FALSE(contains(shown.body, secret)) << "only the message's readers can open it";
}

TEST_F(ReportsIntegration, ReportsAreCountedInBothAccountsInventories) {
  const User reporter = new_user("repinv"), target = new_user("repinvt");
  const std::string id =
      str(Api::ok_json(api().post_form("/api/v1/reports", form({{"account_id", target.id}}),
                                       reporter.token)),
          "id");
  auto items = [](const json::value& inv, const char* name) {
    return num(inv, std::string("groups.non_public_content.") + name + ".count");
  };
  auto filed = admin_get("/api/v1/admin/accounts/" + reporter.id + "/inventory");
  auto about = admin_get("/api/v1/admin/accounts/" + target.id + "/inventory");
  EXPECT_EQ(items(filed, "reports_filed"), 1);
  EXPECT_EQ(items(filed, "reports_about"), 0);
  EXPECT_EQ(items(about, "reports_filed"), 0);
  EXPECT_EQ(items(about, "reports_about"), 1);
  admin_post("/api/v1/admin/reports/" + id + "/resolve");
  EXPECT_EQ(
      items(admin_get("/api/v1/admin/accounts/" + reporter.id + "/inventory"), "reports_filed"), 0)
      << "the link is erased at resolution";
  EXPECT_EQ(items(admin_get("/api/v1/admin/accounts/" + target.id + "/inventory"), "reports_about"),
            1);
}

TEST_F(ReportsIntegration, AReportGoesWithTheReportedAccountAndLosesAnErasedReporter) {
  const User reporter = new_user("repgone"), target = new_user("repgonet");
  const User other = new_user("repgoneo");
  auto filed = [&](const User& about) {
    return str(Api::ok_json(api().post_form("/api/v1/reports", form({{"account_id", about.id}}),
                                            reporter.token)),
               "id");
  };
  const std::string about_target = filed(target), about_other = filed(other);
  ASSERT_EQ(api().del("/api/v1/admin/accounts/" + target.id, admin_token_).status, 200);
  expect_error(api().get("/api/v1/admin/reports/" + about_target, admin_token_), 404);
  ASSERT_EQ(api().del("/api/v1/admin/accounts/" + reporter.id, admin_token_).status, 200);
  auto kept = admin_get("/api/v1/admin/reports/" + about_other);
  EXPECT_TRUE(is_null(kept, "account"));
  EXPECT_EQ(str(kept, "target_account.id"), other.id);
}

TEST_F(ReportsIntegration, BadInputIsAClearError) {
  const User reporter = new_user("repbad"), target = new_user("repbadt"), other = new_user("repbo");
  const std::string others_post = api().post_id(other, "not the target's");
  const std::string priv = api().post_id(target, "hidden", {{"visibility", "private"}});
  const std::string t = target.id;
  struct Case {
    std::string body;
    int status;
    std::string error_has;
  };
  for (const Case& c : std::vector<Case>{
           {"{}", 404, "Record not found"},
           {R"({"account_id":"999999999"})", 404, "Record not found"},
           {R"({"account_id":"abc"})", 404, "Record not found"},
           {R"({"account_id":["1","2"]})", 422, "account_id"},
           {R"({"account_id":")" + t + R"(","status_ids":[")" + others_post + R"("]})", 404, ""},
           {R"({"account_id":")" + t + R"(","status_ids":[")" + priv + R"("]})", 404, ""},
           {R"({"account_id":")" + t + R"(","status_ids":["abc"]})", 404, ""},
           {R"({"account_id":")" + t + R"(","category":"rudeness"})", 422, "Category"},
           {R"({"account_id":")" + t + R"(","category":"violation"})", 422, "Rule ids"},
           {R"({"account_id":")" + t + R"(","rule_ids":["3"]})", 422, "Rule ids"},
           {R"({"account_id":")" + t + R"(","rule_ids":["0"]})", 422, "Rule ids"},
           {R"({"account_id":")" + t + R"(","rule_ids":["x"]})", 422, "Rule ids"},
           {R"({"account_id":")" + t + R"(","comment":")" + std::string(1001, 'c') + R"("})", 422,
            "too long"},
           {R"({"account_id":")" + t + R"(","comment":{"a":1}})", 422, "comment"},
           {R"({"account_id":")" + t + R"(","forward":"maybe"})", 400, "forward"},
       }) {
    SCOPED_TRACE(c.body);
    const std::string error = expect_error(file(reporter, json::parse(c.body)), c.status);
    if (!c.error_has.empty()) {
      EXPECT_TRUE(contains(error, c.error_has)) << error;
    }
  }
  // None of that was filed.
  EXPECT_TRUE(arr(admin_get("/api/v1/admin/reports?target_account_id=" + t)).empty());
  // The moderators' routes.
  expect_error(api().get("/api/v1/admin/reports", reporter.token), 403);
  expect_error(api().get("/api/v1/admin/reports"), 401);
  for (const std::string query :
       {"?resolved=maybe", "?account_id=abc", "?target_account_id=-1", "?limit=abc"}) {
    SCOPED_TRACE(query);
    expect_error(api().get("/api/v1/admin/reports" + query, admin_token_), 400);
  }
  for (const std::string path : {"/api/v1/admin/reports/999999999", "/api/v1/admin/reports/abc"}) {
    expect_error(api().get(path, admin_token_), 404);
    expect_error(api().post(path + "/resolve", admin_token_), 404);
  }
  // A 1001-character comment was refused; exactly 1000 is fine (characters, not bytes).
  Api::ok_json(file(reporter, json::parse(R"({"account_id":")" + t + R"(","comment":")" +
                                          std::string(1000, 'c') + R"("})")));
}

}  // namespace
}  // namespace publius::integration
