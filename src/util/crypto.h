// Thin wrappers over libsodium for the few primitives the server uses everywhere:
// random tokens, one-way hashes for secrets, and keyed hashes. Call
// crypto_init() once before any other function; afterwards all are thread-safe.
// Failures inside libsodium (out of memory in Argon2id) surface as Result errors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace publius {

Status crypto_init();

// `bytes` random bytes, URL-safe base64 without padding (43 chars for 32 bytes).
std::string random_token(size_t bytes = 32);
uint64_t random_u64();

std::string to_hex(std::string_view bytes);
// SHA-256 of data, as 64 hex chars. Used for access tokens: they are 256-bit
// random, so a fast hash is as strong as a slow one and lookups stay O(1).
std::string sha256_hex(std::string_view data);
// SHA-256 of `data` in base64: standard with padding (a CSP hash source), or URL-safe without
// padding (a PKCE challenge, RFC 7636).
enum class Base64 { kStandard, kUrlSafeNoPadding };
std::string sha256_base64(std::string_view data, Base64 variant);
// Keyed BLAKE2b-256 of data under key (16..64 bytes), raw bytes.
std::string keyed_hash(std::string_view key, std::string_view data);

// How hard the slow primitives work: Argon2id for passwords and the keys derived from them,
// and RSA key generation for actor keys.
struct WorkFactors {
  unsigned long long argon2_ops;
  size_t argon2_memory_bytes;
  int rsa_bits;
};
// libsodium's `interactive` Argon2id limits (64 MiB, 2 passes: a sign-in under ~100 ms on one
// core) and RSA-2048.
extern const WorkFactors kProductionWorkFactors;
// Argon2id at libsodium's minimum limits and RSA-1024: for the test suite only, where the
// production factors were most of its CPU time (docs/checks.md). Anyone holding a hash or a
// key made with them can break it, and a data directory made with them keeps keys derived
// under them (a sealed message's password-wrapped key opens only under the same factors).
extern const WorkFactors kInsecureTestWorkFactors;
// The factors a value of PUBLIUS_INSECURE_TEST_CRYPTO selects: the test factors for exactly
// "1", the production ones for anything else, unset included.
const WorkFactors& work_factors_for(const char* insecure_test_crypto);
// This process's factors, read once from PUBLIUS_INSECURE_TEST_CRYPTO (ctest sets it for the
// test suite; `serve` warns when it is set).
const WorkFactors& work_factors();

// Argon2id in libsodium's encoded form (salt and parameters included).
Result<std::string> password_hash(std::string_view password,
                                  const WorkFactors& factors = work_factors());
bool password_verify(std::string_view encoded_hash, std::string_view password);

// Argon2id with the smallest parameters, for secrets that are already
// high-entropy (recovery codes: 80 random bits), where a slow hash adds nothing.
Result<std::string> fast_secret_hash(std::string_view secret);
// A valid Argon2id hash of a random password, to keep failed sign-ins as slow as real ones.
const std::string& dummy_password_hash();

// Constant-time comparison of equal-length strings.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace publius
