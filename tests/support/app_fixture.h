// AppFixture: the object graph `publius serve` builds (store, microblog, legal
// desk, API, web UI, the legal desk's pages, one router), in process over a
// SQLite store in a temporary directory, with every request going through
// Api::handle as the server sends it. For tests that need the whole request
// path but must control what the server cannot offer from outside: the clock
// of the credential throttle (configure() before SetUp runs), or a walk over
// every registered route.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/api.h"
#include "domain/microblog.h"
#include "http/router.h"
#include "legal/desk.h"
#include "store/sqlite/legal_store.h"
#include "store/sqlite/sqlite_store.h"
#include "support/browser_request.h"
#include "support/temp_dir.h"
#include "timeline/home_feeds.h"
#include "util/crypto.h"
#include "web/legal_web.h"
#include "web/session.h"
#include "web/web_ui.h"

namespace publius::testing {

class AppFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto_init().ok());
    auto store = sqlite::SqliteStore::open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
    legal_store_ = std::make_unique<sqlite::SqliteLegalStore>(*store_);
    domain::InstanceConfig config;
    config.domain = "example.org";
    config.media_dir = dir_.path() + "/media";
    configure(config);
    microblog_ = std::make_unique<domain::Microblog>(*store_, feeds_, config);
    legal::DeskOptions desk_options;
    desk_options.data_dir = dir_.path();
    desk_options.domain = "example.org";
    auto desk = legal::LegalDesk::open(*microblog_, *store_, *legal_store_, desk_options);
    ASSERT_TRUE(desk.ok()) << desk.error().message;
    desk_ = std::move(desk).value();
    api::ApiOptions api_options;
    api_options.requests_per_window = 1'000'000;
    api_options.legal_desk = desk_.get();
    inventory_ = std::make_unique<shield::StoreDisclosureInventory>(*store_);
    api_options.inventory = inventory_.get();
    api_ = std::make_unique<api::Api>(*microblog_, api_options);
    api_->register_routes(router_);
    ui_ = std::make_unique<web::WebUi>(*microblog_);
    ui_->register_routes(router_);
    legal_web_ = std::make_unique<web::LegalDeskWeb>(*ui_, *desk_);
    legal_web_->register_routes(router_);
  }

  // Changes the instance's configuration before the graph is built.
  virtual void configure(domain::InstanceConfig&) {}

  // A request through Api::handle, from the client whose address hashes to `client_key`.
  http::Response send(http::Request req, const std::string& client_key = "client") {
    req.client_key = client_key;
    return api_->handle(router_, req);
  }
  // A browser's request (support/browser_request.h); a POST carries the form's CSRF token.
  http::Response browse(const std::string& method, const std::string& target,
                        const std::string& cookie, const std::string& form = "",
                        const std::string& client_key = "client") {
    const std::string body =
        method == "POST" ? form + (form.empty() ? "" : "&") + "csrf=" + web::csrf_token(cookie)
                         : form;
    return send(browser_request(method, target, cookie, body), client_key);
  }
  // A web session for a new account; its password is "password123".
  std::string session_for(const std::string& name, domain::Role role = domain::Role::kUser) {
    auto registered = microblog_->accounts().register_account(name, "password123", role);
    EXPECT_TRUE(registered.ok()) << (registered.ok() ? "" : registered.error().message);
    if (!registered.ok()) return "";
    auto secret = microblog_->credentials().start_session(registered->account.id, nullptr);
    EXPECT_TRUE(secret.ok());
    return secret.ok() ? *secret : "";
  }
  static std::string header(const http::Response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return {};
  }

  TempDir dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
  std::unique_ptr<sqlite::SqliteLegalStore> legal_store_;
  timeline::HomeFeeds feeds_;
  std::unique_ptr<domain::Microblog> microblog_;
  std::unique_ptr<legal::LegalDesk> desk_;
  std::unique_ptr<shield::StoreDisclosureInventory> inventory_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<web::WebUi> ui_;
  std::unique_ptr<web::LegalDeskWeb> legal_web_;
  http::Router router_;
};

}  // namespace publius::testing
