// OAuth 2 and app registration: /api/v1/apps, /oauth/authorize, /oauth/token,
// /oauth/revoke and the RFC 8414 metadata document.
#include "api/api.h"
#include "api/token_json.h"
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

// The OAuth pages: HTML under their own Content-Security-Policy.
http::Response oauth_page(std::string html, int status = 200) {
  return http::Response::html(std::move(html), status, oauth::page_policy());
}

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
// (A throttled password grant and server failures answer as every API route does.)
http::Response oauth_error_response(const Error& e) {
  const int status = http::status_for(e.code);
  if (status >= 500 || status == 429) return error_response(e);
  return oauth_error(status, "invalid_request", e.message);
}

std::string app_json(const domain::App& app, bool with_secret, const std::string& secret,
                     const std::string& vapid_key) {
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
  // Deprecated but still a string in 4.3: the instance's VAPID key
  // (configuration.vapid.public_key of /api/v2/instance).
  w.field("vapid_key", vapid_key);
  if (with_secret) {
    w.field("client_id", app.client_id)
        .field("client_secret", secret)
        .field("client_secret_expires_at", int64_t{0});
  }
  w.end_object();
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
          domain::NewApp app;
          app.name = name;
          app.website = p.get_or("website", "");
          app.scopes = p.get_or("scopes", "read");
          app.redirect_uris = p.get_all("redirect_uris");
          auto& uris = app.redirect_uris;
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
          PUBLIUS_ASSIGN_OR_RETURN(auto registered, microblog_.credentials().register_app(app));
          return http::Response::json(
              app_json(registered.app, true, registered.client_secret, options_.vapid_public_key));
        });

  // Any valid token, whatever its scopes (Mastodon 4.3).
  std::string any_scope;
  for (const auto& scope : oauth::known_scopes())
    any_scope += (any_scope.empty() ? "" : " ") + scope;
  route(r, "GET", "/api/v1/apps/verify_credentials", http::Policy::app(any_scope),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto app, microblog_.credentials().app_of(*c.token));
          return http::Response::json(app_json(app, false, "", options_.vapid_public_key));
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
  auto check_authorize = [this](const oauth::AuthorizeRequest& a) {
    return microblog_.credentials().check_authorization(
        {a.client_id, a.redirect_uri, a.scope, a.code_challenge, a.code_challenge_method});
  };

  route(r, "GET", "/oauth/authorize", http::Policy::anyone(),
        [this, authorize_request, check_authorize](Call& c) -> Result<http::Response> {
          const auto& p = c.params;
          const auto a = authorize_request(p);
          if (p.get_or("response_type", "code") != "code")
            return oauth_page(oauth::authorize_error_page(microblog_.config().title,
                                                          "Only response_type=code is supported."),
                              400);
          auto app = check_authorize(a);
          if (!app.ok())
            return oauth_page(
                oauth::authorize_error_page(microblog_.config().title, app.error().message), 400);
          return oauth_page(oauth::authorize_page(microblog_.config().title, app->name, a, ""));
        });

  route(r, "POST", "/oauth/authorize", http::Policy::anyone(),
        [this, authorize_request, check_authorize](Call& c) -> Result<http::Response> {
          const auto& p = c.params;
          const auto a = authorize_request(p);
          auto app = check_authorize(a);
          if (!app.ok())
            return oauth_page(
                oauth::authorize_error_page(microblog_.config().title, app.error().message), 400);
          const std::string password = p.get_or("password", "");
          auto account = microblog_.credentials().sign_in(p.get_or("username", ""), password,
                                                          c.request.client_key);
          if (!account.ok()) {
            if (http::status_for(account.error().code) >= 500) return account.take_error();
            const bool throttled = account.error().code == ErrorCode::kTooManyRequests;
            auto page =
                oauth_page(oauth::authorize_page(microblog_.config().title, app->name, a,
                                                 throttled ? account.error().message
                                                           : "Invalid username or password."),
                           throttled ? 429 : 401);
            http::add_error_headers(page, account.error());
            return page;
          }
          PUBLIUS_ASSIGN_OR_RETURN(auto code, microblog_.credentials().issue_authorization_code(
                                                  *app, *account,
                                                  {a.client_id, a.redirect_uri, a.scope,
                                                   a.code_challenge, a.code_challenge_method}));
          if (a.redirect_uri == kOob)
            return oauth_page(oauth::oob_code_page(microblog_.config().title, app->name, code));
          std::string location = a.redirect_uri;
          location += location.find('?') == std::string::npos ? '?' : '&';
          location += "code=" + code;
          if (!a.state.empty()) location += "&state=" + http::url_encode(a.state);
          return http::Response::redirect(location);
        });

  // The token and revocation endpoints answer errors in RFC 6749's shape.
  route(
      r, "POST", "/oauth/token", http::Policy::anyone(),
      [this](Call& c) -> Result<http::Response> {
        const auto& p = c.params;
        domain::TokenRequest request;
        request.grant_type = p.get_or("grant_type", "");
        request.client_id = p.get_or("client_id", "");
        request.client_secret = p.get_or("client_secret", "");
        request.scopes = p.get_or("scope", "");
        request.username = p.get_or("username", "");
        request.password = p.get_or("password", "");
        request.code = p.get_or("code", "");
        request.redirect_uri = p.get_or("redirect_uri", "");
        request.code_verifier = p.get_or("code_verifier", "");
        request.client_key = c.request.client_key;
        PUBLIUS_ASSIGN_OR_RETURN(auto grant, microblog_.credentials().grant_token(request));
        if (grant.issued) return http::Response::json(token_json(*grant.issued));
        switch (grant.refusal) {
          case domain::GrantRefusal::kInvalidClient:
            return oauth_error(401, "invalid_client", grant.description);
          case domain::GrantRefusal::kInvalidScope:
            return oauth_error(400, "invalid_scope", grant.description);
          case domain::GrantRefusal::kUnsupportedGrantType:
            return oauth_error(400, "unsupported_grant_type", grant.description);
          case domain::GrantRefusal::kInvalidGrant:
            break;
        }
        return oauth_error(400, "invalid_grant", grant.description);
      },
      oauth_error_response);

  route(
      r, "POST", "/oauth/revoke", http::Policy::anyone(),
      [this](Call& c) -> Result<http::Response> {
        const auto& p = c.params;
        auto revoked = microblog_.credentials().revoke_token(
            p.get_or("client_id", ""), p.get_or("client_secret", ""), p.get_or("token", ""));
        if (!revoked.ok() && revoked.error().code == ErrorCode::kForbidden)
          return oauth_error(403, "unauthorized_client", revoked.error().message);
        PUBLIUS_TRY(std::move(revoked));
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
