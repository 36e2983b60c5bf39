// The operator's domain blocks in the web UI (admins only): blocking a domain, changing
// a block and lifting it, through domain::DomainBlocks as the admin API and the command
// line. Works with JavaScript off; every form carries the CSRF token (add_page checks it).
#include "input/readers.h"
#include "web/web_ui.h"

namespace publius::web {

void WebUi::add_domain_block_routes(http::Router& r) {
  admin_nav_.push_back({"/admin/domain_blocks", "Domain blocks"});
  auto& blocks = microblog_.domain_blocks();
  auto show = [this, &blocks](Visit& v, const FormState& state,
                              int status) -> Result<http::Response> {
    PUBLIUS_ASSIGN_OR_RETURN(auto all, blocks.blocks());
    return page(v, domain_blocks_page(v.frame, all, state), status);
  };
  // A form's change: a refusal the operator can fix (400, 422) shows the page again with
  // the reason and what was typed; anything else is the error page.
  auto change_or_refusal = [show](Visit& v, const Status& done,
                                  std::string typed) -> Result<http::Response> {
    if (done.ok()) return http::Response::redirect("/admin/domain_blocks", 303);
    const ErrorCode code = done.error().code;
    if (code != ErrorCode::kUnprocessable && code != ErrorCode::kBadRequest) return done.error();
    return show(v, FormState{done.error().message, "", std::move(typed)}, 422);
  };
  // An unticked box is absent from a form: the form's flags are false unless ticked.
  auto form_change = [](const http::Params& p) -> Result<domain::DomainBlockChange> {
    PUBLIUS_ASSIGN_OR_RETURN(auto change, input::domain_block_change(p));
    change.reject_media = change.reject_media.value_or(false);
    change.reject_reports = change.reject_reports.value_or(false);
    return change;
  };

  add_page(r, "GET", "/admin/domain_blocks", http::Policy::admin("admin:read:domain_blocks"),
           [show](http::Request&, Visit& v) { return show(v, {}, 200); });

  add_page(r, "POST", "/admin/domain_blocks", http::Policy::admin("admin:write:domain_blocks"),
           [&blocks, form_change, change_or_refusal](http::Request&,
                                                     Visit& v) -> Result<http::Response> {
             auto domain = input::single_value(v.params, "domain");
             const std::string typed(domain.ok() ? domain->value_or("") : "");
             Status done = [&]() -> Status {
               if (typed.empty()) return unprocessable("Validation failed: Domain can't be blank");
               PUBLIUS_ASSIGN_OR_RETURN(auto change, form_change(v.params));
               PUBLIUS_TRY(blocks.block(typed, change));
               return ok_status();
             }();
             return change_or_refusal(v, done, typed);
           });

  add_page(r, "POST", "/admin/domain_blocks/:id", http::Policy::admin("admin:write:domain_blocks"),
           [&blocks, form_change, change_or_refusal](http::Request& req,
                                                     Visit& v) -> Result<http::Response> {
             PUBLIUS_ASSIGN_OR_RETURN(int64_t id, http::path_id(req));
             Status done = [&]() -> Status {
               PUBLIUS_ASSIGN_OR_RETURN(auto change, form_change(v.params));
               PUBLIUS_TRY(blocks.update(id, change));
               return ok_status();
             }();
             return change_or_refusal(v, done, "");
           });

  add_page(r, "POST", "/admin/domain_blocks/:id/delete",
           http::Policy::admin("admin:write:domain_blocks"),
           [&blocks](http::Request& req, Visit&) -> Result<http::Response> {
             PUBLIUS_ASSIGN_OR_RETURN(int64_t id, http::path_id(req));
             PUBLIUS_TRY(blocks.unblock(id));
             return http::Response::redirect("/admin/domain_blocks", 303);
           });
}

}  // namespace publius::web
