// OAuth 2 and app registration: /api/v1/apps, /oauth/authorize, /oauth/token,
// /oauth/revoke and the RFC 8414 metadata document.
#include "api/api.h"
#include "http/errors.h"
#include "oauth/authorize_page.h"
#include "oauth/redirect_uri.h"
#include "oauth/scopes.h"
#include "util/crypto.h"
#include "util/json_writer.h"
#include "util/time.h"

namespace publius::api {
namespace {

constexpr std::string_view kOob = oauth::kOutOfBandRedirectUri;
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

// The OAuth pages: HTML under their own Content-Security-Policy.
http::Response oauth_page(std::string html, int status = 200) {
  return http::Response::html(std::move(html), status, oauth::page_policy());
}

std::string app_json(const domain::App& app, bool with_secret, const std::string& secret) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field_id("id", app.id).field("name", app.name);
  if (app.website.empty()) w.field_null("website");
  else w.field("website", app.website);
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

std::string token_json(const std::string& token, const std::string& scopes, int64_t created_day_ms) {
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
  r.add("POST", "/api/v1/apps", [this](http::Request& req) {
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    const std::string name = p->get_or("client_name", "");
    if (name.empty() || name.size() > 200)
      return http::Response::error(422, "Validation failed: Application name can't be blank");
    std::vector<std::string> uris = p->get_all("redirect_uris");
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
    if (uris.empty()) return http::Response::error(422, "Validation failed: Redirect URI can't be blank");
    for (const auto& u : uris)
      if (auto checked = oauth::check_redirect_uri(u); !checked.ok())
        return error_response(checked.error());
    std::string scopes = p->get_or("scopes", "read");
    for (auto& c : scopes)
      if (c == '+') c = ' ';
    if (!oauth::all_known(scopes))
      return http::Response::error(422, "Validation failed: Scopes are not valid");
    const std::string website = p->get_or("website", "");
    if (website.size() > 2000) return http::Response::error(422, "Validation failed: Website is too long");
    domain::App app;
    app.name = name;
    app.website = website;
    app.redirect_uris = uris;
    app.scopes = scopes;
    app.client_id = random_token(32);
    const std::string secret = random_token(32);
    app.client_secret = sha256_hex(secret);  // kept only hashed, like tokens
    auto created = store_.create_app(app);
    if (!created.ok()) return error_response(created.error());
    return http::Response::json(app_json(*created, true, secret));
  });

  r.add("GET", "/api/v1/apps/verify_credentials", [this](http::Request& req) {
    auto c = caller(req);
    if (!c.ok()) return error_response(c.error());
    if (!c->token) return http::Response::error(401, "The access token is invalid");
    auto app = store_.app_by_id(c->token->app_id);
    if (!app.ok()) return error_response(app.error());
    if (!*app) return http::Response::error(401, "The access token is invalid");
    return http::Response::json(app_json(**app, false, ""));
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
    if (!oauth::check_redirect_uri(a.redirect_uri).ok())
      return bad_request("The redirect_uri could run script or read local files: it is refused.");
    if (!oauth::all_known(a.scope) || !oauth::subset(a.scope, app->scopes))
      return bad_request("The requested scope is invalid or not allowed for this application.");
    if (!a.code_challenge.empty() && a.code_challenge_method != "S256")
      return bad_request("Only the S256 code_challenge_method is supported.");
    return *app;
  };

  r.add("GET", "/oauth/authorize", [this, authorize_request, check_authorize](http::Request& req) {
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    const auto a = authorize_request(*p);
    if (p->get_or("response_type", "code") != "code")
      return oauth_page(oauth::authorize_error_page(microblog_.config().title,
                                                    "Only response_type=code is supported."),
                        400);
    auto app = check_authorize(a);
    if (!app.ok())
      return oauth_page(oauth::authorize_error_page(microblog_.config().title, app.error().message),
                        400);
    return oauth_page(oauth::authorize_page(microblog_.config().title, app->name, a, ""));
  });

  r.add("POST", "/oauth/authorize", [this, authorize_request, check_authorize](http::Request& req) {
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    const auto a = authorize_request(*p);
    auto app = check_authorize(a);
    if (!app.ok())
      return oauth_page(oauth::authorize_error_page(microblog_.config().title, app.error().message),
                        400);
    const std::string password = p->get_or("password", "");
    auto account = microblog_.authenticate(p->get_or("username", ""), password, req.client_key);
    if (!account.ok()) {
      const bool throttled = account.error().code == ErrorCode::kTooManyRequests;
      auto page = oauth_page(oauth::authorize_page(microblog_.config().title, app->name, a,
                                                   throttled ? account.error().message
                                                             : "Invalid username or password."),
                             throttled ? 429 : 401);
      http::add_error_headers(page, account.error());
      return page;
    }
    // The password is presented here, not at the token exchange: the key rides on
    // the code until then.
    auto key = microblog_.unlock_with_password(account->id, password);
    if (!key.ok()) return error_response(key.error());
    const std::string code = random_token(32);
    domain::AuthCode record{app->id, account->id, a.scope, a.redirect_uri, a.code_challenge,
                            now_ms() + kCodeLifetimeMs};
    if (auto s = store_.create_auth_code(sha256_hex(code), record); !s.ok()) return error_response(s.error());
    if (*key) {
      if (auto s = microblog_.wrap_for_credential(shield::Credential::kAuthCode, code, **key);
          !s.ok())
        return error_response(s.error());
    }
    if (a.redirect_uri == kOob)
      return oauth_page(oauth::oob_code_page(microblog_.config().title, app->name, code));
    std::string location = a.redirect_uri;
    location += location.find('?') == std::string::npos ? '?' : '&';
    location += "code=" + code;
    if (!a.state.empty()) location += "&state=" + http::url_encode(a.state);
    return http::Response::redirect(location);
  });

  r.add("POST", "/oauth/token", [this](http::Request& req) {
    auto p = params(req);
    if (!p.ok()) return oauth_error(400, "invalid_request", p.error().message);
    const std::string grant = p->get_or("grant_type", "");
    auto app = store_.app_by_client_id(p->get_or("client_id", ""));
    if (!app.ok()) return error_response(app.error());
    // HTTP Basic client authentication is also allowed by RFC 6749; Mastodon clients send the body form.
    if (!*app || !constant_time_equal((*app)->client_secret, sha256_hex(p->get_or("client_secret", ""))))
      return oauth_error(401, "invalid_client",
                         "Client authentication failed due to unknown client, no client "
                         "authentication included, or unsupported authentication method.");
    const domain::App& client = **app;
    domain::Token token;
    token.app_id = client.id;
    // The account's secret key when the grant unlocks it, to wrap under the new token.
    std::optional<shield::SecretKey> key;
    if (grant == "client_credentials") {
      token.scopes = p->get_or("scope", "read");
    } else if (grant == "password") {
      const std::string password = p->get_or("password", "");
      auto account = microblog_.authenticate(p->get_or("username", ""), password, req.client_key);
      if (!account.ok() && account.error().code == ErrorCode::kTooManyRequests)
        return error_response(account.error());
      if (!account.ok())
        return oauth_error(400, "invalid_grant", "The provided authorization grant is invalid.");
      auto unlocked = microblog_.unlock_with_password(account->id, password);
      if (!unlocked.ok()) return error_response(unlocked.error());
      key = std::move(unlocked).value();
      token.account_id = account->id;
      token.scopes = p->get_or("scope", "read");
    } else if (grant == "authorization_code") {
      // The code's wrapped key goes with the code's row, so read it before taking the code.
      auto unlocked =
          microblog_.unlock_with_credential(shield::Credential::kAuthCode, p->get_or("code", ""));
      if (!unlocked.ok()) return error_response(unlocked.error());
      key = std::move(unlocked).value();
      auto code = store_.take_auth_code(sha256_hex(p->get_or("code", "")));
      if (!code.ok()) return error_response(code.error());
      const auto& c = *code;
      if (!c || c->app_id != client.id || c->expires_ms < now_ms() ||
          c->redirect_uri != p->get_or("redirect_uri", c->redirect_uri))
        return oauth_error(400, "invalid_grant", "The provided authorization grant is invalid, expired, or revoked.");
      if (!c->code_challenge.empty() &&
          !oauth::pkce_s256_matches(p->get_or("code_verifier", ""), c->code_challenge))
        return oauth_error(400, "invalid_grant", "The code_verifier does not match the code_challenge.");
      token.account_id = c->account_id;
      token.scopes = c->scopes;
    } else {
      return oauth_error(400, "unsupported_grant_type",
                         "The authorization grant type is not supported by the authorization server.");
    }
    for (auto& ch : token.scopes)
      if (ch == '+') ch = ' ';
    if (!oauth::all_known(token.scopes) || !oauth::subset(token.scopes, client.scopes))
      return oauth_error(400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.");
    const std::string secret = random_token(32);
    auto created = store_.create_token(sha256_hex(secret), token);
    if (!created.ok()) return error_response(created.error());
    if (key) {
      if (auto s = microblog_.wrap_for_credential(shield::Credential::kAccessToken, secret, *key);
          !s.ok())
        return error_response(s.error());
    }
    return http::Response::json(token_json(secret, token.scopes, created->created_day_ms));
  });

  r.add("POST", "/oauth/revoke", [this](http::Request& req) {
    auto p = params(req);
    if (!p.ok()) return oauth_error(400, "invalid_request", p.error().message);
    auto app = store_.app_by_client_id(p->get_or("client_id", ""));
    if (!app.ok()) return error_response(app.error());
    if (!*app || !constant_time_equal((*app)->client_secret, sha256_hex(p->get_or("client_secret", ""))))
      return oauth_error(403, "unauthorized_client", "You are not authorized to revoke this token");
    const std::string hash = sha256_hex(p->get_or("token", ""));
    auto token = store_.token_by_hash(hash);
    if (!token.ok()) return error_response(token.error());
    if (*token) {
      if ((*token)->app_id != (*app)->id)
        return oauth_error(403, "unauthorized_client", "You are not authorized to revoke this token");
      if (auto s = store_.revoke_token(hash); !s.ok()) return error_response(s.error());
    }
    // RFC 7009: revoking an unknown token also succeeds.
    return http::Response::json("{}");
  });

  r.add("GET", "/.well-known/oauth-authorization-server", [this](http::Request& req) {
    const std::string base = req.origin();
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
    w.key("grant_types_supported").begin_array().string("authorization_code").string("password").string("client_credentials").end_array();
    w.key("token_endpoint_auth_methods_supported").begin_array().string("client_secret_post").end_array();
    w.key("code_challenge_methods_supported").begin_array().string("S256").end_array();
    w.end_object();
    (void)this;
    return http::Response::json(std::move(out));
  });
}

}  // namespace publius::api
