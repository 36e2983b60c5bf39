// Relationships: follows and follow requests, blocks, mutes, endorsements
// (accounts featured on a profile), and the private note one account keeps on
// another. Each action returns the new relationship
// as seen from the acting account.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "domain/service.h"

namespace publius::domain {

class Relationships final : private ServiceBase {
 public:
  explicit Relationships(Microblog& microblog) : ServiceBase(microblog) {}

  Result<Relationship> relationship(int64_t account_id, int64_t target_id);
  // Relationships with each of `target_ids` (unknown ones included, all false).
  Result<std::vector<Relationship>> relationships(int64_t account_id,
                                                  const std::vector<int64_t>& target_ids);
  // A remote target is always asked (a follow request until its server accepts, which
  // federation tells it: Federation::follow_asked); unfollowing it also withdraws a
  // request, and its server hears (Federation::follow_withdrawn).
  Result<Relationship> follow(int64_t account_id, int64_t target_id, bool show_reblogs,
                              bool notify);
  Result<Relationship> unfollow(int64_t account_id, int64_t target_id);
  // The owner's private note on `target_id` (Mastodon's account note, at most
  // kMaxAccountNote characters; empty removes it), sealed to the owner's own key.
  Result<Relationship> set_note(int64_t account_id, int64_t target_id, std::string_view comment);
  // Ends `follower_id`'s follow of `account_id` (their lists drop it too, as on unfollow).
  Result<Relationship> remove_from_followers(int64_t account_id, int64_t follower_id);
  Result<Relationship> block(int64_t account_id, int64_t target_id, bool on);
  Result<Relationship> mute(int64_t account_id, int64_t target_id, bool on, bool notifications);
  // Reported from the target's side, as Mastodon's authorize/reject endpoints do.
  Result<Relationship> resolve_follow_request(int64_t target_id, int64_t requester_id, bool accept);
  // Features `target_id` on the account's profile (Mastodon's endorsement, "pin"), or
  // stops; idempotent. Only an account it follows (422 otherwise); whatever ends the
  // follow (unfollow, removal from followers, a block) ends the endorsement with it.
  Result<Relationship> endorse(int64_t account_id, int64_t target_id, bool on);
  // For each of `account_ids` in order (unknown ones included): its followers that
  // `viewer` follows (Mastodon's familiar followers), without the accounts the viewer
  // blocks, is blocked by or mutes; none of an account that blocks the viewer.
  using FamiliarFollowers = std::pair<int64_t, std::vector<int64_t>>;
  Result<std::vector<FamiliarFollowers>> familiar_followers(
      int64_t viewer, const std::vector<int64_t>& account_ids);

  // Lists of accounts, each a page of rows (row id, account id), newest first.
  // Followers and following of an account (kNotFound for an unknown one), as `viewer`
  // may see them: an account that blocks the viewer, or that hides its collections
  // (Account::hide_collections) from anyone but itself, shows neither (an empty list,
  // as Mastodon answers; the counts stay).
  using AccountRows = std::vector<std::pair<int64_t, int64_t>>;
  Result<AccountRows> followers(Viewer viewer, int64_t account_id, const Page& page);
  Result<AccountRows> following(Viewer viewer, int64_t account_id, const Page& page);
  // The account's own: who asks to follow it, whom it blocks and mutes.
  Result<AccountRows> follow_requests(int64_t account_id, const Page& page);
  Result<AccountRows> blocks(int64_t account_id, const Page& page);
  Result<AccountRows> mutes(int64_t account_id, const Page& page);
  Result<AccountRows> endorsements(int64_t account_id, const Page& page);
  // Ends a follow, if there is one, and drops the follower's warm home feed (what a
  // remote Reject of a follow does, with nothing sent back).
  Status end_follow(int64_t follower_id, int64_t followed_id);

 private:
  // Whether `viewer` may see the follow lists of `account_id` (kNotFound: no such account).
  Result<bool> shows_follow_lists(Viewer viewer, int64_t account_id);
  // What ending the follow of `followed_id` by `follower_id` takes with it.
  static store::EndedFollow ending(int64_t follower_id, int64_t followed_id);
};

inline constexpr size_t kMaxAccountNote = 2000;

}  // namespace publius::domain
