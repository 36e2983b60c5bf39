// The shield against a running `publius serve`: operator account deletion (CLI
// and admin API), the erasure pass, the Onion-Location header, core dumps off,
// and encrypted backups taken and restored with the real binary while the
// server writes.
#include <gtest/gtest.h>

#include "integration/server_harness.h"
#include "shield/needle_scan.h"

namespace publius::integration {
namespace {

class ShieldServerTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir("publius-shield-"); }
  void TearDown() override {
    server_.stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string data() const { return dir_ + "/data"; }

  std::string create_account(const std::string& name, const std::string& role = "user") {
    return create_account_with_cli(data(), name, role);
  }

  std::string dir_;
  ServerProcess server_;
};

TEST_F(ShieldServerTest, AdminApiDeletesAccountsForAdminsOnly) {
  const std::string boss = create_account("boss", "admin");
  const std::string eve = create_account("eve");
  const std::string frank = create_account("frank");
  ASSERT_TRUE(server_.start(data()));
  Api api(server_.port());
  const std::string frank_id =
      str(api.ok_json(api.get("/api/v1/accounts/verify_credentials", frank)), "id");
  api.post_status({"", "eve", "", eve}, "eve was here");

  expect_error(api.del("/api/v1/admin/accounts/" + frank_id, eve), 403);
  expect_error(api.del("/api/v1/admin/accounts/" + frank_id), 401);
  expect_error(api.del("/api/v1/admin/accounts/987654321", boss), 404);
  auto deleted = api.del("/api/v1/admin/accounts/" + frank_id, boss);
  EXPECT_EQ(deleted.status, 200) << deleted;
  EXPECT_EQ(api.get("/api/v1/accounts/" + frank_id).status, 404);
  EXPECT_EQ(api.get("/api/v1/accounts/verify_credentials", frank).status, 401);
  expect_error(api.del("/api/v1/admin/accounts/" + frank_id, boss), 404);
}

TEST_F(ShieldServerTest, CliDeleteAccountRefusesWithoutYes) {
  create_account("gina");
  ASSERT_TRUE(server_.start(data()));
  auto refused = run_command({"admin", "delete-account", "gina", "--data-dir", data()});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("--yes"), std::string::npos) << refused.err;
  Api api(server_.port());
  EXPECT_EQ(api.get("/api/v1/accounts/lookup?acct=gina").status, 200);
  auto unknown = run_command({"admin", "delete-account", "nobody", "--data-dir", data(), "--yes"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("NAME"), std::string::npos) << unknown.err;
  auto done = run_command({"admin", "delete-account", "gina", "--data-dir", data(), "--yes"});
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_NE(done.out.find("Other servers were not told"), std::string::npos) << done.out;
  EXPECT_EQ(api.get("/api/v1/accounts/lookup?acct=gina").status, 404);
}

TEST_F(ShieldServerTest, ErasurePassClearsDeletedPostsFromTheFiles) {
  const std::string token = create_account("hank");
  ASSERT_TRUE(server_.start(data(), {"--erasure-interval", "1"}));
  Api api(server_.port());
  const std::string text = "please forget vermilionpangolin at the corner";
  const std::string id = api.post_id({"", "hank", "", token}, text);
  shield_test::NeedleScanner scanner;
  scanner.add(text);
  scanner.add("vermilionpangolin");
  ASSERT_FALSE(scanner.scan_path(data()).empty()) << "the scan cannot see the live post";
  ASSERT_EQ(api.del("/api/v1/statuses/" + id, token).status, 200);
  // The pass runs every second; poll until it has, within a deadline.
  const auto deadline = Clock::now() + 15s;
  std::vector<shield_test::Hit> hits = scanner.scan_path(data());
  while (!hits.empty() && Clock::now() < deadline) {
    ::poll(nullptr, 0, 100);
    hits = scanner.scan_path(data());
  }
  EXPECT_TRUE(hits.empty()) << shield_test::describe(hits);
}

TEST_F(ShieldServerTest, OnionLocationOnHtmlPagesOnly) {
  const std::string onion = "http://publiusexampleonionaddressxxxxxxxxxxxxxxxxxxxxxxxx.onion";
  ASSERT_TRUE(server_.start(data(), {"--onion-location", onion + "/"}));
  Api api(server_.port());
  auto page = api.get("/public?local=true");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.header("onion-location"), onion + "/public?local=true");
  EXPECT_EQ(api.get("/").header("onion-location"), onion + "/");
  EXPECT_FALSE(api.get("/api/v1/instance").has_header("onion-location"));
  server_.stop();
  auto bad = run_command({"serve", "--data-dir", data(), "--listen", "127.0.0.1:0",
                          "--onion-location", "http://example.org"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--onion-location"), std::string::npos) << bad.err;
}

TEST_F(ShieldServerTest, ServerRunsWithCoreDumpsDisabled) {
  ASSERT_TRUE(server_.start(data()));
  const std::string limits = read_file("/proc/" + std::to_string(server_.pid()) + "/limits");
  const auto line = limits.find("Max core file size");
  ASSERT_NE(line, std::string::npos) << limits;
  std::istringstream fields(
      limits.substr(line + std::strlen("Max core file size"), limits.find('\n', line) - line));
  std::string soft, hard;
  fields >> soft >> hard;
  EXPECT_EQ(soft, "0");
  EXPECT_EQ(hard, "0");
}

TEST_F(ShieldServerTest, BackupWhileServingRestoresAndNamesEachFailure) {
  const std::string token = create_account("ivy");
  ASSERT_TRUE(server_.start(data()));
  Api api(server_.port());
  for (int i = 0; i < 20; ++i)
    api.post_id({"", "ivy", "", token}, "post number " + std::to_string(i));
  const std::string passphrase = "correct horse battery staple\n";
  const std::string out = dir_ + "/nightly.pbk";
  auto made = run_command({"backup", "--data-dir", data(), "--out", out, "--passphrase-file", "-"},
                          passphrase, 60s);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_NE(made.err.find("entries"), std::string::npos) << "no progress shown: " << made.err;
  api.post_id({"", "ivy", "", token}, "written after the backup");

  auto short_pass = run_command(
      {"backup", "--data-dir", data(), "--out", dir_ + "/x.pbk", "--passphrase-file", "-"},
      "short\n");
  EXPECT_EQ(short_pass.exit_code, 2);
  EXPECT_NE(short_pass.err.find("--passphrase-file"), std::string::npos);

  auto wrong =
      run_command({"restore", "--in", out, "--data-dir", dir_ + "/r1", "--passphrase-file", "-"},
                  "a different passphrase\n", 60s);
  EXPECT_EQ(wrong.exit_code, 4) << wrong.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/r1"));
  const std::string whole = read_file(out);
  std::ofstream(dir_ + "/cut.pbk", std::ios::binary) << whole.substr(0, whole.size() / 2);
  auto cut = run_command(
      {"restore", "--in", dir_ + "/cut.pbk", "--data-dir", dir_ + "/r1", "--passphrase-file", "-"},
      passphrase, 60s);
  EXPECT_EQ(cut.exit_code, 3) << cut.err;
  EXPECT_NE(cut.err.find("truncated"), std::string::npos) << cut.err;
  std::string flipped = whole;
  flipped[whole.size() / 2] = static_cast<char>(flipped[whole.size() / 2] ^ 0x20);
  std::ofstream(dir_ + "/bad.pbk", std::ios::binary) << flipped;
  auto bad = run_command(
      {"restore", "--in", dir_ + "/bad.pbk", "--data-dir", dir_ + "/r1", "--passphrase-file", "-"},
      passphrase, 60s);
  EXPECT_EQ(bad.exit_code, 3) << bad.err;
  EXPECT_NE(bad.err.find("fails authentication"), std::string::npos) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/r1"));

  auto restored =
      run_command({"restore", "--in", out, "--data-dir", dir_ + "/r1", "--passphrase-file", "-"},
                  passphrase, 60s);
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  server_.stop();
  ServerProcess again;
  ASSERT_TRUE(again.start(dir_ + "/r1"));
  Api restored_api(again.port());
  auto statuses = restored_api.get("/api/v1/accounts/lookup?acct=ivy");
  ASSERT_EQ(statuses.status, 200);
  EXPECT_EQ(num(statuses.json(), "statuses_count"), 20);
  again.stop();
}

}  // namespace
}  // namespace publius::integration
