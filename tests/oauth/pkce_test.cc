#include <gtest/gtest.h>

#include <string>

#include "oauth/pkce.h"

namespace publius::oauth {
namespace {

// RFC 7636, Appendix B.
constexpr std::string_view kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr std::string_view kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

TEST(PkceTest, ChallengeIsTheRfcExample) {
  EXPECT_EQ(pkce_s256_challenge(kVerifier), kChallenge);
  EXPECT_TRUE(pkce_s256_matches(kVerifier, kChallenge));
  EXPECT_FALSE(pkce_s256_matches(kVerifier, pkce_s256_challenge("other")));
}

TEST(PkceTest, VerifierLengthIs43To128) {
  const std::string short_verifier(42, 'a'), long_verifier(129, 'a');
  EXPECT_FALSE(pkce_s256_matches(short_verifier, pkce_s256_challenge(short_verifier)));
  EXPECT_FALSE(pkce_s256_matches(long_verifier, pkce_s256_challenge(long_verifier)));
  const std::string longest(128, '~');
  EXPECT_TRUE(pkce_s256_matches(longest, pkce_s256_challenge(longest)));
}

// Found by fuzz/oauth_fuzz (corpus/oauth_fuzz/pkce_verifier_outside_charset): a verifier with
// a character outside [A-Za-z0-9-._~] matched its own challenge.
TEST(PkceTest, VerifierOutsideTheUnreservedSetNeverMatches) {
  for (char c : std::string("@ +/=%\n\x80")) {
    std::string verifier(kVerifier);
    verifier[7] = c;
    EXPECT_FALSE(pkce_s256_matches(verifier, pkce_s256_challenge(verifier))) << int(c);
  }
}

}  // namespace
}  // namespace publius::oauth
