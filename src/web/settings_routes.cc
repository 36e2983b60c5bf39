// Settings: profile, password, recovery codes, followed hashtags, authorized apps, account
// erasure.
#include "api/api.h"
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
  return "";
}

}  // namespace

void WebUi::add_settings_routes(http::Router& r) {
  // Renders the settings page for the signed-in account, with a message.
  auto settings = [this](Visit& v, std::string notice, std::string problem, int status) {
    SettingsPage content;
    content.account = *v.account;
    content.notice = std::move(notice);
    content.error = std::move(problem);
    auto tokens = store_.tokens_of(v.account->id);
    if (!tokens.ok()) return error(v, tokens.error());
    for (const auto& t : *tokens) {
      AuthorizedApp app;
      app.token_id = t.id;
      app.scopes = t.scopes;
      app.last_used_day_ms = t.last_used_day_ms;
      auto found = store_.app_by_id(t.app_id);
      if (!found.ok()) return error(v, found.error());
      app.app_name = *found ? (*found)->name : "Unknown app";
      content.apps.push_back(std::move(app));
    }
    auto codes = store_.recovery_codes(v.account->id);
    if (!codes.ok()) return error(v, codes.error());
    content.recovery_codes_left = static_cast<int64_t>(codes->size());
    auto tags = store_.followed_tags(v.account->id);
    if (!tags.ok()) return error(v, tags.error());
    content.followed_tags = std::move(tags).value();
    v.frame.back = "/settings";
    return page(v, settings_page(v.frame, content), status);
  };
  // Checks the current password typed into a settings form.
  auto password_ok = [this](Visit& v) -> Result<bool> {
    auto checked = microblog_.authenticate(v.account->username,
                                           v.params.get_or("current_password", ""), v.client_key);
    if (checked.ok()) return true;
    if (checked.error().code == ErrorCode::kUnauthorized) return false;
    return checked.take_error();
  };
  auto signed_in = [this](Visit& v) -> std::optional<http::Response> {
    if (v.account) return std::nullopt;
    return error(v, unauthorized("You need to be logged in to do that."));
  };
  // The account's secret key, unwrapped with the current password password_ok() checked.
  auto unlock = [this](Visit& v) {
    return microblog_.unlock_with_password(v.account->id, v.params.get_or("current_password", ""));
  };

  add_page(r, "GET", "/settings", [settings](http::Request&, Visit& v) {
    if (!v.account) return http::Response::redirect("/auth/sign_in", 303);
    return settings(v, std::string(done_message(v.params.get_or("done", ""))), "", 200);
  });

  add_page(r, "POST", "/settings/profile", [this, settings, signed_in](http::Request&, Visit& v) {
    if (auto e = signed_in(v)) return *e;
    store::ProfileUpdate update;
    update.display_name = v.params.get_or("display_name", "");
    update.note = v.params.get_or("note", "");
    // An unchecked checkbox sends nothing: absent means unlocked.
    auto locked = v.params.get_bool("locked");
    if (!locked.ok()) return error(v, locked.error());
    update.locked = locked->value_or(false);
    if (auto visibility = v.params.get("default_visibility"); visibility && !visibility->empty()) {
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
    auto updated = microblog_.update_profile(v.account->id, update, pictures);
    if (!updated.ok()) {
      if (updated.error().code != ErrorCode::kUnprocessable) return error(v, updated.error());
      return settings(v, "", updated.error().message, 422);
    }
    return http::Response::redirect("/settings?done=profile", 303);
  });

  for (const auto& route :
       {std::pair{"/settings/avatar/delete", domain::ProfilePicture::kAvatar},
        std::pair{"/settings/header/delete", domain::ProfilePicture::kHeader}}) {
    add_page(r, "POST", route.first,
             [this, signed_in, which = route.second](http::Request&, Visit& v) {
               if (auto e = signed_in(v)) return *e;
               auto updated = microblog_.remove_profile_picture(v.account->id, which);
               if (!updated.ok()) return error(v, updated.error());
               return http::Response::redirect("/settings?done=picture", 303);
             });
  }

  add_page(
      r, "POST", "/settings/password",
      [this, settings, password_ok, signed_in, unlock](http::Request&, Visit& v) {
        if (auto e = signed_in(v)) return *e;
        auto ok = password_ok(v);
        if (!ok.ok()) return error(v, ok.error());
        if (!*ok)
          return settings(v, "", "The current password is not right; nothing was changed.", 422);
        const std::string fresh = v.params.get_or("new_password", "");
        if (fresh.size() < domain::kMinPasswordLength || fresh.size() > domain::kMaxPasswordLength)
          return settings(v, "", "The new password must be 8 to 1024 characters long.", 422);
        // The key sealed messages open with is re-wrapped under the new password.
        auto key = unlock(v);
        if (!key.ok()) return error(v, key.error());
        const shield::SecretKey* unlocked = *key ? &**key : nullptr;
        if (auto s = microblog_.change_password(v.account->id, fresh, unlocked); !s.ok())
          return error(v, s.error());
        // Every other browser is logged out; this one gets a new session.
        if (auto s = store_.delete_web_sessions_of(v.account->id); !s.ok())
          return error(v, s.error());
        if (auto s = sign_in(v, v.account->id, unlocked); !s.ok()) return error(v, s.error());
        return http::Response::redirect("/settings?done=password", 303);
      });

  add_page(r, "POST", "/settings/recovery_codes",
           [this, settings, password_ok, signed_in, unlock](http::Request&, Visit& v) {
             if (auto e = signed_in(v)) return *e;
             auto ok = password_ok(v);
             if (!ok.ok()) return error(v, ok.error());
             if (!*ok)
               return settings(v, "",
                               "The current password is not right; the old codes still work.", 422);
             // The new codes wrap the key too, so each can restore sealed messages.
             auto key = unlock(v);
             if (!key.ok()) return error(v, key.error());
             auto codes = microblog_.replace_recovery_codes(v.account->id, *key ? &**key : nullptr);
             if (!codes.ok()) return error(v, codes.error());
             return page(v, recovery_codes_page(v.frame, "New recovery codes", *codes, "/settings",
                                                "I saved them: back to settings"));
           });

  add_page(r, "POST", "/settings/tokens/:id/revoke",
           [this, signed_in](http::Request& req, Visit& v) {
             if (auto e = signed_in(v)) return *e;
             auto id = api::path_id(req);
             if (!id.ok()) return error(v, id.error());
             if (auto s = store_.revoke_token_of(v.account->id, *id); !s.ok())
               return error(v, s.error());
             return http::Response::redirect("/settings?done=revoked", 303);
           });

  add_page(r, "POST", "/settings/delete",
           [this, settings, password_ok, signed_in](http::Request&, Visit& v) {
             if (auto e = signed_in(v)) return *e;
             if (v.params.get_or("confirm_username", "") != v.account->username)
               return settings(v, "", "Type your username exactly to confirm; nothing was deleted.",
                               422);
             auto ok = password_ok(v);
             if (!ok.ok()) return error(v, ok.error());
             if (!*ok)
               return settings(v, "", "The current password is not right; nothing was deleted.",
                               422);
             const int64_t id = v.account->id;
             if (auto s = microblog_.delete_account(id); !s.ok()) return error(v, s.error());
             sign_out_cookie(v);
             return page(
                 v, message_page(v.frame, "Account deleted",
                                 "Your account and everything in it are erased from this server."));
           });
}

}  // namespace publius::web
