// LegalDeskWeb: the operator's legal desk in the web UI (list, intake with
// document upload, the demand page with its review and workflow buttons,
// production and package download, the audit chain's status) for admins only,
// and the public transparency report at /transparency with its JSON and CSV.
//
// Handlers parse the form, call legal::LegalDesk and render web/legal_pages.h;
// every page goes through WebUi::add_page, so sessions, CSRF checks (multipart
// forms included) and the security headers are the site's own. Anyone who is not
// a signed-in admin gets the site's 404 page for /legal/*.
//
// Ownership: `ui` and `desk` are not owned and must outlive this object.
// Construct once, call register_routes() with WebUi's router, then handlers are
// safe on any thread.
#pragma once

#include "http/router.h"
#include "legal/desk.h"
#include "web/web_ui.h"

namespace publius::web {

class LegalDeskWeb {
 public:
  LegalDeskWeb(WebUi& ui, legal::LegalDesk& desk) : ui_(ui), desk_(desk) {}
  void register_routes(http::Router& router);

 private:
  void add_desk_routes(http::Router& r);
  void add_transparency_routes(http::Router& r);
  // The demand page with a message (after an action) or an error (refused action).
  Result<http::Response> demand_page(WebUi::Visit& v, const std::string& id,
                                     std::string_view notice, std::string_view problem, int status);
  // The `period` parameter, or the newest half-year with demands (the current one when none).
  Result<std::string> period_of(const http::Params& params);

  WebUi& ui_;
  legal::LegalDesk& desk_;
};

}  // namespace publius::web
