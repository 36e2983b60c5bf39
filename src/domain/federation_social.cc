// Federation: likes, boosts and blocks across servers, and Notes fetched by their id
// (federation.h).
#include <algorithm>

#include "domain/federation.h"
#include "domain/microblog.h"
#include "util/time.h"

namespace publius::domain {
namespace {

// What an activity about something this server does not hold, or that its sender may
// not touch, meets: it is accepted and ignored, as Mastodon does.
bool ignorable(const Error& e) {
  return e.code == ErrorCode::kNotFound || e.code == ErrorCode::kForbidden;
}

}  // namespace

Result<int64_t> Federation::resolve_note(std::string_view uri, int hops) {
  PUBLIUS_ASSIGN_OR_RETURN(auto known, store_.status_id_by_uri(uri));
  if (known) return *known;
  const std::string origin = url_origin(uri);
  if (!resolver_ || origin.empty() || origin == url_origin(config_.base_url())) return not_found();
  auto note = resolver_->note_at(uri);
  if (!note.ok())
    return note.error().code == ErrorCode::kUnauthorized ? note.take_error() : not_found();
  // The server asked speaks for its own Notes only, each by an actor of its own.
  if (url_origin(note->uri) != origin) return unauthorized("Note is on another host than asked");
  if (url_origin(note->attributed_to) != origin)
    return unauthorized("Note attributed to an actor on another host");
  PUBLIUS_ASSIGN_OR_RETURN(known, store_.status_id_by_uri(note->uri));  // asked by its page
  if (known) return *known;
  PUBLIUS_ASSIGN_OR_RETURN(auto author, store_.remote_actor_by_uri(note->attributed_to));
  int64_t author_id = 0;
  if (author) {
    author_id = author->account_id;
  } else {
    auto document = resolver_->actor_at(note->attributed_to);
    if (!document.ok()) return not_found();
    if (document->uri != note->attributed_to) return unauthorized("Note's author not found");
    auto saved = save_remote_actor(*document);
    if (!saved.ok()) return not_found();
    author_id = *saved;
  }
  return receive_note_within(author_id, *note, hops);
}

Status Federation::receive_like(int64_t remote_id, int64_t post_id, bool on) {
  PUBLIUS_ASSIGN_OR_RETURN(auto post, store_.status_by_id(post_id));
  // Only a post of this server's counts another server's likes.
  if (!post || post->remote() || post->reblog_of_id) return ok_status();
  auto liked = mb_.posts().set_favourite(remote_id, post_id, on);
  if (!liked.ok() && !ignorable(liked.error())) return liked.take_error();
  return ok_status();
}

Status Federation::receive_announce(int64_t remote_id, std::optional<int64_t> local_post_id,
                                    std::string_view object_uri, std::string announce_uri,
                                    const std::vector<std::string>& to,
                                    const std::vector<std::string>& cc) {
  PUBLIUS_ASSIGN_OR_RETURN(auto actor, store_.remote_actor(remote_id));
  if (!actor) return not_found();
  const Visibility visibility = visibility_of_addressing(to, cc, actor->uri);
  if (visibility == Visibility::kDirect) return ok_status();  // a boost to no one here
  std::optional<int64_t> post_id = local_post_id;
  if (post_id) {
    PUBLIUS_ASSIGN_OR_RETURN(auto post, store_.status_by_id(*post_id));
    if (!post || post->remote()) return ok_status();
  } else {
    // Another server's post matters only to those here who follow the booster.
    PUBLIUS_ASSIGN_OR_RETURN(auto booster, mb_.accounts().account(remote_id));
    if (booster.followers_count == 0) return ok_status();
    auto resolved = resolve_note(object_uri);
    if (!resolved.ok()) {
      const ErrorCode code = resolved.error().code;
      if (code == ErrorCode::kUnauthorized || code == ErrorCode::kUnavailable)
        return resolved.take_error();
      return ok_status();  // not to be had, or not to be kept: nothing to boost
    }
    post_id = *resolved;
  }
  if (url_authority(announce_uri) != url_authority(actor->uri)) announce_uri.clear();
  auto boosted =
      mb_.posts().set_reblog(remote_id, *post_id, true, visibility, std::move(announce_uri));
  if (!boosted.ok() && !ignorable(boosted.error())) return boosted.take_error();
  return ok_status();
}

Status Federation::receive_undo_announce(int64_t remote_id, std::optional<int64_t> local_post_id,
                                         std::string_view object_uri) {
  std::optional<int64_t> post_id = local_post_id;
  if (!post_id) {
    PUBLIUS_ASSIGN_OR_RETURN(post_id, store_.status_id_by_uri(object_uri));
  }
  if (!post_id) return ok_status();
  auto undone = mb_.posts().set_reblog(remote_id, *post_id, false, std::nullopt);
  if (!undone.ok() && !ignorable(undone.error())) return undone.take_error();
  return ok_status();
}

Status Federation::receive_undo_of_id(int64_t remote_id, std::string_view activity_uri) {
  PUBLIUS_ASSIGN_OR_RETURN(auto id, store_.status_id_by_uri(activity_uri));
  if (!id) return ok_status();
  PUBLIUS_ASSIGN_OR_RETURN(auto boost, store_.status_by_id(*id));
  if (!boost || boost->account_id != remote_id || !boost->reblog_of_id) return ok_status();
  auto undone = mb_.posts().set_reblog(remote_id, *boost->reblog_of_id, false, std::nullopt);
  if (!undone.ok() && !ignorable(undone.error())) return undone.take_error();
  return ok_status();
}

Status Federation::receive_block(int64_t remote_id, int64_t local_id, bool on) {
  PUBLIUS_ASSIGN_OR_RETURN(auto target, store_.remote_actor(local_id));
  if (target) return unprocessable("Block of an account that is not on this server");
  auto blocked = mb_.relationships().block(remote_id, local_id, on);
  if (!blocked.ok() && !ignorable(blocked.error())) return blocked.take_error();
  return ok_status();
}

Status Federation::favourite_changed(int64_t account_id, const Post& post, bool on) {
  if (!post.remote()) return ok_status();
  PUBLIUS_ASSIGN_OR_RETURN(auto liker, store_.remote_actor(account_id));
  if (liker) return ok_status();
  // To its author's own inbox, as Mastodon sends a Like.
  PUBLIUS_ASSIGN_OR_RETURN(auto inbox, inbox_of(post.account_id, false));
  if (inbox.empty()) return ok_status();
  return store_.enqueue_deliveries(
      {{.inbox = std::move(inbox),
        .kind = on ? store::DeliveryKind::kLike : store::DeliveryKind::kUndoLike,
        .account_id = account_id,
        .object_id = post.id}},
      now_ms());
}

Status Federation::reblog_changed(int64_t account_id, const Post& post, bool on) {
  if (post.visibility != Visibility::kPublic && post.visibility != Visibility::kUnlisted)
    return ok_status();
  PUBLIUS_ASSIGN_OR_RETURN(auto booster, store_.remote_actor(account_id));
  if (booster) return ok_status();
  PUBLIUS_ASSIGN_OR_RETURN(auto inboxes, store_.follower_inboxes(account_id));
  PUBLIUS_ASSIGN_OR_RETURN(auto author_inbox, inbox_of(post.account_id, true));
  if (!author_inbox.empty() &&
      std::find(inboxes.begin(), inboxes.end(), author_inbox) == inboxes.end())
    inboxes.push_back(std::move(author_inbox));
  std::vector<store::FederationDelivery> deliveries;
  for (auto& inbox : inboxes)
    deliveries.push_back(
        {.inbox = std::move(inbox),
         .kind = on ? store::DeliveryKind::kAnnounce : store::DeliveryKind::kUndoAnnounce,
         .account_id = account_id,
         .object_id = post.id});
  return store_.enqueue_deliveries(deliveries, now_ms());
}

Status Federation::block_changed(int64_t account_id, int64_t target_id, bool on,
                                 bool was_following) {
  PUBLIUS_ASSIGN_OR_RETURN(auto blocker, store_.remote_actor(account_id));
  if (blocker) return ok_status();
  if (on && was_following) {
    PUBLIUS_TRY(store_.resolve_follow_request(account_id, target_id, false, {}));
    PUBLIUS_TRY(follow_withdrawn(account_id, target_id));
  }
  return to_remote_inbox(account_id, target_id,
                         on ? store::DeliveryKind::kBlock : store::DeliveryKind::kUndoBlock, {});
}

Result<std::optional<Post>> Federation::shared_post(int64_t post_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto post, store_.status_by_id(post_id));
  if (!post || post->reblog_of_id) return std::optional<Post>();
  return post;
}

Result<std::string> Federation::inbox_of(int64_t account_id, bool shared) {
  PUBLIUS_ASSIGN_OR_RETURN(auto remote, store_.remote_actor(account_id));
  if (!remote) return std::string();
  return shared && !remote->shared_inbox.empty() ? remote->shared_inbox : remote->inbox;
}

Status Federation::add_addressee_inboxes(const Post& post, std::vector<std::string>& inboxes) {
  std::vector<int64_t> addressees = post.mention_account_ids;
  if (post.in_reply_to_account_id) addressees.push_back(*post.in_reply_to_account_id);
  for (int64_t id : addressees) {
    if (id == post.account_id) continue;
    PUBLIUS_ASSIGN_OR_RETURN(auto inbox, inbox_of(id, true));
    if (!inbox.empty() && std::find(inboxes.begin(), inboxes.end(), inbox) == inboxes.end())
      inboxes.push_back(std::move(inbox));
  }
  return ok_status();
}

}  // namespace publius::domain
