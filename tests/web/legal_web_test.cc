// The legal desk's web pages and the public transparency report, driven through
// the router over a real SQLite store and a real desk: admins only, escaping,
// CSRF on every form (multipart intake included), only legal workflow buttons,
// accessible SVG charts, and the production package as a ustar archive.
#include "web/legal_web.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "http/router.h"
#include "legal/desk.h"
#include "legal/legal_fixture.h"
#include "store/sqlite/db.h"
#include "store/sqlite/legal_store.h"
#include "store/sqlite/sqlite_store.h"
#include "support/app_fixture.h"
#include "support/browser_request.h"
#include "support/temp_dir.h"
#include "util/crypto.h"
#include "web/legal_pages.h"
#include "web/session.h"
#include "web/web_ui.h"

namespace publius::web {
namespace {

namespace json = boost::json;

constexpr std::string_view kSeedSummons =
    R"J({"received_at": "2017-03-14T10:00:00-04:00", "agency": "CBP",
    "agency_component": "<script>alert('component')</script>", "country": "US",
    "instrument": "administrative_summons", "authority": "19 U.S.C. § 1509",
    "targets": ["alt_immigration"], "categories_requested": ["subscriber_name", "ip_addresses"],
    "deadline": "2017-03-13T11:45:00-04:00", "nondisclosure": "requested",
    "offense_stated": null, "notes": "\"><img src=x onerror=alert(1)>"})J";

class LegalWebTest : public testing::AppFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(AppFixture::SetUp());
    ASSERT_TRUE(microblog_->accounts().register_account("alt_immigration", "password123").ok());
  }

  http::Response send(const std::string& method, const std::string& target,
                      const std::string& cookie = "", const std::string& body = "",
                      const std::string& content_type = "application/x-www-form-urlencoded") {
    auto req = testing::browser_request(method, target, cookie, body, content_type);
    return router_.dispatch(req);
  }

  std::string intake_seed() {
    auto out = desk_->intake(kSeedSummons);
    EXPECT_TRUE(out.ok()) << out.error().message;
    return std::string(json::parse(*out).at("id").as_string());
  }

  // The values of the workflow buttons (name="to") on a page.
  static std::set<std::string> move_buttons(const std::string& html) {
    std::set<std::string> out;
    static const std::regex button(R"R(<button type="submit" name="to" value="([a-z_]+)")R");
    for (std::sregex_iterator it(html.begin(), html.end(), button), end; it != end; ++it)
      out.insert((*it)[1]);
    return out;
  }

  static void expect_every_form_has_csrf(const std::string& html, const std::string& token) {
    size_t forms = 0, tokens = 0;
    for (size_t at = html.find("<form method=\"post\""); at != std::string::npos;
         at = html.find("<form method=\"post\"", at + 1))
      ++forms;
    const std::string field = "name=\"csrf\" value=\"" + token + "\"";
    for (size_t at = html.find(field); at != std::string::npos; at = html.find(field, at + 1))
      ++tokens;
    EXPECT_GT(forms, 0u);
    EXPECT_EQ(forms, tokens);
  }

  static void expect_strict_page(const std::string& html) {
    EXPECT_EQ(html.find("style=\""), std::string::npos);  // the CSP forbids inline styles
    EXPECT_EQ(html.find("<script>"), std::string::npos);  // and inline scripts
    EXPECT_LT(html.size(), 100u * 1024);
  }
};

TEST_F(LegalWebTest, DeskPagesAreForAdminsOnly) {
  const std::string id = intake_seed();
  const std::string user = session_for("plain", domain::Role::kUser);
  for (const std::string& path :
       std::vector<std::string>{"/legal", "/legal/new", "/legal/audit", "/legal/demands/" + id,
                                "/legal/demands/" + id + "/package.tar"}) {
    for (const std::string& cookie : {std::string(), user}) {
      auto r = send("GET", path, cookie);
      EXPECT_EQ(r.status, 404) << path;
      EXPECT_NE(r.body.find("<main"), std::string::npos) << "an error page in the layout";
      EXPECT_EQ(r.body.find("CBP"), std::string::npos);
    }
  }
  auto refused = send("POST", "/legal/demands/" + id + "/transition", user,
                      "csrf=" + csrf_token(user) + "&to=challenged&reason=x");
  EXPECT_EQ(refused.status, 404);
  const std::string admin = session_for("boss", domain::Role::kAdmin);
  EXPECT_EQ(send("GET", "/legal", admin).status, 200);
  // Admins see the desk in the navigation; other people do not.
  EXPECT_NE(send("GET", "/public", admin).body.find("href=\"/legal\""), std::string::npos);
  EXPECT_EQ(send("GET", "/public", user).body.find("href=\"/legal\""), std::string::npos);
  EXPECT_NE(send("GET", "/public").body.find("href=\"/transparency\""), std::string::npos);
}

TEST_F(LegalWebTest, DemandPageEscapesShowsReviewAndOnlyLegalMoves) {
  const std::string id = intake_seed();
  const std::string admin = session_for("boss", domain::Role::kAdmin);
  auto page = send("GET", "/legal/demands/" + id, admin);
  ASSERT_EQ(page.status, 200);
  const std::string& html = page.body;
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;component&#39;)"), std::string::npos);
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  for (const char* code : {"authority_out_of_scope", "deadline_before_receipt",
                           "anonymous_speech_unmasking_test", "19 U.S.C. § 1509(a)"})
    EXPECT_NE(html.find(code), std::string::npos) << code;
  EXPECT_NE(html.find("class=\"recommendation\">challenge<"), std::string::npos);
  expect_every_form_has_csrf(html, csrf_token(admin));
  expect_strict_page(html);
  EXPECT_EQ(move_buttons(html), (std::set<std::string>{"user_notified", "challenged", "rejected",
                                                       "preserved", "withdrawn"}));

  ASSERT_TRUE(desk_->transition(id, "challenged", "per counsel").ok());
  auto challenged = send("GET", "/legal/demands/" + id, admin);
  EXPECT_EQ(move_buttons(challenged.body),
            (std::set<std::string>{"quashed", "upheld", "withdrawn"}));
  EXPECT_EQ(challenged.body.find("/produce\""), std::string::npos);  // not producible now

  // A move the workflow does not allow is refused on the page, in the layout.
  auto refused = send("POST", "/legal/demands/" + id + "/transition", admin,
                      "csrf=" + csrf_token(admin) + "&to=closed&reason=skip+ahead");
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("cannot move"), std::string::npos);
  EXPECT_NE(refused.body.find("role=\"alert\""), std::string::npos);

  auto moved = send("POST", "/legal/demands/" + id + "/transition", admin,
                    "csrf=" + csrf_token(admin) + "&to=withdrawn&reason=agency+withdrew");
  EXPECT_EQ(moved.status, 303);
  auto withdrawn = send("GET", "/legal/demands/" + id, admin);
  EXPECT_EQ(move_buttons(withdrawn.body), (std::set<std::string>{"closed"}));
}

TEST_F(LegalWebTest, HeldNoticeHidesTheNotifyButton) {
  auto out = desk_->intake(
      R"J({"received_at": "2026-11-02T09:00:00Z", "agency": "FBI", "country": "US",
      "instrument": "court_order", "authority": "18 U.S.C. § 2703(d)",
      "targets": ["alt_immigration"], "categories_requested": ["content"], "deadline": null,
      "nondisclosure": "court_order", "nondisclosure_until": "2099-01-01T00:00:00Z"})J");
  ASSERT_TRUE(out.ok()) << out.error().message;
  const std::string id(json::parse(*out).at("id").as_string());
  const std::string admin = session_for("boss", domain::Role::kAdmin);
  auto page = send("GET", "/legal/demands/" + id, admin);
  EXPECT_EQ(move_buttons(page.body).count("user_notified"), 0u);
  EXPECT_NE(page.body.find("goes out automatically"), std::string::npos);
}

TEST_F(LegalWebTest, MultipartIntakeNeedsCsrfAndStoresTheDocument) {
  const std::string admin = session_for("boss", domain::Role::kAdmin);
  auto form = send("GET", "/legal/new", admin);
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("enctype=\"multipart/form-data\""), std::string::npos);
  expect_every_form_has_csrf(form.body, csrf_token(admin));
  expect_strict_page(form.body);
  for (const char* label : {"for=\"received_at\"", "for=\"agency\"", "for=\"instrument\"",
                            "for=\"targets\"", "for=\"deadline\"", "for=\"documents\""})
    EXPECT_NE(form.body.find(label), std::string::npos) << label;

  const std::string boundary = "b0und";
  auto part = [&](const std::string& name, const std::string& value) {
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" +
           value + "\r\n";
  };
  const std::string document = "%PDF-1.4 the summons";
  auto body = [&](const std::string& csrf) {
    return part("csrf", csrf) + part("received_at", "2017-03-14T10:00:00-04:00") +
           part("agency", "CBP") + part("country", "US") +
           part("instrument", "administrative_summons") + part("authority", "19 U.S.C. § 1509") +
           part("targets", "@alt_immigration") + part("categories_requested[]", "ip_addresses") +
           part("deadline", "2017-03-13T11:45:00-04:00") + part("nondisclosure", "requested") +
           "--" + boundary +
           "\r\nContent-Disposition: form-data; name=\"documents[]\"; filename=\"s.pdf\"\r\n"
           "Content-Type: application/pdf\r\n\r\n" +
           document + "\r\n--" + boundary + "--\r\n";
  };
  const std::string type = "multipart/form-data; boundary=" + boundary;
  auto forged = send("POST", "/legal/demands", admin, body("forged"), type);
  EXPECT_EQ(forged.status, 403);
  auto list = desk_->list_json();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(*list, "[]");

  auto recorded = send("POST", "/legal/demands", admin, body(csrf_token(admin)), type);
  ASSERT_EQ(recorded.status, 303) << recorded.body;
  std::string location;
  for (const auto& [k, v] : recorded.headers)
    if (k == "Location") location = v;
  ASSERT_EQ(location.rfind("/legal/demands/dmd_", 0), 0u) << location;
  EXPECT_EQ(legal::testing::read_text(dir_.path() + "/legal/documents/" + sha256_hex(document)),
            document);

  // A refused intake comes back filled in, with the desk's reason.
  auto bad = send("POST", "/legal/demands", admin,
                  "csrf=" + csrf_token(admin) +
                      "&received_at=yesterday&agency=CBP&country=US&instrument=subpoena"
                      "&authority=x&targets=alt_immigration&categories_requested%5B%5D=content"
                      "&nondisclosure=none");
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("received_at: must be an RFC 3339 time"), std::string::npos);
  EXPECT_NE(bad.body.find("value=\"yesterday\""), std::string::npos);
}

TEST_F(LegalWebTest, ProductionDownloadsAsUstarWithManifest) {
  auto out = desk_->intake(
      R"J({"received_at": "2026-11-02T09:00:00Z", "agency": "FBI", "country": "US",
      "instrument": "search_warrant", "authority": "18 U.S.C. § 2703(a)",
      "targets": ["alt_immigration"], "categories_requested": ["non_content_records", "content"],
      "deadline": null, "nondisclosure": "none", "offense_stated": "threats"})J");
  ASSERT_TRUE(out.ok()) << out.error().message;
  const std::string id(json::parse(*out).at("id").as_string());
  const std::string admin = session_for("boss", domain::Role::kAdmin);
  auto page = send("GET", "/legal/demands/" + id, admin);
  EXPECT_NE(page.body.find("name=\"approve[]\" value=\"content\""), std::string::npos);
  auto none = send("POST", "/legal/demands/" + id + "/produce", admin, "csrf=" + csrf_token(admin));
  EXPECT_EQ(none.status, 422);
  auto produced = send("POST", "/legal/demands/" + id + "/produce", admin,
                       "csrf=" + csrf_token(admin) + "&approve%5B%5D=non_content_records");
  ASSERT_EQ(produced.status, 303) << produced.body;
  auto shown = send("GET", "/legal/demands/" + id, admin);
  EXPECT_NE(shown.body.find("/package.tar"), std::string::npos);
  auto tar = send("GET", "/legal/demands/" + id + "/package.tar", admin);
  ASSERT_EQ(tar.status, 200) << tar.body;
  EXPECT_EQ(tar.content_type, "application/x-tar");
  const std::string& t = tar.body;
  ASSERT_EQ(t.size() % 512, 0u);
  EXPECT_EQ(t.substr(257, 6), std::string("ustar\0", 6));
  EXPECT_EQ(t.substr(0, id.size() + 1), id + "/");
  // The second entry is manifest.json; its bytes follow its header.
  EXPECT_EQ(t.substr(512, id.size() + 14), id + "/manifest.json");
  const size_t size = std::stoul(t.substr(512 + 124, 11), nullptr, 8);
  const std::string manifest = t.substr(1024, size);
  const json::object m = json::parse(manifest).as_object();
  ASSERT_EQ(m.at("files").as_array().size(), 1u);
  const auto& file = m.at("files").as_array()[0].as_object();
  EXPECT_EQ(file.at("path").as_string(), "alt_immigration/non_content_records.json");
  EXPECT_EQ(m.at("approved_categories").as_array().size(), 1u);
  EXPECT_NE(t.find(std::string(file.at("path").as_string())), std::string::npos);
}

TEST_F(LegalWebTest, AuditPageSaysVerifiedOrNamesTheFirstBrokenEntry) {
  intake_seed();
  const std::string admin = session_for("boss", domain::Role::kAdmin);
  auto page = send("GET", "/legal/audit", admin);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Verified: all 2 entries"), std::string::npos) << page.body;
  {
    auto db = sqlite::Db::open(dir_.path() + "/publius.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("UPDATE legal_audit SET payload = '{}' WHERE seq = 2").ok());
  }
  auto broken = send("GET", "/legal/audit", admin);
  EXPECT_NE(broken.body.find("Broken at entry 2 of 2."), std::string::npos) << broken.body;
  EXPECT_NE(broken.body.find("role=\"alert\""), std::string::npos);
}

TEST_F(LegalWebTest, TransparencyIsPublicWithAccessibleChartsAndDownloads) {
  const std::string id = intake_seed();
  ASSERT_TRUE(desk_->transition(id, "challenged", "per counsel").ok());
  ASSERT_TRUE(desk_->transition(id, "withdrawn", "agency withdrew").ok());
  auto page = send("GET", "/transparency");  // nobody signed in
  ASSERT_EQ(page.status, 200);
  const std::string& html = page.body;
  expect_strict_page(html);
  EXPECT_NE(html.find("href=\"/transparency?period=2017H1\" aria-current=\"page\""),
            std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("role=\"img\""), std::string::npos);
  EXPECT_NE(html.find("<title id=\"by-agency-title\">Requests by agency</title>"),
            std::string::npos);
  EXPECT_NE(html.find("<desc id=\"by-agency-desc\">"), std::string::npos);
  EXPECT_NE(html.find("CBP: 1."), std::string::npos);  // the numbers are in the text alternative
  EXPECT_NE(html.find("<th scope=\"row\">administrative_summons</th><td>1</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<th scope=\"row\">Withdrawn</th><td>1</td>"), std::string::npos);
  EXPECT_NE(html.find("Warrant canary"), std::string::npos);
  EXPECT_NE(html.find("/transparency.json?period=2017H1"), std::string::npos);

  // The download is the CLI's JSON.
  auto downloaded = send("GET", "/transparency.json?period=2017H1");
  ASSERT_EQ(downloaded.status, 200);
  legal::TransparencyOptions options;
  options.period = "2017H1";
  auto cli = desk_->transparency(options);
  ASSERT_TRUE(cli.ok());
  EXPECT_EQ(downloaded.body, *cli);
  auto csv = send("GET", "/transparency.csv?period=2017H1");
  EXPECT_EQ(csv.body.rfind("metric,value\n", 0), 0u);
  EXPECT_EQ(send("GET", "/transparency?period=%3Cscript%3E").status, 400);
  EXPECT_EQ(send("GET", "/transparency.json?period=1999Q5").status, 400);
}

TEST(LegalPagesTest, ChartsUseClassesNotStylesAndEscapeLabels) {
  Frame f;
  f.instance_title = "T";
  json::object report = json::parse(R"J({"period": "2017H1", "from": "2017-01-01",
      "to": "2017-06-30", "requests": 2, "by_instrument": {"subpoena": 2},
      "by_agency": {"<b>Agency</b>": 2}, "percent_some_information_produced": 50,
      "canary": {"statement": "s", "date": "d", "public_key": "k", "signature": "x"}})J")
                            .as_object();
  const std::string html = transparency_page(f, report, {"2017H1"});
  EXPECT_EQ(html.find("<b>Agency"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;Agency&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("class=\"bar\""), std::string::npos);
  EXPECT_EQ(html.find("fill=\""), std::string::npos);  // colours come from the stylesheet
  EXPECT_NE(html.find(">50%</text>"), std::string::npos);
}

}  // namespace
}  // namespace publius::web
