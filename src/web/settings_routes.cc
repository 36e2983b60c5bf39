// Settings: profile, password, recovery codes, followed hashtags, aliases and moving the
// account (domain::Federation::add_alias, move_to), authorized apps, account erasure.
#include "util/crypto.h"
#include "web/web_ui.h"

namespace publius::web {
namespace {

constexpr size_t kProfileFieldRows = 4;

// Fixed messages for ?done=...: the page never echoes free text from the URL.
std::string_view done_message(std::string_view key) {
  if (key == "profile") return "Your profile is saved.";
  if (key == "password") return "Your password is changed. Other browsers were logged out.";
  if (key == "revoked") return "The app can no longer use your account.";
  if (key == "picture") return "The picture is removed.";
  if (key == "alias") return "The alias is added.";
  if (key == "moved") return "This account has moved. Your followers are following the new one.";
  return "";
}

}  // namespace

void WebUi::add_settings_routes(http::Router& r) {
  // Renders the settings page for the signed-in account, with a message.
  auto settings = [this](Visit& v, std::string notice, std::string problem,
                         int status) -> Result<http::Response> {
    SettingsPage content;
    content.account = *v.account;
    content.notice = std::move(notice);
    content.error = std::move(problem);
    PUBLIUS_ASSIGN_OR_RETURN(content.apps, microblog_.credentials().authorized_apps(v.account->id));
    PUBLIUS_ASSIGN_OR_RETURN(content.recovery_codes_left,
                             microblog_.credentials().recovery_codes_left(v.account->id));
    PUBLIUS_ASSIGN_OR_RETURN(
        auto tags,
        microblog_.tags().followed_tags(
            v.account->id, domain::Page{.limit = static_cast<int>(domain::kMaxFollowedTags)}));
    for (const auto& t : tags) content.followed_tags.push_back(t.name);
    v.frame.back = "/settings";
    return page(v, settings_page(v.frame, content), status);
  };
  // Checks the current password typed into a settings form: on a collective account,
  // the signed-in member's own, and only the owner's may erase the account.
  auto password_ok = [this](Visit& v) -> Result<bool> {
    const std::string current = v.params.get_or("current_password", "");
    if (!v.member_id) {
      auto checked =
          microblog_.credentials().authenticate(v.account->username, current, v.client_key);
      if (checked.ok()) return true;
      if (checked.error().code == ErrorCode::kUnauthorized) return false;
      return checked.take_error();
    }
    auto checked = microblog_.credentials().sign_in(v.account->username, current, v.client_key);
    if (checked.ok()) {
      if (checked->member_id != v.member_id) return false;
      PUBLIUS_ASSIGN_OR_RETURN(auto members,
                               microblog_.collectives().members(v.account->id, v.member_id));
      for (const auto& m : members)
        if (m.you) return m.owner;
      return false;
    }
    if (checked.error().code == ErrorCode::kUnauthorized) return false;
    return checked.take_error();
  };
  // The account's secret key, unwrapped with the current password password_ok() checked.
  auto unlock = [this](Visit& v) {
    return microblog_.keys().unlock_with_password(v.account->id,
                                                  v.params.get_or("current_password", ""));
  };

  add_page(r, "GET", "/settings", http::Policy::user("read:accounts"),
           [settings](http::Request&, Visit& v) {
             return settings(v, std::string(done_message(v.params.get_or("done", ""))), "", 200);
           });

  add_page(r, "POST", "/settings/profile", http::Policy::user("write:accounts"),
           [this, settings](http::Request&, Visit& v) -> Result<http::Response> {
             domain::ProfileChange update;
             update.display_name = v.params.get_or("display_name", "");
             update.note = v.params.get_or("note", "");
             // An unchecked checkbox sends nothing: absent means unlocked.
             PUBLIUS_ASSIGN_OR_RETURN(auto locked, v.params.get_bool("locked"));
             update.locked = locked.value_or(false);
             if (auto visibility = v.params.get("default_visibility");
                 visibility && !visibility->empty()) {
               update.default_visibility = domain::parse_visibility(*visibility);
               if (!update.default_visibility)
                 return settings(v, "", "Choose a default post visibility from the list.", 422);
             }
             std::vector<domain::ProfileField> fields;
             for (size_t i = 0; i < kProfileFieldRows; ++i) {
               const std::string key = "fields_attributes[" + std::to_string(i) + "]";
               domain::ProfileField f{v.params.get_or(key + "[name]", ""),
                                      v.params.get_or(key + "[value]", "")};
               if (!f.name.empty() || !f.value.empty()) fields.push_back(std::move(f));
             }
             update.fields = std::move(fields);
             // A file input left empty sends an empty part: that picture stays as it is.
             domain::NewProfilePictures pictures;
             for (const auto& [name, picture] :
                  {std::pair{"avatar", &pictures.avatar}, std::pair{"header", &pictures.header}}) {
               const http::UploadedFile* file = v.params.file(name);
               if (file && !file->data.empty()) *picture = file->data;
             }
             auto updated = microblog_.accounts().update_profile(v.account->id, update, pictures);
             if (!updated.ok()) {
               if (updated.error().code != ErrorCode::kUnprocessable) return updated.take_error();
               return settings(v, "", updated.error().message, 422);
             }
             return http::Response::redirect("/settings?done=profile", 303);
           });

  for (const auto& route :
       {std::pair{"/settings/avatar/delete", domain::ProfilePicture::kAvatar},
        std::pair{"/settings/header/delete", domain::ProfilePicture::kHeader}}) {
    add_page(r, "POST", route.first, http::Policy::user("write:accounts"),
             [this, which = route.second](http::Request&, Visit& v) -> Result<http::Response> {
               PUBLIUS_TRY(microblog_.accounts().remove_profile_picture(v.account->id, which));
               return http::Response::redirect("/settings?done=picture", 303);
             });
  }

  add_page(
      r, "POST", "/settings/password", http::Policy::user("write:accounts"),
      [this, settings, password_ok, unlock](http::Request&, Visit& v) -> Result<http::Response> {
        if (v.member_id) {
          // A member of a collective account changes only its own password.
          auto changed = microblog_.collectives().change_password(
              v.account->id, *v.member_id, v.params.get_or("current_password", ""),
              v.params.get_or("new_password", ""), v.client_key);
          if (!changed.ok()) {
            if (changed.error().code != ErrorCode::kUnprocessable) return changed.take_error();
            return settings(v, "", changed.error().message, 422);
          }
          return http::Response::redirect("/settings?done=password", 303);
        }
        PUBLIUS_ASSIGN_OR_RETURN(bool ok, password_ok(v));
        if (!ok)
          return settings(v, "", "The current password is not right; nothing was changed.", 422);
        const std::string fresh = v.params.get_or("new_password", "");
        if (fresh.size() < domain::kMinPasswordLength || fresh.size() > domain::kMaxPasswordLength)
          return settings(v, "", "The new password must be 8 to 1024 characters long.", 422);
        // The key sealed messages open with is re-wrapped under the new password.
        PUBLIUS_ASSIGN_OR_RETURN(auto key, unlock(v));
        const shield::SecretKey* unlocked = key ? &*key : nullptr;
        PUBLIUS_TRY(microblog_.credentials().change_password(v.account->id, fresh, unlocked));
        // Every other browser was logged out with it; this one gets a new session.
        PUBLIUS_TRY(sign_in(v, v.account->id, unlocked));
        return http::Response::redirect("/settings?done=password", 303);
      });

  add_page(
      r, "POST", "/settings/recovery_codes", http::Policy::user("write:accounts"),
      [this, settings, password_ok, unlock](http::Request&, Visit& v) -> Result<http::Response> {
        if (v.member_id) {
          // A member of a collective account replaces only its own codes.
          auto codes = microblog_.collectives().replace_recovery_codes(
              v.account->id, *v.member_id, v.params.get_or("current_password", ""), v.client_key);
          if (!codes.ok()) {
            if (codes.error().code != ErrorCode::kUnprocessable) return codes.take_error();
            return settings(v, "", codes.error().message, 422);
          }
          return page(v, recovery_codes_page(v.frame, "New recovery codes", *codes, "/settings",
                                             "I saved them: back to settings"));
        }
        PUBLIUS_ASSIGN_OR_RETURN(bool ok, password_ok(v));
        if (!ok)
          return settings(v, "", "The current password is not right; the old codes still work.",
                          422);
        // The new codes wrap the key too, so each can restore sealed messages.
        PUBLIUS_ASSIGN_OR_RETURN(auto key, unlock(v));
        PUBLIUS_ASSIGN_OR_RETURN(auto codes, microblog_.credentials().replace_recovery_codes(
                                                 v.account->id, key ? &*key : nullptr));
        return page(v, recovery_codes_page(v.frame, "New recovery codes", codes, "/settings",
                                           "I saved them: back to settings"));
      });

  add_page(r, "POST", "/settings/aliases", http::Policy::user("write:accounts"),
           [this, settings](http::Request&, Visit& v) -> Result<http::Response> {
             auto added =
                 microblog_.federation().add_alias(v.account->id, v.params.get_or("acct", ""));
             if (!added.ok()) {
               if (added.error().code != ErrorCode::kUnprocessable) return added.take_error();
               return settings(v, "", added.error().message, 422);
             }
             return http::Response::redirect("/settings?done=alias", 303);
           });

  add_page(r, "POST", "/settings/move", http::Policy::user("write:accounts"),
           [this, settings, password_ok](http::Request&, Visit& v) -> Result<http::Response> {
             PUBLIUS_ASSIGN_OR_RETURN(bool ok, password_ok(v));
             if (!ok)
               return settings(v, "", "The current password is not right; nothing was moved.", 422);
             auto moved =
                 microblog_.federation().move_to(v.account->id, v.params.get_or("acct", ""));
             if (!moved.ok()) {
               if (moved.error().code != ErrorCode::kUnprocessable) return moved.take_error();
               return settings(v, "", moved.error().message, 422);
             }
             return http::Response::redirect("/settings?done=moved", 303);
           });

  add_page(r, "POST", "/settings/tokens/:id/revoke", http::Policy::user("write:accounts"),
           [this](http::Request& req, Visit& v) -> Result<http::Response> {
             PUBLIUS_ASSIGN_OR_RETURN(int64_t id, http::path_id(req));
             PUBLIUS_TRY(microblog_.credentials().revoke_token_of(v.account->id, id));
             return http::Response::redirect("/settings?done=revoked", 303);
           });

  add_page(r, "POST", "/settings/delete", http::Policy::user("write:accounts"),
           [this, settings, password_ok](http::Request&, Visit& v) -> Result<http::Response> {
             if (v.params.get_or("confirm_username", "") != v.account->username)
               return settings(v, "", "Type your username exactly to confirm; nothing was deleted.",
                               422);
             PUBLIUS_ASSIGN_OR_RETURN(bool ok, password_ok(v));
             if (!ok)
               return settings(v, "",
                               v.member_id ? "Only the owner can delete a collective account, "
                                             "with the owner's password; nothing was deleted."
                                           : "The current password is not right; nothing was "
                                             "deleted.",
                               422);
             const int64_t id = v.account->id;
             PUBLIUS_TRY(microblog_.accounts().delete_account(id));
             sign_out_cookie(v);
             return page(
                 v, message_page(v.frame, "Account deleted",
                                 "Your account and everything in it are erased from this server."));
           });
}

}  // namespace publius::web
