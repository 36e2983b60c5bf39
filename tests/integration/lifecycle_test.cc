// The server process as an operator sees it: start, graceful stop, restart on the same data,
// the admin commands against a running server, start-up errors, and what reaches the log.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "integration/entity_shapes.h"
#include "integration/server_harness.h"
#include "util/crypto.h"

namespace publius::integration {
namespace {

// Each test runs its own servers (and data directories), so no suite-wide server.
class LifecycleIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir();
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Stops a server and expects a clean exit within a few seconds.
  static void expect_clean_stop(ServerProcess& s) {
    auto code = s.stop(5s);
    ASSERT_TRUE(code.has_value()) << "no exit within 5 s of SIGTERM; log:\n" << s.log();
    EXPECT_EQ(*code, 0) << "raw status " << s.raw_status() << "; log:\n" << s.log();
  }

  // The value after "label: " on its own line of CLI output.
  static std::string line_value(const std::string& out, const std::string& label) {
    const auto pos = out.find(label + ": ");
    if (pos == std::string::npos) return "";
    const auto start = pos + label.size() + 2;
    return out.substr(start, out.find('\n', start) - start);
  }

  CommandResult admin(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), "admin");
    return run_command(args, input);
  }

  std::string dir_;
};

TEST_F(LifecycleIntegration, SigtermExitsZeroWithIdleKeepAliveConnection) {
  ServerProcess s;
  ASSERT_TRUE(s.start(dir_));
  Api api(s.port());
  EXPECT_EQ(api.get("/health").body, "OK");
  // An idle keep-alive client must not hold up shutdown.
  Connection idle;
  ASSERT_TRUE(idle.open(s.port()));
  HttpRequest req;
  req.target = "/api/v1/instance";
  req.close = false;
  const auto deadline = Clock::now() + 5s;
  ASSERT_TRUE(idle.send(req.serialize(), deadline));
  EXPECT_EQ(idle.read_response(deadline).status, 200);
  const int port = s.port();

  expect_clean_stop(s);
  EXPECT_TRUE(idle.wait_closed(Clock::now() + 5s)) << "the idle connection was left open";
  EXPECT_TRUE(contains(s.log(), "stopped cleanly")) << s.log();
  // Nothing listens any more.
  Connection after;
  EXPECT_FALSE(after.open(port));
}

// Regression: a request counted as in flight only once its whole body had arrived, so SIGTERM
// during an upload cut the request off. Once the server has read a request's header it answers it.
TEST_F(LifecycleIntegration, SigtermWaitsForARequestWhoseBodyIsStillArriving) {
  ServerProcess s;
  ASSERT_TRUE(s.start(dir_));
  const std::string token = create_account_with_cli(dir_, "latecomer");
  ASSERT_FALSE(token.empty());
  const int port = s.port();

  Connection uploading;
  ASSERT_TRUE(uploading.open(port));
  HttpRequest req;
  req.method = "POST";
  req.target = "/api/v1/statuses";
  req.token = token;
  req.content_type = "application/json";
  req.body = R"({"status":"sent while the server was stopping"})";
  req.headers.emplace_back("Expect", "100-continue");
  const std::string bytes = req.serialize();
  const size_t header_end = bytes.find("\r\n\r\n") + 4;
  const auto deadline = Clock::now() + 10s;
  ASSERT_TRUE(uploading.send(bytes.substr(0, header_end), deadline));
  // "100 Continue" proves the server has read the header.
  ASSERT_EQ(uploading.read_response(deadline).status, 100);

  ASSERT_EQ(::kill(s.pid(), SIGTERM), 0);
  // Once new connections are refused, the server is draining.
  for (Connection probe; probe.open(port); probe.close()) {
    ASSERT_LT(Clock::now(), deadline) << "the listener never closed";
  }
  ASSERT_TRUE(uploading.send(bytes.substr(header_end), deadline));
  const auto answer = uploading.read_response(deadline);
  EXPECT_EQ(answer.status, 200) << answer.transport_error << answer.body;
  expect_clean_stop(s);
}

// The suite runs with cheap crypto (CMakeLists.txt); a server started so says it in its log,
// so that no operator runs one that way unawares.
TEST_F(LifecycleIntegration, AServerWithTheTestSuitesCheapCryptoWarnsOfIt) {
  if (&work_factors() != &kInsecureTestWorkFactors)
    GTEST_SKIP() << "run through ctest, which sets PUBLIUS_INSECURE_TEST_CRYPTO=1";
  ServerProcess s;
  ASSERT_TRUE(s.start(dir_));
  ASSERT_EQ(Api(s.port()).get("/health").status, 200);
  expect_clean_stop(s);
  EXPECT_TRUE(contains(s.log(), "PUBLIUS_INSECURE_TEST_CRYPTO=1: passwords are hashed")) << s.log();
}

TEST_F(LifecycleIntegration, SigintAlsoStopsCleanly) {
  ServerProcess s;
  ASSERT_TRUE(s.start(dir_));
  ASSERT_EQ(Api(s.port()).get("/health").status, 200);
  auto code = s.stop(5s, SIGINT);
  ASSERT_TRUE(code.has_value()) << s.log();
  EXPECT_EQ(*code, 0) << s.log();
}

TEST_F(LifecycleIntegration, DataPersistsAcrossRestart) {
  std::string user_id, username, token, post_id, app_token;
  AppCredentials app;
  {
    ServerProcess s;
    ASSERT_TRUE(s.start(dir_));
    Api api(s.port());
    app = api.create_app();
    app_token = api.app_token(app);
    auto u = api.register_user(app_token, "keep");
    user_id = u.id;
    username = u.username;
    token = u.token;
    post_id = api.post_id(u, "still here after a restart #persist");
    Api::ok_json(api.send_form("PATCH", "/api/v1/accounts/update_credentials",
                               form({{"display_name", "Persistent"}}), u.token));
    Api::ok_json(api.post("/api/v1/statuses/" + post_id + "/bookmark", u.token));
    expect_clean_stop(s);
  }
  // Shield: the data directory is the owner's alone.
  struct stat st {};
  ASSERT_EQ(::stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/publius.db"));

  ServerProcess s;
  ASSERT_TRUE(s.start(dir_));
  Api api(s.port());
  auto found = Api::ok_json(api.get("/api/v1/accounts/lookup?acct=" + username));
  EXPECT_EQ(str(found, "id"), user_id);
  EXPECT_EQ(str(found, "display_name"), "Persistent");
  EXPECT_EQ(num(found, "statuses_count"), 1);
  auto statuses = Api::ok_json(api.get("/api/v1/accounts/" + user_id + "/statuses"));
  EXPECT_EQ(ids(statuses), std::vector<std::string>{post_id});
  EXPECT_EQ(str(statuses, "0.content").find("still here after a restart"), 3u);
  EXPECT_TRUE(has_id(Api::ok_json(api.get("/api/v1/timelines/tag/persist")), post_id));
  // Tokens, apps and per-user state survive too.
  auto me = Api::ok_json(api.get("/api/v1/accounts/verify_credentials", token));
  EXPECT_EQ(str(me, "username"), username);
  EXPECT_EQ(ids(Api::ok_json(api.get("/api/v1/bookmarks", token))),
            std::vector<std::string>{post_id});
  EXPECT_TRUE(has_id(Api::ok_json(api.get("/api/v1/timelines/home", token)), post_id));
  auto second = api.register_user(app_token, "keep");
  EXPECT_FALSE(second.id.empty());
  EXPECT_NE(second.id, user_id);
  // New posts get ids above the old ones.
  const std::string newer = api.post_id(second, "after restart");
  EXPECT_GT(std::stoll(newer), std::stoll(post_id));
  expect_clean_stop(s);
}

TEST_F(LifecycleIntegration, AdminCreateAccountAndSetRoleAgainstRunningServer) {
  ServerProcess s;
  ASSERT_TRUE(s.start(dir_));
  Api api(s.port());
  const std::string name = "boss_" + unique_suffix();
  // The server has looked the name up (and found nothing) before the operator creates it.
  expect_error(api.get("/api/v1/accounts/lookup?acct=" + name), 404);

  auto created =
      admin({"create-account", "--data-dir", dir_, "--username", name, "--role", "admin"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_TRUE(std::regex_search(created.out,
                                std::regex("account: " + name + " \\(id [0-9]+, role admin\\)")))
      << created.out;
  const std::string password = line_value(created.out, "password");
  const std::string token = line_value(created.out, "access token");
  ASSERT_GE(password.size(), 16u) << created.out;
  ASSERT_GE(token.size(), 32u) << created.out;
  std::smatch m;
  std::string rest = created.out;
  int codes = 0;
  while (std::regex_search(rest, m,
                           std::regex("\n  [a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}"))) {
    ++codes;
    rest = m.suffix();
  }
  EXPECT_EQ(codes, 10) << created.out;

  // The running server sees the new account at once, and the printed token works against it.
  EXPECT_EQ(str(Api::ok_json(api.get("/api/v1/accounts/lookup?acct=" + name)), "username"), name);
  auto me = Api::ok_json(api.get("/api/v1/accounts/verify_credentials", token));
  EXPECT_EQ(str(me, "username"), name);
  EXPECT_EQ(str(me, "role.name"), "Admin");
  EXPECT_EQ(str(me, "role.permissions"), "1");
  EXPECT_TRUE(boolean(me, "role.highlighted"));
  EXPECT_EQ(str(Api::ok_json(api.post_form("/api/v1/statuses",
                                           form({{"status", "from the operator"}}), token)),
                "account.username"),
            name);
  // So does the printed password.
  auto app = api.create_app();
  EXPECT_FALSE(api.password_token(app, User{"", name, password, ""}).empty());

  auto demoted = admin({"set-role", "--data-dir", dir_, name, "user"});
  ASSERT_EQ(demoted.exit_code, 0) << demoted.err;
  EXPECT_EQ(demoted.out, name + " is now user\n");
  me = Api::ok_json(api.get("/api/v1/accounts/verify_credentials", token));
  EXPECT_EQ(str(me, "role.name"), "");
  EXPECT_EQ(str(me, "role.permissions"), "0");
  auto promoted = admin({"set-role", "--data-dir", dir_, name, "admin"});
  ASSERT_EQ(promoted.exit_code, 0) << promoted.err;
  EXPECT_EQ(str(Api::ok_json(api.get("/api/v1/accounts/verify_credentials", token)), "role.name"),
            "Admin");

  // A user account made by the operator.
  auto plain =
      admin({"create-account", "--data-dir", dir_, "--username", "plain_" + unique_suffix()});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_TRUE(contains(plain.out, "role user)")) << plain.out;
  me = Api::ok_json(
      api.get("/api/v1/accounts/verify_credentials", line_value(plain.out, "access token")));
  EXPECT_EQ(str(me, "role.name"), "");
  expect_clean_stop(s);
}

TEST_F(LifecycleIntegration, AdminCommandErrorsNameTheField) {
  const std::string name = "err_" + unique_suffix();
  auto bad_role =
      admin({"create-account", "--data-dir", dir_, "--username", name, "--role", "superuser"});
  EXPECT_NE(bad_role.exit_code, 0);
  EXPECT_TRUE(contains(bad_role.err, "--role")) << bad_role.err;
  EXPECT_TRUE(contains(bad_role.err, "superuser")) << bad_role.err;
  EXPECT_TRUE(bad_role.out.empty()) << bad_role.out;

  auto bad_name = admin({"create-account", "--data-dir", dir_, "--username", "no spaces allowed"});
  EXPECT_NE(bad_name.exit_code, 0);
  EXPECT_TRUE(contains(bad_name.err, "--username")) << bad_name.err;

  ASSERT_EQ(admin({"create-account", "--data-dir", dir_, "--username", name}).exit_code, 0);
  auto duplicate = admin({"create-account", "--data-dir", dir_, "--username", name});
  EXPECT_NE(duplicate.exit_code, 0);
  EXPECT_TRUE(contains(duplicate.err, "--username")) << duplicate.err;
  EXPECT_TRUE(contains(duplicate.err, "taken")) << duplicate.err;

  auto set_bad_role = admin({"set-role", "--data-dir", dir_, name, "emperor"});
  EXPECT_NE(set_bad_role.exit_code, 0);
  EXPECT_TRUE(contains(set_bad_role.err, "ROLE")) << set_bad_role.err;
  auto set_unknown = admin({"set-role", "--data-dir", dir_, "ghost_" + unique_suffix(), "admin"});
  EXPECT_NE(set_unknown.exit_code, 0);
  EXPECT_TRUE(contains(set_unknown.err, "NAME")) << set_unknown.err;

  auto missing_dir = admin({"create-account", "--username", name + "x"});
  EXPECT_NE(missing_dir.exit_code, 0);
  EXPECT_TRUE(contains(missing_dir.err, "--data-dir")) << missing_dir.err;
  auto missing_file = admin({"create-account", "--data-dir", dir_, "--username", name + "y",
                             "--password-file", dir_ + "/does-not-exist"});
  EXPECT_NE(missing_file.exit_code, 0);
  EXPECT_TRUE(contains(missing_file.err, "--password-file")) << missing_file.err;
}

TEST_F(LifecycleIntegration, AdminPasswordFromFileOrStdin) {
  ServerProcess s;
  ASSERT_TRUE(s.start(dir_));
  Api api(s.port());
  auto app = api.create_app();
  const std::string file = dir_ + "/pw.txt";
  {
    std::ofstream out(file);
    out << "chosen password 123\n";
  }
  const std::string a = "file_" + unique_suffix();
  auto from_file =
      admin({"create-account", "--data-dir", dir_, "--username", a, "--password-file", file});
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  EXPECT_FALSE(contains(from_file.out, "password:")) << "a chosen password is not echoed";
  EXPECT_FALSE(api.password_token(app, User{"", a, "chosen password 123", ""}).empty());

  const std::string b = "stdin_" + unique_suffix();
  auto from_stdin =
      admin({"create-account", "--data-dir", dir_, "--username", b, "--password-file", "-"},
            "typed password 456\n");
  ASSERT_EQ(from_stdin.exit_code, 0) << from_stdin.err;
  EXPECT_FALSE(api.password_token(app, User{"", b, "typed password 456", ""}).empty());

  auto too_short = admin({"create-account", "--data-dir", dir_, "--username",
                          "short_" + unique_suffix(), "--password-file", "-"},
                         "short\n");
  EXPECT_NE(too_short.exit_code, 0);
  EXPECT_TRUE(contains(too_short.err, "--password-file: Validation failed: Password is too short"))
      << too_short.err;
  expect_clean_stop(s);
}

TEST_F(LifecycleIntegration, ClosedRegistrations) {
  ServerProcess s;
  ASSERT_TRUE(s.start(dir_, {"--closed-registrations"}));
  Api api(s.port());
  auto app = api.create_app();
  auto token = api.app_token(app);
  auto r = api.post_form("/api/v1/accounts",
                         form({{"username", "late_" + unique_suffix()},
                               {"password", "password123"},
                               {"agreement", "true"}}),
                         token);
  EXPECT_TRUE(contains(expect_error(r, 403), "closed")) << r;
  EXPECT_FALSE(boolean(Api::ok_json(api.get("/api/v1/instance")), "registrations"));
  EXPECT_FALSE(boolean(Api::ok_json(api.get("/api/v2/instance")), "registrations.enabled"));
  // The operator can still create accounts.
  auto created =
      admin({"create-account", "--data-dir", dir_, "--username", "invited_" + unique_suffix()});
  EXPECT_EQ(created.exit_code, 0) << created.err;
  expect_clean_stop(s);
}

TEST_F(LifecycleIntegration, DescriptionAndRulesReachTheInstanceApiAndLandingPage) {
  const std::string rules_path = dir_ + "-rules.txt";
  {
    std::ofstream out(rules_path);
    out << "# Rules of this server\n\nNo harassment.\r\n  Keep it legal.  \n";
  }
  ServerProcess s;
  ASSERT_TRUE(s.start(dir_, {"--description", "A quiet place.", "--rules-file", rules_path}));
  Api api(s.port());
  auto v1 = Api::ok_json(api.get("/api/v1/instance"));
  EXPECT_EQ(str(v1, "description"), "A quiet place.");
  EXPECT_EQ(str(v1, "short_description"), "A quiet place.");
  EXPECT_EQ(str(v1, "rules.1.text"), "Keep it legal.");
  auto v2 = Api::ok_json(api.get("/api/v2/instance"));
  EXPECT_EQ(str(v2, "description"), "A quiet place.");
  ASSERT_EQ(arr(v2, "rules").size(), 2u);
  EXPECT_EQ(str(v2, "rules.0.id"), "1");
  EXPECT_EQ(str(v2, "rules.0.text"), "No harassment.");
  EXPECT_EQ(str(v2, "rules.0.hint"), "");
  auto rules = Api::ok_json(api.get("/api/v1/instance/rules"));
  ASSERT_EQ(rules.as_array().size(), 2u);
  shapes::expect_each(rules, shapes::rule(), "Rule");
  shapes::expect_each(at(v1, "rules"), shapes::rule(), "V1::Instance.rules");
  EXPECT_EQ(str(rules, "1.id"), "2");
  // The extended description is both, as HTML with the rules in order.
  auto extended = Api::ok_json(api.get("/api/v1/instance/extended_description"));
  EXPECT_EQ(str(extended, "content"),
            "<p>A quiet place.</p><h2>Rules</h2><ol><li><p>No harassment.</p></li><li><p>Keep it "
            "legal.</p></li></ol>");
  auto landing = api.get("/");
  EXPECT_TRUE(contains(landing.body, "<li>Keep it legal.</li>")) << landing.body;
  EXPECT_TRUE(contains(landing.body, "A quiet place.")) << landing.body;
  expect_clean_stop(s);
  std::filesystem::remove(rules_path);
}

TEST_F(LifecycleIntegration, AnInvalidRulesFileStopsStartUpNamingTheLine) {
  const std::string rules_path = dir_ + "-rules.txt";
  {
    std::ofstream out(rules_path);
    out << "Be kind.\n# fine\n" << std::string(301, 'x') << "\n";
  }
  auto too_long = run_command(
      {"serve", "--data-dir", dir_, "--listen", "127.0.0.1:0", "--rules-file", rules_path}, "",
      10s);
  EXPECT_NE(too_long.exit_code, 0);
  EXPECT_TRUE(contains(too_long.err, "--rules-file")) << too_long.err;
  EXPECT_TRUE(contains(too_long.err, "line 3")) << too_long.err;
  std::filesystem::remove(rules_path);

  auto missing = run_command({"serve", "--data-dir", dir_, "--listen", "127.0.0.1:0",
                              "--rules-file", dir_ + "/no-such-file"},
                             "", 10s);
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_TRUE(contains(missing.err, "--rules-file: cannot read")) << missing.err;
}

TEST_F(LifecycleIntegration, StartupErrorsExitNonZeroWithAMessage) {
  auto bad_listen = run_command({"serve", "--data-dir", dir_, "--listen", "nonsense"}, "", 10s);
  EXPECT_NE(bad_listen.exit_code, 0);
  EXPECT_TRUE(contains(bad_listen.err, "--listen")) << bad_listen.err;

  ServerProcess holder;
  ASSERT_TRUE(holder.start(dir_));
  const std::string taken = "127.0.0.1:" + std::to_string(holder.port());
  const std::string other_dir = make_temp_dir();
  auto in_use = run_command({"serve", "--data-dir", other_dir, "--listen", taken}, "", 10s);
  EXPECT_NE(in_use.exit_code, 0);
  EXPECT_TRUE(contains(in_use.err, "cannot listen on " + taken)) << in_use.err;
  expect_clean_stop(holder);
  std::filesystem::remove_all(other_dir);

  auto bad_threads = run_command(
      {"serve", "--data-dir", dir_, "--listen", "127.0.0.1:0", "--threads", "0"}, "", 10s);
  EXPECT_NE(bad_threads.exit_code, 0);
  EXPECT_TRUE(contains(bad_threads.err, "--threads")) << bad_threads.err;
  auto no_dir = run_command({"serve", "--listen", "127.0.0.1:0"}, "", 10s);
  EXPECT_NE(no_dir.exit_code, 0);
  EXPECT_TRUE(contains(no_dir.err, "--data-dir")) << no_dir.err;
  auto version = run_command({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_TRUE(contains(version.out, "0.")) << version.out;
}

TEST_F(LifecycleIntegration, ServesOverAUnixSocket) {
  ServerProcess s;
  const std::string path = dir_ + "/publius.sock";
  s.listen = "unix:" + path;
  ASSERT_TRUE(s.start(dir_ + "/data", {}, /*wait_for_port=*/false));
  // No port to report: wait (with a deadline) until the socket accepts connections.
  Connection c;
  const auto deadline = Clock::now() + 15s;
  while (!c.open_unix(path)) {
    ASSERT_TRUE(s.alive()) << "server exited; log:\n" << s.log();
    ASSERT_LT(Clock::now(), deadline) << "socket never accepted; log:\n" << s.log();
    ::poll(nullptr, 0, 10);
  }
  HttpRequest req;
  req.target = "/api/v1/instance";
  ASSERT_TRUE(c.send(req.serialize(), deadline));
  auto r = c.read_response(deadline);
  EXPECT_EQ(r.status, 200) << r;
  EXPECT_TRUE(contains(r.body, "compatible; Publius")) << r.body;
  expect_clean_stop(s);
}

TEST_F(LifecycleIntegration, MaxConnectionsClosesConnectionsBeyondTheCap) {
  ServerProcess s;
  ASSERT_TRUE(s.start(dir_, {"--max-connections", "1"}));
  const auto deadline = Clock::now() + 15s;
  HttpRequest req;
  req.target = "/api/v1/instance";
  req.close = false;
  Connection first, second;
  ASSERT_TRUE(first.open(s.port()));
  ASSERT_TRUE(first.send(req.serialize(), deadline));
  ASSERT_EQ(first.read_response(deadline).status, 200);
  ASSERT_TRUE(second.open(s.port()));
  (void)second.send(req.serialize(), deadline);
  EXPECT_EQ(second.read_response(deadline).status, 0) << "served beyond --max-connections 1";
  EXPECT_TRUE(contains(s.log(), "connection limit reached")) << s.log();
  expect_clean_stop(s);
}

TEST_F(LifecycleIntegration, RateLimitPerClientAndPerToken) {
  ServerProcess s;
  s.rate_limit = "5";
  ASSERT_TRUE(s.start(dir_));
  Api api(s.port());
  // Two of the client's five requests: an app and its token.
  const std::string token = api.app_token(api.create_app());
  ASSERT_FALSE(token.empty());
  for (int i = 0; i < 3; ++i) {
    auto r = api.get("/api/v1/instance");
    ASSERT_EQ(r.status, 200) << "request " << i << ": " << r;
    EXPECT_EQ(r.header("x-ratelimit-limit"), "5");
    EXPECT_EQ(r.header("x-ratelimit-remaining"), std::to_string(2 - i));
  }
  auto limited = api.get("/api/v1/instance");
  EXPECT_EQ(expect_error(limited, 429), "Too many requests");
  EXPECT_EQ(limited.header("x-ratelimit-remaining"), "0");
  expect_error(api.get("/api/v1/timelines/public"), 429);
  // A made-up token buys no budget of its own: each fresh one is the client's again.
  for (int i = 0; i < 3; ++i)
    expect_error(api.get("/api/v1/timelines/public", "made-up-token-" + std::to_string(i)), 429);
  // A real token has its own budget.
  auto r = api.get("/api/v1/timelines/public", token);
  EXPECT_EQ(r.status, 200) << "a verified token is counted apart: " << r;
  EXPECT_EQ(r.header("x-ratelimit-remaining"), "4");
  expect_clean_stop(s);
}

TEST_F(LifecycleIntegration, AccessLogHoldsNothingIdentifying) {
  ServerProcess s;
  s.access_log = true;
  ASSERT_TRUE(s.start(dir_));
  Api api(s.port());
  auto app = api.create_app();
  auto app_token = api.app_token(app);
  const std::string name = "logged_" + unique_suffix();
  const std::string email = "tell." + unique_suffix() + "@nobody.example";
  auto v = Api::ok_json(api.post_form("/api/v1/accounts",
                                      form({{"username", name},
                                            {"password", "password123"},
                                            {"agreement", "true"},
                                            {"email", email}}),
                                      app_token));
  const std::string token = str(v, "access_token");
  const std::string secret_text = "whisper " + unique_suffix();
  auto post =
      Api::ok_json(api.post_form("/api/v1/statuses", form({{"status", secret_text}}), token));
  const std::string post_id = str(post, "id");
  HttpRequest req;
  req.target = "/api/v1/statuses/" + post_id + "?probe=" + name;
  req.token = token;
  req.headers = {{"User-Agent", "SecretAgent/7.7"},
                 {"X-Forwarded-For", "203.0.113.77"},
                 {"X-Real-IP", "198.51.100.99"}};
  EXPECT_EQ(api.request(req).status, 200);
  send_raw(s.port(), "GARBAGE\r\n\r\n");
  expect_clean_stop(s);

  const std::string log = s.log();
  // The access log names route templates and statuses...
  EXPECT_TRUE(contains(log, "GET /api/v1/statuses/:id status=200")) << log;
  EXPECT_TRUE(contains(log, "POST /api/v1/accounts status=200")) << log;
  EXPECT_TRUE(contains(log, "request rejected status=400")) << log;
  // ...and nothing about who asked or what they said.
  for (const std::string& secret :
       {name, email, token, secret_text, post_id, std::string("SecretAgent"),
        std::string("203.0.113.77"), std::string("198.51.100.99"), app.client_id,
        std::string("publius-integration-tests")}) {
    EXPECT_FALSE(contains(log, secret)) << "log holds '" << secret << "':\n" << log;
  }
}

}  // namespace
}  // namespace publius::integration
