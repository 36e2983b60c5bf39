// Keys: the keys that seal direct messages (docs/sealed-messages.md), and
// the credentials they are wrapped under.
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "domain/microblog.h"
#include "domain/text_format.h"
#include "util/crypto.h"

namespace publius::domain {
namespace {

Result<store::KeyedCredential> stored_as(shield::Credential kind) {
  switch (kind) {
    case shield::Credential::kAccessToken:
      return store::KeyedCredential::kAccessToken;
    case shield::Credential::kWebSession:
      return store::KeyedCredential::kWebSession;
    case shield::Credential::kAuthCode:
      return store::KeyedCredential::kAuthCode;
    case shield::Credential::kRecoveryCode:
    case shield::Credential::kInviteCode:
      break;
  }
  return internal_error("recovery and invite codes keep their wrapped keys with the code");
}

}  // namespace

// ---- ReaderKey ----

ReaderKey::ReaderKey(Keys& keys, int64_t account_id, shield::Credential kind,
                     std::string_view secret)
    : keys_(&keys), account_id_(account_id), kind_(kind), secret_(secret) {}

ReaderKey::~ReaderKey() { sodium_memzero(secret_.data(), secret_.size()); }

ReaderKey& ReaderKey::operator=(ReaderKey&& other) noexcept {
  if (this != &other) {
    sodium_memzero(secret_.data(), secret_.size());
    keys_ = other.keys_;
    account_id_ = other.account_id_;
    kind_ = other.kind_;
    secret_ = std::move(other.secret_);
    other.secret_.clear();
    tried_ = other.tried_;
    keys_ring_ = std::move(other.keys_ring_);
    other.keys_ring_.clear();
  }
  return *this;
}

const KeyRing& ReaderKey::keyring() {
  if (!tried_ && keys_ && !secret_.empty()) {
    tried_ = true;
    auto unlocked = keys_->keyring(kind_, secret_);
    if (unlocked.ok()) {
      keys_ring_ = std::move(unlocked).value();
    } else {
      spdlog::error("sealed messages: a credential's key could not be read: {}",
                    unlocked.error().message);
    }
  }
  return keys_ring_;
}

const shield::SecretKey* ReaderKey::key() {
  const KeyRing& ring = keyring();
  return ring.empty() ? nullptr : &ring.front().key;
}

namespace {

// The content of a sealed envelope opened by the first generation of `ring` it was sealed to.
std::optional<shield::SealedContent> open_with(const KeyRing& ring, std::string_view envelope,
                                               int64_t bound_to, int64_t account_id) {
  for (const auto& generation : ring) {
    auto content = shield::open(envelope, bound_to, account_id, generation.key);
    if (content.ok()) return std::move(content).value();
  }
  return std::nullopt;
}

}  // namespace

void ReaderKey::open(Post& post) {
  if (!is_sealed_unopened(post)) return;
  post.store_revision.clear();  // no longer the post the store's cache holds
  if (auto content = open_with(keyring(), post.sealed, post.id, account_id_)) {
    post.text = std::move(content->text);
    post.html = std::move(content->html);
    post.spoiler_text = std::move(content->spoiler_text);
    post.tags = std::move(content->tags);
    return;
  }
  post.html = std::string(kSealedPlaceholderHtml);
}

void ReaderKey::open(PostEdit& edit) {
  if (edit.sealed.empty() || !edit.html.empty()) return;
  if (auto content = open_with(keyring(), edit.sealed, edit.status_id, account_id_)) {
    edit.text = std::move(content->text);
    edit.html = std::move(content->html);
    edit.spoiler_text = std::move(content->spoiler_text);
    return;
  }
  edit.html = std::string(kSealedPlaceholderHtml);
}

void ReaderKey::open(std::vector<Post>& posts) {
  for (auto& p : posts) open(p);
}

// ---- Keys and credentials ----

void ReaderKey::open(Relationship& rel) {
  if (rel.sealed_note.empty() || !rel.note.empty()) return;
  auto content = open_with(keyring(), rel.sealed_note, rel.target_id, account_id_);
  if (content) rel.note = std::move(content->text);
}

Result<std::optional<shield::SecretKey>> Keys::unlock_with_password(int64_t account_id,
                                                                    std::string_view password) {
  PUBLIUS_ASSIGN_OR_RETURN(auto stored, store_.account_key(account_id));
  if (!stored) {
    // Created before sealing: the first time the password is presented, the account
    // gets its key pair. Nothing was sealed to it before, so nothing is lost.
    shield::KeyPair pair = shield::generate_key_pair();
    PUBLIUS_ASSIGN_OR_RETURN(auto wrapped, shield::wrap_for_password(pair.secret_key, password));
    PUBLIUS_ASSIGN_OR_RETURN(bool added,
                             store_.add_account_key(account_id, {pair.public_key, wrapped}));
    if (added) return std::optional<shield::SecretKey>(std::move(pair.secret_key));
    // A concurrent sign-in gave it one first: use that pair.
    PUBLIUS_ASSIGN_OR_RETURN(stored, store_.account_key(account_id));
    if (!stored) return internal_error("an account key vanished while it was created");
  }
  auto key = shield::unwrap_with_password(stored->password_wrapped_key, password);
  if (!key.ok()) {
    if (key.error().code != ErrorCode::kUnauthorized) return key.take_error();
    return std::optional<shield::SecretKey>();
  }
  return std::optional<shield::SecretKey>(std::move(key).value());
}
Result<std::optional<shield::SecretKey>> Keys::unlock_with_credential(shield::Credential kind,
                                                                      std::string_view secret) {
  if (secret.empty()) return std::optional<shield::SecretKey>();
  PUBLIUS_ASSIGN_OR_RETURN(auto table, stored_as(kind));
  PUBLIUS_ASSIGN_OR_RETURN(auto wrapped, store_.wrapped_key(table, sha256_hex(secret)));
  if (!wrapped) return std::optional<shield::SecretKey>();
  auto key = shield::unwrap_with_credential(wrapped->wrapped_key, kind, secret);
  if (!key.ok()) {
    if (key.error().code != ErrorCode::kUnauthorized) return key.take_error();
    return std::optional<shield::SecretKey>();
  }
  return std::optional<shield::SecretKey>(std::move(key).value());
}
Result<KeyRing> Keys::keyring(shield::Credential kind, std::string_view secret) {
  KeyRing ring;
  if (secret.empty()) return ring;
  PUBLIUS_ASSIGN_OR_RETURN(auto table, stored_as(kind));
  PUBLIUS_ASSIGN_OR_RETURN(auto wrapped, store_.wrapped_key(table, sha256_hex(secret)));
  if (!wrapped) return ring;
  auto key = shield::unwrap_with_credential(wrapped->wrapped_key, kind, secret);
  if (!key.ok()) {
    if (key.error().code != ErrorCode::kUnauthorized) return key.take_error();
    return ring;
  }
  if (wrapped->member_id) return member_keyring(*wrapped->member_id, *key);
  ring.push_back({1, std::move(key).value()});
  return ring;
}

Result<KeyRing> Keys::member_keyring(int64_t member_id, const shield::SecretKey& member_key) {
  PUBLIUS_ASSIGN_OR_RETURN(auto copies, store_.key_copies(member_id));
  KeyRing ring;
  for (const auto& copy : copies) {
    auto key = shield::open_sealed_key(copy.sealed, member_key);
    if (key.ok()) ring.push_back({copy.generation, std::move(key).value()});
  }
  return ring;
}

Result<std::string> Keys::wrap_for(shield::Credential kind, std::string_view secret,
                                   const shield::SecretKey& key) {
  return shield::wrap_for_credential(key, kind, secret);
}

Result<std::string> Keys::seal_note(int64_t owner_id, int64_t target_id, std::string_view comment) {
  PUBLIUS_ASSIGN_OR_RETURN(auto keys, store_.public_keys({owner_id}));
  if (keys.empty())
    return unprocessable(
        "Notes are sealed to your key, which this account does not have yet: "
        "sign in again with your password");
  // Bound to the note's subject, so an envelope cannot be moved onto another account.
  return shield::seal(target_id, {std::string(comment), "", "", {}},
                      {{owner_id, std::move(keys.front().second)}});
}
Result<Post> Keys::sealed_copy(const Post& post, const std::vector<int64_t>& readers) {
  PUBLIUS_ASSIGN_OR_RETURN(auto keys, store_.public_keys(readers));
  std::vector<shield::Recipient> recipients;
  for (auto& [id, public_key] : keys) recipients.push_back({id, std::move(public_key)});
  Post stored = post;
  PUBLIUS_ASSIGN_OR_RETURN(
      stored.sealed,
      shield::seal(post.id, {post.text, post.html, post.spoiler_text, post.tags}, recipients));
  return without_sealed_content(std::move(stored));
}

Post without_sealed_content(Post post) {
  post.text.clear();
  post.html.clear();
  post.spoiler_text.clear();
  post.tags.clear();
  return post;
}

}  // namespace publius::domain
