// The sealing primitives: key wrapping under each kind of credential, and
// envelopes that open only for their recipients.
#include "shield/sealing.h"

#include <gtest/gtest.h>

#include "util/crypto.h"

namespace publius::shield {
namespace {

class SealingTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(crypto_init().ok()); }

  static std::string raw(const SecretKey& k) {
    return std::string(reinterpret_cast<const char*>(k.data()), SecretKey::kBytes);
  }
};

TEST_F(SealingTest, KeyPairsAreFreshAndConsistent) {
  KeyPair a = generate_key_pair(), b = generate_key_pair();
  EXPECT_EQ(a.public_key.size(), 32u);
  EXPECT_EQ(a.secret_key.public_key(), a.public_key);
  EXPECT_NE(a.public_key, b.public_key);
}

TEST_F(SealingTest, MovingAKeyWipesTheSource) {
  KeyPair a = generate_key_pair();
  const std::string before = raw(a.secret_key);
  SecretKey moved = std::move(a.secret_key);
  EXPECT_EQ(raw(moved), before);
  EXPECT_EQ(raw(a.secret_key), std::string(SecretKey::kBytes, '\0'));  // NOLINT: wiped on move
}

TEST_F(SealingTest, CredentialWrapOpensOnlyWithTheSameSecretAndKind) {
  KeyPair pair = generate_key_pair();
  const std::string token = random_token(32);
  auto wrapped = wrap_for_credential(pair.secret_key, Credential::kAccessToken, token);
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(wrapped->find(raw(pair.secret_key)), std::string::npos);

  auto opened = unwrap_with_credential(*wrapped, Credential::kAccessToken, token);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(raw(*opened), raw(pair.secret_key));

  EXPECT_EQ(
      unwrap_with_credential(*wrapped, Credential::kAccessToken, random_token(32)).error().code,
      ErrorCode::kUnauthorized);
  EXPECT_FALSE(unwrap_with_credential(*wrapped, Credential::kWebSession, token).ok());
  // What the store keeps to look the token up does not open the key.
  EXPECT_FALSE(unwrap_with_credential(*wrapped, Credential::kAccessToken, sha256_hex(token)).ok());
  std::string altered = *wrapped;
  altered.back() ^= 1;
  EXPECT_FALSE(unwrap_with_credential(altered, Credential::kAccessToken, token).ok());
  EXPECT_FALSE(unwrap_with_credential("short", Credential::kAccessToken, token).ok());
  EXPECT_FALSE(wrap_for_credential(pair.secret_key, Credential::kAuthCode, "").ok());
}

TEST_F(SealingTest, PasswordWrapUsesItsOwnSaltAndOpensOnlyWithThePassword) {
  KeyPair pair = generate_key_pair();
  auto one = wrap_for_password(pair.secret_key, "correct horse battery staple");
  auto two = wrap_for_password(pair.secret_key, "correct horse battery staple");
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_NE(*one, *two);  // fresh salt and nonce every time
  auto opened = unwrap_with_password(*one, "correct horse battery staple");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(raw(*opened), raw(pair.secret_key));
  EXPECT_EQ(unwrap_with_password(*one, "wrong horse").error().code, ErrorCode::kUnauthorized);
  EXPECT_FALSE(unwrap_with_password("", "correct horse battery staple").ok());
}

TEST_F(SealingTest, EnvelopeOpensForEachRecipientAndNobodyElse) {
  KeyPair author = generate_key_pair(), reader = generate_key_pair(),
          outsider = generate_key_pair();
  SealedContent content{"hello Quokka42", "<p>hello Quokka42</p>", "careful", {"Tag", "other"}};
  auto envelope = seal(7, content, {{1, author.public_key}, {2, reader.public_key}});
  ASSERT_TRUE(envelope.ok());
  for (const char* clear : {"Quokka42", "careful", "Tag", "other"})
    EXPECT_EQ(envelope->find(clear), std::string::npos) << clear;

  for (auto [id, key] :
       {std::pair<int64_t, const SecretKey*>{1, &author.secret_key}, {2, &reader.secret_key}}) {
    auto opened = open(*envelope, 7, id, *key);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    EXPECT_EQ(opened->text, content.text);
    EXPECT_EQ(opened->html, content.html);
    EXPECT_EQ(opened->spoiler_text, content.spoiler_text);
    EXPECT_EQ(opened->tags, content.tags);
  }
  EXPECT_EQ(open(*envelope, 7, 3, outsider.secret_key).error().code, ErrorCode::kUnauthorized);
  // Another account's key under a recipient's id, or the envelope moved to another post.
  EXPECT_FALSE(open(*envelope, 7, 2, outsider.secret_key).ok());
  EXPECT_FALSE(open(*envelope, 8, 2, reader.secret_key).ok());
}

TEST_F(SealingTest, MalformedEnvelopesAreErrorsNotCrashes) {
  KeyPair reader = generate_key_pair();
  auto envelope = seal(1, {"text", "<p>text</p>", "", {}}, {{5, reader.public_key}});
  ASSERT_TRUE(envelope.ok());
  for (size_t cut = 0; cut < envelope->size(); ++cut)
    EXPECT_FALSE(open(envelope->substr(0, cut), 1, 5, reader.secret_key).ok()) << cut;
  std::string flipped = *envelope;
  flipped[40] ^= 0x40;
  EXPECT_FALSE(open(flipped, 1, 5, reader.secret_key).ok());
  EXPECT_FALSE(open(*envelope + "x", 1, 5, reader.secret_key).ok());
  EXPECT_FALSE(open(std::string(4096, '\xff'), 1, 5, reader.secret_key).ok());
}

TEST_F(SealingTest, NoRecipientsStillSealsAndBadKeysAreSkipped) {
  KeyPair reader = generate_key_pair();
  auto nobody = seal(1, {"Secretword", "<p>Secretword</p>", "", {}}, {});
  ASSERT_TRUE(nobody.ok());
  EXPECT_EQ(nobody->find("Secretword"), std::string::npos);
  EXPECT_FALSE(open(*nobody, 1, 5, reader.secret_key).ok());
  auto skipped = seal(1, {"t", "<p>t</p>", "", {}},
                      {{4, "not a key"}, {5, reader.public_key}, {5, reader.public_key}});
  ASSERT_TRUE(skipped.ok());
  EXPECT_TRUE(open(*skipped, 1, 5, reader.secret_key).ok());
  EXPECT_FALSE(open(*skipped, 1, 4, reader.secret_key).ok());
}

TEST_F(SealingTest, AMemberPasswordGivesOneLookupPerSaltAndWrapsOnlyForItself) {
  const std::string salt = new_member_salt();
  auto key = MemberPasswordKey::derive("member password", salt);
  auto again = MemberPasswordKey::derive("member password", salt);
  auto other_salt = MemberPasswordKey::derive("member password", new_member_salt());
  auto other_password = MemberPasswordKey::derive("other password", salt);
  ASSERT_TRUE(key.ok() && again.ok() && other_salt.ok() && other_password.ok());
  EXPECT_EQ(key->lookup(), again->lookup());
  EXPECT_NE(key->lookup(), other_salt->lookup());
  EXPECT_NE(key->lookup(), other_password->lookup());
  const KeyPair member = generate_key_pair();
  const std::string wrapped = key->wrap(member.secret_key);
  auto opened = again->unwrap(wrapped);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->public_key(), member.public_key);
  EXPECT_EQ(other_password->unwrap(wrapped).error().code, ErrorCode::kUnauthorized);
  EXPECT_FALSE(MemberPasswordKey::derive("member password", "short salt").ok());
}

TEST_F(SealingTest, ASealedKeyOpensOnlyForItsRecipient) {
  const KeyPair account = generate_key_pair();
  const KeyPair member = generate_key_pair();
  const KeyPair stranger = generate_key_pair();
  auto sealed = seal_key(account.secret_key, member.public_key);
  ASSERT_TRUE(sealed.ok());
  auto opened = open_sealed_key(*sealed, member.secret_key);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->public_key(), account.public_key);
  EXPECT_EQ(open_sealed_key(*sealed, stranger.secret_key).error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(open_sealed_key("short", member.secret_key).error().code, ErrorCode::kUnauthorized);
  EXPECT_FALSE(seal_key(account.secret_key, "not a key").ok());
}

}  // namespace
}  // namespace publius::shield
