// Keys: each account's key pair for sealed direct messages and private notes
// (docs/sealed-messages.md). The secret key is stored only wrapped: under the
// password (Argon2id) and under each credential issued (token, session,
// authorization code, recovery code: keyed BLAKE2b of the credential). No
// secret key is kept beyond the call, or the ReaderKey, that unwrapped it.
//
// A collective account (docs/collective-accounts.md) adds one indirection: each
// member has a key pair of its own, its credentials wrap the member's secret key,
// and every generation of the account's key pair is sealed to each member's public
// key. Removing a member makes a new generation sealed to those who stay.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/service.h"
#include "shield/sealing.h"

namespace publius::domain {

// One generation of an account's sealed-message secret key. A one-person account has
// one, generation 1; a collective account gains one each time a member goes.
struct KeyGeneration {
  int64_t generation = 0;
  shield::SecretKey key;
};
// The generations one sign-in holds, newest first.
using KeyRing = std::vector<KeyGeneration>;

class Keys final : private ServiceBase {
 public:
  explicit Keys(Microblog& microblog) : ServiceBase(microblog) {}

  // The account's secret key, unwrapped with the password the caller has just
  // verified. An account without a key pair (created before sealing) gets one
  // now. Empty when the password-wrapped copy does not open.
  Result<std::optional<shield::SecretKey>> unlock_with_password(int64_t account_id,
                                                                std::string_view password);
  // The secret key wrapped under a token, session or authorization code, or
  // empty when that credential carries no copy (or no longer exists). For a member's
  // credential this is the member's own key (member_keyring() opens the account's).
  Result<std::optional<shield::SecretKey>> unlock_with_credential(shield::Credential kind,
                                                                  std::string_view secret);
  // Every key generation a credential opens: the account's key, or for a member's
  // credential each generation sealed to that member. Empty when it opens none.
  Result<KeyRing> keyring(shield::Credential kind, std::string_view secret);
  // The generations sealed to member `member_id`, opened with its secret key.
  Result<KeyRing> member_keyring(int64_t member_id, const shield::SecretKey& member_key);
  // `key` wrapped under the credential `secret` of `kind`, for storing with it.
  Result<std::string> wrap_for(shield::Credential kind, std::string_view secret,
                               const shield::SecretKey& key);
  // The copy of a direct post the store keeps: content sealed to `readers` (who
  // have key pairs) and cleared, so no text, HTML or hashtag of it is stored.
  Result<Post> sealed_copy(const Post& post, const std::vector<int64_t>& readers);
  // `comment` sealed to `owner_id`'s own key, bound to `target_id` (a private
  // account note); 422 when the owner has no key pair yet.
  Result<std::string> seal_note(int64_t owner_id, int64_t target_id, std::string_view comment);
};

// The key that opens sealed posts for one request's reader. It holds the
// credential the request presented and unwraps the account's secret key from it
// on first use; the key is wiped with this object, which lives no longer than
// the request (never cache it). A default ReaderKey (anonymous, app token, a
// token that may not read statuses) opens nothing. Not thread-safe: one
// request, one thread. Move-only.
class ReaderKey {
 public:
  ReaderKey() = default;
  // `keys` is not owned and must outlive this; `secret` is the credential as
  // the client presented it (bearer token, session cookie secret).
  ReaderKey(Keys& keys, int64_t account_id, shield::Credential kind, std::string_view secret);
  ~ReaderKey();
  ReaderKey(ReaderKey&&) noexcept = default;
  ReaderKey& operator=(ReaderKey&& other) noexcept;  // wipes the credential it replaces

  // The reader's unlocked secret key (the newest generation); nullptr when the
  // credential wraps none (issued before sealing) or does not open it.
  const shield::SecretKey* key();
  // Every generation the credential opens, newest first (empty: none).
  const KeyRing& keyring();
  // Fills a sealed post's (or earlier version's) content in place when this
  // reader can open it, else sets a placeholder; others are left as they are.
  void open(Post& post);
  void open(PostEdit& edit);
  void open(std::vector<Post>& posts);
  // A relationship's private note; left empty when this sign-in cannot open it.
  void open(Relationship& rel);

 private:
  Keys* keys_ = nullptr;
  int64_t account_id_ = 0;
  shield::Credential kind_ = shield::Credential::kAccessToken;
  std::string secret_;
  bool tried_ = false;
  KeyRing keys_ring_;
};

// `post` with the content a seal covers (text, HTML, spoiler text, hashtags) removed: the
// stored copy of a sealed post, which each reader opens with its own key.
Post without_sealed_content(Post post);

// Whether a post is sealed and not yet opened for the reader (its content empty).
inline bool is_sealed_unopened(const Post& post) {
  return !post.sealed.empty() && post.html.empty();
}

// What a reader sees of a sealed post it cannot open.
inline constexpr std::string_view kSealedPlaceholderHtml =
    "<p>This direct message is sealed and this sign-in cannot open it. Sign in again with your "
    "password to read it.</p>";

}  // namespace publius::domain
