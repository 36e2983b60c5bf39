// Sealed direct messages against the real binary: who can read a DM through the
// API and the web UI, which credentials keep or lose access, and that nothing of
// a DM is left in the data directory's bytes (docs/sealed-messages.md).
#include <filesystem>

#include "integration/server_harness.h"
#include "store/sqlite/db.h"
#include "util/crypto.h"
#include "web/session.h"

namespace publius::integration {
namespace {

// Each test runs its own server so it can stop it and read the data directory.
class SealedMessagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto_init().ok());
    data_dir_ = make_temp_dir();
    ASSERT_TRUE(server_.start(data_dir_));
    api_ = std::make_unique<Api>(server_.port());
    app_ = api_->create_app("read write follow push", "urn:ietf:wg:oauth:2.0:oob", "Sealed");
    app_token_ = api_->app_token(app_);
    ASSERT_FALSE(app_token_.empty());
  }
  void TearDown() override {
    if (server_.alive()) {
      EXPECT_EQ(server_.stop(), 0) << server_.log();
    }
    std::error_code ec;
    std::filesystem::remove_all(data_dir_, ec);
  }

  User new_user(const std::string& prefix) { return api_->register_user(app_token_, prefix); }

  // Alice's DM to `to`; returns its id.
  std::string send_dm(const User& from, const User& to, const std::string& text,
                      const std::string& spoiler = "") {
    return api_->post_id(from, "@" + to.username + " " + text,
                         {{"visibility", "direct"}, {"spoiler_text", spoiler}});
  }

  // The status content `token` sees, or "" when it gets no 200.
  std::string content_seen(const std::string& id, const std::string& token) {
    auto r = api_->get("/api/v1/statuses/" + id, token);
    if (r.status != 200) return "";
    return str(r.json(), "content");
  }

  std::string password_token(const User& u) { return api_->password_token(app_, u); }

  // One count from the data directory's database, read beside the running server.
  int64_t count(const std::string& sql) {
    auto db = sqlite::Db::open(data_dir_ + "/publius.db");
    EXPECT_TRUE(db.ok());
    if (!db.ok()) return -1;
    auto stmt = db->prepare(sql);
    EXPECT_TRUE(stmt.ok());
    if (!stmt.ok() || !stmt->step()) return -1;
    return stmt->int64(0);
  }

  // Every byte of every file in the data directory (db, -wal, -shm, anything else).
  std::string data_dir_bytes() {
    std::string all;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir_))
      if (entry.is_regular_file()) all += read_file(entry.path().string());
    return all;
  }

  // Fails for each form of `needle` found in the data directory: as is, lower
  // case, and hex-encoded (lower and upper case).
  void expect_not_on_disk(const std::string& needle) {
    const std::string bytes = data_dir_bytes();
    ASSERT_FALSE(bytes.empty());
    std::string hex = to_hex(needle), upper_hex = hex;
    for (auto& c : upper_hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const std::string& form : {needle, lower(needle), hex, upper_hex})
      EXPECT_FALSE(contains(bytes, form)) << "found on disk: " << form;
  }

  // A browser: the session cookie, kept across requests.
  struct Browser {
    std::string cookie;
  };
  HttpResponse web(Browser& b, const std::string& method, const std::string& target,
                   const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.target = target;
    if (!b.cookie.empty())
      r.headers.push_back({"Cookie", std::string(web::kSessionCookie) + "=" + b.cookie});
    if (method == "POST") {
      r.content_type = "application/x-www-form-urlencoded";
      r.body = body + "&csrf=" + web::csrf_token(b.cookie);
    }
    auto response = api_->request(std::move(r));
    const std::string set = response.header("set-cookie");
    if (!set.empty()) {
      const auto eq = set.find('=');
      b.cookie = set.substr(eq + 1, set.find(';') - eq - 1);
    }
    return response;
  }
  Browser sign_in(const User& u, const std::string& password) {
    Browser b;
    web(b, "GET", "/auth/sign_in");
    auto r =
        web(b, "POST", "/auth/sign_in", form({{"username", u.username}, {"password", password}}));
    EXPECT_EQ(r.status, 303) << r;
    return b;
  }

  ServerProcess server_;
  std::string data_dir_;
  std::unique_ptr<Api> api_;
  AppCredentials app_;
  std::string app_token_;
};

TEST_F(SealedMessagesTest, SenderAndRecipientReadAThirdAccountCannotAndNothingIsOnDisk) {
  const User alice = new_user("alice"), bob = new_user("bob"), eve = new_user("eve");
  const std::string secret = "Zebrafish7731quartz", edited = "Marmalade4417nebula";
  const std::string spoiler = "Veiled9902lantern", tag = "Sealedtag5150";
  const std::string id = send_dm(alice, bob, secret + " #" + tag + " & more", spoiler);
  ASSERT_FALSE(id.empty());

  EXPECT_TRUE(contains(content_seen(id, alice.token), secret));
  EXPECT_TRUE(contains(content_seen(id, bob.token), secret));
  auto as_bob = api_->status(id, bob.token);
  EXPECT_EQ(str(as_bob, "spoiler_text"), spoiler);
  ASSERT_EQ(arr(as_bob, "tags").size(), 1u);
  EXPECT_EQ(api_->get("/api/v1/statuses/" + id, eve.token).status, 404);
  EXPECT_EQ(api_->get("/api/v1/statuses/" + id).status, 404);

  // Every read path that shows the DM opens it.
  auto home = Api::ok_json(api_->get("/api/v1/timelines/home", bob.token));
  ASSERT_TRUE(has_id(home, id));
  EXPECT_TRUE(contains(json::serialize(home), secret));
  // Bob does not follow Alice: her message waits among his notification requests.
  auto notes = Api::ok_json(api_->get("/api/v1/notifications?include_filtered=true", bob.token));
  EXPECT_TRUE(contains(json::serialize(notes), secret));
  auto requests = Api::ok_json(api_->get("/api/v1/notifications/requests", bob.token));
  EXPECT_TRUE(contains(json::serialize(requests), secret));
  auto own = Api::ok_json(api_->get("/api/v1/accounts/" + alice.id + "/statuses", alice.token));
  EXPECT_TRUE(contains(json::serialize(own), secret));
  auto source = Api::ok_json(api_->get("/api/v1/statuses/" + id + "/source", alice.token));
  EXPECT_TRUE(contains(str(source, "text"), secret));
  const std::string reply = api_->post_id(bob, "@" + alice.username + " got it",
                                          {{"visibility", "direct"}, {"in_reply_to_id", id}});
  auto context = Api::ok_json(api_->get("/api/v1/statuses/" + reply + "/context", bob.token));
  EXPECT_TRUE(contains(json::serialize(context), secret));
  auto conversations = Api::ok_json(api_->get("/api/v1/conversations", alice.token));
  EXPECT_EQ(str(conversations, "0.last_status.id"), reply);
  EXPECT_TRUE(contains(str(conversations, "0.last_status.content"), "got it"));

  // Edits stay sealed, and the history opens for both.
  auto put = api_->send_form("PUT", "/api/v1/statuses/" + id,
                             form({{"status", "@" + bob.username + " " + edited}}), alice.token);
  ASSERT_EQ(put.status, 200) << put;
  EXPECT_TRUE(contains(content_seen(id, bob.token), edited));
  auto history = Api::ok_json(api_->get("/api/v1/statuses/" + id + "/history", bob.token));
  ASSERT_EQ(arr(history).size(), 2u);
  EXPECT_TRUE(contains(json::serialize(history), secret));
  EXPECT_TRUE(contains(json::serialize(history), edited));

  // Search never finds DM text, not even for its author.
  for (const std::string& word : {secret, edited, spoiler}) {
    auto found = Api::ok_json(api_->get("/api/v2/search?type=statuses&q=" + word, alice.token));
    EXPECT_TRUE(arr(found, "statuses").empty()) << word;
  }
  auto tagged = Api::ok_json(api_->get("/api/v1/timelines/tag/" + tag, alice.token));
  EXPECT_TRUE(arr(tagged).empty());

  // A signed-in browser reads it in the web UI too.
  Browser browser = sign_in(bob, bob.password);
  auto page = web(browser, "GET", "/@" + alice.username + "/" + id);
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, edited));

  // A public post, stored in clear, shows the scan finds what is there.
  api_->post_id(alice, "Publicmarker2468 in the open");

  ASSERT_EQ(server_.stop(), 0) << server_.log();
  EXPECT_TRUE(contains(data_dir_bytes(), "Publicmarker2468"));
  for (const std::string& needle : {secret, edited, spoiler, tag, std::string("got it")})
    expect_not_on_disk(needle);
}

TEST_F(SealedMessagesTest, RevokedTokenLosesItsCopyAndAPasswordGrantReadsOldMessages) {
  const User alice = new_user("alice"), bob = new_user("bob");
  const std::string id = send_dm(alice, bob, "Pelican2288 before revocation");
  const std::string wrapped_tokens_of_bob =
      "SELECT count(*) FROM tokens WHERE wrapped_key IS NOT NULL AND account_id = " + bob.id;
  EXPECT_EQ(count(wrapped_tokens_of_bob), 1);

  auto revoked = api_->post_form("/oauth/revoke", form({{"client_id", app_.client_id},
                                                        {"client_secret", app_.client_secret},
                                                        {"token", bob.token}}));
  ASSERT_EQ(revoked.status, 200) << revoked;
  EXPECT_EQ(count(wrapped_tokens_of_bob), 0);
  EXPECT_EQ(api_->get("/api/v1/statuses/" + id, bob.token).status, 401);

  const std::string fresh = password_token(bob);
  ASSERT_FALSE(fresh.empty());
  EXPECT_EQ(count(wrapped_tokens_of_bob), 1);
  EXPECT_TRUE(contains(content_seen(id, fresh), "Pelican2288"));
}

TEST_F(SealedMessagesTest, AuthorizationCodeFlowCarriesTheKeyToTheToken) {
  const User alice = new_user("alice"), bob = new_user("bob");
  const std::string id = send_dm(alice, bob, "Heron6161 via the consent page");
  auto page =
      api_->post_form("/oauth/authorize", form({{"client_id", app_.client_id},
                                                {"redirect_uri", "urn:ietf:wg:oauth:2.0:oob"},
                                                {"scope", "read"},
                                                {"username", bob.username},
                                                {"password", bob.password}}));
  ASSERT_EQ(page.status, 200) << page;
  // The out-of-band page shows the 43-character code; pick it out of the HTML.
  std::string code;
  for (size_t at = 0; at + 43 <= page.body.size() && code.empty(); ++at) {
    const std::string candidate = page.body.substr(at, 43);
    const bool plausible = std::all_of(candidate.begin(), candidate.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
    const char after = at + 43 < page.body.size() ? page.body[at + 43] : ' ';
    const char before = at > 0 ? page.body[at - 1] : ' ';
    if (plausible && !std::isalnum(static_cast<unsigned char>(after)) && after != '-' &&
        after != '_' && !std::isalnum(static_cast<unsigned char>(before)) && before != '-' &&
        before != '_' &&
        count("SELECT count(*) FROM auth_codes WHERE code_hash = '" + sha256_hex(candidate) +
              "' AND wrapped_key IS NOT NULL") == 1)
      code = candidate;
  }
  ASSERT_FALSE(code.empty()) << "no authorization code with a wrapped key on the page";
  auto token = Api::ok_json(
      api_->post_form("/oauth/token", form({{"grant_type", "authorization_code"},
                                            {"client_id", app_.client_id},
                                            {"client_secret", app_.client_secret},
                                            {"redirect_uri", "urn:ietf:wg:oauth:2.0:oob"},
                                            {"code", code}})));
  ASSERT_TRUE(token.is_object());
  EXPECT_EQ(count("SELECT count(*) FROM auth_codes"), 0);  // spent, with its copy
  EXPECT_TRUE(contains(content_seen(id, str(token, "access_token")), "Heron6161"));
}

TEST_F(SealedMessagesTest, WebPasswordChangeKeepsAccessUnderTheNewPassword) {
  const User alice = new_user("alice"), bob = new_user("bob");
  const std::string id = send_dm(alice, bob, "Walrus3141 across a password change");
  Browser browser = sign_in(bob, bob.password);
  EXPECT_TRUE(contains(web(browser, "GET", "/home").body, "Walrus3141"));

  auto changed = web(
      browser, "POST", "/settings/password",
      form({{"current_password", bob.password}, {"new_password", "an entirely new passphrase"}}));
  ASSERT_EQ(changed.status, 303) << changed;
  EXPECT_TRUE(contains(web(browser, "GET", "/home").body, "Walrus3141"));
  EXPECT_EQ(count("SELECT count(*) FROM web_sessions WHERE account_id = " + bob.id), 1);

  User renamed = bob;
  renamed.password = "an entirely new passphrase";
  const std::string fresh = password_token(renamed);
  ASSERT_FALSE(fresh.empty());
  EXPECT_TRUE(contains(content_seen(id, fresh), "Walrus3141"));
  // The old token still opens it: its copy of the key did not change.
  EXPECT_TRUE(contains(content_seen(id, bob.token), "Walrus3141"));

  // Signing out deletes the session and the copy of the key it carried.
  const std::string wrapped_sessions =
      "SELECT count(*) FROM web_sessions WHERE wrapped_key IS NOT NULL AND account_id = " + bob.id;
  EXPECT_EQ(count(wrapped_sessions), 1);
  EXPECT_EQ(web(browser, "POST", "/auth/sign_out", "x=1").status, 303);
  EXPECT_EQ(count(wrapped_sessions), 0);
}

TEST_F(SealedMessagesTest, RecoveryCodeRestoresAccessToSealedMessages) {
  const User alice = new_user("alice");
  // Registered by hand to keep the recovery codes the response carries.
  const std::string name = "bob_" + unique_suffix();
  auto registered = Api::ok_json(api_->post_form(
      "/api/v1/accounts",
      form({{"username", name}, {"password", "original password"}, {"agreement", "true"}}),
      app_token_));
  ASSERT_EQ(arr(registered, "recovery_codes").size(), 10u);
  const std::string code(arr(registered, "recovery_codes")[2].as_string());
  User bob;
  bob.username = name;
  bob.token = str(registered, "access_token");
  bob.id = str(Api::ok_json(api_->get("/api/v1/accounts/verify_credentials", bob.token)), "id");
  const std::string id = send_dm(alice, bob, "Otter8080 behind a lost password");
  EXPECT_EQ(count("SELECT count(*) FROM recovery_codes WHERE wrapped_key IS NOT NULL AND "
                  "account_id = " +
                  bob.id),
            10);

  Browser browser;
  web(browser, "GET", "/auth/recover");
  auto recovered = web(browser, "POST", "/auth/recover",
                       form({{"username", name}, {"code", code}, {"password", "recovered pass"}}));
  ASSERT_EQ(recovered.status, 303) << recovered;
  EXPECT_EQ(count("SELECT count(*) FROM recovery_codes WHERE account_id = " + bob.id), 9);

  bob.password = "recovered pass";
  const std::string fresh = password_token(bob);
  ASSERT_FALSE(fresh.empty());
  EXPECT_TRUE(contains(content_seen(id, fresh), "Otter8080"));
}

TEST_F(SealedMessagesTest, MessageToAnAccountNotSignedInOpensAfterItSignsIn) {
  const User alice = new_user("alice");
  // Created by the operator while the server runs; nobody has used it since.
  const std::string name = "absent_" + unique_suffix();
  const std::string password_file = data_dir_ + "-password";
  {
    std::ofstream out(password_file);
    out << "absent user password\n";
  }
  auto created = run_command({"admin", "create-account", "--data-dir", data_dir_, "--username",
                              name, "--password-file", password_file});
  std::filesystem::remove(password_file);
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const auto at = created.out.find("access token: ");
  ASSERT_NE(at, std::string::npos) << created.out;
  const std::string printed = created.out.substr(at + 14, 43);

  User absent;
  absent.username = name;
  absent.password = "absent user password";
  const std::string id = send_dm(alice, absent, "Puffin1212 for later");
  ASSERT_FALSE(id.empty());
  // The operator's printed token opens it, and so does a later password sign-in.
  EXPECT_TRUE(contains(content_seen(id, printed), "Puffin1212"));
  const std::string fresh = password_token(absent);
  EXPECT_TRUE(contains(content_seen(id, fresh), "Puffin1212"));
  // Its notification waits as a request from a stranger until accepted.
  auto requests = Api::ok_json(api_->get("/api/v1/notifications/requests", fresh));
  ASSERT_EQ(arr(requests).size(), 1u);
  Api::ok_json(
      api_->post("/api/v1/notifications/requests/" + str(requests, "0.id") + "/accept", fresh));
  Browser browser = sign_in(absent, absent.password);
  EXPECT_TRUE(contains(web(browser, "GET", "/notifications").body, "Puffin1212"));
}

TEST_F(SealedMessagesTest, CredentialWithoutAWrappedKeyGetsAPlaceholderNotAnError) {
  const User alice = new_user("alice"), bob = new_user("bob");
  const std::string id = send_dm(alice, bob, "Beaver4040 out of reach");
  // As a token issued before sealing: no wrapped copy on its row.
  {
    auto db = sqlite::Db::open(data_dir_ + "/publius.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("UPDATE tokens SET wrapped_key = NULL WHERE account_id = " + bob.id).ok());
  }
  auto r = api_->get("/api/v1/statuses/" + id, bob.token);
  ASSERT_EQ(r.status, 200) << r;
  const std::string content = str(r.json(), "content");
  EXPECT_FALSE(contains(content, "Beaver4040"));
  EXPECT_TRUE(contains(content, "sealed"));
  auto home = api_->get("/api/v1/timelines/home", bob.token);
  EXPECT_EQ(home.status, 200);
  // The author's own token still opens it: the placeholder was never cached.
  EXPECT_TRUE(contains(content_seen(id, alice.token), "Beaver4040"));
}

// A token without read:statuses (write, push, write:media, read:accounts) reads no direct message:
// the reading routes answer 403 as in Mastodon, and the writes it may make render a sealed
// post as the placeholder, since its key is never unwrapped.
TEST_F(SealedMessagesTest, ATokenThatMayNotReadStatusesNeverOpensADirectMessage) {
  const User alice = new_user("alice"), bob = new_user("bob");
  const std::string id = send_dm(alice, bob, "Otter7731 stays sealed");
  for (const std::string scope : {"write", "push", "write:media", "read:accounts"}) {
    SCOPED_TRACE(scope);
    const std::string narrow = api_->password_token(app_, bob, scope);
    ASSERT_FALSE(narrow.empty());
    for (const std::string& target : std::vector<std::string>{
             "/api/v1/statuses/" + id, "/api/v1/statuses?id[]=" + id,
             "/api/v1/statuses/" + id + "/context", "/api/v1/statuses/" + id + "/history",
             "/api/v1/accounts/" + alice.id + "/statuses", "/api/v1/timelines/home",
             "/api/v1/timelines/public", "/api/v1/conversations", "/api/v1/notifications",
             "/api/v2/notifications", "/api/v2/search?q=Otter7731"}) {
      auto r = api_->get(target, narrow);
      SCOPED_TRACE(target);
      EXPECT_EQ(r.status, 403) << r;
      EXPECT_FALSE(contains(r.body, "Otter7731"));
    }
  }
  // A write-only token may favourite and bookmark the message, but what comes back is sealed.
  const std::string write_only = api_->password_token(app_, bob, "write");
  for (const std::string action : {"favourite", "bookmark", "unfavourite"}) {
    auto r = api_->post_form("/api/v1/statuses/" + id + "/" + action, "", write_only);
    ASSERT_EQ(r.status, 200) << action << " " << r;
    EXPECT_FALSE(contains(r.body, "Otter7731")) << action;
    EXPECT_TRUE(contains(str(r.json(), "content"), "sealed")) << action;
  }
  // A token that may read statuses opens it.
  EXPECT_TRUE(
      contains(content_seen(id, api_->password_token(app_, bob, "read:statuses")), "Otter7731"));
}

}  // namespace
}  // namespace publius::integration
