// The real `publius` binary: legal desk and inventory commands, their output
// and exit statuses.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <boost/json.hpp>
#include <cstdio>

#include "legal/legal_fixture.h"
#include "support/temp_dir.h"

namespace publius::legal {
namespace {

struct CliRun {
  int status = -1;
  std::string out;  // stdout and stderr together
};

CliRun run(const std::string& args) {
  CliRun r;
  const std::string command = std::string(PUBLIUS_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) r.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class LegalCliTest : public ::testing::Test {
 protected:
  std::string dd() const { return " --data-dir " + dir_.path(); }
  publius::testing::TempDir dir_;
};

TEST_F(LegalCliTest, SeedCaseThroughTheBinary) {
  ASSERT_EQ(run("admin create-account --username alt_immigration" + dd()).status, 0);
  CliRun intake =
      run("legal intake --file " + testing::fixture_path("cbp_2017_summons.json") + dd());
  ASSERT_EQ(intake.status, 0) << intake.out;
  auto out = boost::json::parse(intake.out).as_object();
  const std::string id(out.at("id").as_string());
  EXPECT_EQ(out.at("review").at("recommendation").as_string(), "challenge");

  CliRun show = run("legal show " + id + " --json" + dd());
  ASSERT_EQ(show.status, 0) << show.out;
  auto shown = boost::json::parse(show.out).as_object();
  EXPECT_TRUE(shown.contains("history"));
  EXPECT_TRUE(shown.contains("notice"));
  EXPECT_TRUE(shown.contains("review"));
  EXPECT_EQ(run("legal show " + id + dd()).status, 0);
  EXPECT_NE(run("legal show dmd_nope" + dd()).status, 0);

  CliRun illegal = run("legal transition " + id + " --to closed --reason nope" + dd());
  EXPECT_NE(illegal.status, 0);
  EXPECT_NE(illegal.out.find("cannot move"), std::string::npos) << illegal.out;
  for (const char* to : {"user_notified", "challenged", "withdrawn", "closed"}) {
    CliRun t = run("legal transition " + id + " --to " + to + " --reason 'per counsel'" + dd());
    EXPECT_EQ(t.status, 0) << to << ": " << t.out;
  }
  CliRun list = run("legal list --json" + dd());
  EXPECT_EQ(list.status, 0);
  EXPECT_EQ(boost::json::parse(list.out).as_array().size(), 1u);

  CliRun verify = run("legal verify" + dd());
  EXPECT_EQ(verify.status, 0) << verify.out;
  CliRun report = run("legal transparency --period 2017H1 --format json" + dd());
  ASSERT_EQ(report.status, 0) << report.out;
  auto r = boost::json::parse(report.out).as_object();
  EXPECT_EQ(r.at("requests").as_int64(), 1);
  EXPECT_EQ(r.at("withdrawn").as_int64(), 1);
  EXPECT_EQ(run("legal transparency --period 2017 --format csv" + dd()).status, 0);
  EXPECT_EQ(run("legal transparency --period 2017-01..2017-06 --format html" + dd()).status, 0);
  CliRun bad_period = run("legal transparency --period 2017Q1" + dd());
  EXPECT_NE(bad_period.status, 0);
  EXPECT_NE(bad_period.out.find("--period"), std::string::npos);

  // Tamper with the log: verify now fails and names the entry.
  {
    auto db = sqlite::Db::open(dir_.path() + "/publius.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("UPDATE legal_audit SET payload = '{}' WHERE seq = 2").ok());
  }
  CliRun broken = run("legal verify" + dd());
  EXPECT_NE(broken.status, 0);
  EXPECT_NE(broken.out.find("entry 2"), std::string::npos) << broken.out;
}

TEST_F(LegalCliTest, MalformedIntakeExitsNonZeroNamingTheField) {
  const std::string path = dir_.path() + "/bad.json";
  std::ofstream(path) << R"({"received_at": "2017-03-14T00:00:00Z", "agency": "CBP",
    "country": "US", "instrument": "letter", "authority": "x", "targets": ["a"],
    "categories_requested": ["ip_addresses"], "deadline": null, "nondisclosure": "none"})";
  CliRun r = run("legal intake --file " + path + dd());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("instrument:"), std::string::npos) << r.out;
  CliRun list = run("legal list --json" + dd());
  EXPECT_EQ(list.out, "[]\n");
  EXPECT_NE(run("legal intake --file " + dir_.path() + "/missing.json" + dd()).status, 0);
}

TEST_F(LegalCliTest, InventoryCommand) {
  ASSERT_EQ(run("admin create-account --username speaker" + dd()).status, 0);
  CliRun text = run("inventory --account speaker" + dd());
  ASSERT_EQ(text.status, 0) << text.out;
  EXPECT_NE(text.out.find("secrets_as_hashes"), std::string::npos);
  EXPECT_NE(text.out.find("ip_addresses: not held"), std::string::npos) << text.out;
  CliRun json = run("inventory --account @speaker --json" + dd());
  ASSERT_EQ(json.status, 0);
  auto o = boost::json::parse(json.out).as_object();
  EXPECT_EQ(o.at("groups").at("secrets_as_hashes").at("token_hashes").at("count").as_int64(), 1);
  EXPECT_NE(run("inventory --account nobody" + dd()).status, 0);
}

}  // namespace
}  // namespace publius::legal
