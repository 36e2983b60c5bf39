// Credentials: passwords, recovery codes, OAuth apps and grants, tokens, web sessions.
#include <algorithm>
#include <cctype>

#include "domain/microblog.h"
#include "oauth/pkce.h"
#include "oauth/redirect_uri.h"
#include "oauth/scopes.h"
#include "util/crypto.h"
#include "util/time.h"

namespace publius::domain {
namespace {

constexpr int64_t kCodeLifetimeMs = 10 * 60 * 1000;

// Scopes as clients write them: '+' for a space (form-encoded by hand).
std::string scopes_from(std::string text) {
  std::replace(text.begin(), text.end(), '+', ' ');
  return text;
}

TokenGrant refused(GrantRefusal why, std::string description) {
  TokenGrant g;
  g.refusal = why;
  g.description = std::move(description);
  return g;
}

}  // namespace

// 16 random characters from a 32-letter alphabet without look-alikes: 80 bits,
// grouped for reading aloud or copying by hand.
std::string new_recovery_code() {
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
  std::string code;
  for (int i = 0; i < 16; ++i) {
    if (i && i % 4 == 0) code.push_back('-');
    code.push_back(kAlphabet[random_u64() % (sizeof kAlphabet - 1)]);
  }
  return code;
}

std::vector<FieldError> password_errors(std::string_view password) {
  if (password.empty()) return {{"password", "ERR_BLANK", "can't be blank"}};
  if (password.size() < kMinPasswordLength)
    return {{"password", "ERR_TOO_SHORT",
             "is too short (minimum is " + std::to_string(kMinPasswordLength) + " characters)"}};
  if (password.size() > kMaxPasswordLength)
    return {{"password", "ERR_TOO_LONG",
             "is too long (maximum is " + std::to_string(kMaxPasswordLength) + " characters)"}};
  return {};
}

Status check_password(std::string_view password) {
  auto errors = password_errors(password);
  if (errors.empty()) return ok_status();
  return validation_failed(std::move(errors));
}

Credentials::Credentials(Microblog& microblog)
    : ServiceBase(microblog), throttle_(config_.auth_throttle) {}

Result<shield::AuthThrottle::Attempt> Credentials::begin_check(std::string_view username,
                                                               std::string_view client_key) {
  // Names match without regard to ASCII case (the store's COLLATE NOCASE): so must their counts.
  std::string name(username);
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return throttle_.begin(name, client_key);
}

Result<SignIn> Credentials::check(std::string_view username, std::string_view password,
                                  std::string_view client_key, bool unlock) {
  PUBLIUS_ASSIGN_OR_RETURN(auto attempt, begin_check(username, client_key));
  PUBLIUS_ASSIGN_OR_RETURN(auto account, store_.account_by_username(username));
  if (!account) {
    // Spend the same time as a real check so response time does not reveal which names exist.
    (void)password_verify(dummy_password_hash(), password);
    return unauthorized("Invalid username or password");
  }
  SignIn out{*account, std::nullopt, std::nullopt};
  PUBLIUS_ASSIGN_OR_RETURN(bool collective, mb_.collectives().is_collective(account->id));
  if (collective) {
    // One Argon2id, as for a one-person account, however many members there are.
    PUBLIUS_ASSIGN_OR_RETURN(auto member, mb_.collectives().find_member(account->id, password));
    if (!member) return unauthorized("Invalid username or password");
    out.member_id = member->member_id;
    out.key = std::move(member->key);
  } else {
    PUBLIUS_ASSIGN_OR_RETURN(auto hash, store_.password_hash(account->id));
    if (!password_verify(hash, password)) return unauthorized("Invalid username or password");
    if (unlock) {
      PUBLIUS_ASSIGN_OR_RETURN(out.key, mb_.keys().unlock_with_password(account->id, password));
    }
  }
  attempt.succeeded();
  return out;
}

Result<Account> Credentials::authenticate(std::string_view username, std::string_view password,
                                          std::string_view client_key) {
  PUBLIUS_ASSIGN_OR_RETURN(auto signed_in, check(username, password, client_key, false));
  return std::move(signed_in.account);
}

Result<SignIn> Credentials::sign_in(std::string_view username, std::string_view password,
                                    std::string_view client_key) {
  return check(username, password, client_key, true);
}
Status Credentials::change_password(int64_t account_id, std::string_view new_password,
                                    const shield::SecretKey* key) {
  if (new_password.size() < kMinPasswordLength || new_password.size() > kMaxPasswordLength)
    return unprocessable("Validation failed: Password must be 8 to 1024 characters long");
  PUBLIUS_ASSIGN_OR_RETURN(bool collective, mb_.collectives().is_collective(account_id));
  if (collective)
    return unprocessable(
        "A collective account has no password of its own: each member changes "
        "theirs.");
  PUBLIUS_ASSIGN_OR_RETURN(auto hash, password_hash(new_password));
  store::AccountKey stored;
  if (key) {
    stored.public_key = key->public_key();
    PUBLIUS_ASSIGN_OR_RETURN(stored.password_wrapped_key,
                             shield::wrap_for_password(*key, new_password));
  } else {
    shield::KeyPair pair = shield::generate_key_pair();
    stored.public_key = pair.public_key;
    PUBLIUS_ASSIGN_OR_RETURN(stored.password_wrapped_key,
                             shield::wrap_for_password(pair.secret_key, new_password));
  }
  PUBLIUS_TRY(store_.set_password_hash(account_id, hash));
  PUBLIUS_TRY(store_.set_account_key(account_id, stored));
  // Whoever had the old password is signed out of every browser.
  return store_.delete_web_sessions_of(account_id);
}
Result<std::vector<store::NewRecoveryCode>> Credentials::recovery_code_records(
    const std::vector<std::string>& codes, const shield::SecretKey* key) {
  std::vector<store::NewRecoveryCode> records;
  for (const auto& code : codes) {
    store::NewRecoveryCode record;
    PUBLIUS_ASSIGN_OR_RETURN(record.code_hash, fast_secret_hash(code));
    if (key) {
      PUBLIUS_ASSIGN_OR_RETURN(
          record.wrapped_key,
          shield::wrap_for_credential(*key, shield::Credential::kRecoveryCode, code));
    }
    records.push_back(std::move(record));
  }
  return records;
}
Result<std::vector<std::string>> Credentials::replace_recovery_codes(int64_t account_id,
                                                                     const shield::SecretKey* key) {
  std::vector<std::string> codes;
  for (size_t i = 0; i < kRecoveryCodeCount; ++i) codes.push_back(new_recovery_code());
  PUBLIUS_ASSIGN_OR_RETURN(auto records, recovery_code_records(codes, key));
  PUBLIUS_TRY(store_.replace_recovery_codes(account_id, records));
  return codes;
}

BearerDigest Credentials::digest(std::string_view secret) { return {sha256_hex(secret)}; }

Result<Bearer> Credentials::bearer(const BearerDigest& digest) {
  const std::string& hash = digest.hex;
  PUBLIUS_ASSIGN_OR_RETURN(auto token, store_.token_by_hash(hash));
  if (!token) return unauthorized("The access token is invalid");
  Bearer out{*token, std::nullopt};
  if (token->account_id) {
    PUBLIUS_ASSIGN_OR_RETURN(auto account, store_.account_by_id(*token->account_id));
    if (!account) return unauthorized("The access token is invalid");
    out.account = std::move(*account);
    const int64_t today = now_day_ms();
    // A member's token keeps no day of use: it would say which member was active when.
    if (!token->member_id && token->last_used_day_ms.value_or(0) < today)
      PUBLIUS_TRY(store_.touch_activity_day(out.account->id, token->id, hash, today));
  }
  return out;
}

Result<std::optional<int64_t>> Credentials::token_id(const BearerDigest& digest) {
  PUBLIUS_ASSIGN_OR_RETURN(auto token, store_.token_by_hash(digest.hex));
  if (!token) return std::optional<int64_t>();
  return std::optional<int64_t>(token->id);
}

Result<IssuedToken> Credentials::issue_token(int64_t app_id, std::optional<int64_t> account_id,
                                             std::string scopes, const shield::SecretKey* key,
                                             std::optional<int64_t> member_id) {
  IssuedToken out;
  out.secret = random_token(32);
  std::string wrapped;
  if (key) {
    PUBLIUS_ASSIGN_OR_RETURN(
        wrapped, mb_.keys().wrap_for(shield::Credential::kAccessToken, out.secret, *key));
  }
  Token token;
  token.app_id = app_id;
  token.account_id = account_id;
  token.member_id = member_id;
  token.scopes = std::move(scopes);
  PUBLIUS_ASSIGN_OR_RETURN(out.token, store_.create_token(sha256_hex(out.secret), token, wrapped));
  return out;
}

Result<RegisteredApp> Credentials::register_app(const NewApp& request) {
  if (request.name.empty() || request.name.size() > 200)
    return unprocessable("Validation failed: Application name can't be blank");
  if (request.redirect_uris.empty())
    return unprocessable("Validation failed: Redirect URI can't be blank");
  for (const auto& u : request.redirect_uris) PUBLIUS_TRY(oauth::check_redirect_uri(u));
  const std::string scopes = scopes_from(request.scopes.empty() ? "read" : request.scopes);
  if (!oauth::all_known(scopes)) return unprocessable("Validation failed: Scopes are not valid");
  if (request.website.size() > 2000) return unprocessable("Validation failed: Website is too long");
  App app;
  app.name = request.name;
  app.website = request.website;
  app.redirect_uris = request.redirect_uris;
  app.scopes = scopes;
  app.client_id = random_token(32);
  RegisteredApp out;
  out.client_secret = random_token(32);
  app.client_secret = sha256_hex(out.client_secret);  // kept only hashed, like tokens
  PUBLIUS_ASSIGN_OR_RETURN(out.app, store_.create_app(app));
  return out;
}

Result<App> Credentials::app_of(const Token& token) {
  PUBLIUS_ASSIGN_OR_RETURN(auto app, store_.app_by_id(token.app_id));
  if (!app) return unauthorized("The access token is invalid");
  return *app;
}

Result<App> Credentials::check_authorization(const AuthorizationRequest& request) {
  PUBLIUS_ASSIGN_OR_RETURN(auto app, store_.app_by_client_id(request.client_id));
  if (!app) return bad_request("Unknown client_id: the application is not registered here.");
  if (std::find(app->redirect_uris.begin(), app->redirect_uris.end(), request.redirect_uri) ==
      app->redirect_uris.end())
    return bad_request("The redirect_uri is not one the application registered.");
  // One registered before the rule (or since refused) is not followed either.
  if (!oauth::check_redirect_uri(request.redirect_uri).ok())
    return bad_request("The redirect_uri could run script or read local files: it is refused.");
  const std::string scopes = scopes_from(request.scopes);
  if (!oauth::all_known(scopes) || !oauth::subset(scopes, app->scopes))
    return bad_request("The requested scope is invalid or not allowed for this application.");
  if (!request.code_challenge.empty() && request.code_challenge_method != "S256")
    return bad_request("Only the S256 code_challenge_method is supported.");
  return *app;
}

Result<std::string> Credentials::issue_authorization_code(const App& app, const SignIn& signed_in,
                                                          const AuthorizationRequest& request) {
  // The password is presented at authorization, not at the token exchange: the key
  // rides on the code until then.
  std::string code = random_token(32);
  std::string wrapped;
  if (signed_in.key) {
    PUBLIUS_ASSIGN_OR_RETURN(
        wrapped, mb_.keys().wrap_for(shield::Credential::kAuthCode, code, *signed_in.key));
  }
  const AuthCode record{app.id,
                        signed_in.account.id,
                        scopes_from(request.scopes),
                        request.redirect_uri,
                        request.code_challenge,
                        now_ms() + kCodeLifetimeMs,
                        signed_in.member_id};
  PUBLIUS_TRY(store_.create_auth_code(sha256_hex(code), record, wrapped));
  return code;
}

Result<TokenGrant> Credentials::grant_token(const TokenRequest& request) {
  PUBLIUS_ASSIGN_OR_RETURN(auto app, store_.app_by_client_id(request.client_id));
  // HTTP Basic client authentication is also allowed by RFC 6749; Mastodon clients send the body
  // form.
  if (!app || !constant_time_equal(app->client_secret, sha256_hex(request.client_secret)))
    return refused(GrantRefusal::kInvalidClient,
                   "Client authentication failed due to unknown client, no client authentication "
                   "included, or unsupported authentication method.");
  std::optional<int64_t> account_id;
  std::optional<int64_t> member_id;
  std::string scopes;
  // The account's secret key when the grant unlocks it, to wrap under the new token.
  std::optional<shield::SecretKey> key;
  if (request.grant_type == "client_credentials") {
    scopes = scopes_from(request.scopes.empty() ? "read" : request.scopes);
  } else if (request.grant_type == "password") {
    auto signed_in = sign_in(request.username, request.password, request.client_key);
    if (!signed_in.ok()) {
      if (signed_in.error().code != ErrorCode::kUnauthorized) return signed_in.take_error();
      return refused(GrantRefusal::kInvalidGrant, "The provided authorization grant is invalid.");
    }
    key = std::move(signed_in->key);
    account_id = signed_in->account.id;
    member_id = signed_in->member_id;
    scopes = scopes_from(request.scopes.empty() ? "read" : request.scopes);
  } else if (request.grant_type == "authorization_code") {
    const std::string code_hash = sha256_hex(request.code);
    // RFC 6749 4.1.3: the redirect URI the code was issued for must be sent again.
    if (request.redirect_uri.empty())
      return refused(GrantRefusal::kInvalidGrant,
                     "The redirect_uri the code was issued for is required.");
    // The code's wrapped key goes with the code's row, so read it before taking the code.
    PUBLIUS_ASSIGN_OR_RETURN(
        key, mb_.keys().unlock_with_credential(shield::Credential::kAuthCode, request.code));
    PUBLIUS_ASSIGN_OR_RETURN(auto code, store_.take_auth_code(code_hash, app->id));
    if (!code || code->expires_ms < now_ms() || code->redirect_uri != request.redirect_uri)
      return refused(GrantRefusal::kInvalidGrant,
                     "The provided authorization grant is invalid, expired, or revoked.");
    if (!code->code_challenge.empty() &&
        !oauth::pkce_s256_matches(request.code_verifier, code->code_challenge))
      return refused(GrantRefusal::kInvalidGrant,
                     "The code_verifier does not match the code_challenge.");
    account_id = code->account_id;
    member_id = code->member_id;
    scopes = code->scopes;
  } else {
    return refused(GrantRefusal::kUnsupportedGrantType,
                   "The authorization grant type is not supported by the authorization server.");
  }
  if (!oauth::all_known(scopes) || !oauth::subset(scopes, app->scopes))
    return refused(GrantRefusal::kInvalidScope,
                   "The requested scope is invalid, unknown, or malformed.");
  PUBLIUS_ASSIGN_OR_RETURN(
      auto issued, issue_token(app->id, account_id, scopes, key ? &*key : nullptr, member_id));
  TokenGrant out;
  out.issued = std::move(issued);
  return out;
}

Status Credentials::revoke_token(std::string_view client_id, std::string_view client_secret,
                                 std::string_view token_secret) {
  PUBLIUS_ASSIGN_OR_RETURN(auto app, store_.app_by_client_id(client_id));
  if (!app || !constant_time_equal(app->client_secret, sha256_hex(client_secret)))
    return forbidden("You are not authorized to revoke this token");
  const std::string hash = sha256_hex(token_secret);
  PUBLIUS_ASSIGN_OR_RETURN(auto token, store_.token_by_hash(hash));
  // RFC 7009: revoking an unknown token also succeeds.
  if (!token) return ok_status();
  if (token->app_id != app->id) return forbidden("You are not authorized to revoke this token");
  PUBLIUS_TRY(store_.revoke_token(hash));
  if (live()) live()->token_revoked(token->id);
  return ok_status();
}

Result<std::string> Credentials::start_session(int64_t account_id, const shield::SecretKey* key,
                                               std::optional<int64_t> member_id) {
  std::string secret = random_token(32);
  std::string wrapped;
  if (key) {
    PUBLIUS_ASSIGN_OR_RETURN(wrapped,
                             mb_.keys().wrap_for(shield::Credential::kWebSession, secret, *key));
  }
  PUBLIUS_TRY(
      store_.create_web_session(sha256_hex(secret), account_id, member_id, now_day_ms(), wrapped));
  return secret;
}

Result<std::optional<Holder>> Credentials::session_holder(std::string_view secret) {
  if (secret.empty()) return std::optional<Holder>();
  const std::string hash = sha256_hex(secret);
  PUBLIUS_ASSIGN_OR_RETURN(auto session, store_.web_session(hash));
  if (!session) return std::optional<Holder>();
  const int64_t today = now_day_ms();
  if (session->last_seen_day_ms + kSessionIdleDays * kDayMs < today) {
    PUBLIUS_TRY(store_.delete_web_session(hash));
    return std::optional<Holder>();
  }
  // A member's session keeps no day it was seen on: that would say which member was active.
  if (!session->member_id && session->last_seen_day_ms < today)
    PUBLIUS_TRY(store_.touch_web_session(hash, today));
  return std::optional<Holder>(Holder{session->account_id, session->member_id});
}

Status Credentials::end_session(std::string_view secret) {
  if (secret.empty()) return ok_status();
  return store_.delete_web_session(sha256_hex(secret));
}

Status Credentials::end_sessions_of(int64_t account_id) {
  return store_.delete_web_sessions_of(account_id);
}

Status Credentials::recover(std::string_view username, std::string_view code,
                            std::string_view new_password, std::string_view client_key) {
  PUBLIUS_TRY(check_password(new_password));
  // Counted with password guesses at the same account; a failure unless it succeeds below.
  PUBLIUS_ASSIGN_OR_RETURN(auto attempt, begin_check(username, client_key));
  const Error mismatch =
      unprocessable("That username and recovery code do not match, or the code was already used.");
  PUBLIUS_ASSIGN_OR_RETURN(auto account, store_.account_by_username(username));
  if (account) {
    PUBLIUS_ASSIGN_OR_RETURN(bool collective, mb_.collectives().is_collective(account->id));
    if (collective) {
      PUBLIUS_ASSIGN_OR_RETURN(bool recovered,
                               mb_.collectives().recover(account->id, code, new_password));
      if (!recovered) return mismatch;
      attempt.succeeded();
      return ok_status();
    }
  }
  std::optional<int64_t> matched;
  // A code that wraps the account's key restores access to sealed messages too;
  // its copy goes with the code, so it is unwrapped before the code is spent.
  std::optional<shield::SecretKey> key;
  if (account) {
    PUBLIUS_ASSIGN_OR_RETURN(auto codes, store_.recovery_codes(account->id));
    for (const auto& c : codes) {
      if (!password_verify(c.code_hash, code)) continue;
      matched = c.id;
      if (c.wrapped_key.empty()) continue;
      auto unwrapped =
          shield::unwrap_with_credential(c.wrapped_key, shield::Credential::kRecoveryCode, code);
      if (unwrapped.ok()) key = std::move(unwrapped).value();
    }
  } else {
    (void)password_verify(dummy_password_hash(), code);  // same time for unknown names
  }
  if (!matched) return mismatch;
  PUBLIUS_ASSIGN_OR_RETURN(bool consumed, store_.consume_recovery_code(account->id, *matched));
  if (!consumed) return mismatch;
  PUBLIUS_TRY(change_password(account->id, new_password, key ? &*key : nullptr));
  // Whoever had the old password loses every way in: tokens as well as sessions.
  PUBLIUS_TRY(store_.revoke_tokens_of(account->id));
  if (live()) live()->tokens_of_account_revoked(account->id);
  attempt.succeeded();
  return ok_status();
}

Result<int64_t> Credentials::recovery_codes_left(int64_t account_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto codes, store_.recovery_codes(account_id));
  return static_cast<int64_t>(codes.size());
}

Result<std::vector<AuthorizedApp>> Credentials::authorized_apps(int64_t account_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto tokens, store_.tokens_of(account_id));
  std::vector<AuthorizedApp> out;
  for (const auto& t : tokens) {
    AuthorizedApp app;
    app.token_id = t.id;
    app.scopes = t.scopes;
    app.last_used_day_ms = t.last_used_day_ms;
    PUBLIUS_ASSIGN_OR_RETURN(auto found, store_.app_by_id(t.app_id));
    app.app_name = found ? found->name : "Unknown app";
    out.push_back(std::move(app));
  }
  return out;
}

Status Credentials::revoke_token_of(int64_t account_id, int64_t token_id) {
  PUBLIUS_TRY(store_.revoke_token_of(account_id, token_id));
  if (live()) live()->token_revoked(token_id);
  return ok_status();
}

}  // namespace publius::domain
