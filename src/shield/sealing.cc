#include "shield/sealing.h"

#include <sodium.h>

#include <algorithm>
#include <optional>

#include "util/crypto.h"

namespace publius::shield {
namespace {

constexpr size_t kKekBytes = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kSaltBytes = crypto_pwhash_SALTBYTES;
constexpr size_t kSealedKeyBytes = crypto_box_SEALBYTES + kKekBytes;
constexpr unsigned char kEnvelopeVersion = 1;
// Envelopes larger than this are refused as malformed: a post is at most a few KB.
constexpr uint32_t kMaxCiphertext = 1 << 24;
constexpr uint32_t kMaxRecipients = 1 << 16;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// A 32-byte symmetric key that wipes itself.
struct Kek {
  std::array<unsigned char, kKekBytes> bytes{};
  ~Kek() { sodium_memzero(bytes.data(), bytes.size()); }
};

std::string_view context_of(Credential kind) {
  switch (kind) {
    case Credential::kAccessToken:
      return "publius/kek/access-token/v1";
    case Credential::kWebSession:
      return "publius/kek/web-session/v1";
    case Credential::kAuthCode:
      return "publius/kek/auth-code/v1";
    case Credential::kRecoveryCode:
      return "publius/kek/recovery-code/v1";
    case Credential::kInviteCode:
      return "publius/kek/invite-code/v1";
  }
  return "publius/kek/unknown/v1";
}

// BLAKE2b-256 keyed by the kind's context over the secret. The store's lookup hash
// is unkeyed SHA-256 of the same secret, which says nothing about this value.
void derive_credential_kek(Credential kind, std::string_view secret, Kek& out) {
  std::string derived = keyed_hash(context_of(kind), secret);
  std::copy_n(derived.begin(), kKekBytes, out.bytes.begin());
  sodium_memzero(derived.data(), derived.size());
}

// nonce || AEAD(key) with the additional data naming what wraps it.
std::string wrap(const SecretKey& key, const Kek& kek, std::string_view ad) {
  std::string out(kNonceBytes + SecretKey::kBytes + kTagBytes, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, kNonceBytes);
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonceBytes, nullptr, key.data(),
                                             SecretKey::kBytes, bytes(ad), ad.size(), nullptr,
                                             nonce, kek.bytes.data());
  return out;
}

Result<SecretKey> unwrap(std::string_view wrapped, const Kek& kek, std::string_view ad) {
  if (wrapped.size() != kNonceBytes + SecretKey::kBytes + kTagBytes)
    return unauthorized("the wrapped key is malformed");
  SecretKey key;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          key.data(), nullptr, nullptr, bytes(wrapped) + kNonceBytes, wrapped.size() - kNonceBytes,
          bytes(ad), ad.size(), bytes(wrapped), kek.bytes.data()) != 0)
    return unauthorized("the wrapped key does not open with this credential");
  return key;
}

std::string credential_ad(Credential kind) {
  return "publius/wrap/v1/" + std::string(context_of(kind));
}

constexpr std::string_view kPasswordAd = "publius/wrap/v1/password";

Status derive_password_kek(std::string_view password, const unsigned char* salt, Kek& out) {
  if (crypto_pwhash(out.bytes.data(), out.bytes.size(), password.data(), password.size(), salt,
                    work_factors().argon2_ops, work_factors().argon2_memory_bytes,
                    crypto_pwhash_ALG_ARGON2ID13) != 0)
    return internal_error("password key derivation ran out of memory");
  return ok_status();
}

// Little-endian framing for the envelope and its plaintext.
void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_i64(std::string& out, int64_t v) {
  const auto u = static_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
}
void put_string(std::string& out, std::string_view s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

// Reads the framing back; every read is bounds-checked.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  std::optional<uint32_t> u32() {
    if (data_.size() < 4) return std::nullopt;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v |= static_cast<uint32_t>(static_cast<unsigned char>(data_[i])) << (8 * i);
    data_.remove_prefix(4);
    return v;
  }
  std::optional<int64_t> i64() {
    if (data_.size() < 8) return std::nullopt;
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
      v |= static_cast<uint64_t>(static_cast<unsigned char>(data_[i])) << (8 * i);
    data_.remove_prefix(8);
    return static_cast<int64_t>(v);
  }
  std::optional<std::string_view> take(size_t n) {
    if (data_.size() < n) return std::nullopt;
    auto out = data_.substr(0, n);
    data_.remove_prefix(n);
    return out;
  }
  std::optional<std::string> string() {
    auto n = u32();
    if (!n) return std::nullopt;
    auto s = take(*n);
    if (!s) return std::nullopt;
    return std::string(*s);
  }
  bool done() const { return data_.empty(); }

 private:
  std::string_view data_;
};

std::string post_ad(int64_t post_id) {
  std::string ad = "publius/sealed-post/v1/";
  put_i64(ad, post_id);
  return ad;
}

Error malformed() { return internal_error("a sealed envelope is malformed"); }

}  // namespace

SecretKey::~SecretKey() { sodium_memzero(bytes_.data(), bytes_.size()); }

SecretKey::SecretKey(SecretKey&& other) noexcept : bytes_(other.bytes_) {
  sodium_memzero(other.bytes_.data(), other.bytes_.size());
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    sodium_memzero(other.bytes_.data(), other.bytes_.size());
  }
  return *this;
}

std::string SecretKey::public_key() const {
  std::string pk(crypto_box_PUBLICKEYBYTES, '\0');
  crypto_scalarmult_base(reinterpret_cast<unsigned char*>(pk.data()), bytes_.data());
  return pk;
}

KeyPair generate_key_pair() {
  KeyPair pair;
  pair.public_key.assign(crypto_box_PUBLICKEYBYTES, '\0');
  crypto_box_keypair(reinterpret_cast<unsigned char*>(pair.public_key.data()),
                     pair.secret_key.data());
  return pair;
}

Result<std::string> wrap_for_credential(const SecretKey& key, Credential kind,
                                        std::string_view secret) {
  if (secret.empty()) return internal_error("cannot wrap a key under an empty credential");
  Kek kek;
  derive_credential_kek(kind, secret, kek);
  return wrap(key, kek, credential_ad(kind));
}

Result<SecretKey> unwrap_with_credential(std::string_view wrapped, Credential kind,
                                         std::string_view secret) {
  Kek kek;
  derive_credential_kek(kind, secret, kek);
  return unwrap(wrapped, kek, credential_ad(kind));
}

Result<std::string> wrap_for_password(const SecretKey& key, std::string_view password) {
  std::string salt(kSaltBytes, '\0');
  randombytes_buf(salt.data(), salt.size());
  Kek kek;
  PUBLIUS_TRY(derive_password_kek(password, bytes(salt), kek));
  return salt + wrap(key, kek, kPasswordAd);
}

Result<SecretKey> unwrap_with_password(std::string_view wrapped, std::string_view password) {
  if (wrapped.size() <= kSaltBytes) return unauthorized("the wrapped key is malformed");
  Kek kek;
  PUBLIUS_TRY(derive_password_kek(password, bytes(wrapped), kek));
  return unwrap(wrapped.substr(kSaltBytes), kek, kPasswordAd);
}

std::string new_member_salt() {
  std::string salt(kSaltBytes, '\0');
  randombytes_buf(salt.data(), salt.size());
  return salt;
}

namespace {
constexpr std::string_view kMemberLookupContext = "publius/member-lookup/v1";
constexpr std::string_view kMemberWrapContext = "publius/kek/member-password/v1";
constexpr std::string_view kMemberAd = "publius/wrap/v1/member-password";

std::string_view key_view(const std::array<unsigned char, 32>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}
}  // namespace

Result<MemberPasswordKey> MemberPasswordKey::derive(std::string_view password,
                                                    std::string_view salt) {
  if (salt.size() != kSaltBytes) return internal_error("a member salt has the wrong size");
  MemberPasswordKey out;
  Kek kek;
  PUBLIUS_TRY(derive_password_kek(password, bytes(salt), kek));
  out.bytes_ = kek.bytes;
  return out;
}

MemberPasswordKey::~MemberPasswordKey() { sodium_memzero(bytes_.data(), bytes_.size()); }

MemberPasswordKey::MemberPasswordKey(MemberPasswordKey&& other) noexcept : bytes_(other.bytes_) {
  sodium_memzero(other.bytes_.data(), other.bytes_.size());
}

std::string MemberPasswordKey::lookup() const {
  return keyed_hash(key_view(bytes_), kMemberLookupContext);
}

std::string MemberPasswordKey::wrap(const SecretKey& key) const {
  Kek kek;
  std::string derived = keyed_hash(key_view(bytes_), kMemberWrapContext);
  std::copy_n(derived.begin(), kKekBytes, kek.bytes.begin());
  sodium_memzero(derived.data(), derived.size());
  return shield::wrap(key, kek, kMemberAd);
}

Result<SecretKey> MemberPasswordKey::unwrap(std::string_view wrapped) const {
  Kek kek;
  std::string derived = keyed_hash(key_view(bytes_), kMemberWrapContext);
  std::copy_n(derived.begin(), kKekBytes, kek.bytes.begin());
  sodium_memzero(derived.data(), derived.size());
  return shield::unwrap(wrapped, kek, kMemberAd);
}

Result<std::string> seal_key(const SecretKey& key, std::string_view recipient_public_key) {
  if (recipient_public_key.size() != crypto_box_PUBLICKEYBYTES)
    return internal_error("a member's public key is malformed");
  std::string sealed(crypto_box_SEALBYTES + SecretKey::kBytes, '\0');
  if (crypto_box_seal(reinterpret_cast<unsigned char*>(sealed.data()), key.data(),
                      SecretKey::kBytes, bytes(recipient_public_key)) != 0)
    return internal_error("sealing a key failed");
  return sealed;
}

Result<SecretKey> open_sealed_key(std::string_view sealed, const SecretKey& recipient) {
  if (sealed.size() != crypto_box_SEALBYTES + SecretKey::kBytes)
    return unauthorized("the sealed key is malformed");
  SecretKey key;
  const std::string public_key = recipient.public_key();
  if (crypto_box_seal_open(key.data(), bytes(sealed), sealed.size(), bytes(public_key),
                           recipient.data()) != 0)
    return unauthorized("the sealed key does not open with this key");
  return key;
}

Result<std::string> seal(int64_t post_id, const SealedContent& content,
                         const std::vector<Recipient>& recipients) {
  std::string plain;
  put_string(plain, content.text);
  put_string(plain, content.html);
  put_string(plain, content.spoiler_text);
  put_u32(plain, static_cast<uint32_t>(content.tags.size()));
  for (const auto& tag : content.tags) put_string(plain, tag);

  Kek content_key;
  crypto_aead_xchacha20poly1305_ietf_keygen(content_key.bytes.data());
  std::string nonce(kNonceBytes, '\0');
  randombytes_buf(nonce.data(), nonce.size());
  std::string cipher(plain.size() + kTagBytes, '\0');
  const std::string ad = post_ad(post_id);
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<unsigned char*>(cipher.data()), nullptr, bytes(plain), plain.size(),
      bytes(ad), ad.size(), nullptr, bytes(nonce), content_key.bytes.data());
  sodium_memzero(plain.data(), plain.size());

  std::vector<const Recipient*> unique;
  for (const auto& r : recipients) {
    if (r.public_key.size() != crypto_box_PUBLICKEYBYTES) continue;
    const bool seen = std::any_of(unique.begin(), unique.end(), [&](const Recipient* u) {
      return u->account_id == r.account_id;
    });
    if (!seen) unique.push_back(&r);
  }
  std::string out;
  out.push_back(static_cast<char>(kEnvelopeVersion));
  out += nonce;
  put_u32(out, static_cast<uint32_t>(cipher.size()));
  out += cipher;
  put_u32(out, static_cast<uint32_t>(unique.size()));
  for (const Recipient* r : unique) {
    std::string sealed_key(kSealedKeyBytes, '\0');
    if (crypto_box_seal(reinterpret_cast<unsigned char*>(sealed_key.data()),
                        content_key.bytes.data(), content_key.bytes.size(),
                        bytes(r->public_key)) != 0)
      return internal_error("sealing a content key failed");
    put_i64(out, r->account_id);
    out += sealed_key;
  }
  return out;
}

Result<SealedContent> open(std::string_view envelope, int64_t post_id, int64_t account_id,
                           const SecretKey& key) {
  Reader in(envelope);
  auto version = in.take(1);
  if (!version || static_cast<unsigned char>((*version)[0]) != kEnvelopeVersion) return malformed();
  auto nonce = in.take(kNonceBytes);
  auto cipher_size = in.u32();
  if (!nonce || !cipher_size || *cipher_size < kTagBytes || *cipher_size > kMaxCiphertext)
    return malformed();
  auto cipher = in.take(*cipher_size);
  auto count = in.u32();
  if (!cipher || !count || *count > kMaxRecipients) return malformed();
  std::optional<std::string_view> mine;
  for (uint32_t i = 0; i < *count; ++i) {
    auto id = in.i64();
    auto sealed_key = in.take(kSealedKeyBytes);
    if (!id || !sealed_key) return malformed();
    if (*id == account_id) mine = sealed_key;
  }
  if (!in.done()) return malformed();
  if (!mine) return unauthorized("this account is not a recipient of the sealed post");

  Kek content_key;
  const std::string public_key = key.public_key();
  if (crypto_box_seal_open(content_key.bytes.data(), bytes(*mine), mine->size(), bytes(public_key),
                           key.data()) != 0)
    return unauthorized("the sealed post does not open with this key");
  std::string plain(cipher->size() - kTagBytes, '\0');
  const std::string ad = post_ad(post_id);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), nullptr, nullptr, bytes(*cipher),
          cipher->size(), bytes(ad), ad.size(), bytes(*nonce), content_key.bytes.data()) != 0)
    return unauthorized("the sealed post was altered or belongs to another post");

  SealedContent content;
  Reader fields(plain);
  auto text = fields.string();
  auto html = fields.string();
  auto spoiler = fields.string();
  auto tag_count = fields.u32();
  bool ok = text && html && spoiler && tag_count;
  if (ok) {
    content.text = std::move(*text);
    content.html = std::move(*html);
    content.spoiler_text = std::move(*spoiler);
    for (uint32_t i = 0; ok && i < *tag_count; ++i) {
      auto tag = fields.string();
      ok = tag.has_value();
      if (ok) content.tags.push_back(std::move(*tag));
    }
    ok = ok && fields.done();
  }
  sodium_memzero(plain.data(), plain.size());
  if (!ok) return malformed();
  return content;
}

}  // namespace publius::shield
