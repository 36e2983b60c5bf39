// Account migration (ActivityPub Move), as Mastodon's settings do it (its web UI's
// "Moving from a different account" and "Moving to a different account"), here as API
// routes, since Mastodon's REST API has none:
//   GET    /api/v1/accounts/aliases             the account's aliases (actor ids)
//   POST   /api/v1/accounts/aliases   acct      names acct (user@host) as an alias: an
//                                               account that may move here
//   DELETE /api/v1/accounts/aliases   acct      takes it away
//   POST   /api/v1/accounts/migration acct, current_password
//                                               moves this account to acct, which must
//                                               name it as an alias first
// Each change answers with the CredentialAccount. The rules are the domain's
// (Federation::add_alias, move_to); the password is checked (and throttled) by
// Credentials::authenticate.
#include "api/api.h"
#include "util/json_writer.h"

namespace publius::api {

void Api::add_migration_routes(http::Router& r) {
  const auto acct_of = [](const Call& c) -> Result<std::string> {
    auto acct = c.params.get("acct");
    if (!acct || acct->empty()) return unprocessable("Validation failed: acct is missing");
    return std::string(*acct);
  };

  route(r, "GET", "/api/v1/accounts/aliases", http::Policy::user("read:accounts"),
        [](Call& c) -> Result<http::Response> {
          std::string out;
          JsonWriter w(out);
          w.begin_array();
          for (const auto& alias : c.user().also_known_as) w.string(alias);
          w.end_array();
          return http::Response::json(std::move(out));
        });

  route(r, "POST", "/api/v1/accounts/aliases", http::Policy::user("write:accounts"),
        [this, acct_of](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto acct, acct_of(c));
          PUBLIUS_ASSIGN_OR_RETURN(auto account,
                                   microblog_.federation().add_alias(c.user_id(), acct));
          return json(renderer_.credential_account(account));
        });

  route(r, "DELETE", "/api/v1/accounts/aliases", http::Policy::user("write:accounts"),
        [this, acct_of](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto acct, acct_of(c));
          PUBLIUS_ASSIGN_OR_RETURN(auto account,
                                   microblog_.federation().remove_alias(c.user_id(), acct));
          return json(renderer_.credential_account(account));
        });

  route(r, "POST", "/api/v1/accounts/migration", http::Policy::user("write:accounts"),
        [this, acct_of](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto acct, acct_of(c));
          // Moving away is not undone: the password is asked again, as Mastodon asks it.
          PUBLIUS_TRY(microblog_.credentials().authenticate(
              c.user().username, c.params.get_or("current_password", ""), c.request.client_key));
          PUBLIUS_ASSIGN_OR_RETURN(auto account,
                                   microblog_.federation().move_to(c.user_id(), acct));
          return json(renderer_.credential_account(account));
        });
}

}  // namespace publius::api
