// PKCE (RFC 7636), the S256 method: how an authorization code is bound to the
// app that asked for it. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace publius::oauth {

// PKCE (RFC 7636) S256: BASE64URL(SHA256(verifier)), without padding.
std::string pkce_s256_challenge(std::string_view verifier);
// True when verifier is a valid RFC 7636 verifier (43-128 characters of [A-Za-z0-9-._~]) and
// challenge is its S256 challenge.
bool pkce_s256_matches(std::string_view verifier, std::string_view challenge);

}  // namespace publius::oauth
