// ActivityPub documents in and out: reading a remote actor document and a Note, and rendering
// the activities this server sends (Accept/Reject of a Follow, Create and Delete of
// a Note, Follow and Undo(Follow)) and the Note itself. Pure functions over domain values;
// thread-safe.
#pragma once

#include <boost/json/fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "domain/federation.h"
#include "domain/model.h"
#include "domain/types.h"
#include "store/store.h"
#include "util/result.h"

namespace publius::federation {

// A fresh RSA-2048 actor key for a local account (Accounts::actor_key makes one on first
// need with this).
Result<store::ActorKey> make_actor_key();

// Reads an actor document (a Person, Service, Application, Group or Organization with
// an inbox and a publicKey). kBadRequest when it is not JSON or not such an actor.
// The host rules (key and inboxes on the actor's host) are the domain's
// (Federation::save_remote_actor).
Result<domain::RemoteActorDocument> parse_actor(std::string_view json);

// Reads a Note, or a Question as a Note (its options left out), embedded in an
// activity: its content sanitized (sanitize_html), its summary as text, its addressing,
// Mention and Hashtag tags and inReplyTo as written (an id, or an object's id). What
// names this server (local mentions, a reply to a local post) the inbox resolves.
// kBadRequest when it is no such object or has no id or author.
Result<domain::RemoteNote> parse_note(const boost::json::object& note);

// The URL of a local post as ActivityPub names it: <actor>/statuses/<id>.
std::string note_uri(const domain::InstanceConfig& config, std::string_view username,
                     int64_t post_id);
// The post id in a note_uri() of this server; nullopt for any other URL.
std::optional<int64_t> parse_note_uri(const domain::InstanceConfig& config, std::string_view uri);

// The Note of a local post (public, unlisted or followers-only), addressed as
// Mastodon addresses its visibility and to the remote accounts it mentions, with a
// Mention tag for each of `mentions` (Federation::note_mentions) and a Hashtag tag
// for each of its hashtags.
std::string note_json(const domain::InstanceConfig& config, const domain::Account& author,
                      const domain::Post& post, const std::vector<domain::NoteMention>& mentions);
// Create(Note) and Delete(Tombstone) of a post, by its author.
std::string create_note_json(const domain::InstanceConfig& config, const domain::Account& author,
                             const domain::Post& post,
                             const std::vector<domain::NoteMention>& mentions);
std::string delete_note_json(const domain::InstanceConfig& config, const domain::Account& author,
                             int64_t post_id);
// Accept or Reject of the Follow `follow_uri` by `follower_uri` of the local `followed`.
std::string follow_answer_json(const domain::InstanceConfig& config,
                               const domain::Account& followed, std::string_view follower_uri,
                               std::string_view follow_uri, bool accepted);

// The id of the Follow by which local `follower` asks to follow the remote account
// `followed_id`: <actor>/follows/<followed_id>, the same each time, so that an Accept or
// Reject names whom it answers (followed_id_in_follow_uri()).
std::string follow_uri(const domain::InstanceConfig& config, std::string_view follower,
                       int64_t followed_id);
// The follower's username and the followed account's id in a follow_uri() of this
// server; nullopt for any other URL.
struct FollowUriParts {
  std::string follower;
  int64_t followed_id = 0;
};
std::optional<FollowUriParts> parse_follow_uri(const domain::InstanceConfig& config,
                                               std::string_view uri);
// Follow of `followed_uri` by local `follower`, and its Undo.
std::string follow_json(const domain::InstanceConfig& config, const domain::Account& follower,
                        int64_t followed_id, std::string_view followed_uri);
std::string undo_follow_json(const domain::InstanceConfig& config, const domain::Account& follower,
                             int64_t followed_id, std::string_view followed_uri);

// The instance actor: the server speaking as itself (Mastodon's, at /actor, an
// Application named by the domain), which signs forwarded reports and fetches so that
// no account is named. Its id, and its key's id (<actor>#main-key).
std::string instance_actor_url(const domain::InstanceConfig& config);
std::string instance_key_id(const domain::InstanceConfig& config);
// Its actor document, with the public half of `key`.
std::string instance_actor_json(const domain::InstanceConfig& config, const store::ActorKey& key);

// A Flag (a forwarded report) by the instance actor about the remote account
// `target_uri` and its posts `post_uris`, carrying the report's comment: the reporter is
// not named.
std::string flag_json(const domain::InstanceConfig& config, std::string_view target_uri,
                      const std::vector<std::string>& post_uris, std::string_view comment);

}  // namespace publius::federation
