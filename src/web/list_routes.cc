// Lists in the web UI: the signed-in account's lists and each list's settings.
// The rules (own lists only, followed accounts only) are the domain's, as for
// the API; the list's timeline page is with the other timelines (routes.cc).
#include <limits>

#include "input/readers.h"
#include "web/web_ui.h"

namespace publius::web {

void WebUi::add_list_routes(http::Router& r) {
  // Every list page is the owner's: logged out goes to sign-in, another's list is 404.
  auto lists = [this](Visit& v, const FormState& state, int status) -> Result<http::Response> {
    PUBLIUS_ASSIGN_OR_RETURN(auto all, microblog_.lists().lists(v.account->id));
    return page(v, lists_page(v.frame, all, state), status);
  };
  auto edit = [this](Visit& v, int64_t list_id, const FormState& state,
                     int status) -> Result<http::Response> {
    PUBLIUS_ASSIGN_OR_RETURN(auto list, microblog_.lists().own_list(v.account->id, list_id));
    std::vector<int64_t> ids;
    domain::Page everyone;
    everyone.limit = std::numeric_limits<int>::max();
    PUBLIUS_ASSIGN_OR_RETURN(auto rows,
                             microblog_.lists().members(v.account->id, list_id, everyone));
    for (auto [row, id] : rows) ids.push_back(id);
    PUBLIUS_ASSIGN_OR_RETURN(auto members, microblog_.accounts().accounts(ids));
    return page(v, list_edit_page(v.frame, list, members, state), status);
  };
  // A list action: signed in, the list's id, then `act`; a refusal the user can
  // fix (422) shows the edit page again with the reason.
  auto act = [edit](auto action) {
    return [edit, action](http::Request& req, Visit& v) -> Result<http::Response> {
      PUBLIUS_ASSIGN_OR_RETURN(int64_t id, http::path_id(req));
      Status done = action(req, v, id);
      if (!done.ok()) {
        if (done.error().code != ErrorCode::kUnprocessable) return done.take_error();
        return edit(v, id, FormState{done.error().message, "", ""}, 422);
      }
      return http::Response::redirect("/lists/" + std::to_string(id) + "/edit", 303);
    };
  };

  add_page(r, "GET", "/lists", http::Policy::user("read:lists"),
           [lists](http::Request&, Visit& v) { return lists(v, {}, 200); });

  add_page(
      r, "POST", "/lists", http::Policy::user("write:lists"),
      [this, lists](http::Request&, Visit& v) -> Result<http::Response> {
        auto fields = input::list_fields(v.params);
        Result<domain::List> created =
            fields.ok() ? microblog_.lists().create_list(v.account->id, *fields) : fields.error();
        if (!created.ok()) {
          if (created.error().code != ErrorCode::kUnprocessable) return created.take_error();
          return lists(v, FormState{created.error().message, "", ""}, 422);
        }
        return http::Response::redirect("/lists/" + std::to_string(created->id) + "/edit", 303);
      });

  add_page(r, "GET", "/lists/:id/edit", http::Policy::user("read:lists"),
           [edit](http::Request& req, Visit& v) -> Result<http::Response> {
             auto id = http::path_id(req);
             if (!id.ok()) return http::Response::redirect("/lists", 303);
             return edit(v, *id, {}, 200);
           });

  add_page(r, "POST", "/lists/:id/edit", http::Policy::user("write:lists"),
           act([this](http::Request&, Visit& v, int64_t id) -> Status {
             PUBLIUS_ASSIGN_OR_RETURN(auto fields, input::list_fields(v.params));
             PUBLIUS_TRY(microblog_.lists().update_list(v.account->id, id, fields));
             return ok_status();
           }));

  add_page(r, "POST", "/lists/:id/members", http::Policy::user("write:lists"),
           act([this](http::Request&, Visit& v, int64_t id) -> Status {
             std::string name = v.params.get_or("username", "");
             if (!name.empty() && name.front() == '@') name.erase(0, 1);
             auto member = microblog_.accounts().account_by_acct(name);
             if (!member.ok()) return unprocessable("There is no account @" + name + " here.");
             return microblog_.lists().add_to_list(v.account->id, id, {member->id});
           }));

  add_page(r, "POST", "/lists/:id/members/:account_id/remove", http::Policy::user("write:lists"),
           act([this](http::Request& req, Visit& v, int64_t id) -> Status {
             PUBLIUS_ASSIGN_OR_RETURN(int64_t member, http::path_id(req, "account_id"));
             return microblog_.lists().remove_from_list(v.account->id, id, {member});
           }));

  add_page(r, "POST", "/lists/:id/delete", http::Policy::user("write:lists"),
           [this](http::Request& req, Visit& v) -> Result<http::Response> {
             PUBLIUS_ASSIGN_OR_RETURN(int64_t id, http::path_id(req));
             PUBLIUS_TRY(microblog_.lists().delete_list(v.account->id, id));
             return http::Response::redirect("/lists", 303);
           });
}

}  // namespace publius::web
