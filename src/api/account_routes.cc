// Accounts: registration, credentials, profiles, relationships, follow requests.
#include "api/api.h"
#include "util/crypto.h"
#include "util/ids.h"
#include "util/json_writer.h"

namespace publius::api {

http::Response account_page(Renderer& renderer, const http::Request& req,
                            Result<std::vector<std::pair<int64_t, int64_t>>> rows) {
  if (!rows.ok()) return error_response(rows.error());
  std::vector<int64_t> ids;
  for (auto [row, id] : *rows) ids.push_back(id);
  auto response = json_or_error(renderer.accounts(ids));
  if (!rows->empty() && response.status == 200)
    response.with_header("Link", link_header(req, rows->front().first, rows->back().first));
  return response;
}

void Api::add_account_routes(http::Router& r) {
  r.add("POST", "/api/v1/accounts", [this](http::Request& req) {
    auto c = require_token(req, "write:accounts");
    if (!c.ok()) return error_response(c.error());
    if (!microblog_.config().registrations_open)
      return http::Response::error(403, "Registrations are closed on this server");
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    // Shield: only username and password are read. Anything else a client sends
    // (email, phone, real name, reason) is never looked at, so it cannot be stored.
    auto agreement = p->get_bool("agreement");
    if (!agreement.ok()) return error_response(agreement.error());
    if (!agreement->value_or(false))
      return http::Response::error(422, "Validation failed: Agreement must be accepted");
    auto registered =
        microblog_.register_account(p->get_or("username", ""), p->get_or("password", ""));
    if (!registered.ok()) return error_response(registered.error());
    domain::Token token;
    token.app_id = c->token->app_id;
    token.account_id = registered->account.id;
    token.scopes = c->token->scopes;
    const std::string secret = random_token(32);
    auto created = store_.create_token(sha256_hex(secret), token);
    if (!created.ok()) return error_response(created.error());
    if (auto s = microblog_.wrap_for_credential(shield::Credential::kAccessToken, secret,
                                                registered->key);
        !s.ok())
      return error_response(s.error());
    std::string out;
    JsonWriter w(out);
    w.begin_object()
        .field("access_token", secret)
        .field("token_type", "Bearer")
        .field("scope", token.scopes)
        .field("created_at", created->created_day_ms / 1000);
    w.key("recovery_codes").begin_array();
    for (const auto& code : registered->recovery_codes) w.string(code);
    w.end_array().end_object();
    return http::Response::json(std::move(out));
  });

  r.add("GET", "/api/v1/accounts/verify_credentials", [this](http::Request& req) {
    auto c = require_user(req, "read:accounts");
    // Only a scope refusal falls back to "profile"; an app token keeps Mastodon's 422.
    if (!c.ok() && c.error().code == ErrorCode::kForbidden) c = require_user(req, "profile");
    if (!c.ok()) return error_response(c.error());
    return json_or_error(renderer_.credential_account(*c->account));
  });

  r.add("PATCH", "/api/v1/accounts/update_credentials", [this](http::Request& req) {
    auto c = require_user(req, "write:accounts");
    if (!c.ok()) return error_response(c.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    store::ProfileUpdate u;
    for (auto [key, into] :
         {std::pair{"display_name", &u.display_name}, std::pair{"note", &u.note}}) {
      auto v = single_value(*p, key);
      if (!v.ok()) return error_response(v.error());
      if (*v) *into = std::string(**v);
    }
    for (const char* key : {"locked", "bot"}) {
      auto b = p->get_bool(key);
      if (!b.ok()) return error_response(b.error());
      (std::string_view(key) == "locked" ? u.locked : u.bot) = *b;
    }
    if (p->has("fields_attributes")) {
      std::vector<domain::ProfileField> fields;
      for (const auto& index : p->subkeys("fields_attributes")) {
        const std::string prefix = "fields_attributes[" + index + "]";
        std::string name = p->get_or(prefix + "[name]", "");
        std::string value = p->get_or(prefix + "[value]", "");
        if (name.empty() && value.empty()) continue;  // Mastodon drops blank rows
        fields.push_back({std::move(name), std::move(value)});
      }
      u.fields = std::move(fields);
    }
    if (auto privacy = p->get("source[privacy]"); privacy && !privacy->empty()) {
      u.default_visibility = domain::parse_visibility(*privacy);
      if (!u.default_visibility)
        return http::Response::error(
            422, "Validation failed: source[privacy] must be public, unlisted, private or direct");
    }
    auto sensitive = p->get_bool("source[sensitive]");
    if (!sensitive.ok()) return http::Response::error(422, sensitive.error().message);
    u.default_sensitive = *sensitive;
    if (auto language = p->get("source[language]")) u.default_language = std::string(*language);
    // Multipart files; the bytes are decoded, never stored as sent.
    domain::NewProfilePictures pictures;
    if (const http::UploadedFile* avatar = p->file("avatar")) pictures.avatar = avatar->data;
    if (const http::UploadedFile* header = p->file("header")) pictures.header = header->data;
    auto updated = microblog_.update_profile(c->account->id, u, pictures);
    if (!updated.ok()) return error_response(updated.error());
    return json_or_error(renderer_.credential_account(*updated));
  });

  // Mastodon 4.2+: back to the default pictures.
  for (const auto& route : {std::pair{"/api/v1/profile/avatar", domain::ProfilePicture::kAvatar},
                            std::pair{"/api/v1/profile/header", domain::ProfilePicture::kHeader}}) {
    r.add("DELETE", route.first, [this, which = route.second](http::Request& req) {
      auto c = require_user(req, "write:accounts");
      if (!c.ok()) return error_response(c.error());
      auto updated = microblog_.remove_profile_picture(c->account->id, which);
      if (!updated.ok()) return error_response(updated.error());
      return json_or_error(renderer_.credential_account(*updated));
    });
  }

  r.add("GET", "/api/v1/accounts/lookup", [this](http::Request& req) {
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto account = microblog_.account_by_acct(p->get_or("acct", ""));
    if (!account.ok()) return error_response(account.error());
    return json_or_error(renderer_.account(*account));
  });

  r.add("GET", "/api/v1/accounts/relationships", [this](http::Request& req) {
    auto c = require_user(req, "read:follows");
    if (!c.ok()) return error_response(c.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto ids = id_list(*p);
    if (ids.size() > 100) ids.resize(100);
    auto rels = store_.relationships(c->account->id, ids);
    if (!rels.ok()) return error_response(rels.error());
    for (auto& rel : *rels) c->reader.open(rel);
    return http::Response::json(Renderer::relationships(*rels));
  });

  r.add("GET", "/api/v1/accounts/search", [this](http::Request& req) {
    auto c = require_user(req, "read:accounts");
    if (!c.ok()) return error_response(c.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto limit = p->get_int("limit");
    if (!limit.ok()) return error_response(limit.error());
    auto offset = search_offset(*p);
    if (!offset.ok()) return error_response(offset.error());
    std::string q = p->get_or("q", "");
    if (!q.empty() && q.front() == '@') q.erase(0, 1);
    if (auto at = q.find('@'); at != std::string::npos) q.resize(at);
    // As Mastodon: no query, no accounts (not the whole directory).
    if (!*offset || q.find_first_not_of(' ') == std::string::npos)
      return http::Response::json("[]");
    auto found = store_.search_accounts(
        q, static_cast<int>(std::clamp<int64_t>(limit->value_or(40), 1, 80)), **offset);
    if (!found.ok()) return error_response(found.error());
    std::vector<int64_t> ids;
    for (const auto& a : *found) ids.push_back(a.id);
    return json_or_error(renderer_.accounts(ids));
  });

  // Several accounts at once (Mastodon 4.3): unknown ids are left out.
  r.add("GET", "/api/v1/accounts", [this](http::Request& req) {
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto ids = bounded_id_list(*p, 40);
    if (!ids.ok()) return error_response(ids.error());
    return json_or_error(renderer_.accounts(*ids));
  });

  r.add("GET", "/api/v1/accounts/:id", [this](http::Request& req) {
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    auto account = microblog_.account(*id);
    if (!account.ok()) return error_response(account.error());
    return json_or_error(renderer_.account(*account));
  });

  r.add("GET", "/api/v1/accounts/:id/statuses", [this](http::Request& req) {
    auto c = caller(req);
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto page = page_from(*p);
    if (!page.ok()) return error_response(page.error());
    store::AccountStatusesQuery q;
    for (auto [key, into] :
         {std::pair{"exclude_replies", &q.exclude_replies},
          std::pair{"exclude_reblogs", &q.exclude_reblogs}, std::pair{"pinned", &q.only_pinned}}) {
      auto b = p->get_bool(key);
      if (!b.ok()) return error_response(b.error());
      *into = b->value_or(false);
    }
    auto only_media = p->get_bool("only_media");
    if (!only_media.ok()) return error_response(only_media.error());
    q.only_media = only_media->value_or(false);
    if (auto tag = p->get("tagged"); tag && !tag->empty()) q.tag = std::string(*tag);
    auto found = microblog_.account_statuses(c->viewer(), *id, q, *page);
    if (!found.ok()) return error_response(found.error());
    std::vector<domain::Post> posts = std::move(found).value();
    auto response = json_or_error(renderer_.statuses(c->viewer(), posts, c->reader));
    if (!posts.empty() && response.status == 200 && !q.only_pinned)
      response.with_header("Link", link_header(req, posts.front().id, posts.back().id));
    return response;
  });

  r.add("GET", "/api/v1/accounts/:id/followers", [this](http::Request& req) {
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    if (auto a = microblog_.account(*id); !a.ok()) return error_response(a.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto page = page_from(*p, 40, 80);
    if (!page.ok()) return error_response(page.error());
    return account_page(renderer_, req, store_.followers(*id, *page));
  });

  r.add("GET", "/api/v1/accounts/:id/following", [this](http::Request& req) {
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    if (auto a = microblog_.account(*id); !a.ok()) return error_response(a.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto page = page_from(*p, 40, 80);
    if (!page.ok()) return error_response(page.error());
    return account_page(renderer_, req, store_.following(*id, *page));
  });

  // Relationship-changing actions share one shape: auth, target id, domain call, relationship JSON.
  auto relationship_action = [this, &r](const char* path, const char* scope, auto action) {
    r.add("POST", path, [this, scope, action](http::Request& req) {
      auto c = require_user(req, scope);
      if (!c.ok()) return error_response(c.error());
      auto id = path_id(req);
      if (!id.ok()) return error_response(id.error());
      auto p = params(req);
      if (!p.ok()) return error_response(p.error());
      Result<domain::Relationship> rel = action(c->account->id, *id, *p);
      if (!rel.ok()) return error_response(rel.error());
      c->reader.open(*rel);
      return http::Response::json(Renderer::relationship(*rel));
    });
  };
  relationship_action(
      "/api/v1/accounts/:id/follow", "write:follows",
      [this](int64_t me, int64_t target, const http::Params& p) -> Result<domain::Relationship> {
        PUBLIUS_ASSIGN_OR_RETURN(auto reblogs, p.get_bool("reblogs"));
        PUBLIUS_ASSIGN_OR_RETURN(auto notify, p.get_bool("notify"));
        return microblog_.follow(me, target, reblogs.value_or(true), notify.value_or(false));
      });
  relationship_action("/api/v1/accounts/:id/unfollow", "write:follows",
                      [this](int64_t me, int64_t target, const http::Params&) {
                        return microblog_.unfollow(me, target);
                      });
  relationship_action("/api/v1/accounts/:id/note", "write:accounts",
                      [this](int64_t me, int64_t target, const http::Params& p) {
                        return microblog_.set_note(me, target, p.get_or("comment", ""));
                      });
  relationship_action("/api/v1/accounts/:id/remove_from_followers", "write:follows",
                      [this](int64_t me, int64_t follower, const http::Params&) {
                        return microblog_.remove_from_followers(me, follower);
                      });
  relationship_action("/api/v1/accounts/:id/block", "write:blocks",
                      [this](int64_t me, int64_t target, const http::Params&) {
                        return microblog_.block(me, target, true);
                      });
  relationship_action("/api/v1/accounts/:id/unblock", "write:blocks",
                      [this](int64_t me, int64_t target, const http::Params&) {
                        return microblog_.block(me, target, false);
                      });
  relationship_action(
      "/api/v1/accounts/:id/mute", "write:mutes",
      [this](int64_t me, int64_t target, const http::Params& p) -> Result<domain::Relationship> {
        PUBLIUS_ASSIGN_OR_RETURN(auto notifications, p.get_bool("notifications"));
        return microblog_.mute(me, target, true, notifications.value_or(true));
      });
  relationship_action("/api/v1/accounts/:id/unmute", "write:mutes",
                      [this](int64_t me, int64_t target, const http::Params&) {
                        return microblog_.mute(me, target, false, false);
                      });
  relationship_action("/api/v1/follow_requests/:id/authorize", "write:follows",
                      [this](int64_t me, int64_t requester, const http::Params&) {
                        return microblog_.resolve_follow_request(me, requester, true);
                      });
  relationship_action("/api/v1/follow_requests/:id/reject", "write:follows",
                      [this](int64_t me, int64_t requester, const http::Params&) {
                        return microblog_.resolve_follow_request(me, requester, false);
                      });

  // The signed-in user's own account lists.
  auto own_list = [this, &r](const char* path, const char* scope, auto fetch) {
    r.add("GET", path, [this, scope, fetch](http::Request& req) {
      auto c = require_user(req, scope);
      if (!c.ok()) return error_response(c.error());
      auto p = params(req);
      if (!p.ok()) return error_response(p.error());
      auto page = page_from(*p, 40, 80);
      if (!page.ok()) return error_response(page.error());
      return account_page(renderer_, req, fetch(c->account->id, *page));
    });
  };
  own_list("/api/v1/follow_requests", "read:follows", [this](int64_t me, const domain::Page& page) {
    return store_.follow_requests(me, page);
  });
  own_list("/api/v1/blocks", "read:blocks",
           [this](int64_t me, const domain::Page& page) { return store_.blocks_of(me, page); });
  own_list("/api/v1/mutes", "read:mutes",
           [this](int64_t me, const domain::Page& page) { return store_.mutes_of(me, page); });
}

}  // namespace publius::api
