// Browser sessions and CSRF tokens for the web UI.
//
// A session is a random 256-bit secret held only by the browser, in an HttpOnly,
// SameSite=Lax cookie (Secure when the request came over HTTPS). The server keeps
// SHA-256 of the secret, the account and two days (created, last seen) in the
// web_sessions table: no address, no user agent, no instant (shield rule). The
// secret is separate from every API token; signing out deletes the row. The row
// may also carry the account's secret key wrapped under the cookie secret (see
// docs/sealed-messages.md), which WebUi adds; it goes with the row.
//
// Visitors who are not signed in get a "pre-session" cookie, a random secret that
// is stored nowhere, so the sign-in, sign-up and recovery forms carry a CSRF token
// too (login CSRF). A CSRF token is a keyed hash of the cookie secret: only a page
// that could read the HttpOnly cookie's value, i.e. ours, can produce it.
//
// Sessions is thread-safe (the Store is); the free functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"
#include "store/store.h"
#include "util/result.h"

namespace publius::web {

inline constexpr std::string_view kSessionCookie = "publius_session";
inline constexpr std::string_view kPreSessionCookie = "publius_pre";
// Sessions unused for this long are refused (and deleted when presented).
inline constexpr int64_t kSessionIdleDays = 30;

class Sessions {
 public:
  explicit Sessions(store::Store& store) : store_(store) {}

  // Starts a session for the account; returns the cookie secret (never stored).
  Result<std::string> start(int64_t account_id);
  // The account signed in with this secret, if the session exists and is not idle
  // for longer than kSessionIdleDays; marks it seen today (day precision).
  Result<std::optional<int64_t>> account_for(std::string_view secret);
  // Deletes the session server-side; unknown secrets are not an error.
  Status end(std::string_view secret);

 private:
  store::Store& store_;
};

// The CSRF token for forms shown to the holder of `cookie_secret` (hex).
std::string csrf_token(std::string_view cookie_secret);
// Constant-time check of a submitted token; false for an empty secret or token.
bool csrf_matches(std::string_view cookie_secret, std::string_view submitted);

// The value of cookie `name` in the request's Cookie header(s), or empty.
std::string cookie_value(const http::Request& request, std::string_view name);

// A Set-Cookie header value: Path=/, HttpOnly, SameSite=Lax, and Secure when
// `secure`. max_age_seconds < 0 means a browser-session cookie; 0 deletes it.
std::string set_cookie(std::string_view name, std::string_view value, bool secure,
                       int64_t max_age_seconds);

// What a person may have typed for a code: lower-cased, spaces removed.
std::string normalize_recovery_code(std::string_view typed);

}  // namespace publius::web
