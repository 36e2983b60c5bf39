// OAuth 2 and app registration: /api/v1/apps, /oauth/authorize, /oauth/token,
// /oauth/revoke and the RFC 8414 metadata document.
#include "api/api.h"
#include "http/errors.h"
#include "oauth/authorize_page.h"
#include "oauth/scopes.h"
#include "util/crypto.h"
#include "util/json_writer.h"
#include "util/time.h"

namespace publius::api {
namespace {

constexpr std::string_view kOob = "urn:ietf:wg:oauth:2.0:oob";
constexpr int64_t kCodeLifetimeMs = 10 * 60 * 1000;

// RFC 6749 error bodies: {"error": code, "error_description": text}.
http::Response oauth_error(int status, std::string_view code, std::string_view description) {
  std::string body;
  JsonWriter(body)
      .begin_object()
      .field("error", code)
      .field("error_description", description)
      .end_object();
  return http::Response::json(std::move(body), status);
}

// Any other error of the token and revocation endpoints, in the same shape.
http::Response oauth_error_response(const Error& e) {
  const int status = http::status_for(e.code);
  if (status >= 500) return error_response(e);
  return oauth_error(status, "invalid_request", e.message);
}

bool valid_redirect_uri(std::string_view uri) {
  if (uri == kOob) return true;
  // An absolute URI with a scheme; custom schemes (app callbacks) are allowed as in Mastodon.
  const auto colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0 || uri.size() > 2000) return false;
  for (char c : uri)
    if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == '"') return false;
  for (char c : uri.substr(0, colon)) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return uri.find('#') == std::string_view::npos;
}

std::string app_json(const domain::App& app, bool with_secret, const std::string& secret) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field_id("id", app.id).field("name", app.name);
  if (app.website.empty())
    w.field_null("website");
  else
    w.field("website", app.website);
  w.key("scopes").begin_array();
  for (const auto& s : oauth::split_scopes(app.scopes)) w.string(s);
  w.end_array();
  std::string joined;
  for (const auto& u : app.redirect_uris) joined += (joined.empty() ? "" : "\n") + u;
  w.field("redirect_uri", joined);
  w.key("redirect_uris").begin_array();
  for (const auto& u : app.redirect_uris) w.string(u);
  w.end_array();
  // Deprecated but still a string in 4.3: the instance's VAPID key, which is empty here
  // (configuration.vapid.public_key of /api/v2/instance) as Web Push is not offered.
  w.field("vapid_key", "");
  if (with_secret) {
    w.field("client_id", app.client_id)
        .field("client_secret", secret)
        .field("client_secret_expires_at", int64_t{0});
  }
  w.end_object();
  return out;
}

std::string token_json(const std::string& token, const std::string& scopes,
                       int64_t created_day_ms) {
  std::string out;
  JsonWriter(out)
      .begin_object()
      .field("access_token", token)
      .field("token_type", "Bearer")
      .field("scope", scopes)
      .field("created_at", created_day_ms / 1000)
      .end_object();
  return out;
}

}  // namespace

void Api::add_oauth_routes(http::Router& r) {
  route(r, "POST", "/api/v1/apps", http::Policy::anyone(),
        [this](Call& c) -> Result<http::Response> {
          const auto& p = c.params;
          const std::string name = p.get_or("client_name", "");
          if (name.empty() || name.size() > 200)
            return unprocessable("Validation failed: Application name can't be blank");
          std::vector<std::string> uris = p.get_all("redirect_uris");
          if (uris.size() == 1 && uris[0].find_first_of(" \t\r\n") != std::string::npos) {
            // Mastodon also takes several URIs in one string, separated by whitespace (clients send
            // newlines). Not split_scopes: that also splits on '+', which a URI may contain.
            const std::string joined = uris[0];
            uris.clear();
            size_t i = 0;
            while (i < joined.size()) {
              const size_t start = joined.find_first_not_of(" \t\r\n", i);
              if (start == std::string::npos) break;
              const size_t end = std::min(joined.find_first_of(" \t\r\n", start), joined.size());
              uris.push_back(joined.substr(start, end - start));
              i = end;
            }
          }
          if (uris.empty()) return unprocessable("Validation failed: Redirect URI can't be blank");
          for (const auto& u : uris)
            if (!valid_redirect_uri(u))
              return unprocessable("Validation failed: Redirect URI must be an absolute URI");
          std::string scopes = p.get_or("scopes", "read");
          for (auto& ch : scopes)
            if (ch == '+') ch = ' ';
          if (!oauth::all_known(scopes))
            return unprocessable("Validation failed: Scopes are not valid");
          const std::string website = p.get_or("website", "");
          if (website.size() > 2000) return unprocessable("Validation failed: Website is too long");
          domain::App app;
          app.name = name;
          app.website = website;
          app.redirect_uris = uris;
          app.scopes = scopes;
          app.client_id = random_token(32);
          const std::string secret = random_token(32);
          app.client_secret = sha256_hex(secret);  // kept only hashed, like tokens
          PUBLIUS_ASSIGN_OR_RETURN(auto created, store_.create_app(app));
          return http::Response::json(app_json(created, true, secret));
        });

  // Any valid token, whatever its scopes (Mastodon 4.3).
  std::string any_scope;
  for (const auto& scope : oauth::known_scopes())
    any_scope += (any_scope.empty() ? "" : " ") + scope;
  route(r, "GET", "/api/v1/apps/verify_credentials", http::Policy::app(any_scope),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto app, store_.app_by_id(c.token->app_id));
          if (!app) return unauthorized("The access token is invalid");
          return http::Response::json(app_json(*app, false, ""));
        });

  auto authorize_request = [](const http::Params& p) {
    oauth::AuthorizeRequest a;
    a.client_id = p.get_or("client_id", "");
    a.redirect_uri = p.get_or("redirect_uri", "");
    a.scope = p.get_or("scope", "read");
    for (auto& c : a.scope)
      if (c == '+') c = ' ';
    a.state = p.get_or("state", "");
    a.code_challenge = p.get_or("code_challenge", "");
    a.code_challenge_method = p.get_or("code_challenge_method", "");
    return a;
  };

  // Checks an authorization request against its app; the error is shown as a page.
  auto check_authorize = [this](const oauth::AuthorizeRequest& a) -> Result<domain::App> {
    PUBLIUS_ASSIGN_OR_RETURN(auto app, store_.app_by_client_id(a.client_id));
    if (!app) return bad_request("Unknown client_id: the application is not registered here.");
    if (std::find(app->redirect_uris.begin(), app->redirect_uris.end(), a.redirect_uri) ==
        app->redirect_uris.end())
      return bad_request("The redirect_uri is not one the application registered.");
    if (!oauth::all_known(a.scope) || !oauth::subset(a.scope, app->scopes))
      return bad_request("The requested scope is invalid or not allowed for this application.");
    if (!a.code_challenge.empty() && a.code_challenge_method != "S256")
      return bad_request("Only the S256 code_challenge_method is supported.");
    return *app;
  };

  route(r, "GET", "/oauth/authorize", http::Policy::anyone(),
        [this, authorize_request, check_authorize](Call& c) -> Result<http::Response> {
          const auto& p = c.params;
          const auto a = authorize_request(p);
          if (p.get_or("response_type", "code") != "code")
            return http::Response::html(
                oauth::authorize_error_page(microblog_.config().title,
                                            "Only response_type=code is supported."),
                400);
          auto app = check_authorize(a);
          if (!app.ok())
            return http::Response::html(
                oauth::authorize_error_page(microblog_.config().title, app.error().message), 400);
          return http::Response::html(
              oauth::authorize_page(microblog_.config().title, app->name, a, ""));
        });

  route(r, "POST", "/oauth/authorize", http::Policy::anyone(),
        [this, authorize_request, check_authorize](Call& c) -> Result<http::Response> {
          const auto& p = c.params;
          const auto a = authorize_request(p);
          auto app = check_authorize(a);
          if (!app.ok())
            return http::Response::html(
                oauth::authorize_error_page(microblog_.config().title, app.error().message), 400);
          const std::string password = p.get_or("password", "");
          auto account = microblog_.authenticate(p.get_or("username", ""), password);
          if (!account.ok()) {
            return http::Response::html(oauth::authorize_page(microblog_.config().title, app->name,
                                                              a, "Invalid username or password."),
                                        401);
          }
          // The password is presented here, not at the token exchange: the key rides on
          // the code until then.
          PUBLIUS_ASSIGN_OR_RETURN(auto key,
                                   microblog_.unlock_with_password(account->id, password));
          const std::string code = random_token(32);
          domain::AuthCode record{app->id,        account->id,      a.scope,
                                  a.redirect_uri, a.code_challenge, now_ms() + kCodeLifetimeMs};
          PUBLIUS_TRY(store_.create_auth_code(sha256_hex(code), record));
          if (key)
            PUBLIUS_TRY(microblog_.wrap_for_credential(shield::Credential::kAuthCode, code, *key));
          if (a.redirect_uri == kOob)
            return http::Response::html(
                oauth::oob_code_page(microblog_.config().title, app->name, code));
          std::string location = a.redirect_uri;
          location += location.find('?') == std::string::npos ? '?' : '&';
          location += "code=" + code;
          if (!a.state.empty()) location += "&state=" + http::url_encode(a.state);
          return http::Response::redirect(location);
        });

  // The OAuth endpoints answer in RFC 6749's error shape, so they read their own parameters.
  route(
      r, "POST", "/oauth/token", http::Policy::anyone(),
      [this](Call& c) -> Result<http::Response> {
        const auto& p = c.params;
        const std::string grant = p.get_or("grant_type", "");
        PUBLIUS_ASSIGN_OR_RETURN(auto app, store_.app_by_client_id(p.get_or("client_id", "")));
        // HTTP Basic client authentication is also allowed by RFC 6749; Mastodon clients send the
        // body form.
        if (!app ||
            !constant_time_equal(app->client_secret, sha256_hex(p.get_or("client_secret", ""))))
          return oauth_error(401, "invalid_client",
                             "Client authentication failed due to unknown client, no client "
                             "authentication included, or unsupported authentication method.");
        const domain::App& client = *app;
        domain::Token token;
        token.app_id = client.id;
        // The account's secret key when the grant unlocks it, to wrap under the new token.
        std::optional<shield::SecretKey> key;
        if (grant == "client_credentials") {
          token.scopes = p.get_or("scope", "read");
        } else if (grant == "password") {
          const std::string password = p.get_or("password", "");
          auto account = microblog_.authenticate(p.get_or("username", ""), password);
          if (!account.ok())
            return oauth_error(400, "invalid_grant",
                               "The provided authorization grant is invalid.");
          PUBLIUS_ASSIGN_OR_RETURN(key, microblog_.unlock_with_password(account->id, password));
          token.account_id = account->id;
          token.scopes = p.get_or("scope", "read");
        } else if (grant == "authorization_code") {
          // The code's wrapped key goes with the code's row, so read it before taking the code.
          PUBLIUS_ASSIGN_OR_RETURN(key, microblog_.unlock_with_credential(
                                            shield::Credential::kAuthCode, p.get_or("code", "")));
          PUBLIUS_ASSIGN_OR_RETURN(auto code,
                                   store_.take_auth_code(sha256_hex(p.get_or("code", ""))));
          if (!code || code->app_id != client.id || code->expires_ms < now_ms() ||
              code->redirect_uri != p.get_or("redirect_uri", code->redirect_uri))
            return oauth_error(400, "invalid_grant",
                               "The provided authorization grant is invalid, expired, or revoked.");
          if (!code->code_challenge.empty() &&
              !oauth::pkce_s256_matches(p.get_or("code_verifier", ""), code->code_challenge))
            return oauth_error(400, "invalid_grant",
                               "The code_verifier does not match the code_challenge.");
          token.account_id = code->account_id;
          token.scopes = code->scopes;
        } else {
          return oauth_error(
              400, "unsupported_grant_type",
              "The authorization grant type is not supported by the authorization server.");
        }
        for (auto& ch : token.scopes)
          if (ch == '+') ch = ' ';
        if (!oauth::all_known(token.scopes) || !oauth::subset(token.scopes, client.scopes))
          return oauth_error(400, "invalid_scope",
                             "The requested scope is invalid, unknown, or malformed.");
        const std::string secret = random_token(32);
        PUBLIUS_ASSIGN_OR_RETURN(auto created, store_.create_token(sha256_hex(secret), token));
        if (key)
          PUBLIUS_TRY(
              microblog_.wrap_for_credential(shield::Credential::kAccessToken, secret, *key));
        return http::Response::json(token_json(secret, token.scopes, created.created_day_ms));
      },
      oauth_error_response);

  route(
      r, "POST", "/oauth/revoke", http::Policy::anyone(),
      [this](Call& c) -> Result<http::Response> {
        const auto& p = c.params;
        PUBLIUS_ASSIGN_OR_RETURN(auto app, store_.app_by_client_id(p.get_or("client_id", "")));
        if (!app ||
            !constant_time_equal(app->client_secret, sha256_hex(p.get_or("client_secret", ""))))
          return oauth_error(403, "unauthorized_client",
                             "You are not authorized to revoke this token");
        const std::string hash = sha256_hex(p.get_or("token", ""));
        PUBLIUS_ASSIGN_OR_RETURN(auto token, store_.token_by_hash(hash));
        if (token) {
          if (token->app_id != app->id)
            return oauth_error(403, "unauthorized_client",
                               "You are not authorized to revoke this token");
          PUBLIUS_TRY(store_.revoke_token(hash));
        }
        // RFC 7009: revoking an unknown token also succeeds.
        return http::Response::json("{}");
      },
      oauth_error_response);

  route(r, "GET", "/.well-known/oauth-authorization-server", http::Policy::anyone(),
        [](Call& c) -> Result<http::Response> {
          const std::string base = c.request.origin();
          std::string out;
          JsonWriter w(out);
          w.begin_object()
              .field("issuer", base + "/")
              .field("service_documentation", "https://docs.joinmastodon.org/")
              .field("authorization_endpoint", base + "/oauth/authorize")
              .field("token_endpoint", base + "/oauth/token")
              .field("app_registration_endpoint", base + "/api/v1/apps")
              .field("revocation_endpoint", base + "/oauth/revoke");
          // Every scope a client may ask for, so clients can negotiate granular ones.
          w.key("scopes_supported").begin_array();
          for (const auto& s : oauth::known_scopes()) w.string(s);
          w.end_array();
          w.key("response_types_supported").begin_array().string("code").end_array();
          // The code is always sent in the redirect's query string (response_mode is not read).
          w.key("response_modes_supported").begin_array().string("query").end_array();
          w.key("grant_types_supported")
              .begin_array()
              .string("authorization_code")
              .string("password")
              .string("client_credentials")
              .end_array();
          w.key("token_endpoint_auth_methods_supported")
              .begin_array()
              .string("client_secret_post")
              .end_array();
          w.key("code_challenge_methods_supported").begin_array().string("S256").end_array();
          w.end_object();
          return http::Response::json(std::move(out));
        });
}

}  // namespace publius::api
