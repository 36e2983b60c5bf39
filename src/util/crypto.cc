#include "util/crypto.h"

#include <sodium.h>

#include <cstdlib>
#include <string_view>

namespace publius {

const WorkFactors kProductionWorkFactors{crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                         crypto_pwhash_MEMLIMIT_INTERACTIVE, 2048};
const WorkFactors kInsecureTestWorkFactors{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN,
                                           1024};

const WorkFactors& work_factors_for(const char* insecure_test_crypto) {
  return insecure_test_crypto != nullptr && std::string_view(insecure_test_crypto) == "1"
             ? kInsecureTestWorkFactors
             : kProductionWorkFactors;
}

const WorkFactors& work_factors() {
  // Read once. getenv races only with setenv, which nothing in the server or its tests calls.
  static const WorkFactors& factors = work_factors_for(
      std::getenv("PUBLIUS_INSECURE_TEST_CRYPTO"));  // NOLINT(concurrency-mt-unsafe)
  return factors;
}

Status crypto_init() {
  if (sodium_init() < 0) return internal_error("libsodium failed to initialize");
  return ok_status();
}

std::string random_token(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // drop the terminating NUL
  sodium_memzero(raw.data(), raw.size());
  return out;
}

uint64_t random_u64() {
  uint64_t v;
  randombytes_buf(&v, sizeof v);
  return v;
}

std::string to_hex(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
  out.pop_back();
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return to_hex({reinterpret_cast<const char*>(digest), sizeof digest});
}

std::string keyed_hash(std::string_view key, std::string_view data) {
  std::string out(crypto_generichash_BYTES, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                     reinterpret_cast<const unsigned char*>(key.data()), key.size());
  return out;
}

Result<std::string> password_hash(std::string_view password, const WorkFactors& factors) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), factors.argon2_ops,
                        factors.argon2_memory_bytes) != 0) {
    return internal_error("password hashing ran out of memory");
  }
  return std::string(out);
}

Result<std::string> fast_secret_hash(std::string_view secret) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, secret.data(), secret.size(), crypto_pwhash_OPSLIMIT_MIN,
                            crypto_pwhash_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return internal_error("secret hashing failed");
  }
  return std::string(out);
}

const std::string& dummy_password_hash() {
  static const std::string hash = [] {
    auto h = password_hash(random_token(16));
    return h.ok() ? h.value() : std::string();
  }();
  return hash;
}

bool password_verify(std::string_view encoded_hash, std::string_view password) {
  const std::string hash(encoded_hash);  // libsodium wants a NUL-terminated string
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string sha256_base64(std::string_view data, Base64 variant) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char encoded[sodium_base64_ENCODED_LEN(sizeof digest, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(encoded, sizeof encoded, digest, sizeof digest,
                    variant == Base64::kStandard ? sodium_base64_VARIANT_ORIGINAL
                                                 : sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return encoded;
}

}  // namespace publius
