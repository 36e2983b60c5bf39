// Microblog: follows, follow requests, blocks and mutes.
#include "domain/microblog.h"
#include "domain/store_errors.h"

namespace publius::domain {

Result<Relationship> Microblog::relationship(int64_t account_id, int64_t target_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto rels, store_.relationships(account_id, {target_id}));
  return rels.front();
}

Result<Relationship> Microblog::follow(int64_t account_id, int64_t target_id, bool show_reblogs,
                                       bool notify_on_post) {
  PUBLIUS_ASSIGN_OR_RETURN(auto target, account(target_id));
  if (target.id == account_id) return forbidden("You cannot follow yourself");
  PUBLIUS_ASSIGN_OR_RETURN(auto rel, relationship(account_id, target_id));
  if (rel.blocking || rel.blocked_by) return forbidden("This action is not allowed");
  PUBLIUS_ASSIGN_OR_RETURN(auto outcome,
                           phrase_store_error(store_.follow(account_id, target_id, target.locked,
                                                            show_reblogs, notify_on_post)));
  if (outcome == store::FollowOutcome::kFollowing) {
    account_changed(account_id);
    account_changed(target_id);
    PUBLIUS_TRY(notify(target_id, NotificationType::kFollow, account_id, std::nullopt));
    feeds_.drop(account_id);  // rebuilt with the new account's posts on next read
  } else if (outcome == store::FollowOutcome::kRequested) {
    PUBLIUS_TRY(notify(target_id, NotificationType::kFollowRequest, account_id, std::nullopt));
  }
  return relationship(account_id, target_id);
}

Status Microblog::end_follow(int64_t follower_id, int64_t followed_id) {
  PUBLIUS_ASSIGN_OR_RETURN(bool removed, store_.unfollow(follower_id, followed_id));
  if (removed) {
    feeds_.drop(follower_id);
    account_changed(follower_id);
    account_changed(followed_id);
  }
  return ok_status();
}

Result<Relationship> Microblog::unfollow(int64_t account_id, int64_t target_id) {
  PUBLIUS_TRY(account(target_id));
  PUBLIUS_TRY(end_follow(account_id, target_id));
  return relationship(account_id, target_id);
}

Result<Relationship> Microblog::remove_from_followers(int64_t account_id, int64_t follower_id) {
  PUBLIUS_TRY(account(follower_id));
  PUBLIUS_TRY(end_follow(follower_id, account_id));
  return relationship(account_id, follower_id);
}

Result<Relationship> Microblog::block(int64_t account_id, int64_t target_id, bool on) {
  PUBLIUS_TRY(account(target_id));
  if (target_id == account_id) return forbidden("You cannot block yourself");
  PUBLIUS_TRY(phrase_store_error(store_.set_block(account_id, target_id, on)));
  account_changed(account_id);
  account_changed(target_id);
  feeds_.drop(account_id);
  feeds_.drop(target_id);
  return relationship(account_id, target_id);
}

Result<Relationship> Microblog::mute(int64_t account_id, int64_t target_id, bool on,
                                     bool notifications) {
  PUBLIUS_TRY(account(target_id));
  if (target_id == account_id) return forbidden("You cannot mute yourself");
  PUBLIUS_TRY(phrase_store_error(store_.set_mute(account_id, target_id, on, notifications)));
  return relationship(account_id, target_id);
}

Result<Relationship> Microblog::resolve_follow_request(int64_t target_id, int64_t requester_id,
                                                       bool accept) {
  PUBLIUS_TRY(account(requester_id));
  PUBLIUS_ASSIGN_OR_RETURN(bool found,
                           store_.resolve_follow_request(requester_id, target_id, accept));
  if (!found) return not_found();
  if (accept) {
    account_changed(target_id);
    account_changed(requester_id);
    PUBLIUS_TRY(notify(target_id, NotificationType::kFollow, requester_id, std::nullopt));
    feeds_.drop(requester_id);
  }
  // Reported from the target's side, as Mastodon's authorize/reject endpoints do.
  return relationship(target_id, requester_id);
}

}  // namespace publius::domain
