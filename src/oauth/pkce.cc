#include "oauth/pkce.h"

#include "util/crypto.h"

namespace publius::oauth {

std::string pkce_s256_challenge(std::string_view verifier) {
  return sha256_base64(verifier, Base64::kUrlSafeNoPadding);
}

bool pkce_s256_matches(std::string_view verifier, std::string_view challenge) {
  // RFC 7636 4.1: the verifier is 43-128 characters of [A-Za-z0-9-._~].
  if (verifier.size() < 43 || verifier.size() > 128) return false;
  for (char c : verifier) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (!unreserved) return false;
  }
  return pkce_s256_challenge(verifier) == challenge;
}

}  // namespace publius::oauth
