// Web Push message encryption and VAPID signatures, with OpenSSL (P-256, AES-128-GCM)
// and libsodium (HMAC-SHA-256 for HKDF, base64url):
//   - RFC 8291 "aes128gcm": the RFC 8188 content coding, one record of at most
//     kRecordSize bytes, the sender's public key in the header. Standard subscriptions.
//   - the legacy "aesgcm" of draft-ietf-webpush-encryption-04 over
//     draft-ietf-httpbis-encryption-encoding-03: a 2-byte padding length before the
//     plaintext, salt and sender key sent in the Encryption and Crypto-Key headers.
//     Older clients (Ivory) subscribe with it.
//   - RFC 8292 VAPID: an ES256 JWT signed with the instance's P-256 key.
//
// Keys are raw bytes: a P-256 public key is the 65-byte uncompressed point
// (0x04 || X || Y), a private key the 32-byte big-endian scalar. Every function
// validates its keys (a point not on the curve, a scalar out of range, a wrong
// length) and returns an error rather than crash; messages never contain key
// bytes, endpoints or plaintext.
//
// Pure functions, no state: safe from any thread. Randomness (salts, ephemeral
// keys) comes from OpenSSL's generator; the *_with variants take it as arguments
// so the RFC's example can be reproduced exactly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace publius::push {

inline constexpr size_t kP256PublicKeyBytes = 65;
inline constexpr size_t kP256PrivateKeyBytes = 32;
inline constexpr size_t kAuthSecretBytes = 16;
inline constexpr size_t kSaltBytes = 16;
// The aes128gcm record size written in the header: every push fits one record.
inline constexpr uint32_t kRecordSize = 4096;
// The largest plaintext either encoding takes: what fits one 4096-byte push body
// (aes128gcm: 86-byte header, a delimiter and the 16-byte tag).
inline constexpr size_t kMaxPlaintextBytes = kRecordSize - 86 - 1 - 16;

// Base64url without padding (RFC 4648 §5), as Web Push writes keys.
std::string base64url(std::string_view bytes);
// Decodes base64url, with or without padding; the standard alphabet's '+' and '/' are
// read as '-' and '_' (clients send either). kBadRequest when it is not base64.
Result<std::string> from_base64url(std::string_view text);

struct P256KeyPair {
  std::string private_key;  // 32 bytes
  std::string public_key;   // 65 bytes, uncompressed
};

// A fresh key pair.
Result<P256KeyPair> generate_p256_key_pair();
// Whether `public_key` is a 65-byte uncompressed point on P-256.
bool is_p256_public_key(std::string_view public_key);
// kBadRequest unless `pair` is a valid P-256 key pair whose halves belong together.
Status check_p256_key_pair(const P256KeyPair& pair);

// What the sender puts on the wire for one push message.
struct EncryptedPush {
  std::string body;               // the request body
  std::string salt;               // aesgcm: for the Encryption header (aes128gcm: in the body)
  std::string sender_public_key;  // aesgcm: for Crypto-Key's dh (aes128gcm: in the body)
};

// RFC 8291: encrypts `plaintext` to the subscription's `receiver_public_key` (p256dh)
// and `auth_secret`, with a fresh sender key and salt.
Result<EncryptedPush> encrypt_aes128gcm(std::string_view plaintext,
                                        std::string_view receiver_public_key,
                                        std::string_view auth_secret);
// The same with the sender's key pair and salt given (RFC 8291 Appendix A).
Result<EncryptedPush> encrypt_aes128gcm_with(std::string_view plaintext,
                                             std::string_view receiver_public_key,
                                             std::string_view auth_secret,
                                             const P256KeyPair& sender, std::string_view salt);
// The receiver's side of RFC 8291 (tests and tools): the plaintext of `body`.
// kBadRequest when it does not decrypt.
Result<std::string> decrypt_aes128gcm(std::string_view body, const P256KeyPair& receiver,
                                      std::string_view auth_secret);

// The legacy aesgcm encoding, with a fresh sender key and salt (no padding).
Result<EncryptedPush> encrypt_aesgcm(std::string_view plaintext,
                                     std::string_view receiver_public_key,
                                     std::string_view auth_secret);
Result<EncryptedPush> encrypt_aesgcm_with(std::string_view plaintext,
                                          std::string_view receiver_public_key,
                                          std::string_view auth_secret, const P256KeyPair& sender,
                                          std::string_view salt);
// The receiver's side of aesgcm, given the salt and the sender's key from the headers.
Result<std::string> decrypt_aesgcm(std::string_view body, const P256KeyPair& receiver,
                                   std::string_view auth_secret, std::string_view salt,
                                   std::string_view sender_public_key);

// An RFC 8292 JWT: header {"typ":"JWT","alg":"ES256"}, claims {"aud","exp","sub"},
// signed with `key` (ES256: the raw 64-byte r || s signature, base64url).
Result<std::string> vapid_jwt(const P256KeyPair& key, std::string_view audience,
                              int64_t expires_at_s, std::string_view subject);
// Whether `jwt` carries a valid ES256 signature by `public_key` (tests).
bool verify_vapid_jwt(std::string_view jwt, std::string_view public_key);

}  // namespace publius::push
