// Relationships: follows, follow requests, blocks, mutes and endorsements.
#include <algorithm>

#include "domain/microblog.h"
#include "domain/store_errors.h"
#include "domain/text_format.h"

namespace publius::domain {

Result<Relationship> Relationships::set_note(int64_t account_id, int64_t target_id,
                                             std::string_view comment) {
  PUBLIUS_TRY(mb_.accounts().account(target_id));
  if (code_points(comment) > kMaxAccountNote)
    return unprocessable("Validation failed: Comment is too long (maximum is " +
                         std::to_string(kMaxAccountNote) + " characters)");
  std::string sealed;
  if (!comment.empty()) {
    PUBLIUS_ASSIGN_OR_RETURN(sealed, mb_.keys().seal_note(account_id, target_id, comment));
  }
  PUBLIUS_TRY(phrase_store_error(store_.set_account_note(account_id, target_id, sealed)));
  return relationship(account_id, target_id);
}
Result<Relationship> Relationships::relationship(int64_t account_id, int64_t target_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto rels, store_.relationships(account_id, {target_id}));
  return rels.front();
}
Result<Relationship> Relationships::follow(int64_t account_id, int64_t target_id, bool show_reblogs,
                                           bool notify_on_post) {
  PUBLIUS_ASSIGN_OR_RETURN(auto target, mb_.accounts().account(target_id));
  if (target.id == account_id) return forbidden("You cannot follow yourself");
  PUBLIUS_ASSIGN_OR_RETURN(auto rel, relationship(account_id, target_id));
  if (rel.blocking || rel.blocked_by) return forbidden("This action is not allowed");
  PUBLIUS_ASSIGN_OR_RETURN(auto remote, store_.remote_actor(target_id));
  // A silenced server's actors ask, whether the account is locked or not (Mastodon).
  PUBLIUS_ASSIGN_OR_RETURN(bool silenced, mb_.domain_blocks().silences_account(account_id));
  const bool asks = target.locked || remote.has_value() || silenced;
  // A local target hears of the follow, or of the request, in the write that makes it.
  std::vector<Notification> notifications;
  if (!remote) {
    PUBLIUS_ASSIGN_OR_RETURN(
        notifications,
        mb_.delivery().follow_notifications(
            target_id, asks ? NotificationType::kFollowRequest : NotificationType::kFollow,
            account_id));
  }
  PUBLIUS_ASSIGN_OR_RETURN(
      auto outcome, phrase_store_error(store_.follow(account_id, target_id, asks, show_reblogs,
                                                     notify_on_post, notifications)));
  if (outcome == store::FollowOutcome::kFollowing) {
    account_changed(account_id);
    account_changed(target_id);
    mb_.delivery().announce(notifications);
    feeds_.drop(account_id);  // rebuilt with the new account's posts on next read
  } else if (outcome == store::FollowOutcome::kAlready) {
    feeds_.drop(account_id);  // rebuilt as its boosts, now shown or not, decide (reaches_home)
  } else if (remote) {
    PUBLIUS_TRY(mb_.federation().follow_asked(account_id, target_id));
  } else {
    mb_.delivery().announce(notifications);
  }
  return relationship(account_id, target_id);
}
store::EndedFollow Relationships::ending(int64_t follower_id, int64_t followed_id) {
  // Mastodon's lists hold only accounts their owner follows, and one endorses only whom
  // one follows.
  return {.follower_id = follower_id,
          .followed_id = followed_id,
          .leave_lists = true,
          .unendorse = true};
}
Status Relationships::end_follow(int64_t follower_id, int64_t followed_id) {
  PUBLIUS_ASSIGN_OR_RETURN(bool removed, store_.end_follow(ending(follower_id, followed_id)));
  if (removed) {
    feeds_.drop(follower_id);
    account_changed(follower_id);
    account_changed(followed_id);
  }
  return ok_status();
}
Result<Relationship> Relationships::unfollow(int64_t account_id, int64_t target_id) {
  PUBLIUS_TRY(mb_.accounts().account(target_id));
  PUBLIUS_ASSIGN_OR_RETURN(auto remote, store_.remote_actor(target_id));
  PUBLIUS_ASSIGN_OR_RETURN(auto before, relationship(account_id, target_id));
  PUBLIUS_TRY(end_follow(account_id, target_id));
  if (remote && (before.following || before.requested)) {
    PUBLIUS_TRY(store_.resolve_follow_request(account_id, target_id, false, {}));
    PUBLIUS_TRY(mb_.federation().follow_withdrawn(account_id, target_id));
  }
  return relationship(account_id, target_id);
}
Result<Relationship> Relationships::remove_from_followers(int64_t account_id, int64_t follower_id) {
  PUBLIUS_TRY(mb_.accounts().account(follower_id));
  PUBLIUS_TRY(end_follow(follower_id, account_id));
  return relationship(account_id, follower_id);
}
Result<Relationship> Relationships::block(int64_t account_id, int64_t target_id, bool on) {
  PUBLIUS_TRY(mb_.accounts().account(target_id));
  if (target_id == account_id) return forbidden("You cannot block yourself");
  PUBLIUS_ASSIGN_OR_RETURN(auto before, relationship(account_id, target_id));
  // A block severs follows both ways, and the requests for them, as in Mastodon.
  std::vector<store::EndedFollow> ended;
  if (on) ended = {ending(account_id, target_id), ending(target_id, account_id)};
  PUBLIUS_TRY(phrase_store_error(store_.set_block(account_id, target_id, on, ended)));
  account_changed(account_id);
  account_changed(target_id);
  feeds_.drop(account_id);
  feeds_.drop(target_id);
  if (before.blocking != on)
    PUBLIUS_TRY(mb_.federation().block_changed(account_id, target_id, on,
                                               before.following || before.requested));
  return relationship(account_id, target_id);
}
Result<Relationship> Relationships::mute(int64_t account_id, int64_t target_id, bool on,
                                         bool notifications) {
  PUBLIUS_TRY(mb_.accounts().account(target_id));
  if (target_id == account_id) return forbidden("You cannot mute yourself");
  PUBLIUS_TRY(phrase_store_error(store_.set_mute(account_id, target_id, on, notifications)));
  // What reached the feed depended on the mute (reaches_home): rebuilt on the next read, a
  // muted author's posts are out of it and an unmuted one's back in, as Mastodon merges them.
  feeds_.drop(account_id);
  return relationship(account_id, target_id);
}
Result<Relationship> Relationships::resolve_follow_request(int64_t target_id, int64_t requester_id,
                                                           bool accept) {
  PUBLIUS_TRY(mb_.accounts().account(requester_id));
  // The target hears of the follow it accepts in the write that stores it.
  std::vector<Notification> notifications;
  if (accept) {
    PUBLIUS_ASSIGN_OR_RETURN(
        notifications,
        mb_.delivery().follow_notifications(target_id, NotificationType::kFollow, requester_id));
  }
  PUBLIUS_ASSIGN_OR_RETURN(
      bool found, store_.resolve_follow_request(requester_id, target_id, accept, notifications));
  if (!found) return not_found();
  if (accept) {
    account_changed(target_id);
    account_changed(requester_id);
    mb_.delivery().announce(notifications);
    feeds_.drop(requester_id);
  }
  // A remote requester hears the decision.
  PUBLIUS_TRY(mb_.federation().follow_request_resolved(target_id, requester_id, accept));
  // Reported from the target's side, as Mastodon's authorize/reject endpoints do.
  return relationship(target_id, requester_id);
}

Result<Relationship> Relationships::endorse(int64_t account_id, int64_t target_id, bool on) {
  PUBLIUS_TRY(mb_.accounts().account(target_id));
  constexpr std::string_view kNotFollowing =
      "Validation failed: You must be already following the person you want to endorse";
  if (on) {
    PUBLIUS_ASSIGN_OR_RETURN(auto rel, relationship(account_id, target_id));
    if (!rel.following) return unprocessable(std::string(kNotFollowing));
  }
  PUBLIUS_TRY(phrase_store_error(store_.set_endorsement(account_id, target_id, on), kNotFollowing));
  return relationship(account_id, target_id);
}

Result<std::vector<Relationships::FamiliarFollowers>> Relationships::familiar_followers(
    int64_t viewer, const std::vector<int64_t>& account_ids) {
  PUBLIUS_ASSIGN_OR_RETURN(auto hidden, store_.hidden_accounts(viewer));
  std::sort(hidden.accounts.begin(), hidden.accounts.end());
  std::vector<FamiliarFollowers> out;
  for (int64_t id : account_ids) {
    FamiliarFollowers entry{id, {}};
    auto shown = shows_follow_lists(viewer, id);
    if (!shown.ok() && shown.error().code != ErrorCode::kNotFound) return shown.take_error();
    if (shown.ok() && *shown) {
      PUBLIUS_ASSIGN_OR_RETURN(entry.second, store_.followers_followed_by(id, viewer));
      std::erase_if(entry.second, [&](int64_t follower) {
        return std::binary_search(hidden.accounts.begin(), hidden.accounts.end(), follower);
      });
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Result<std::vector<Relationship>> Relationships::relationships(
    int64_t account_id, const std::vector<int64_t>& target_ids) {
  return store_.relationships(account_id, target_ids);
}

Result<bool> Relationships::shows_follow_lists(Viewer viewer, int64_t account_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto account, mb_.accounts().account(account_id));
  if (viewer && *viewer == account_id) return true;
  // An account that hides its collections shows them to itself alone (its counts stay).
  if (account.hide_collections) return false;
  if (!viewer) return true;
  PUBLIUS_ASSIGN_OR_RETURN(auto rel, relationship(*viewer, account_id));
  return !rel.blocked_by;
}

Result<Relationships::AccountRows> Relationships::followers(Viewer viewer, int64_t account_id,
                                                            const Page& page) {
  PUBLIUS_ASSIGN_OR_RETURN(bool shown, shows_follow_lists(viewer, account_id));
  if (!shown) return AccountRows();
  return store_.followers(account_id, page);
}

Result<Relationships::AccountRows> Relationships::following(Viewer viewer, int64_t account_id,
                                                            const Page& page) {
  PUBLIUS_ASSIGN_OR_RETURN(bool shown, shows_follow_lists(viewer, account_id));
  if (!shown) return AccountRows();
  return store_.following(account_id, page);
}

Result<Relationships::AccountRows> Relationships::follow_requests(int64_t account_id,
                                                                  const Page& page) {
  return store_.follow_requests(account_id, page);
}

Result<Relationships::AccountRows> Relationships::blocks(int64_t account_id, const Page& page) {
  return store_.blocks_of(account_id, page);
}

Result<Relationships::AccountRows> Relationships::mutes(int64_t account_id, const Page& page) {
  return store_.mutes_of(account_id, page);
}

Result<Relationships::AccountRows> Relationships::endorsements(int64_t account_id,
                                                               const Page& page) {
  return store_.endorsements(account_id, page);
}

}  // namespace publius::domain
