// The inbox's Like, Announce and Block, and their Undo (inbox.h).
#include <boost/json.hpp>

#include "federation/activities.h"
#include "federation/inbox.h"
#include "federation/json_fields.h"

namespace publius::federation {

Status Inbox::dispatch_social(const store::RemoteActor& sender,
                              const boost::json::object& activity) {
  const std::string type = string_at(activity, "type");
  const std::string object = object_id(activity);
  if (object.empty()) return bad_request(type + " without an object");
  auto& federation = microblog_.federation();
  if (type == "Like") {
    // Only a post of this server counts another server's likes.
    const auto post_id = parse_note_uri(microblog_.config(), object);
    if (!post_id) return ok_status();
    return federation.receive_like(sender.account_id, *post_id, true);
  }
  if (type == "Announce") {
    return federation.receive_announce(
        sender.account_id, parse_note_uri(microblog_.config(), object), object,
        string_at(activity, "id"), ids_of(activity, "to"), ids_of(activity, "cc"));
  }
  // A Block, of a local account.
  auto local = local_actor(object);
  if (!local.ok()) return ok_status();  // of no one here
  return federation.receive_block(sender.account_id, local->id, true);
}

Status Inbox::undo_social(const store::RemoteActor& sender, const boost::json::object& undone) {
  const std::string type = string_at(undone, "type");
  if (type != "Like" && type != "Announce" && type != "Block") return ok_status();
  if (const auto actor = string_at(undone, "actor"); !actor.empty() && actor != sender.uri)
    return unauthorized("Undo of another actor's " + type);
  const std::string object = object_id(undone);
  if (object.empty()) return bad_request("Undo of a " + type + " without an object");
  auto& federation = microblog_.federation();
  const auto post_id = parse_note_uri(microblog_.config(), object);
  if (type == "Like") {
    if (!post_id) return ok_status();
    return federation.receive_like(sender.account_id, *post_id, false);
  }
  if (type == "Announce")
    return federation.receive_undo_announce(sender.account_id, post_id, object);
  auto local = local_actor(object);
  if (!local.ok()) return ok_status();
  return federation.receive_block(sender.account_id, local->id, false);
}

}  // namespace publius::federation
