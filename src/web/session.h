// Browser session cookies and CSRF tokens for the web UI.
//
// A session is a random 256-bit secret held only by the browser, in an HttpOnly,
// SameSite=Lax cookie (Secure when the request came over HTTPS). The server keeps
// SHA-256 of the secret, the account and two days (created, last seen) in the
// web_sessions table: no address, no user agent, no instant (shield rule). The
// secret is separate from every API token; signing out deletes the row. The row
// also carries the account's secret key wrapped under the cookie secret (see
// docs/sealed-messages.md), written with it. Sessions themselves are the
// domain's (domain::Credentials::start_session and friends).
//
// Visitors who are not signed in get a "pre-session" cookie, a random secret that
// is stored nowhere, so the sign-in, sign-up and recovery forms carry a CSRF token
// too (login CSRF). A CSRF token is a keyed hash of the cookie secret: only a page
// that could read the HttpOnly cookie's value, i.e. ours, can produce it.
//
// The functions here are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"
#include "util/result.h"

namespace publius::web {

inline constexpr std::string_view kSessionCookie = "publius_session";
inline constexpr std::string_view kPreSessionCookie = "publius_pre";
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
