// GET /metrics on the second listener (`serve --metrics-listen`): what a scrape shows after
// real requests, that it names nobody, and that without the flag nothing serves it.
#include <regex>
#include <set>

#include "integration/server_harness.h"

namespace publius::integration {
namespace {

// The TCP ports process `pid` listens on (its sockets in state LISTEN).
std::set<int> listening_ports(pid_t pid) {
  std::set<std::string> inodes;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    std::error_code ec;
    const std::string target = std::filesystem::read_symlink(entry.path(), ec).string();
    if (!ec && target.starts_with("socket:[")) inodes.insert(target.substr(8, target.size() - 9));
  }
  std::set<int> ports;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::istringstream lines(read_file(table));
    std::string line;
    std::getline(lines, line);  // the header
    while (std::getline(lines, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
          timeout >> inode;
      if (state == "0A" && inodes.contains(inode))
        ports.insert(std::stoi(local.substr(local.rfind(':') + 1), nullptr, 16));
    }
  }
  return ports;
}

// Every label value in an exposition but the histogram buckets' bounds (`le`).
std::vector<std::string> label_values(const std::string& text) {
  static const std::regex kLabel(R"re(([a-z_]+)="((?:[^"\\]|\\.)*)")re");
  std::vector<std::string> values;
  for (std::sregex_iterator it(text.begin(), text.end(), kLabel), end; it != end; ++it)
    if ((*it)[1].str() != "le") values.push_back((*it)[2].str());
  return values;
}

// The value of the sample `series` (a name, with its labels if any) in an exposition; -1 if absent.
double sample_value(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

class MetricsIntegration : public ApiIntegrationTest {
 protected:
  static void SetUpTestSuite() { start_suite_server({"--metrics-listen", "127.0.0.1:0"}); }

  static HttpResponse scrape() { return Api(server_->metrics_port()).get("/metrics"); }
};

TEST_F(MetricsIntegration, ScrapeCountsRequestsPerRouteGroupAndNamesNobody) {
  ASSERT_NE(server_->metrics_port(), 0) << server_->output();
  auto ann = new_user("metrics_ann");
  auto bob = new_user("metrics_bob");
  api().follow(bob, ann);
  ASSERT_EQ(api().get("/api/v1/timelines/home", bob.token).status, 200);
  const std::string status_id = api().post_id(ann, "counted, never named");
  ASSERT_FALSE(status_id.empty());
  // Paths and queries that hold the ids, names and tokens a raw-path label would leak.
  EXPECT_EQ(api().get("/api/v1/statuses/" + status_id, bob.token).status, 200);
  EXPECT_EQ(api().get("/api/v1/accounts/" + ann.id, bob.token).status, 200);
  EXPECT_EQ(api().get("/api/v1/accounts/lookup?acct=" + bob.username).status, 200);
  EXPECT_EQ(api().get("/@" + ann.username).status, 200);
  api().get("/api/v1/timelines/home?access_token=" + ann.token);
  EXPECT_EQ(api().get("/no/such/" + bob.username).status, 404);

  const auto r = scrape();
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = r.body;
  EXPECT_TRUE(
      contains(text, R"(publius_http_requests_total{route_group="/api/v1/statuses",method="POST",)"
                     R"(status="2xx"} )"))
      << text;
  EXPECT_TRUE(contains(text, R"(publius_http_request_duration_seconds_count{)"
                             R"(route_group="/api/v1/timelines/home",method="GET"} )"))
      << text;
  EXPECT_TRUE(contains(text, R"x(route_group="(no route)")x")) << text;
  EXPECT_TRUE(contains(text, "# TYPE publius_store_commit_seconds histogram")) << text;
  EXPECT_GE(sample_value(text, "publius_fanout_seconds_count"), 1) << text;
  EXPECT_EQ(sample_value(text, "publius_streams_open"), 0) << text;
  // Bob read his home feed, so it is warm and takes memory.
  EXPECT_GE(sample_value(text, "publius_home_feeds_warm"), 1) << text;
  EXPECT_GT(sample_value(text, "publius_home_feed_bytes"), 0) << text;
  // Group commit: at least one commit, and never more commits than writes.
  const double commits = sample_value(text, "publius_store_commits_total");
  EXPECT_GE(commits, 1) << text;
  EXPECT_LE(commits, sample_value(text, "publius_store_writes_total")) << text;
  EXPECT_EQ(sample_value(text, "publius_store_batch_writes_count"), commits) << text;

  for (const User& u : {ann, bob}) {
    EXPECT_FALSE(contains(text, u.username)) << text;
    EXPECT_FALSE(contains(text, u.token)) << text;
  }
  EXPECT_FALSE(contains(text, status_id)) << text;
  EXPECT_FALSE(contains(text, "127.0.0.1")) << text;
  EXPECT_FALSE(contains(text, "publius-integration-tests")) << "the user agent: " << text;
  // Account ids are small numbers, found in any count: no label holds one as a segment.
  for (const auto& value : label_values(text)) {
    for (const User& u : {ann, bob}) {
      EXPECT_FALSE(contains("/" + value + "/", "/" + u.id + "/")) << value;
      EXPECT_NE(value, u.id);
    }
    EXPECT_FALSE(contains(value, "?")) << value;
  }
}

TEST_F(MetricsIntegration, MainPortDoesNotServeMetrics) {
  EXPECT_EQ(api().get("/metrics").status, 404);
  EXPECT_EQ(Api(server_->metrics_port()).get("/api/v1/instance").status, 404);
}

TEST_F(MetricsIntegration, MetricsListenerIsASecondPortOfTheSameProcess) {
  const std::set<int> expected = {server_->port(), server_->metrics_port()};
  EXPECT_EQ(listening_ports(server_->pid()), expected);
}

TEST(MetricsOff, WithoutTheFlagTheServerListensOnItsOnePortOnly) {
  ServerProcess server;
  const std::string data_dir = make_temp_dir();
  ASSERT_TRUE(server.start(data_dir));
  EXPECT_EQ(server.metrics_port(), 0) << server.output();
  EXPECT_EQ(listening_ports(server.pid()), std::set<int>{server.port()});
  EXPECT_EQ(Api(server.port()).get("/metrics").status, 404);
  server.stop();
  std::filesystem::remove_all(data_dir);
}

}  // namespace
}  // namespace publius::integration
