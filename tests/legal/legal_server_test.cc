// The legal desk against a running `publius serve`: documents uploaded through
// the admin API, held notices released by the server when their court order
// expires, and a notice sent by the CLI reaching the recipient's warm home feed.
#include <gtest/gtest.h>

#include "integration/server_harness.h"
#include "util/time.h"

namespace publius::integration {
namespace {

class LegalServerTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir("publius-legal-"); }
  void TearDown() override {
    server_.stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string create_account(const std::string& name, const std::string& role = "user") {
    return create_account_with_cli(dir_, name, role);
  }

  // Writes a demand naming `target` to a file for `publius legal intake`.
  std::string demand_file(const std::string& target, const std::string& extra_json = "") {
    const std::string path = dir_ + "/demand-" + unique_suffix() + ".json";
    std::ofstream(path) << R"J({"received_at": "2026-11-02T09:00:00Z", "agency": "FBI",
      "country": "US", "instrument": "search_warrant", "authority": "18 U.S.C. § 2703(a)",
      "targets": [")J" + target +
                               R"J("], "categories_requested": ["content"],
      "deadline": null, "offense_stated": "threats")J" +
                               extra_json + "}";
    return path;
  }

  std::string cli_intake(const std::string& file) {
    auto r = run_command({"legal", "intake", "--data-dir", dir_, "--file", file});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return str(parse_json(r.out), "id");
  }

  std::string dir_;
  ServerProcess server_;
};

TEST_F(LegalServerTest, AdminApiStoresUploadedDocumentsByHash) {
  const std::string admin = create_account("boss", "admin");
  create_account("writer");
  ASSERT_TRUE(server_.start(dir_));
  Api api(server_.port());
  const std::string boundary = "publius-boundary-7";
  const std::string demand =
      R"J({"received_at":"2026-11-02T09:00:00Z","agency":"FBI","country":"US",)J"
      R"J("instrument":"search_warrant","authority":"18 U.S.C. § 2703(a)","targets":["writer"],)J"
      R"J("categories_requested":["content"],"deadline":null,"nondisclosure":"none"})J";
  const std::string pdf = std::string("%PDF-1.4\n\0binary\xff", 17);
  std::string body = "--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"demand\"\r\n\r\n" + demand +
                     "\r\n--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"documents[]\"; "
                     "filename=\"warrant.pdf\"\r\nContent-Type: application/pdf\r\n\r\n" +
                     pdf + "\r\n--" + boundary + "--\r\n";
  HttpRequest req;
  req.method = "POST";
  req.target = "/api/v1/admin/legal/demands";
  req.token = admin;
  req.content_type = "multipart/form-data; boundary=" + boundary;
  req.body = body;
  auto created = api.request(req);
  ASSERT_EQ(created.status, 201) << created;
  const std::string id = str(created.json(), "id");
  auto shown = api.get("/api/v1/admin/legal/demands/" + id, admin);
  ASSERT_EQ(shown.status, 200) << shown;
  const auto docs = arr(shown.json(), "documents");
  ASSERT_EQ(docs.size(), 1u);
  const std::string sha = str(docs[0], "sha256");
  EXPECT_EQ(num(docs[0], "size"), 17);
  EXPECT_EQ(read_file(dir_ + "/legal/documents/" + sha), pdf);  // the same bytes, by hash

  // Paths in a JSON body still name server files: refused.
  auto paths = api.post_json("/api/v1/admin/legal/demands",
                             parse_json(R"({"received_at":"2026-11-02T09:00:00Z","agency":"FBI",
      "country":"US","instrument":"search_warrant","authority":"x","targets":["writer"],
      "categories_requested":["content"],"deadline":null,"nondisclosure":"none",
      "documents":["/etc/passwd"]})"),
                             admin);
  EXPECT_NE(expect_error(paths, 400).find("documents"), std::string::npos);
}

TEST_F(LegalServerTest, RunningServerReleasesHeldNoticeWhenTheOrderExpires) {
  const std::string admin = create_account("boss", "admin");
  const std::string writer = create_account("writer");
  ASSERT_TRUE(server_.start(dir_, {"--notice-check-seconds", "1"}));
  Api api(server_.port());
  // A court order that expires two seconds from now, recorded by the CLI while the server runs.
  const std::string until = format_iso8601_ms(now_ms() + 2000);
  const std::string id = cli_intake(demand_file(
      "writer", R"(, "nondisclosure": "court_order", "nondisclosure_until": ")" + until + "\""));
  ASSERT_FALSE(id.empty());
  auto shown = api.get("/api/v1/admin/legal/demands/" + id, admin);
  ASSERT_EQ(shown.status, 200) << shown;
  EXPECT_EQ(str(shown.json(), "notice.status"), "held");

  // No desk call from here on: only the server's own timer can send the notice.
  const auto deadline = Clock::now() + 15s;
  json::value notifications;
  while (Clock::now() < deadline) {
    notifications = api.get("/api/v1/notifications", writer).json();
    if (notifications.is_array() && !notifications.as_array().empty()) break;
    ::poll(nullptr, 0, 100);
  }
  ASSERT_TRUE(notifications.is_array());
  ASSERT_EQ(notifications.as_array().size(), 1u) << "the held notice was never released";
  EXPECT_NE(str(notifications, "0.status.content").find(id), std::string::npos);
  EXPECT_EQ(str(api.get("/api/v1/admin/legal/demands/" + id, admin).json(), "notice.status"),
            "sent");
}

TEST_F(LegalServerTest, NoticeSentByTheCliReachesTheWarmHomeFeed) {
  create_account("boss", "admin");
  const std::string writer = create_account("writer");
  ASSERT_TRUE(server_.start(dir_));
  Api api(server_.port());
  // Reading the home timeline warms the writer's in-memory feed.
  auto before = api.get("/api/v1/timelines/home", writer);
  ASSERT_EQ(before.status, 200) << before;
  EXPECT_TRUE(arr(before.json()).empty());

  const std::string id = cli_intake(demand_file("writer", R"(, "nondisclosure": "none")"));
  auto notified = run_command({"legal", "transition", id, "--data-dir", dir_, "--to",
                               "user_notified", "--reason", "tell the user"});
  ASSERT_EQ(notified.exit_code, 0) << notified.err;

  auto after = api.get("/api/v1/timelines/home", writer);
  ASSERT_EQ(after.status, 200) << after;
  ASSERT_EQ(arr(after.json()).size(), 1u) << after;
  EXPECT_NE(str(after.json(), "0.content").find(id), std::string::npos);
  EXPECT_EQ(str(after.json(), "0.visibility"), "direct");
}

}  // namespace
}  // namespace publius::integration
