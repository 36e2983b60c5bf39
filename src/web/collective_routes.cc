// Collective accounts in the web UI (docs/collective-accounts.md): the collective
// settings page and its forms, and the join page. Works with JavaScript off.
#include "http/errors.h"
#include "web/collective_pages.h"
#include "web/web_ui.h"

namespace publius::web {
namespace {

// Fixed messages for ?done=...: the page never echoes free text from the URL.
std::string_view done_message(std::string_view key) {
  if (key == "removed") return "The member is removed, and the account has a new key.";
  if (key == "owner") return "The account has a new owner.";
  if (key == "password") return "Your member password is changed.";
  return "";
}

}  // namespace

void WebUi::add_collective_routes(http::Router& r) {
  // The collective settings page for the signed-in account, with a message.
  auto settings = [this](Visit& v, std::string notice, std::string problem,
                         int status) -> Result<http::Response> {
    CollectivePage content;
    content.notice = std::move(notice);
    content.error = std::move(problem);
    PUBLIUS_ASSIGN_OR_RETURN(content.collective,
                             microblog_.collectives().is_collective(v.account->id));
    PUBLIUS_ASSIGN_OR_RETURN(content.members,
                             microblog_.collectives().members(v.account->id, v.member_id));
    for (const auto& m : content.members)
      if (m.you) content.viewer_is_owner = m.owner;
    if (v.member_id) {
      PUBLIUS_ASSIGN_OR_RETURN(content.recovery_codes_left,
                               microblog_.collectives().recovery_codes_left(*v.member_id));
    }
    v.frame.back = "/settings/collective";
    return page(v, collective_page(v.frame, content), status);
  };
  // A form's outcome: a 4xx the form shows again with its message, anything else as is.
  auto refused = [settings](Visit& v, Error e) -> Result<http::Response> {
    const int status = http::status_for(e.code);
    if (status < 400 || status >= 500 || status == 429) return e;
    return settings(v, "", e.message, status);
  };

  add_page(r, "GET", "/settings/collective", http::Policy::user("read:accounts"),
           [settings](http::Request&, Visit& v) {
             return settings(v, std::string(done_message(v.params.get_or("done", ""))), "", 200);
           });

  add_page(r, "POST", "/settings/collective/make", http::Policy::user("write:accounts"),
           [this, refused](http::Request&, Visit& v) -> Result<http::Response> {
             auto made = microblog_.collectives().make_collective(
                 v.account->id, v.params.get_or("current_password", ""), v.client_key);
             if (!made.ok()) return refused(v, made.take_error());
             // Every session ended with the one-person account: this browser signs in again
             // as the first member.
             PUBLIUS_TRY(sign_in(v, made->account.id, &made->key, made->member_id));
             return page(v, recovery_codes_page(v.frame, "Your recovery codes as a member",
                                                made->recovery_codes, "/settings/collective",
                                                "I saved them: back to the collective settings"));
           });

  add_page(r, "POST", "/settings/collective/invite", http::Policy::user("write:accounts"),
           [this, refused](http::Request&, Visit& v) -> Result<http::Response> {
             if (!v.member_id) return refused(v, unprocessable("This account is not collective."));
             auto invited =
                 microblog_.collectives().invite(v.account->id, *v.member_id, v.reader.keyring());
             if (!invited.ok()) return refused(v, invited.take_error());
             return page(v, invite_page(v.frame, *invited));
           });

  add_page(r, "POST", "/settings/collective/members/:id/remove",
           http::Policy::user("write:accounts"),
           [this, refused](http::Request& req, Visit& v) -> Result<http::Response> {
             PUBLIUS_ASSIGN_OR_RETURN(int64_t id, http::path_id(req));
             if (!v.member_id) return refused(v, unprocessable("This account is not collective."));
             const bool leaving = id == *v.member_id;
             auto removed = microblog_.collectives().remove(v.account->id, v.member_id, id);
             if (!removed.ok()) return refused(v, removed.take_error());
             if (leaving) {
               // This browser's session went with the member.
               sign_out_cookie(v);
               return page(v, message_page(v.frame, "You left the account",
                                           "Your member password, recovery codes and sign-ins "
                                           "for it are erased."));
             }
             return http::Response::redirect("/settings/collective?done=removed", 303);
           });

  add_page(r, "POST", "/settings/collective/members/:id/owner",
           http::Policy::user("write:accounts"),
           [this, refused](http::Request& req, Visit& v) -> Result<http::Response> {
             PUBLIUS_ASSIGN_OR_RETURN(int64_t id, http::path_id(req));
             if (!v.member_id) return refused(v, unprocessable("This account is not collective."));
             auto handed = microblog_.collectives().hand_over(v.account->id, v.member_id, id);
             if (!handed.ok()) return refused(v, handed.take_error());
             return http::Response::redirect("/settings/collective?done=owner", 303);
           });

  add_page(r, "POST", "/settings/collective/password", http::Policy::user("write:accounts"),
           [this, refused](http::Request&, Visit& v) -> Result<http::Response> {
             if (!v.member_id) return refused(v, unprocessable("This account is not collective."));
             auto changed = microblog_.collectives().change_password(
                 v.account->id, *v.member_id, v.params.get_or("current_password", ""),
                 v.params.get_or("new_password", ""), v.client_key);
             if (!changed.ok()) return refused(v, changed.take_error());
             return http::Response::redirect("/settings/collective?done=password", 303);
           });

  add_page(r, "POST", "/settings/collective/recovery_codes", http::Policy::user("write:accounts"),
           [this, refused](http::Request&, Visit& v) -> Result<http::Response> {
             if (!v.member_id) return refused(v, unprocessable("This account is not collective."));
             auto codes = microblog_.collectives().replace_recovery_codes(
                 v.account->id, *v.member_id, v.params.get_or("recovery_password", ""),
                 v.client_key);
             if (!codes.ok()) return refused(v, codes.take_error());
             return page(v, recovery_codes_page(v.frame, "Your new recovery codes", *codes,
                                                "/settings/collective",
                                                "I saved them: back to the collective settings"));
           });

  add_page(r, "GET", "/join", http::Policy::optional("read"),
           [this](http::Request&, Visit& v) { return page(v, join_page(v.frame, {})); });
  add_page(r, "POST", "/join", http::Policy::optional("write:accounts"),
           [this](http::Request&, Visit& v) -> Result<http::Response> {
             auto joined = microblog_.collectives().join(v.params.get_or("code", ""),
                                                         v.params.get_or("password", ""));
             if (!joined.ok()) {
               if (joined.error().code != ErrorCode::kUnprocessable) return joined.take_error();
               FormState state;
               state.error = joined.error().message;
               return page(v, join_page(v.frame, state), 422);
             }
             // Whatever session this browser had ends: a fresh secret defeats session fixation.
             (void)microblog_.credentials().end_session(v.cookie_secret);
             PUBLIUS_TRY(sign_in(v, joined->account.id, &joined->key, joined->member_id));
             return page(v, recovery_codes_page(v.frame, "Welcome to @" + joined->account.username,
                                                joined->recovery_codes, "/home",
                                                "I saved them: go to the home timeline"));
           });
}

}  // namespace publius::web
