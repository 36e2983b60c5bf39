// The operator's domain blocks through their three surfaces against the running server:
// the admin API (Mastodon's /api/v1/admin/domain_blocks: admins with the domain_blocks
// scopes only, bad input a 422 with {"error": ...}), the command line (`publius admin
// domain-block add|remove|list`: errors naming the argument or flag, non-zero exit) and
// the web UI's admin page (forms with the CSRF token, working without JavaScript). All
// three see the same blocks, since they call one domain service; the server sees a block
// the command line added while it runs. The instance actor is served at /actor.
#include "integration/server_harness.h"
#include "integration/web_browser.h"

namespace publius::integration {
namespace {

class DomainBlocksIntegration : public ApiIntegrationTest {
 protected:
  static void SetUpTestSuite() {
    start_suite_server();
    if (!server_ || !server_->alive()) return;
    admin_ = new User(new_user("dbadmin"));
    auto promoted =
        run_command({"admin", "set-role", "--data-dir", data_dir_, admin_->username, "admin"});
    EXPECT_EQ(promoted.exit_code, 0) << promoted.err;
    admin_app_ = api().create_app("read write admin:read admin:write", "urn:ietf:wg:oauth:2.0:oob");
    admin_->token = api().password_token(admin_app_, *admin_, "admin:read admin:write");
  }
  static void TearDownTestSuite() {
    delete admin_;
    admin_ = nullptr;
    ApiIntegrationTest::TearDownTestSuite();
  }

  static CommandResult cli(std::vector<std::string> args) {
    args.insert(args.begin(), {"admin", "domain-block"});
    args.insert(args.begin() + 3, {"--data-dir", data_dir_});
    return run_command(args);
  }
  static json::value blocks() {
    return Api::ok_json(api().get("/api/v1/admin/domain_blocks", admin_->token));
  }
  // The block of `domain` the API lists; null when none.
  static json::value listed(const std::string& domain) {
    const json::value all = blocks();
    for (const auto& b : all.as_array())
      if (str(b, "domain") == domain) return b;
    return nullptr;
  }

  static inline User* admin_ = nullptr;
  static inline AppCredentials admin_app_;
};

TEST_F(DomainBlocksIntegration, AdminApiCreatesShowsChangesAndLiftsBlocks) {
  const std::string path = "/api/v1/admin/domain_blocks";
  auto created = Api::ok_json(api().post_json(
      path,
      json::parse(R"({"domain":" Spam.Example.COM ","severity":"suspend","reject_media":true,)"
                  R"("public_comment":"spam","private_comment":"seen on 3 reports"})"),
      admin_->token));
  const std::string id = str(created, "id");
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(str(created, "domain"), "spam.example.com") << "trimmed and lowercased";
  EXPECT_EQ(str(created, "severity"), "suspend");
  EXPECT_TRUE(boolean(created, "reject_media"));
  EXPECT_FALSE(boolean(created, "reject_reports"));
  EXPECT_EQ(str(created, "public_comment"), "spam");
  EXPECT_EQ(str(created, "private_comment"), "seen on 3 reports");
  EXPECT_EQ(str(created, "digest").size(), 64u);
  EXPECT_TRUE(contains(str(created, "created_at"), "T00:00:00.000Z")) << "a day, not an instant";

  auto shown = Api::ok_json(api().get(path + "/" + id, admin_->token));
  EXPECT_EQ(str(shown, "domain"), "spam.example.com");
  EXPECT_FALSE(listed("spam.example.com").is_null());

  // A form works too; Mastodon's default severity is silence.
  auto silenced =
      Api::ok_json(api().post_form(path, form({{"domain", "quiet.example"}}), admin_->token));
  EXPECT_EQ(str(silenced, "severity"), "silence");
  EXPECT_TRUE(is_null(silenced, "public_comment"));

  auto changed = Api::ok_json(
      api().send_json("PUT", path + "/" + str(silenced, "id"),
                      json::parse(R"({"severity":"noop","reject_reports":true})"), admin_->token));
  EXPECT_EQ(str(changed, "severity"), "noop");
  EXPECT_TRUE(boolean(changed, "reject_reports"));
  EXPECT_EQ(str(listed("quiet.example"), "severity"), "noop");

  EXPECT_EQ(api().del(path + "/" + id, admin_->token).status, 200);
  EXPECT_TRUE(listed("spam.example.com").is_null());
  EXPECT_EQ(api().get(path + "/" + id, admin_->token).status, 404);
  EXPECT_EQ(api().del(path + "/" + id, admin_->token).status, 404);
  EXPECT_EQ(api().del(path + "/" + str(silenced, "id"), admin_->token).status, 200);
}

TEST_F(DomainBlocksIntegration, AdminApiRefusesOthersAndBadInput) {
  const std::string path = "/api/v1/admin/domain_blocks";
  const User user = new_user("dbuser");
  expect_error(api().get(path), 401);
  expect_error(api().get(path, user.token), 403);
  expect_error(api().post_form(path, form({{"domain", "x.example"}}), user.token), 403);
  // An admin's token without the domain_blocks scopes.
  const std::string reports_only =
      api().password_token(admin_app_, *admin_, "admin:read:reports admin:write:reports");
  ASSERT_FALSE(reports_only.empty());
  expect_error(api().get(path, reports_only), 403);
  expect_error(api().post_form(path, form({{"domain", "x.example"}}), reports_only), 403);
  // A read-only token cannot write.
  const std::string read_only = api().password_token(admin_app_, *admin_, "admin:read");
  expect_error(api().post_form(path, form({{"domain", "x.example"}}), read_only), 403);
  EXPECT_EQ(api().get(path, read_only).status, 200);

  struct Case {
    std::string body;
    std::string message_part;
  };
  for (const auto& c : std::vector<Case>{
           {R"({})", "Domain"},
           {R"({"domain":""})", "Domain"},
           {R"({"domain":"https://evil.example/"})", "Domain"},
           {R"({"domain":"a..b"})", "Domain"},
           {R"({"domain":"host:99999"})", "Domain"},
           {R"({"domain":"x.example","severity":"obliterate"})", "Severity"},
           {R"({"domain":"x.example","public_comment":")" + std::string(1001, 'a') + R"("})",
            "Public comment"},
       }) {
    SCOPED_TRACE(c.body);
    const std::string error =
        expect_error(api().post_json(path, json::parse(c.body), admin_->token), 422);
    EXPECT_TRUE(contains(error, c.message_part)) << error;
  }
  expect_error(
      api().post_json(path, json::parse(R"({"domain":"x.example","reject_media":"maybe"})"),
                      admin_->token),
      400);
  // One block per domain.
  Api::ok_json(api().post_form(path, form({{"domain", "twice.example"}}), admin_->token));
  EXPECT_TRUE(contains(
      expect_error(api().post_form(path, form({{"domain", "twice.example"}}), admin_->token), 422),
      "already"));
  expect_error(api().send_json("PUT", path + "/999999", json::parse(R"({"severity":"suspend"})"),
                               admin_->token),
               404);
  EXPECT_TRUE(listed("x.example").is_null()) << "nothing half-written";
}

TEST_F(DomainBlocksIntegration, CommandLineAddsListsAndRemovesWhileTheServerRuns) {
  auto added = cli({"add", "cli.example", "--severity", "suspend", "--reject-reports",
                    "--public-comment", "abuse"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  // The running server sees it: the API lists it.
  auto block = listed("cli.example");
  ASSERT_FALSE(block.is_null());
  EXPECT_EQ(str(block, "severity"), "suspend");
  EXPECT_TRUE(boolean(block, "reject_reports"));
  EXPECT_EQ(str(block, "public_comment"), "abuse");

  auto list = cli({"list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(contains(list.out, "cli.example\tsuspend\treject-reports")) << list.out;

  auto bad_severity = cli({"add", "other.example", "--severity", "obliterate"});
  EXPECT_NE(bad_severity.exit_code, 0);
  EXPECT_TRUE(contains(bad_severity.err, "--severity")) << bad_severity.err;
  auto bad_domain = cli({"add", "https://other.example/"});
  EXPECT_NE(bad_domain.exit_code, 0);
  EXPECT_TRUE(contains(bad_domain.err, "DOMAIN")) << bad_domain.err;
  auto long_comment = cli({"add", "other.example", "--private-comment", std::string(1001, 'a')});
  EXPECT_NE(long_comment.exit_code, 0);
  EXPECT_TRUE(contains(long_comment.err, "--private-comment")) << long_comment.err;
  auto twice = cli({"add", "cli.example"});
  EXPECT_NE(twice.exit_code, 0);
  EXPECT_TRUE(contains(twice.err, "DOMAIN")) << twice.err;
  EXPECT_TRUE(listed("other.example").is_null()) << "nothing half-written";

  auto removed = cli({"remove", "CLI.example"});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_TRUE(listed("cli.example").is_null());
  auto not_blocked = cli({"remove", "cli.example"});
  EXPECT_NE(not_blocked.exit_code, 0);
  EXPECT_TRUE(contains(not_blocked.err, "DOMAIN")) << not_blocked.err;
}

TEST_F(DomainBlocksIntegration, WebAdminPageBlocksChangesAndLiftsWithoutJavaScript) {
  WebBrowser browser;
  ASSERT_TRUE(browser.sign_in(api(), admin_->username, admin_->password));
  auto page = browser.request(api(), "GET", "/admin/domain_blocks");
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_TRUE(contains(page.body, "name=\"csrf\"")) << "its forms carry the CSRF token";

  auto blocked = browser.request(
      api(), "POST", "/admin/domain_blocks",
      form({{"domain", "web.example"}, {"severity", "suspend"}, {"reject_media", "true"}}));
  EXPECT_EQ(blocked.status, 303) << blocked;
  auto block = listed("web.example");
  ASSERT_FALSE(block.is_null());
  EXPECT_EQ(str(block, "severity"), "suspend");
  EXPECT_TRUE(boolean(block, "reject_media"));
  EXPECT_TRUE(contains(browser.request(api(), "GET", "/admin/domain_blocks").body, "web.example"));

  // A refusal shows the form again with the reason and what was typed.
  auto refused = browser.request(api(), "POST", "/admin/domain_blocks",
                                 form({{"domain", "not a domain"}, {"severity", "silence"}}));
  EXPECT_EQ(refused.status, 422);
  EXPECT_TRUE(contains(refused.body, "not a valid domain name")) << refused.body;
  EXPECT_TRUE(contains(refused.body, "value=\"not a domain\""));

  // Saving a block's form without its box ticked clears the flag.
  const std::string base = "/admin/domain_blocks/" + str(block, "id");
  EXPECT_EQ(browser.request(api(), "POST", base, form({{"severity", "silence"}})).status, 303);
  block = listed("web.example");
  EXPECT_EQ(str(block, "severity"), "silence");
  EXPECT_FALSE(boolean(block, "reject_media"));

  // Without the CSRF token nothing changes.
  HttpRequest forged;
  forged.method = "POST";
  forged.target = base + "/delete";
  forged.content_type = "application/x-www-form-urlencoded";
  forged.headers = {{"Cookie", std::string(web::kSessionCookie) + "=" + browser.cookie}};
  EXPECT_EQ(api().request(forged).status, 403);
  EXPECT_FALSE(listed("web.example").is_null());

  EXPECT_EQ(browser.request(api(), "POST", base + "/delete").status, 303);
  EXPECT_TRUE(listed("web.example").is_null());

  // Not an admin: the page is not there.
  const User user = new_user("dbweb");
  WebBrowser other;
  ASSERT_TRUE(other.sign_in(api(), user.username, user.password));
  EXPECT_EQ(other.request(api(), "GET", "/admin/domain_blocks").status, 404);
}

TEST_F(DomainBlocksIntegration, InstanceActorIsAnApplicationWithItsOwnKey) {
  auto actor = api().get("/actor", "", {{"Accept", "application/activity+json"}});
  ASSERT_EQ(actor.status, 200) << actor;
  auto doc = json::parse(actor.body);
  EXPECT_EQ(str(doc, "type"), "Application");
  EXPECT_TRUE(str(doc, "id").ends_with("/actor")) << str(doc, "id");
  EXPECT_EQ(str(doc, "publicKey.id"), str(doc, "id") + "#main-key");
  EXPECT_TRUE(contains(str(doc, "publicKey.publicKeyPem"), "BEGIN PUBLIC KEY"));
  // The same key each time.
  EXPECT_EQ(str(json::parse(api().get("/actor").body), "publicKey.publicKeyPem"),
            str(doc, "publicKey.publicKeyPem"));
}

}  // namespace
}  // namespace publius::integration
