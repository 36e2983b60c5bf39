// Accounts: registration, profiles, lookups and erasure. Account ids are plain
// sequence numbers (they must not reveal when an account was made).
#pragma once

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "domain/service.h"

namespace publius::domain {

class Accounts final : private ServiceBase {
 public:
  explicit Accounts(Microblog& microblog) : ServiceBase(microblog) {}

  // A new account with its key pair and recovery codes. A 422 names every refused
  // field with Mastodon's codes (util/result.h validation_failed): a username that
  // is not one (username_errors), reserved (is_reserved_username) or taken
  // (ERR_TAKEN), a password outside the rule (password_errors), and, where the
  // way of signing up asks for it (the API's `agreement` to the server's rules;
  // the web form and the operator's command do not), an agreement not given
  // (ERR_ACCEPTED).
  Result<RegisteredAccount> register_account(std::string_view username, std::string_view password,
                                             Role role = Role::kUser,
                                             std::optional<bool> agreement = std::nullopt);
  Result<Account> account(int64_t id);
  Result<Account> account_by_acct(std::string_view acct);  // "name" or "name@our.domain"
  // The accounts of `ids` that exist, in that order.
  Result<std::vector<Account>> accounts(const std::vector<int64_t>& ids);
  // Profile and posting defaults; a default language must be ISO 639-1 (or empty).
  // New profile pictures are processed as media uploads are (every byte of
  // metadata dropped), cropped to Mastodon's sizes (kAvatarSide square,
  // kHeaderWidth x kHeaderHeight) and count against the uploads decoded at once
  // (429 beyond). Everything is checked before anything is written, so a bad
  // field or image (422) changes nothing; the files of replaced pictures are
  // erased.
  Result<Account> update_profile(int64_t id, const ProfileChange& change,
                                 const NewProfilePictures& pictures = {});
  // Back to the default picture, its file erased; unchanged when there was none.
  Result<Account> remove_profile_picture(int64_t id, ProfilePicture which);
  // The profile directory: the accounts whose owners chose to be listed
  // (Account::discoverable), in `order`, from `offset`; a signed-in viewer's blocked,
  // blocking and muted accounts are left out, as Mastodon does.
  Result<std::vector<Account>> directory(Viewer viewer, DirectoryOrder order, int64_t offset,
                                         int limit);
  // Sets an account's role (the operator's command).
  Status set_role(int64_t id, Role role);
  // Erases the account and everything of it (store::Store::delete_account), drops
  // the warm home feeds that held its posts, and erases the old bytes from the
  // store's files at once (store::Store::erase_deleted). kNotFound for an unknown
  // account. The one path for self-service (web settings), operator CLI and admin API.
  Status delete_account(int64_t account_id);
  // What anyone may know of the instance: accounts, and posts anyone may see.
  Result<InstanceStats> instance_stats();
  // The same with activity, for NodeInfo, every figure rounded (round_up_coarsely): a
  // sign-in or a post moves a figure only when it crosses a bucket, so watching the
  // figures does not tell when anyone was active.
  Result<InstanceUsage> usage(int64_t now_ms);
  // The account's ActivityPub actor key, made by `make` and kept on first need, so
  // registration does not pay for an RSA key. kNotFound for an unknown account.
  Result<store::ActorKey> actor_key(int64_t account_id,
                                    const std::function<Result<store::ActorKey>()>& make);

 private:
  // Every post and boost of the account that a ChangeObserver may hold rendered.
  Result<std::vector<int64_t>> cached_post_ids_of(int64_t account_id);
};

// `n` rounded up to the next of 1, 2, 5, 10, 20, 50, ... (0 stays 0).
int64_t round_up_coarsely(int64_t n);

// Username rule: 1-30 of [A-Za-z0-9_], as Mastodon. username_errors() says what
// breaks it, under the field "username" (ERR_BLANK, ERR_INVALID, ERR_TOO_LONG).
bool is_valid_username(std::string_view username);
std::vector<FieldError> username_errors(std::string_view username);
// Names no one may sign up with (ASCII case ignored): Mastodon's reserved ones,
// which a newcomer could use to pass for the operator ("admin", "support", ...).
bool is_reserved_username(std::string_view username);

}  // namespace publius::domain
