// Credentials: everything that proves who is acting, in one place. Passwords
// and recovery codes, OAuth apps and the grants that issue access tokens
// (password, authorization code with PKCE, client credentials), bearer tokens
// and web sessions. Every credential issued for an account carries a copy of
// the account's sealed-message key wrapped under it (docs/sealed-messages.md),
// written in the same store write as the credential itself.
//
// Secrets (passwords, tokens, codes, session cookies) are returned once, when
// issued, and stored only hashed; none appears in a log or an error message.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/service.h"
#include "shield/sealing.h"

namespace publius::domain {

// Whom a credential is issued to: an account and, on a collective account
// (domain/collectives.h), the member, so that removing the member revokes it.
struct Holder {
  int64_t account_id = 0;
  std::optional<int64_t> member_id;
};

// A password that was right: its account, the member of a collective account whose
// password it was, and the key the credentials issued for this sign-in wrap (the
// account's key; a member's own key) when it opened.
struct SignIn {
  Account account;
  std::optional<int64_t> member_id;
  std::optional<shield::SecretKey> key;
  Holder holder() const { return {account.id, member_id}; }
  const shield::SecretKey* key_or_null() const { return key ? &*key : nullptr; }
};

// An access token as issued: its secret, shown once, and its row.
struct IssuedToken {
  std::string secret;
  Token token;
};

// What a bearer secret is looked up by (Credentials::digest): hex SHA-256.
struct BearerDigest {
  std::string hex;
};

// Who a bearer token speaks for: the token, and its account unless it is an app's.
struct Bearer {
  Token token;
  std::optional<Account> account;
};

// An app registration as a client asks for it (POST /api/v1/apps).
struct NewApp {
  std::string name;
  std::string website;
  std::vector<std::string> redirect_uris;
  std::string scopes;  // space-separated
};

// A registered app with its client secret, shown once.
struct RegisteredApp {
  App app;
  std::string client_secret;
};

// An authorization request (/oauth/authorize) as the app made it.
struct AuthorizationRequest {
  std::string client_id;
  std::string redirect_uri;
  std::string scopes;
  std::string code_challenge;
  std::string code_challenge_method;
};

// A token request (POST /oauth/token).
struct TokenRequest {
  std::string grant_type;
  std::string client_id;
  std::string client_secret;
  std::string scopes;  // requested; password and client_credentials grants (default "read")
  std::string username, password;                 // password grant
  std::string code, redirect_uri, code_verifier;  // authorization_code grant
  std::string client_key;  // http::Request::client_key: throttles password guesses
};

// Why a token request was refused, in RFC 6749's terms (section 5.2).
enum class GrantRefusal { kInvalidClient, kInvalidGrant, kInvalidScope, kUnsupportedGrantType };

// The outcome of a token request: a token, or a refusal the client is told.
struct TokenGrant {
  std::optional<IssuedToken> issued;
  GrantRefusal refusal = GrantRefusal::kInvalidGrant;
  std::string description;
};

// An app the account has authorized, as the settings page lists it.
struct AuthorizedApp {
  int64_t token_id = 0;
  std::string app_name;
  std::string scopes;
  std::optional<int64_t> last_used_day_ms;
};

class Credentials final : private ServiceBase {
 public:
  explicit Credentials(Microblog& microblog);

  // Every check of a password or a recovery code is throttled per account and per
  // client (shield/auth_throttle.h, docs/authentication-throttling.md): `client_key`
  // is http::Request::client_key (empty from the operator's command line). A refused
  // check is kTooManyRequests with Error::retry_after_s, and checks nothing.
  //
  // The account whose password this is; kUnauthorized otherwise, in the same time
  // whether or not the name exists. On a collective account any member's password is
  // right, found with one Argon2id whatever the number of members.
  Result<Account> authenticate(std::string_view username, std::string_view password,
                               std::string_view client_key);
  // authenticate(), and the key the password opens (SignIn).
  Result<SignIn> sign_in(std::string_view username, std::string_view password,
                         std::string_view client_key);

  // Bearer tokens.
  //
  // The digest under which a bearer secret's token is stored (the secret itself never
  // is): what bearer() and token_id() look tokens up by, so that a request's secret,
  // asked about twice (rate limit, then authentication), is hashed once.
  static BearerDigest digest(std::string_view secret);
  // The token and account a bearer secret speaks for, marking the day it was used;
  // kUnauthorized for a secret never issued or revoked.
  Result<Bearer> bearer(const BearerDigest& digest);
  // The id of the token a bearer secret names, if it names one (for rate limiting:
  // nothing is marked used).
  Result<std::optional<int64_t>> token_id(const BearerDigest& digest);
  // A new access token for the app (and account, and member), with `key` wrapped under it.
  Result<IssuedToken> issue_token(int64_t app_id, std::optional<int64_t> account_id,
                                  std::string scopes, const shield::SecretKey* key,
                                  std::optional<int64_t> member_id = std::nullopt);

  // OAuth (RFC 6749, as Mastodon does it).
  //
  // Registers an app; 422 for a blank name, no or an unsafe redirect URI
  // (oauth::check_redirect_uri), unknown scopes or an overlong website.
  Result<RegisteredApp> register_app(const NewApp& request);
  // The app a token was issued to; kUnauthorized when it is gone.
  Result<App> app_of(const Token& token);
  // The app an authorization request names, checked: known client, a redirect URI
  // it registered, scopes within its own, PKCE S256 only. kBadRequest (with a
  // message for the page) otherwise.
  Result<App> check_authorization(const AuthorizationRequest& request);
  // The code for an authorization granted by a password (checked by the caller
  // through sign_in()), valid for ten minutes; the sign-in's key and member ride on
  // it to the token.
  Result<std::string> issue_authorization_code(const App& app, const SignIn& signed_in,
                                               const AuthorizationRequest& request);
  // POST /oauth/token: client authentication, then the grant. A code is spent only
  // by the app it was issued to, with the redirect URI and PKCE verifier it was
  // issued for. Storage failures are errors; refusals are a TokenGrant.
  Result<TokenGrant> grant_token(const TokenRequest& request);
  // POST /oauth/revoke: the app revokes one of its own tokens (an unknown token
  // is no error, RFC 7009); kForbidden when the client does not authenticate or
  // the token is another app's.
  Status revoke_token(std::string_view client_id, std::string_view client_secret,
                      std::string_view token_secret);

  // Web sessions (the web UI's sign-in).
  //
  // A new session for the account (and member) with `key` wrapped under it; its
  // cookie secret.
  Result<std::string> start_session(int64_t account_id, const shield::SecretKey* key,
                                    std::optional<int64_t> member_id = std::nullopt);
  // Whom a session secret is signed in as, if the session exists and is not idle for
  // longer than kSessionIdleDays; marks it seen today. A member's session is never
  // marked: it ends kSessionIdleDays after it began.
  Result<std::optional<Holder>> session_holder(std::string_view secret);
  // Ends the session (an unknown secret is no error).
  Status end_session(std::string_view secret);

  // Passwords and recovery.
  //
  // A new password (8..1024 characters) and the key re-wrapped under it (a fresh
  // key pair without `key`: what was sealed to the old one stays sealed). Every
  // web session of the account ends: the browser that changed it signs in again.
  Status change_password(int64_t account_id, std::string_view new_password,
                         const shield::SecretKey* key);
  // Replaces the account's recovery codes with fresh ones, each wrapping `key`
  // when given; returns them in plain text (shown once, stored only hashed).
  Result<std::vector<std::string>> replace_recovery_codes(int64_t account_id,
                                                          const shield::SecretKey* key);
  // How many unspent recovery codes the account holds.
  Result<int64_t> recovery_codes_left(int64_t account_id);
  // Spends a recovery code to set a new password. Whoever held the old password
  // loses access: every access token and web session of the account ends. A code
  // that wraps the account's key restores access to its sealed messages. 422
  // (one message, whether the name exists or not) for a wrong pair or a code spent.
  Status recover(std::string_view username, std::string_view code, std::string_view new_password,
                 std::string_view client_key);

  // Hashes (and, with `key`, wraps it under) `codes` fresh recovery codes, for a
  // new account (Accounts::register_account) or a replacement set.
  Result<std::vector<store::NewRecoveryCode>> recovery_code_records(
      const std::vector<std::string>& codes, const shield::SecretKey* key);

  // The apps the account authorized (its tokens), and revoking one.
  Result<std::vector<AuthorizedApp>> authorized_apps(int64_t account_id);
  Status revoke_token_of(int64_t account_id, int64_t token_id);
  // Ends every web session of the account.
  Status end_sessions_of(int64_t account_id);

 private:
  // Admits one check of a credential of the account named `username` (any case)
  // from `client_key`, or refuses it; the check counts as a failed guess unless the
  // caller calls succeeded() on the attempt.
  Result<shield::AuthThrottle::Attempt> begin_check(std::string_view username,
                                                    std::string_view client_key);
  // authenticate() and sign_in(): with `unlock`, also the key the password opens.
  Result<SignIn> check(std::string_view username, std::string_view password,
                       std::string_view client_key, bool unlock);

  shield::AuthThrottle throttle_;
};

// A fresh one-time recovery code (80 random bits, grouped xxxx-xxxx-xxxx-xxxx).
std::string new_recovery_code();
// How many recovery codes an account holds after sign-up or regeneration.
inline constexpr size_t kRecoveryCodeCount = 10;
// Password length rule, in bytes.
inline constexpr size_t kMinPasswordLength = 8;
inline constexpr size_t kMaxPasswordLength = 1024;
// Password rule: 8 to 1024 bytes. password_errors() says what breaks it, under the
// field "password" with Mastodon's codes (ERR_BLANK, ERR_TOO_SHORT, ERR_TOO_LONG);
// check_password() is a 422 naming them (util/result.h validation_failed).
std::vector<FieldError> password_errors(std::string_view password);
Status check_password(std::string_view password);
// Web sessions unused for this long are refused (and deleted when presented).
inline constexpr int64_t kSessionIdleDays = 30;

}  // namespace publius::domain
