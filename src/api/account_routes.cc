// Accounts: registration, credentials, profiles, relationships, follow requests,
// endorsements and familiar followers.
#include <functional>

#include "api/api.h"
#include "api/token_json.h"
#include "input/readers.h"
#include "util/crypto.h"
#include "util/ids.h"
#include "util/json_writer.h"

namespace publius::api {

Result<http::Response> account_page(Renderer& renderer, const http::Request& req,
                                    Result<std::vector<std::pair<int64_t, int64_t>>> rows) {
  if (!rows.ok()) return rows.take_error();
  std::vector<int64_t> ids;
  for (auto [row, id] : *rows) ids.push_back(id);
  PUBLIUS_ASSIGN_OR_RETURN(auto body, renderer.accounts(ids));
  return paged(http::Response::json(std::move(body)), req, *rows);
}

void Api::add_account_routes(http::Router& r) {
  // Registration with an app token (client_credentials), as Mastodon.
  route(r, "POST", "/api/v1/accounts", http::Policy::app("write:accounts"),
        [this](Call& c) -> Result<http::Response> {
          if (!microblog_.config().registrations_open)
            return forbidden("Registrations are closed on this server");
          const auto& p = c.params;
          // Shield: only username and password are read. Anything else a client sends
          // (email, phone, real name, reason) is never looked at, so it cannot be stored.
          PUBLIUS_ASSIGN_OR_RETURN(auto agreement, p.get_bool("agreement"));
          PUBLIUS_ASSIGN_OR_RETURN(auto registered,
                                   microblog_.accounts().register_account(
                                       p.get_or("username", ""), p.get_or("password", ""),
                                       domain::Role::kUser, agreement.value_or(false)));
          PUBLIUS_ASSIGN_OR_RETURN(auto issued, microblog_.credentials().issue_token(
                                                    c.token->app_id, registered.account.id,
                                                    c.token->scopes, &registered.key));
          return http::Response::json(token_json(issued, &registered.recovery_codes));
        });

  route(r, "GET", "/api/v1/accounts/verify_credentials",
        http::Policy::user("read:accounts profile"),
        [this](Call& c) { return json(renderer_.credential_account(c.user())); });

  route(r, "PATCH", "/api/v1/accounts/update_credentials", http::Policy::user("write:accounts"),
        [this](Call& c) -> Result<http::Response> {
          const auto& p = c.params;
          domain::ProfileChange u;
          for (auto [key, into] :
               {std::pair{"display_name", &u.display_name}, std::pair{"note", &u.note}}) {
            PUBLIUS_ASSIGN_OR_RETURN(auto v, input::single_value(p, key));
            if (v) *into = std::string(*v);
          }
          PUBLIUS_ASSIGN_OR_RETURN(u.locked, p.get_bool("locked"));
          PUBLIUS_ASSIGN_OR_RETURN(u.bot, p.get_bool("bot"));
          PUBLIUS_ASSIGN_OR_RETURN(u.discoverable, p.get_bool("discoverable"));
          PUBLIUS_ASSIGN_OR_RETURN(u.indexable, p.get_bool("indexable"));
          PUBLIUS_ASSIGN_OR_RETURN(u.hide_collections, p.get_bool("hide_collections"));
          if (p.has("fields_attributes")) {
            std::vector<domain::ProfileField> fields;
            for (const auto& index : p.subkeys("fields_attributes")) {
              const std::string prefix = "fields_attributes[" + index + "]";
              std::string name = p.get_or(prefix + "[name]", "");
              std::string value = p.get_or(prefix + "[value]", "");
              if (name.empty() && value.empty()) continue;  // Mastodon drops blank rows
              fields.push_back({std::move(name), std::move(value)});
            }
            u.fields = std::move(fields);
          }
          if (auto privacy = p.get("source[privacy]"); privacy && !privacy->empty()) {
            u.default_visibility = domain::parse_visibility(*privacy);
            if (!u.default_visibility)
              return unprocessable(
                  "Validation failed: source[privacy] must be public, unlisted, private or direct");
          }
          auto sensitive = p.get_bool("source[sensitive]");
          if (!sensitive.ok()) return unprocessable(sensitive.error().message);
          u.default_sensitive = *sensitive;
          if (auto language = p.get("source[language]"))
            u.default_language = std::string(*language);
          // Multipart files; the bytes are decoded, never stored as sent.
          domain::NewProfilePictures pictures;
          if (const http::UploadedFile* avatar = p.file("avatar")) pictures.avatar = avatar->data;
          if (const http::UploadedFile* header = p.file("header")) pictures.header = header->data;
          PUBLIUS_ASSIGN_OR_RETURN(auto updated,
                                   microblog_.accounts().update_profile(c.user_id(), u, pictures));
          return json(renderer_.credential_account(updated));
        });

  // Mastodon 4.2+: back to the default pictures.
  for (const auto& picture :
       {std::pair{"/api/v1/profile/avatar", domain::ProfilePicture::kAvatar},
        std::pair{"/api/v1/profile/header", domain::ProfilePicture::kHeader}}) {
    route(r, "DELETE", picture.first, http::Policy::user("write:accounts"),
          [this, which = picture.second](Call& c) -> Result<http::Response> {
            PUBLIUS_ASSIGN_OR_RETURN(
                auto updated, microblog_.accounts().remove_profile_picture(c.user_id(), which));
            return json(renderer_.credential_account(updated));
          });
  }

  route(r, "GET", "/api/v1/accounts/lookup", http::Policy::optional("read:accounts"),
        [this](Call& c) -> Result<http::Response> {
          // A remote account not known yet is looked up on its server (WebFinger).
          PUBLIUS_ASSIGN_OR_RETURN(auto account, microblog_.federation().account_by_acct(
                                                     c.params.get_or("acct", ""), true));
          return json(renderer_.account(account));
        });

  route(r, "GET", "/api/v1/accounts/relationships", http::Policy::user("read:follows"),
        [this](Call& c) -> Result<http::Response> {
          auto ids = input::id_list(c.params);
          if (ids.size() > 100) ids.resize(100);
          PUBLIUS_ASSIGN_OR_RETURN(auto rels,
                                   microblog_.relationships().relationships(c.user_id(), ids));
          for (auto& rel : rels) c.reader.open(rel);
          return http::Response::json(Renderer::relationships(rels));
        });

  // Mastodon's FamiliarFollowers: for each account asked about, the followers the caller
  // follows.
  route(r, "GET", "/api/v1/accounts/familiar_followers", http::Policy::user("read:follows"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto ids, input::bounded_id_list(c.params, 40));
          PUBLIUS_ASSIGN_OR_RETURN(auto familiar,
                                   microblog_.relationships().familiar_followers(c.user_id(), ids));
          std::string out = "[";
          for (const auto& [id, followers] : familiar) {
            if (out.size() > 1) out += ',';
            PUBLIUS_ASSIGN_OR_RETURN(auto accounts, renderer_.accounts(followers));
            out += "{\"id\":\"" + std::to_string(id) + "\",\"accounts\":" + accounts + "}";
          }
          return http::Response::json(out + "]");
        });

  route(r, "GET", "/api/v1/accounts/search", http::Policy::user("read:accounts"),
        [this](Call& c) -> Result<http::Response> {
          const auto& p = c.params;
          PUBLIUS_ASSIGN_OR_RETURN(auto limit, p.get_int("limit"));
          PUBLIUS_ASSIGN_OR_RETURN(auto offset, input::search_offset(p));
          // As Mastodon: no query, no accounts (not the whole directory).
          if (!offset) return http::Response::json("[]");
          PUBLIUS_ASSIGN_OR_RETURN(
              auto found,
              microblog_.search().accounts(
                  p.get_or("q", ""),
                  static_cast<int>(std::clamp<int64_t>(limit.value_or(40), 1, 80)), *offset));
          std::vector<int64_t> ids;
          for (const auto& a : found) ids.push_back(a.id);
          return json(renderer_.accounts(ids));
        });

  // The profile directory: accounts whose owners chose to be listed. Every account here is
  // local, so `local` changes nothing, but it must be a boolean.
  route(r, "GET", "/api/v1/directory", http::Policy::optional("read:accounts"),
        [this](Call& c) -> Result<http::Response> {
          const auto& p = c.params;
          PUBLIUS_ASSIGN_OR_RETURN(auto limit, p.get_int("limit"));
          PUBLIUS_ASSIGN_OR_RETURN(auto offset, p.get_int("offset"));
          PUBLIUS_TRY(p.get_bool("local"));
          PUBLIUS_ASSIGN_OR_RETURN(auto order_name, input::single_value(p, "order"));
          domain::DirectoryOrder order = domain::DirectoryOrder::kActive;
          if (order_name && *order_name == "new") {
            order = domain::DirectoryOrder::kNew;
          } else if (order_name && !order_name->empty() && *order_name != "active") {
            return bad_request("order must be active or new");
          }
          PUBLIUS_ASSIGN_OR_RETURN(
              auto listed, microblog_.accounts().directory(
                               c.viewer(), order, std::max<int64_t>(0, offset.value_or(0)),
                               static_cast<int>(std::clamp<int64_t>(limit.value_or(40), 1, 80))));
          std::vector<int64_t> ids;
          for (const auto& a : listed) ids.push_back(a.id);
          return json(renderer_.accounts(ids));
        });

  // Several accounts at once (Mastodon 4.3): unknown ids are left out.
  route(r, "GET", "/api/v1/accounts", http::Policy::optional("read:accounts"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto ids, input::bounded_id_list(c.params, 40));
          return json(renderer_.accounts(ids));
        });

  route(r, "GET", "/api/v1/accounts/:id", http::Policy::optional("read:accounts"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto account, microblog_.accounts().account(id));
          return json(renderer_.account(account));
        });

  route(r, "GET", "/api/v1/accounts/:id/statuses", http::Policy::optional("read:statuses"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          const auto& p = c.params;
          PUBLIUS_ASSIGN_OR_RETURN(auto page, input::page_from(p));
          domain::AccountPostsFilter q;
          for (auto [key, into] :
               {std::pair{"exclude_replies", &q.exclude_replies},
                std::pair{"exclude_reblogs", &q.exclude_reblogs},
                std::pair{"pinned", &q.only_pinned}, std::pair{"only_media", &q.only_media}}) {
            PUBLIUS_ASSIGN_OR_RETURN(auto b, p.get_bool(key));
            *into = b.value_or(false);
          }
          if (auto tag = p.get("tagged"); tag && !tag->empty()) q.tag = std::string(*tag);
          PUBLIUS_ASSIGN_OR_RETURN(
              auto posts, microblog_.timelines().account_statuses(c.viewer(), id, q, page));
          PUBLIUS_ASSIGN_OR_RETURN(auto body, renderer_.statuses(c.viewer(), posts, c.reader));
          auto response = http::Response::json(std::move(body));
          // Pinned posts are one list, not pages.
          return q.only_pinned ? response : paged(std::move(response), c.request, posts);
        });

  // Followers and following: account pages keyed by the follow's row id.
  using Rows =
      std::function<Result<std::vector<std::pair<int64_t, int64_t>>>(int64_t, const domain::Page&)>;
  using RowsSeenBy = std::function<Result<std::vector<std::pair<int64_t, int64_t>>>(
      domain::Viewer, int64_t, const domain::Page&)>;
  auto follow_list = [this, &r](const char* path, RowsSeenBy fetch) {
    route(r, "GET", path, http::Policy::optional("read:accounts"),
          [this, fetch = std::move(fetch)](Call& c) -> Result<http::Response> {
            PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
            PUBLIUS_ASSIGN_OR_RETURN(auto page, input::page_from(c.params, 40, 80));
            return account_page(renderer_, c.request, fetch(c.viewer(), id, page));
          });
  };
  follow_list("/api/v1/accounts/:id/followers",
              [this](domain::Viewer viewer, int64_t id, const domain::Page& page) {
                return microblog_.relationships().followers(viewer, id, page);
              });
  follow_list("/api/v1/accounts/:id/following",
              [this](domain::Viewer viewer, int64_t id, const domain::Page& page) {
                return microblog_.relationships().following(viewer, id, page);
              });

  // Relationship-changing actions share one shape: target id, domain call, relationship JSON.
  using Act =
      std::function<Result<domain::Relationship>(int64_t me, int64_t target, const http::Params&)>;
  auto relationship_action = [this, &r](const char* path, const char* scope, Act act) {
    route(r, "POST", path, http::Policy::user(scope),
          [act = std::move(act)](Call& c) -> Result<http::Response> {
            PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
            PUBLIUS_ASSIGN_OR_RETURN(auto rel, act(c.user_id(), id, c.params));
            c.reader.open(rel);
            return http::Response::json(Renderer::relationship(rel));
          });
  };
  relationship_action(
      "/api/v1/accounts/:id/follow", "write:follows",
      [this](int64_t me, int64_t target, const http::Params& p) -> Result<domain::Relationship> {
        PUBLIUS_ASSIGN_OR_RETURN(auto reblogs, p.get_bool("reblogs"));
        PUBLIUS_ASSIGN_OR_RETURN(auto notify, p.get_bool("notify"));
        return microblog_.relationships().follow(me, target, reblogs.value_or(true),
                                                 notify.value_or(false));
      });
  relationship_action("/api/v1/accounts/:id/unfollow", "write:follows",
                      [this](int64_t me, int64_t target, const http::Params&) {
                        return microblog_.relationships().unfollow(me, target);
                      });
  relationship_action("/api/v1/accounts/:id/note", "write:accounts",
                      [this](int64_t me, int64_t target, const http::Params& p) {
                        return microblog_.relationships().set_note(me, target,
                                                                   p.get_or("comment", ""));
                      });
  relationship_action("/api/v1/accounts/:id/remove_from_followers", "write:follows",
                      [this](int64_t me, int64_t follower, const http::Params&) {
                        return microblog_.relationships().remove_from_followers(me, follower);
                      });
  relationship_action("/api/v1/accounts/:id/block", "write:blocks",
                      [this](int64_t me, int64_t target, const http::Params&) {
                        return microblog_.relationships().block(me, target, true);
                      });
  relationship_action("/api/v1/accounts/:id/unblock", "write:blocks",
                      [this](int64_t me, int64_t target, const http::Params&) {
                        return microblog_.relationships().block(me, target, false);
                      });
  relationship_action(
      "/api/v1/accounts/:id/mute", "write:mutes",
      [this](int64_t me, int64_t target, const http::Params& p) -> Result<domain::Relationship> {
        PUBLIUS_ASSIGN_OR_RETURN(auto notifications, p.get_bool("notifications"));
        return microblog_.relationships().mute(me, target, true, notifications.value_or(true));
      });
  relationship_action("/api/v1/accounts/:id/unmute", "write:mutes",
                      [this](int64_t me, int64_t target, const http::Params&) {
                        return microblog_.relationships().mute(me, target, false, false);
                      });
  // Endorsements (Mastodon 4.3's pin and unpin).
  for (bool on : {true, false}) {
    relationship_action(on ? "/api/v1/accounts/:id/pin" : "/api/v1/accounts/:id/unpin",
                        "write:accounts",
                        [this, on](int64_t me, int64_t target, const http::Params&) {
                          return microblog_.relationships().endorse(me, target, on);
                        });
  }
  relationship_action("/api/v1/follow_requests/:id/authorize", "write:follows",
                      [this](int64_t me, int64_t requester, const http::Params&) {
                        return microblog_.relationships().resolve_follow_request(me, requester,
                                                                                 true);
                      });
  relationship_action("/api/v1/follow_requests/:id/reject", "write:follows",
                      [this](int64_t me, int64_t requester, const http::Params&) {
                        return microblog_.relationships().resolve_follow_request(me, requester,
                                                                                 false);
                      });

  // The signed-in user's own account lists.
  auto own_list = [this, &r](const char* path, const char* scope, Rows fetch) {
    route(r, "GET", path, http::Policy::user(scope),
          [this, fetch = std::move(fetch)](Call& c) -> Result<http::Response> {
            PUBLIUS_ASSIGN_OR_RETURN(auto page, input::page_from(c.params, 40, 80));
            return account_page(renderer_, c.request, fetch(c.user_id(), page));
          });
  };
  own_list("/api/v1/follow_requests", "read:follows", [this](int64_t me, const domain::Page& page) {
    return microblog_.relationships().follow_requests(me, page);
  });
  own_list("/api/v1/blocks", "read:blocks", [this](int64_t me, const domain::Page& page) {
    return microblog_.relationships().blocks(me, page);
  });
  own_list("/api/v1/mutes", "read:mutes", [this](int64_t me, const domain::Page& page) {
    return microblog_.relationships().mutes(me, page);
  });
  own_list("/api/v1/endorsements", "read:accounts", [this](int64_t me, const domain::Page& page) {
    return microblog_.relationships().endorsements(me, page);
  });
}

}  // namespace publius::api
