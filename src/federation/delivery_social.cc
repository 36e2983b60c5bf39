// The delivery worker's Like, Announce and Block and their Undo (delivery_worker.h), and
// the ids of a post they name (routes.h).
#include "federation/activities.h"
#include "federation/delivery_worker.h"
#include "federation/routes.h"

namespace publius::federation {

Result<PostActivityIds> post_activity_ids(domain::Microblog& microblog, const domain::Post& post) {
  if (post.remote()) {
    PUBLIUS_ASSIGN_OR_RETURN(auto author, microblog.federation().remote_actor(post.account_id));
    if (!author) return not_found();
    return PostActivityIds{.note = post.uri, .author = author->uri};
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto author, microblog.accounts().account(post.account_id));
  return PostActivityIds{.note = note_uri(microblog.config(), author.username, post.id),
                         .author = actor_url(microblog.config(), author.username)};
}

Result<std::string> parent_note_uri(domain::Microblog& microblog, const domain::Post& post) {
  if (!post.in_reply_to_id) return std::string();
  PUBLIUS_ASSIGN_OR_RETURN(auto parent, microblog.federation().shared_post(*post.in_reply_to_id));
  if (!parent) return std::string();
  auto ids = post_activity_ids(microblog, *parent);
  if (!ids.ok()) {
    if (ids.error().code == ErrorCode::kNotFound) return std::string();
    return ids.take_error();
  }
  return ids->note;
}

Result<std::optional<std::string>> DeliveryWorker::render_social(
    const store::FederationDelivery& delivery, const domain::Account& author) {
  using Kind = store::DeliveryKind;
  const auto& config = microblog_.config();
  const bool undo = delivery.kind == Kind::kUndoLike || delivery.kind == Kind::kUndoAnnounce ||
                    delivery.kind == Kind::kUndoBlock;
  if (delivery.kind == Kind::kBlock || delivery.kind == Kind::kUndoBlock) {
    PUBLIUS_ASSIGN_OR_RETURN(auto blocked,
                             microblog_.federation().remote_actor(delivery.object_id));
    if (!blocked) return std::optional<std::string>();
    return std::optional(block_json(config, author, delivery.object_id, blocked->uri, undo));
  }
  // A Like or Announce, of a post that is still here.
  PUBLIUS_ASSIGN_OR_RETURN(auto post, microblog_.federation().shared_post(delivery.object_id));
  if (!post) return std::optional<std::string>();
  PUBLIUS_ASSIGN_OR_RETURN(auto ids, post_activity_ids(microblog_, *post));
  if (delivery.kind == Kind::kLike || delivery.kind == Kind::kUndoLike)
    return std::optional(like_json(config, author, post->id, ids.note, ids.author, undo));
  return std::optional(
      announce_json(config, author, post->id, ids.note, ids.author, post->visibility, undo));
}

}  // namespace publius::federation
