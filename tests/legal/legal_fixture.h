// Shared set-up for the legal desk tests: a fresh data directory with the
// microblog store, the legal store, a desk on a settable clock, and helpers to
// populate accounts and read demands back.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "domain/microblog.h"
#include "legal/desk.h"
#include "store/sqlite/legal_store.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"
#include "timeline/home_feeds.h"
#include "util/crypto.h"
#include "util/time.h"

namespace publius::legal::testing {

inline std::string fixture_path(const std::string& name) {
  // A compile definition rather than __FILE__: ccache's base_dir makes
  // __FILE__ relative, which would tie the tests to one working directory.
  return (std::filesystem::path(PUBLIUS_TEST_SOURCE_DIR) / "legal" / "fixtures" / name).string();
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class LegalDeskFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto_init().ok());
    auto store = sqlite::SqliteStore::open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
    legal_ = std::make_unique<sqlite::SqliteLegalStore>(*store_);
    microblog_ = std::make_unique<domain::Microblog>(*store_, feeds_, domain::InstanceConfig{});
    open_desk();
  }

  void open_desk() {
    desk_.reset();
    DeskOptions options;
    options.data_dir = dir_.path();
    options.domain = "publius.example";
    options.clock = [this] { return clock_ms_; };
    auto desk = LegalDesk::open(*microblog_, *store_, *legal_, options);
    ASSERT_TRUE(desk.ok()) << desk.error().message;
    desk_ = std::move(desk).value();
  }

  // Another process on the same data directory (a `publius legal` command while
  // the server runs): its own store, connection and desk, on the same clock.
  struct OtherProcess {
    std::unique_ptr<sqlite::SqliteStore> store;
    std::unique_ptr<sqlite::SqliteLegalStore> legal;
    timeline::HomeFeeds feeds;
    std::unique_ptr<domain::Microblog> microblog;
    std::unique_ptr<LegalDesk> desk;
  };

  void open_other_process(OtherProcess& other) {
    auto store = sqlite::SqliteStore::open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.error().message;
    other.store = std::move(store).value();
    other.legal = std::make_unique<sqlite::SqliteLegalStore>(*other.store);
    other.microblog =
        std::make_unique<domain::Microblog>(*other.store, other.feeds, domain::InstanceConfig{});
    DeskOptions options;
    options.data_dir = dir_.path();
    options.clock = [this] { return clock_ms_; };
    auto desk = LegalDesk::open(*other.microblog, *other.store, *other.legal, options);
    ASSERT_TRUE(desk.ok()) << desk.error().message;
    other.desk = std::move(desk).value();
  }

  int64_t account(const std::string& name) {
    auto r = microblog_->accounts().register_account(name, "correct horse battery staple");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->account.id : 0;
  }

  int64_t post(int64_t author, const std::string& text, domain::Visibility v) {
    domain::NewPost p;
    p.author_id = author;
    p.text = text;
    p.visibility = v;
    auto r = microblog_->posts().create_status(p);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->id : 0;
  }

  // Intakes JSON text; returns the parsed output.
  boost::json::object intake(const std::string& json_text) {
    auto out = desk_->intake(json_text);
    EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
    if (!out.ok()) return {};
    return boost::json::parse(*out).as_object();
  }

  boost::json::object show(const std::string& id) {
    auto out = desk_->show_json(id);
    EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
    if (!out.ok()) return {};
    return boost::json::parse(*out).as_object();
  }

  void move(const std::string& id, const std::string& to) {
    auto r = desk_->transition(id, to, "test: move to " + to);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  static std::vector<std::string> codes(const boost::json::object& intake_output) {
    std::vector<std::string> out;
    for (const auto& f : intake_output.at("review").at("findings").as_array())
      out.emplace_back(f.at("code").as_string());
    return out;
  }

  static int count_code(const boost::json::object& o, std::string_view code) {
    const auto c = codes(o);
    return static_cast<int>(std::count(c.begin(), c.end(), code));
  }

  static const boost::json::object* finding(const boost::json::object& o, std::string_view code) {
    for (const auto& f : o.at("review").at("findings").as_array())
      if (f.at("code").as_string() == code) return &f.as_object();
    return nullptr;
  }

  boost::json::object report(const std::string& period, bool band = false) {
    TransparencyOptions options;
    options.period = period;
    options.band = band;
    auto r = desk_->transparency(options);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (!r.ok()) return {};
    return boost::json::parse(*r).as_object();
  }

  // A demand as JSON with the given fields replacing a valid base.
  static std::string demand_json(const boost::json::object& overrides) {
    boost::json::object base = {{"received_at", "2026-11-02T09:00:00Z"},
                                {"agency", "FBI"},
                                {"agency_component", "Field Office"},
                                {"country", "US"},
                                {"instrument", "search_warrant"},
                                {"authority", "18 U.S.C. § 2703(a)"},
                                {"targets", boost::json::array{"writer"}},
                                {"categories_requested", boost::json::array{"content"}},
                                {"deadline", "2026-11-30T17:00:00Z"},
                                {"nondisclosure", "none"},
                                {"offense_stated", "18 U.S.C. § 875(c) (interstate threats)"},
                                {"documents", boost::json::array{}},
                                {"notes", ""}};
    for (const auto& [k, v] : overrides) base[k] = v;
    return boost::json::serialize(base);
  }

  int64_t notifications_of(int64_t account_id) {
    auto n = store_->notifications(account_id, {}, domain::Page{});
    EXPECT_TRUE(n.ok());
    return n.ok() ? static_cast<int64_t>(n->size()) : -1;
  }

  publius::testing::TempDir dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
  std::unique_ptr<sqlite::SqliteLegalStore> legal_;
  timeline::HomeFeeds feeds_;
  std::unique_ptr<domain::Microblog> microblog_;
  std::unique_ptr<LegalDesk> desk_;
  int64_t clock_ms_ = *parse_rfc3339_ms("2026-11-23T12:00:00Z");
};

}  // namespace publius::legal::testing
