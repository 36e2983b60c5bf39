// Web Push encryption: RFC 8291's own example byte for byte, both encodings
// decrypting what they encrypt, and refusals of bad keys and tampered messages.
#include "push/web_push_crypto.h"

#include <gtest/gtest.h>

namespace publius::push {
namespace {

std::string b64(std::string_view text) {
  auto raw = from_base64url(text);
  EXPECT_TRUE(raw.ok()) << text;
  return raw.ok() ? *raw : std::string();
}

// RFC 8291 Appendix A.
struct Rfc8291 {
  const std::string plaintext = "When I grow up, I want to be a watermelon";
  const P256KeyPair sender{
      b64("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"),
      b64("BP4z9KsN6nGRTbVYI_"
          "c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8")};
  const P256KeyPair receiver{b64("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"),
                             b64("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-"
                                 "AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4")};
  const std::string auth = b64("BTBZMqHH6r4Tts7J_aSIgg");
  const std::string salt = b64("DGv6ra1nlYgDCS1FRnbzlw");
  const std::string body =
      "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS"
      "6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_"
      "Qulcy4a-fN";
};

TEST(WebPushCrypto, Aes128gcmReproducesRfc8291AppendixA) {
  const Rfc8291 v;
  auto sealed =
      encrypt_aes128gcm_with(v.plaintext, v.receiver.public_key, v.auth, v.sender, v.salt);
  ASSERT_TRUE(sealed.ok()) << sealed.error().message;
  EXPECT_EQ(base64url(sealed->body), v.body);
  auto opened = decrypt_aes128gcm(b64(v.body), v.receiver, v.auth);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(*opened, v.plaintext);
}

TEST(WebPushCrypto, BothEncodingsDecryptWhatTheyEncryptWithFreshKeys) {
  auto receiver = generate_p256_key_pair();
  ASSERT_TRUE(receiver.ok());
  const std::string auth = b64("AAECAwQFBgcICQoLDA0ODw");
  const std::string message = R"({"title":"You were mentioned by ünï","body":"hi"})";

  auto standard = encrypt_aes128gcm(message, receiver->public_key, auth);
  ASSERT_TRUE(standard.ok()) << standard.error().message;
  auto opened = decrypt_aes128gcm(standard->body, *receiver, auth);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(*opened, message);

  auto legacy = encrypt_aesgcm(message, receiver->public_key, auth);
  ASSERT_TRUE(legacy.ok()) << legacy.error().message;
  EXPECT_EQ(legacy->body.size(), message.size() + 2 + 16);  // padding length, tag
  auto legacy_opened =
      decrypt_aesgcm(legacy->body, *receiver, auth, legacy->salt, legacy->sender_public_key);
  ASSERT_TRUE(legacy_opened.ok()) << legacy_opened.error().message;
  EXPECT_EQ(*legacy_opened, message);

  // Each message has its own sender key and salt.
  auto again = encrypt_aesgcm(message, receiver->public_key, auth);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->salt, legacy->salt);
  EXPECT_NE(again->sender_public_key, legacy->sender_public_key);
}

TEST(WebPushCrypto, AesgcmRoundTripsWithTheRfcKeysAndRefusesTampering) {
  const Rfc8291 v;
  auto sealed = encrypt_aesgcm_with(v.plaintext, v.receiver.public_key, v.auth, v.sender, v.salt);
  ASSERT_TRUE(sealed.ok()) << sealed.error().message;
  auto opened = decrypt_aesgcm(sealed->body, v.receiver, v.auth, v.salt, v.sender.public_key);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(*opened, v.plaintext);
  // The aesgcm keys differ from the aes128gcm ones: the same inputs give another ciphertext.
  auto standard =
      encrypt_aes128gcm_with(v.plaintext, v.receiver.public_key, v.auth, v.sender, v.salt);
  ASSERT_TRUE(standard.ok());
  EXPECT_EQ(standard->body.find(sealed->body.substr(2, 16)), std::string::npos);

  std::string tampered = sealed->body;
  tampered[5] ^= 1;
  EXPECT_FALSE(decrypt_aesgcm(tampered, v.receiver, v.auth, v.salt, v.sender.public_key).ok());
  std::string wrong_auth = v.auth;
  wrong_auth[0] ^= 1;
  EXPECT_FALSE(
      decrypt_aesgcm(sealed->body, v.receiver, wrong_auth, v.salt, v.sender.public_key).ok());
}

TEST(WebPushCrypto, RefusesKeysThatAreNoP256PointsAndOversizedMessages) {
  const Rfc8291 v;
  EXPECT_TRUE(is_p256_public_key(v.receiver.public_key));
  std::string off_curve = v.receiver.public_key;
  off_curve[64] ^= 1;
  EXPECT_FALSE(is_p256_public_key(off_curve));
  EXPECT_FALSE(is_p256_public_key(v.receiver.public_key.substr(0, 64)));
  std::string compressed_tag = v.receiver.public_key;
  compressed_tag[0] = 0x02;
  EXPECT_FALSE(is_p256_public_key(compressed_tag));
  EXPECT_FALSE(encrypt_aes128gcm("x", off_curve, v.auth).ok());
  EXPECT_FALSE(encrypt_aesgcm("x", v.receiver.public_key, v.auth.substr(1)).ok());
  EXPECT_FALSE(
      encrypt_aes128gcm(std::string(kMaxPlaintextBytes + 1, 'x'), v.receiver.public_key, v.auth)
          .ok());
  auto largest =
      encrypt_aes128gcm(std::string(kMaxPlaintextBytes, 'x'), v.receiver.public_key, v.auth);
  ASSERT_TRUE(largest.ok());
  EXPECT_EQ(largest->body.size(), size_t{kRecordSize});
  EXPECT_FALSE(check_p256_key_pair({v.sender.private_key, v.receiver.public_key}).ok());
  EXPECT_TRUE(check_p256_key_pair(v.sender).ok());
}

TEST(WebPushCrypto, Base64urlReadsEitherAlphabetWithOrWithoutPadding) {
  EXPECT_EQ(base64url("\xfb\xff"), "-_8");
  EXPECT_EQ(*from_base64url("-_8"), "\xfb\xff");
  EXPECT_EQ(*from_base64url("+/8="), "\xfb\xff");
  EXPECT_FALSE(from_base64url("not base64!").ok());
}

TEST(WebPushCrypto, VapidJwtIsAnEs256SignatureOverItsClaims) {
  const Rfc8291 v;
  auto jwt =
      vapid_jwt(v.sender, "https://push.example.net", 1'800'000'000, "https://social.example");
  ASSERT_TRUE(jwt.ok()) << jwt.error().message;
  const auto first = jwt->find('.');
  const auto second = jwt->rfind('.');
  ASSERT_NE(first, second);
  EXPECT_EQ(b64(jwt->substr(0, first)), R"({"typ":"JWT","alg":"ES256"})");
  EXPECT_EQ(
      b64(jwt->substr(first + 1, second - first - 1)),
      R"({"aud":"https://push.example.net","exp":1800000000,"sub":"https://social.example"})");
  EXPECT_EQ(b64(jwt->substr(second + 1)).size(), 64u);
  EXPECT_TRUE(verify_vapid_jwt(*jwt, v.sender.public_key));
  EXPECT_FALSE(verify_vapid_jwt(*jwt, v.receiver.public_key));
  std::string forged = *jwt;
  forged[first + 3] = forged[first + 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_vapid_jwt(forged, v.sender.public_key));
}

}  // namespace
}  // namespace publius::push
