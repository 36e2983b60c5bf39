// HTTP Signatures as Mastodon speaks them (draft-cavage-http-signatures-12): requests
// signed with `rsa-sha256` over `(request-target) host date` and, for a request with a
// body, `digest` (`Digest: SHA-256=<base64 of the body's SHA-256>`), and the verification
// of such a signature for a given public key.
//
// Verification checks, in order: the Signature header parses; it names rsa-sha256 (or
// hs2019, which Mastodon sends meaning the same) or no algorithm; the signed headers
// include (request-target), host and date, and digest when the request has a body; every
// named header is present; the Date is within the window around `now`; the Digest matches
// the body; the RSA signature verifies. Each refusal is a kUnauthorized Error whose message
// names the check that failed and repeats no header value (kSignatureErrors lists them).
//
// Keys are PEM: a public key as SubjectPublicKeyInfo ("BEGIN PUBLIC KEY", what ActivityPub
// actors publish) or PKCS#1; a private key in any form OpenSSL reads. Stateless and
// thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/crypto.h"
#include "util/result.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace publius::federation {

// The messages of the refusals, one per check, for callers and tests to tell them apart.
namespace signature_error {
inline constexpr std::string_view kMissing = "Request not signed";
inline constexpr std::string_view kMalformed = "Signature header malformed";
inline constexpr std::string_view kAlgorithm = "Signature algorithm not supported";
inline constexpr std::string_view kHeadersNotCovered =
    "Signature does not cover (request-target), host, date and digest";
inline constexpr std::string_view kHeaderMissing = "A signed header is missing";
inline constexpr std::string_view kDate = "Date missing, malformed or outside the allowed window";
inline constexpr std::string_view kDigest = "Digest missing or does not match the body";
inline constexpr std::string_view kKey = "Public key unreadable";
inline constexpr std::string_view kSignature = "Signature does not verify";
}  // namespace signature_error

// An RSA key pair in PEM (public: SubjectPublicKeyInfo; private: PKCS#8).
struct RsaKeyPair {
  std::string public_pem;
  std::string private_pem;
};
// A fresh RSA key pair of `bits` (e = 65537): 2,048 but in the test suite
// (util/crypto.h, WorkFactors). kInternal if OpenSSL fails.
Result<RsaKeyPair> generate_rsa_key_pair(int bits = work_factors().rsa_bits);

// `Digest` header value for a body: "SHA-256=" and the base64 of its SHA-256.
std::string body_digest(std::string_view body);

// An HTTP date (RFC 9110 IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT") for a Unix time,
// and back: nullopt for anything not in that form.
std::string format_http_date(int64_t unix_s);
std::optional<int64_t> parse_http_date(std::string_view text);

// A request to sign. `target` is the path with its query ("/users/a/inbox").
struct OutgoingRequest {
  std::string_view method;  // "POST", "GET"
  std::string_view target;
  std::string_view host;  // the Host header's value
  std::string_view body;  // empty for a GET
};

// The headers a signed request carries (besides Host, which the caller sends as given).
struct SignatureHeaders {
  std::string date;
  std::string digest;  // empty when the request has no body
  std::string signature;
};

// A private key read once, for signing many requests: reading a PEM key and preparing it
// for its first signature (RSA blinding) costs several times one signature, so a sender of
// many requests keeps this rather than the PEM. Cheap to copy (the key is shared), never
// changed, and safe to sign with from several threads at once.
class SigningKey {
 public:
  // The key in `private_key_pem` (any form OpenSSL reads); kInternal if it cannot be read.
  static Result<SigningKey> from_pem(std::string_view private_key_pem);
  // OpenSSL's key, for its signing calls (which do not change it).
  evp_pkey_st* get() const { return key_.get(); }

 private:
  explicit SigningKey(std::shared_ptr<evp_pkey_st> key) : key_(std::move(key)) {}
  std::shared_ptr<evp_pkey_st> key_;
};

// Signs `request` at `now_unix_s` with the private key, naming `key_id` (the actor's key
// URL, "https://host/users/a#main-key"). Covers digest whenever the body is not empty.
// kInternal if OpenSSL fails (or, given as PEM, the key cannot be read).
Result<SignatureHeaders> sign_request(const OutgoingRequest& request, std::string_view key_id,
                                      const SigningKey& key, int64_t now_unix_s);
Result<SignatureHeaders> sign_request(const OutgoingRequest& request, std::string_view key_id,
                                      std::string_view private_key_pem, int64_t now_unix_s);

// A Signature header's parameters.
struct ParsedSignature {
  std::string key_id;
  std::string algorithm;             // lowercased; empty when not given
  std::vector<std::string> headers;  // lowercased, in order; "date" when not given
  std::string signature;             // raw bytes
};
// Parses `keyId="...",algorithm="...",headers="...",signature="..."`: kUnauthorized
// (kMalformed) when keyId or signature is missing, a parameter is not quoted, or the
// signature is not base64.
Result<ParsedSignature> parse_signature_header(std::string_view value);

// A received request, as the verifier reads it.
struct IncomingRequest {
  std::string_view method;
  std::string_view target;
  // A header's value by its lowercase name; nullopt when absent.
  std::function<std::optional<std::string_view>(std::string_view)> header;
  std::string_view body;
};

struct VerifyOptions {
  int64_t now_unix_s = 0;
  // How far the Date may be from now, either way (Mastodon allows 12 hours).
  int64_t max_skew_s = 12 * 3600;
};

// Verifies `signature` (parsed from `request`'s Signature header) against the public
// key, as the header comment says; ok when every check passes.
Status verify_request(const IncomingRequest& request, const ParsedSignature& signature,
                      std::string_view public_key_pem, const VerifyOptions& options);

// The string a signature covers: for each of `headers`, "name: value" joined by "\n",
// with "(request-target)" as "post /path". kUnauthorized (kHeaderMissing) when a named
// header is absent.
Result<std::string> signing_string(const IncomingRequest& request,
                                   const std::vector<std::string>& headers);

}  // namespace publius::federation
