// An error a page handler returns is the site's error page: in the layout, with the
// status http/errors.h maps its code to (a busy store is a 503 with Retry-After, a
// missing entity the 404 page), and with the cookies the visit set before the
// failure. Web UI pages and the legal desk's pages alike (both go through
// WebUi::add_page), over the object graph `publius serve` builds.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "http/errors.h"
#include "store/sqlite/db.h"
#include "support/app_fixture.h"

namespace publius::testing {
namespace {

class PageErrorsTest : public AppFixture {
 protected:
  // Another connection holds the database's write lock (as a `publius` admin command
  // writing would) and the server's connection waits for it no longer than nothing,
  // so the next write the server tries is refused as busy (kUnavailable).
  void hold_write_lock() {
    auto other = sqlite::Db::open(dir_.path() + "/publius.db");
    ASSERT_TRUE(other.ok()) << other.error().message;
    other_ = std::make_unique<sqlite::Db>(std::move(other).value());
    ASSERT_TRUE(other_->exec("BEGIN IMMEDIATE").ok());
    store_->with_connection([](sqlite::Db& db) { sqlite3_busy_timeout(db.handle(), 0); });
  }

  // A page of the site's layout telling the error for `status`.
  static void expect_error_page(const http::Response& r, int status, const std::string& what) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.content_type.rfind("text/html", 0), 0u) << r.content_type;
    EXPECT_NE(r.body.find("<title>Error " + std::to_string(status)), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("<main"), std::string::npos) << "not in the layout: " << r.body;
    EXPECT_NE(r.body.find("href=\"/public\""), std::string::npos) << r.body;
    EXPECT_NE(r.body.find(what), std::string::npos) << r.body;
  }

  std::unique_ptr<sqlite::Db> other_;
};

TEST_F(PageErrorsTest, ABusyStoreIsA503PageWithRetryAfter) {
  const std::string session = session_for("reader");
  ASSERT_EQ(browse("POST", "/statuses", session, "status=hello").status, 303);
  auto posts = microblog_->timelines().public_timeline(std::nullopt, domain::Page{});
  ASSERT_TRUE(posts.ok() && !posts->empty());
  const std::string post_id = std::to_string(posts->front().id);
  const std::string admin = session_for("operator", domain::Role::kAdmin);
  auto intake = desk_->intake(
      R"J({"received_at": "2017-03-14T10:00:00-04:00", "agency": "CBP", "country": "US",
      "instrument": "administrative_summons", "authority": "19 U.S.C. § 1509",
      "targets": ["reader"], "categories_requested": ["subscriber_name"],
      "deadline": null, "nondisclosure": "none", "offense_stated": null, "notes": ""})J");
  ASSERT_TRUE(intake.ok()) << intake.error().message;
  const std::string demand_id(boost::json::parse(*intake).at("id").as_string());

  ASSERT_NO_FATAL_FAILURE(hold_write_lock());
  const http::Response answers[] = {
      browse("POST", "/statuses/" + post_id + "/favourite", session),
      browse("POST", "/legal/demands/" + demand_id + "/transition", admin,
             "to=challenged&reason=overbroad"),
  };
  for (const auto& r : answers) {
    expect_error_page(r, 503, "The server is busy.");
    EXPECT_EQ(header(r, "Retry-After"), std::to_string(http::kRetryAfterSeconds));
  }
}

TEST_F(PageErrorsTest, AMissingEntityIsThe404PageAndTheVisitKeepsItsNewCookie) {
  const std::string admin = session_for("operator", domain::Role::kAdmin);
  const std::string what = "There is nothing at this address that you can see.";
  // A first visit: the anonymous cookie begin_visit set goes out with the error page.
  auto anonymous = browse("GET", "/@nobody", "");
  expect_error_page(anonymous, 404, what);
  EXPECT_EQ(header(anonymous, "Set-Cookie").rfind(std::string(web::kSessionCookie) + "=", 0), 0u)
      << header(anonymous, "Set-Cookie");
  expect_error_page(browse("GET", "/statuses/999999/edit", admin), 404, what);
  expect_error_page(browse("GET", "/legal/demands/dmd_missing", admin), 404, "no demand with id");
}

}  // namespace
}  // namespace publius::testing
