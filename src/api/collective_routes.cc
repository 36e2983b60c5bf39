// Collective accounts (docs/collective-accounts.md): making an account collective,
// invites, joining, the member list, removal and handover. Publius's own API: Mastodon
// has none of this, and an ordinary Mastodon app signs in as a member through OAuth
// with the account's name and the member's password.
#include "api/api.h"
#include "api/token_json.h"
#include "util/json_writer.h"
#include "util/time.h"

namespace publius::api {

void Api::add_collective_routes(http::Router& r) {
  // The member list: "member 1, 2, 3 (you)", join days, who owns it. Nothing else exists.
  route(r, "GET", "/api/v1/collective", http::Policy::user("read:accounts"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(bool collective,
                                   microblog_.collectives().is_collective(c.user_id()));
          PUBLIUS_ASSIGN_OR_RETURN(
              auto members, microblog_.collectives().members(c.user_id(), c.token->member_id));
          std::string out;
          JsonWriter w(out);
          w.begin_object().field("collective", collective);
          w.key("members").begin_array();
          for (const auto& m : members) {
            w.begin_object()
                .field_id("id", m.id)
                .field("number", m.number)
                .field("joined_on", format_day(m.joined_day_ms))
                .field("owner", m.owner)
                .field("you", m.you)
                .end_object();
          }
          w.end_array().end_object();
          return http::Response::json(std::move(out));
        });

  // Makes the account collective; the caller's token ends with every other one, and a
  // new one for the owner as its first member comes back with its recovery codes.
  route(r, "POST", "/api/v1/collective", http::Policy::user("write:accounts"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(
              auto made, microblog_.collectives().make_collective(
                             c.user_id(), c.params.get_or("password", ""), c.request.client_key));
          PUBLIUS_ASSIGN_OR_RETURN(auto issued, microblog_.credentials().issue_token(
                                                    c.token->app_id, made.account.id,
                                                    c.token->scopes, &made.key, made.member_id));
          return http::Response::json(token_json(issued, &made.recovery_codes));
        });

  route(r, "POST", "/api/v1/collective/invites", http::Policy::user("write:accounts"),
        [this](Call& c) -> Result<http::Response> {
          if (!c.token->member_id)
            return unprocessable(
                "This account is not collective, or this token is older "
                "than its being so.");
          PUBLIUS_ASSIGN_OR_RETURN(auto invited,
                                   microblog_.collectives().invite(c.user_id(), *c.token->member_id,
                                                                   c.reader.keyring()));
          std::string out;
          JsonWriter w(out);
          w.begin_object()
              .field("code", invited.code)
              .field("expires_on", format_day(invited.expires_day_ms))
              .end_object();
          return http::Response::json(std::move(out));
        });

  // Joining with an invite code, with an app token as registration: no account is
  // signed in yet. The new member's token and recovery codes come back.
  route(r, "POST", "/api/v1/collective/join", http::Policy::app("write:accounts"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto joined,
                                   microblog_.collectives().join(c.params.get_or("code", ""),
                                                                 c.params.get_or("password", "")));
          PUBLIUS_ASSIGN_OR_RETURN(
              auto issued,
              microblog_.credentials().issue_token(c.token->app_id, joined.account.id,
                                                   c.token->scopes, &joined.key, joined.member_id));
          return http::Response::json(token_json(issued, &joined.recovery_codes));
        });

  // Removing a member: the owner removes another, a member removes itself (leaves).
  route(r, "DELETE", "/api/v1/collective/members/:id", http::Policy::user("write:accounts"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(int64_t id, c.path_id());
          if (!c.token->member_id) return not_found("No such member of this account.");
          PUBLIUS_TRY(microblog_.collectives().remove(c.user_id(), c.token->member_id, id));
          return http::Response::json("{}");
        });

  route(r, "POST", "/api/v1/collective/members/:id/owner", http::Policy::user("write:accounts"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(int64_t id, c.path_id());
          if (!c.token->member_id) return not_found("No such member of this account.");
          PUBLIUS_TRY(microblog_.collectives().hand_over(c.user_id(), c.token->member_id, id));
          return http::Response::json("{}");
        });
}

}  // namespace publius::api
