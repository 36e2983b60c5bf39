// Sealing: the cryptography that keeps direct messages unreadable at rest
// (docs/sealed-messages.md). Pure functions over libsodium; no storage, no I/O.
//
// Each account has an X25519 key pair. The public key is stored in clear; the
// secret key is stored only wrapped (XChaCha20-Poly1305) under key-encryption
// keys derived from the account's credentials:
//   - the password: Argon2id with a salt of its own (not the password hash's);
//   - a high-entropy credential (access token, web session secret, OAuth
//     authorization code, recovery code): keyed BLAKE2b under a context string
//     distinct per kind. The store keeps SHA-256 of those credentials to look
//     them up; that hash does not give the derived key.
// A sealed post is one envelope: a random content key encrypts (AEAD) the
// post's text, HTML, spoiler text and tags, and the content key is sealed
// (crypto_box_seal) to each recipient's public key, listed by account id.
//
// Requires crypto_init() (util/crypto.h) first; then every function is
// thread-safe. Errors are Result values (kInternal for libsodium failures,
// kUnauthorized when a wrapped key or envelope does not open with the key
// given); messages never contain secrets or content. Secrets held here are
// wiped with sodium_memzero when released.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace publius::shield {

// An X25519 secret key in memory. Move-only; wiped on destruction.
class SecretKey {
 public:
  static constexpr size_t kBytes = 32;
  SecretKey() { bytes_.fill(0); }
  ~SecretKey();
  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;

  unsigned char* data() { return bytes_.data(); }
  const unsigned char* data() const { return bytes_.data(); }
  // The matching public key (32 raw bytes), computed from the secret.
  std::string public_key() const;

 private:
  std::array<unsigned char, kBytes> bytes_;
};

struct KeyPair {
  std::string public_key;  // 32 raw bytes
  SecretKey secret_key;
};

// A fresh random key pair.
KeyPair generate_key_pair();

// The kinds of high-entropy credential a secret key can be wrapped under. Each
// has its own derivation context, so one kind's secret never opens another's copy.
enum class Credential { kAccessToken, kWebSession, kAuthCode, kRecoveryCode, kInviteCode };

// Wraps `key` under a key derived from the credential `secret` (as issued to the
// client, e.g. the bearer token). Returns nonce || ciphertext.
Result<std::string> wrap_for_credential(const SecretKey& key, Credential kind,
                                        std::string_view secret);
// The key wrapped by wrap_for_credential(); kUnauthorized when `secret` or
// `kind` is not the one it was wrapped under or the blob was altered.
Result<SecretKey> unwrap_with_credential(std::string_view wrapped, Credential kind,
                                         std::string_view secret);

// Wraps `key` under Argon2id(password, fresh salt) with the process's work factors
// (util/crypto.h: interactive limits, or the test suite's; the blob does not say which).
// Returns salt || nonce || ciphertext. kInternal if Argon2id runs out of memory.
Result<std::string> wrap_for_password(const SecretKey& key, std::string_view password);
// The key wrapped by wrap_for_password(); kUnauthorized on a wrong password.
Result<SecretKey> unwrap_with_password(std::string_view wrapped, std::string_view password);

// Collective accounts (docs/collective-accounts.md). A member's password is stretched
// once, by Argon2id under the account's salt (new_member_salt(), one per account), into a
// MemberPasswordKey; from that key keyed BLAKE2b gives both the value the store finds the
// member by (lookup()) and the key the member's own secret key is wrapped under. So a
// sign-in costs one Argon2id however many members the account has.
std::string new_member_salt();

// The key one member password gives under one account's salt. Move-only; wiped on
// destruction.
class MemberPasswordKey {
 public:
  // kInternal if Argon2id runs out of memory or the salt is not new_member_salt()'s size.
  static Result<MemberPasswordKey> derive(std::string_view password, std::string_view salt);
  ~MemberPasswordKey();
  MemberPasswordKey(MemberPasswordKey&& other) noexcept;
  MemberPasswordKey& operator=(MemberPasswordKey&&) = delete;
  MemberPasswordKey(const MemberPasswordKey&) = delete;
  MemberPasswordKey& operator=(const MemberPasswordKey&) = delete;

  // What the store finds the member by (32 raw bytes); it does not give the wrapping key.
  std::string lookup() const;
  // `key` (the member's secret key) wrapped under this password, and unwrapped again
  // (kUnauthorized when the blob is not this password's).
  std::string wrap(const SecretKey& key) const;
  Result<SecretKey> unwrap(std::string_view wrapped) const;

 private:
  MemberPasswordKey() = default;
  std::array<unsigned char, 32> bytes_{};
};

// A secret key sealed (crypto_box_seal) to a public key, and opened again with the
// matching secret key: how each member holds each generation of its account's key, so
// re-keying needs no member's password. kUnauthorized when it does not open.
Result<std::string> seal_key(const SecretKey& key, std::string_view recipient_public_key);
Result<SecretKey> open_sealed_key(std::string_view sealed, const SecretKey& recipient);

// The content of a direct post that only its recipients may read.
struct SealedContent {
  std::string text;
  std::string html;
  std::string spoiler_text;
  std::vector<std::string> tags;
};

struct Recipient {
  int64_t account_id = 0;
  std::string public_key;  // 32 raw bytes
};

// Seals `content` for `recipients` (duplicates and malformed keys skipped),
// bound to `post_id` so an envelope cannot be moved to another post. An empty
// recipient list yields an envelope nobody can open, never clear text.
Result<std::string> seal(int64_t post_id, const SealedContent& content,
                         const std::vector<Recipient>& recipients);
// Opens an envelope as `account_id` with its secret key. kUnauthorized when the
// account is not a recipient or the key is not the one sealed to; kInternal
// when the envelope is malformed.
Result<SealedContent> open(std::string_view envelope, int64_t post_id, int64_t account_id,
                           const SecretKey& key);

}  // namespace publius::shield
