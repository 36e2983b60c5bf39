#include "push/web_push_crypto.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <sodium.h>

#include <memory>

#include "util/json_writer.h"

namespace publius::push {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using ParamBuild = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_clear_free>>;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using EcdsaSig = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// A P-256 key from its public point and, when given, its private scalar; null when
// they are no valid key (OpenSSL checks the point is on the curve).
Pkey p256_key(std::string_view public_key, std::string_view private_key = {}) {
  if (public_key.size() != kP256PublicKeyBytes || public_key[0] != 0x04) return nullptr;
  if (!private_key.empty() && private_key.size() != kP256PrivateKeyBytes) return nullptr;
  ParamBuild build(OSSL_PARAM_BLD_new());
  Bignum scalar;
  if (!build ||
      !OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, public_key.data(),
                                        public_key.size()))
    return nullptr;
  if (!private_key.empty()) {
    scalar.reset(BN_bin2bn(bytes(private_key), static_cast<int>(private_key.size()), nullptr));
    if (!scalar || !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_PRIV_KEY, scalar.get()))
      return nullptr;
  }
  Params params(OSSL_PARAM_BLD_to_param(build.get()));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw,
                        private_key.empty() ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEYPAIR,
                        params.get()) <= 0)
    return nullptr;
  Pkey key(raw);
  PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  const int valid = private_key.empty() ? EVP_PKEY_public_check(check.get())
                                        : EVP_PKEY_pairwise_check(check.get());
  if (!check || valid != 1) return nullptr;
  return key;
}

// ECDH over P-256: the 32-byte x coordinate of own * peer.
Result<std::string> ecdh(const P256KeyPair& own, std::string_view peer_public_key) {
  Pkey mine = p256_key(own.public_key, own.private_key);
  Pkey peer = p256_key(peer_public_key);
  if (!mine || !peer) return bad_request("not a valid P-256 key");
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, mine.get(), nullptr));
  std::string secret(32, '\0');
  size_t length = secret.size();
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 ||
      EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) <= 0 ||
      EVP_PKEY_derive(ctx.get(), bytes(secret), &length) <= 0 || length != secret.size())
    return internal_error("ECDH failed");
  return secret;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  crypto_auth_hmacsha256_state state;
  std::string out(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_init(&state, bytes(key), key.size());
  crypto_auth_hmacsha256_update(&state, bytes(data), data.size());
  crypto_auth_hmacsha256_final(&state, bytes(out));
  sodium_memzero(&state, sizeof state);
  return out;
}

// RFC 5869 HKDF-SHA-256, for outputs of at most one block (32 bytes), all Web Push needs.
std::string hkdf_extract(std::string_view salt, std::string_view ikm) {
  return hmac_sha256(salt, ikm);
}
std::string hkdf_expand(std::string_view prk, std::string info, size_t length) {
  info.push_back('\x01');
  std::string okm = hmac_sha256(prk, info);
  okm.resize(length);
  return okm;
}

// AES-128-GCM of `plaintext`: the ciphertext with its 16-byte tag appended.
Result<std::string> aes128gcm_seal(std::string_view key, std::string_view nonce,
                                   std::string_view plaintext) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string out(plaintext.size() + 16, '\0');
  int length = 0, final_length = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, bytes(key), bytes(nonce)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), bytes(out), &length, bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), bytes(out) + length, &final_length) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, bytes(out) + plaintext.size()) != 1)
    return internal_error("AES-GCM encryption failed");
  return out;
}

Result<std::string> aes128gcm_open(std::string_view key, std::string_view nonce,
                                   std::string_view sealed) {
  if (sealed.size() < 16) return bad_request("the record is shorter than its tag");
  const size_t length = sealed.size() - 16;
  std::string tag(sealed.substr(length));
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string out(length, '\0');
  int written = 0, final_length = 0;
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, bytes(key), bytes(nonce)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), bytes(out), &written, bytes(sealed), static_cast<int>(length)) !=
          1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, bytes(tag)) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), bytes(out) + written, &final_length) != 1)
    return bad_request("the message does not decrypt");
  return out;
}

std::string with_nul(std::string_view label) {
  std::string out(label);
  out.push_back('\0');
  return out;
}

Status check_inputs(std::string_view plaintext, std::string_view receiver_public_key,
                    std::string_view auth_secret, std::string_view salt) {
  if (plaintext.size() > kMaxPlaintextBytes) return bad_request("the push message is too long");
  if (!is_p256_public_key(receiver_public_key))
    return bad_request("the receiver's key is not a P-256 public key");
  if (auth_secret.size() != kAuthSecretBytes)
    return bad_request("the authentication secret is not 16 bytes");
  if (salt.size() != kSaltBytes) return bad_request("the salt is not 16 bytes");
  return ok_status();
}

// The content encryption key and nonce of RFC 8291 (aes128gcm).
struct KeyAndNonce {
  std::string key, nonce;
};
KeyAndNonce aes128gcm_keys(std::string_view ecdh_secret, std::string_view auth_secret,
                           std::string_view receiver_public_key, std::string_view sender_public_key,
                           std::string_view salt) {
  const std::string key_info =
      with_nul("WebPush: info") + std::string(receiver_public_key) + std::string(sender_public_key);
  const std::string ikm = hkdf_expand(hkdf_extract(auth_secret, ecdh_secret), key_info, 32);
  const std::string prk = hkdf_extract(salt, ikm);
  return {hkdf_expand(prk, with_nul("Content-Encoding: aes128gcm"), 16),
          hkdf_expand(prk, with_nul("Content-Encoding: nonce"), 12)};
}

// The same for the legacy aesgcm: the keys' context names both public keys, with lengths.
KeyAndNonce aesgcm_keys(std::string_view ecdh_secret, std::string_view auth_secret,
                        std::string_view receiver_public_key, std::string_view sender_public_key,
                        std::string_view salt) {
  const std::string ikm =
      hkdf_expand(hkdf_extract(auth_secret, ecdh_secret), with_nul("Content-Encoding: auth"), 32);
  const std::string prk = hkdf_extract(salt, ikm);
  std::string context = with_nul("P-256");
  for (std::string_view key : {receiver_public_key, sender_public_key}) {
    context.push_back(static_cast<char>(key.size() >> 8));
    context.push_back(static_cast<char>(key.size() & 0xff));
    context += key;
  }
  return {hkdf_expand(prk, with_nul("Content-Encoding: aesgcm") + context, 16),
          hkdf_expand(prk, with_nul("Content-Encoding: nonce") + context, 12)};
}

Result<std::string> random_bytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(bytes(out), static_cast<int>(n)) != 1)
    return internal_error("no random bytes from OpenSSL");
  return out;
}

// The receiving side of a decryption: a valid key pair and a 16-byte secret.
Status check_receiver(const P256KeyPair& receiver, std::string_view auth_secret) {
  PUBLIUS_TRY(check_p256_key_pair(receiver));
  if (auth_secret.size() != kAuthSecretBytes)
    return bad_request("the authentication secret is not 16 bytes");
  return ok_status();
}

}  // namespace

std::string base64url(std::string_view data) {
  std::string out(sodium_base64_ENCODED_LEN(data.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), bytes(data), data.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // the NUL
  return out;
}

Result<std::string> from_base64url(std::string_view text) {
  std::string normalized(text);
  while (!normalized.empty() && normalized.back() == '=') normalized.pop_back();
  for (char& c : normalized) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  std::string out(normalized.size() * 3 / 4 + 1, '\0');
  size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(bytes(out), out.size(), normalized.data(), normalized.size(), nullptr,
                        &length, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != normalized.data() + normalized.size())
    return bad_request("not base64url");
  out.resize(length);
  return out;
}

Result<P256KeyPair> generate_p256_key_pair() {
  Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  BIGNUM* raw_scalar = nullptr;
  if (!key || EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_PRIV_KEY, &raw_scalar) != 1)
    return internal_error("P-256 key generation failed");
  Bignum scalar(raw_scalar);
  P256KeyPair pair;
  pair.private_key.assign(kP256PrivateKeyBytes, '\0');
  pair.public_key.assign(kP256PublicKeyBytes, '\0');
  size_t public_length = 0;
  if (BN_bn2binpad(scalar.get(), bytes(pair.private_key), kP256PrivateKeyBytes) !=
          static_cast<int>(kP256PrivateKeyBytes) ||
      EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, bytes(pair.public_key),
                                      pair.public_key.size(), &public_length) != 1 ||
      public_length != kP256PublicKeyBytes)
    return internal_error("P-256 key export failed");
  return pair;
}

bool is_p256_public_key(std::string_view public_key) { return p256_key(public_key) != nullptr; }

Status check_p256_key_pair(const P256KeyPair& pair) {
  if (!p256_key(pair.public_key, pair.private_key)) return bad_request("not a P-256 key pair");
  return ok_status();
}

Result<EncryptedPush> encrypt_aes128gcm_with(std::string_view plaintext,
                                             std::string_view receiver_public_key,
                                             std::string_view auth_secret,
                                             const P256KeyPair& sender, std::string_view salt) {
  PUBLIUS_TRY(check_inputs(plaintext, receiver_public_key, auth_secret, salt));
  PUBLIUS_ASSIGN_OR_RETURN(auto secret, ecdh(sender, receiver_public_key));
  const auto k = aes128gcm_keys(secret, auth_secret, receiver_public_key, sender.public_key, salt);
  std::string record(plaintext);
  record.push_back('\x02');  // the last (and only) record's delimiter, no padding
  PUBLIUS_ASSIGN_OR_RETURN(auto sealed, aes128gcm_seal(k.key, k.nonce, record));
  EncryptedPush out;
  out.body = std::string(salt);
  for (int shift = 24; shift >= 0; shift -= 8)
    out.body.push_back(static_cast<char>((kRecordSize >> shift) & 0xff));
  out.body.push_back(static_cast<char>(sender.public_key.size()));
  out.body += sender.public_key;
  out.body += sealed;
  out.salt = std::string(salt);
  out.sender_public_key = sender.public_key;
  return out;
}

Result<EncryptedPush> encrypt_aes128gcm(std::string_view plaintext,
                                        std::string_view receiver_public_key,
                                        std::string_view auth_secret) {
  PUBLIUS_ASSIGN_OR_RETURN(auto sender, generate_p256_key_pair());
  PUBLIUS_ASSIGN_OR_RETURN(auto salt, random_bytes(kSaltBytes));
  return encrypt_aes128gcm_with(plaintext, receiver_public_key, auth_secret, sender, salt);
}

Result<std::string> decrypt_aes128gcm(std::string_view body, const P256KeyPair& receiver,
                                      std::string_view auth_secret) {
  PUBLIUS_TRY(check_receiver(receiver, auth_secret));
  constexpr size_t kHeaderBeforeKey = kSaltBytes + 4 + 1;
  if (body.size() < kHeaderBeforeKey) return bad_request("the message has no header");
  const std::string_view salt = body.substr(0, kSaltBytes);
  uint32_t record_size = 0;
  for (size_t i = 0; i < 4; ++i)
    record_size = (record_size << 8) | static_cast<unsigned char>(body[kSaltBytes + i]);
  const size_t key_length = static_cast<unsigned char>(body[kSaltBytes + 4]);
  if (body.size() < kHeaderBeforeKey + key_length) return bad_request("the header is cut short");
  const std::string_view sender_public_key = body.substr(kHeaderBeforeKey, key_length);
  const std::string_view sealed = body.substr(kHeaderBeforeKey + key_length);
  if (sealed.size() > record_size) return bad_request("more than one record");
  PUBLIUS_ASSIGN_OR_RETURN(auto secret, ecdh(receiver, sender_public_key));
  const auto k = aes128gcm_keys(secret, auth_secret, receiver.public_key, sender_public_key, salt);
  PUBLIUS_ASSIGN_OR_RETURN(auto record, aes128gcm_open(k.key, k.nonce, sealed));
  // Padding is zeros after the delimiter; the last record's delimiter is 2.
  while (!record.empty() && record.back() == '\0') record.pop_back();
  if (record.empty() || record.back() != '\x02') return bad_request("no last-record delimiter");
  record.pop_back();
  return record;
}

Result<EncryptedPush> encrypt_aesgcm_with(std::string_view plaintext,
                                          std::string_view receiver_public_key,
                                          std::string_view auth_secret, const P256KeyPair& sender,
                                          std::string_view salt) {
  PUBLIUS_TRY(check_inputs(plaintext, receiver_public_key, auth_secret, salt));
  PUBLIUS_ASSIGN_OR_RETURN(auto secret, ecdh(sender, receiver_public_key));
  const auto k = aesgcm_keys(secret, auth_secret, receiver_public_key, sender.public_key, salt);
  std::string record(2, '\0');  // no padding: its length, 0, in two bytes
  record += plaintext;
  PUBLIUS_ASSIGN_OR_RETURN(auto sealed, aes128gcm_seal(k.key, k.nonce, record));
  return EncryptedPush{std::move(sealed), std::string(salt), sender.public_key};
}

Result<EncryptedPush> encrypt_aesgcm(std::string_view plaintext,
                                     std::string_view receiver_public_key,
                                     std::string_view auth_secret) {
  PUBLIUS_ASSIGN_OR_RETURN(auto sender, generate_p256_key_pair());
  PUBLIUS_ASSIGN_OR_RETURN(auto salt, random_bytes(kSaltBytes));
  return encrypt_aesgcm_with(plaintext, receiver_public_key, auth_secret, sender, salt);
}

Result<std::string> decrypt_aesgcm(std::string_view body, const P256KeyPair& receiver,
                                   std::string_view auth_secret, std::string_view salt,
                                   std::string_view sender_public_key) {
  PUBLIUS_TRY(check_receiver(receiver, auth_secret));
  if (salt.size() != kSaltBytes) return bad_request("the salt is not 16 bytes");
  PUBLIUS_ASSIGN_OR_RETURN(auto secret, ecdh(receiver, sender_public_key));
  const auto k = aesgcm_keys(secret, auth_secret, receiver.public_key, sender_public_key, salt);
  PUBLIUS_ASSIGN_OR_RETURN(auto record, aes128gcm_open(k.key, k.nonce, body));
  if (record.size() < 2) return bad_request("no padding length");
  const size_t padding = (static_cast<size_t>(static_cast<unsigned char>(record[0])) << 8) |
                         static_cast<unsigned char>(record[1]);
  if (record.size() < 2 + padding) return bad_request("the padding is longer than the record");
  return record.substr(2 + padding);
}

Result<std::string> vapid_jwt(const P256KeyPair& key, std::string_view audience,
                              int64_t expires_at_s, std::string_view subject) {
  Pkey pkey = p256_key(key.public_key, key.private_key);
  if (!pkey) return internal_error("the VAPID key is not a P-256 key pair");
  std::string claims;
  JsonWriter(claims)
      .begin_object()
      .field("aud", audience)
      .field("exp", expires_at_s)
      .field("sub", subject)
      .end_object();
  const std::string input = base64url(R"({"typ":"JWT","alg":"ES256"})") + "." + base64url(claims);
  MdCtx md(EVP_MD_CTX_new());
  size_t der_length = 0;
  if (!md ||
      EVP_DigestSignInit_ex(md.get(), nullptr, "SHA256", nullptr, nullptr, pkey.get(), nullptr) !=
          1 ||
      EVP_DigestSign(md.get(), nullptr, &der_length, bytes(input), input.size()) != 1)
    return internal_error("ES256 signing failed");
  std::string der(der_length, '\0');
  if (EVP_DigestSign(md.get(), bytes(der), &der_length, bytes(input), input.size()) != 1)
    return internal_error("ES256 signing failed");
  const unsigned char* cursor = bytes(der);
  EcdsaSig sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der_length)));
  if (!sig) return internal_error("ES256 signing failed");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string raw(64, '\0');
  if (BN_bn2binpad(r, bytes(raw), 32) != 32 || BN_bn2binpad(s, bytes(raw) + 32, 32) != 32)
    return internal_error("ES256 signing failed");
  return input + "." + base64url(raw);
}

bool verify_vapid_jwt(std::string_view jwt, std::string_view public_key) {
  const auto dot = jwt.rfind('.');
  Pkey pkey = p256_key(public_key);
  if (dot == std::string_view::npos || !pkey) return false;
  auto raw = from_base64url(jwt.substr(dot + 1));
  if (!raw.ok() || raw->size() != 64) return false;
  EcdsaSig sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(bytes(*raw), 32, nullptr);
  BIGNUM* s = BN_bin2bn(bytes(*raw) + 32, 32, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return false;
  }
  unsigned char* der = nullptr;
  const int der_length = i2d_ECDSA_SIG(sig.get(), &der);
  if (der_length <= 0) return false;
  const std::string_view input = jwt.substr(0, dot);
  MdCtx md(EVP_MD_CTX_new());
  const bool valid = md &&
                     EVP_DigestVerifyInit_ex(md.get(), nullptr, "SHA256", nullptr, nullptr,
                                             pkey.get(), nullptr) == 1 &&
                     EVP_DigestVerify(md.get(), der, static_cast<size_t>(der_length), bytes(input),
                                      input.size()) == 1;
  OPENSSL_free(der);
  return valid;
}

}  // namespace publius::push
