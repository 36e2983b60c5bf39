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
// The same, of an actor already parsed (the object of an Update(Person)).
Result<domain::RemoteActorDocument> parse_actor_object(const boost::json::object& actor);

// Reads a Note, or a Question as a Note (its options left out), embedded in an
// activity: its content sanitized (sanitize_html), its summary as text, its addressing,
// Mention and Hashtag tags, attachments (parse_attachments) and inReplyTo as written
// (an id, or an object's id). What
// names this server (local mentions, a reply to a local post) the inbox resolves.
// kBadRequest when it is no such object or has no id or author.
Result<domain::RemoteNote> parse_note(const boost::json::object& note);

// A Note's `attachment` images, at most kMaxMediaPerPost: each a Document or Image
// whose mediaType (when given) is image/*, at an http(s) `url` (a string, a Link's
// href, or the first of them), its `name` as alt text (reduced to text) and its
// `focalPoint` when it is two numbers in [-1, 1]. Any other entry (video, audio, no
// URL, another scheme, not an object) is left out; nothing here fails.
std::vector<domain::RemoteAttachment> parse_attachments(const boost::json::object& note);

// The URL of a local post as ActivityPub names it: <actor>/statuses/<id>.
std::string note_uri(const domain::InstanceConfig& config, std::string_view username,
                     int64_t post_id);
// The post id in a note_uri() of this server; nullopt for any other URL.
std::optional<int64_t> parse_note_uri(const domain::InstanceConfig& config, std::string_view uri);

// The Note of a local post, addressed as Mastodon addresses its visibility (a direct
// one to its mentions only) and to the remote accounts it mentions, with a Mention tag
// for each of `mentions` (Federation::note_mentions), a Hashtag tag for each of its
// hashtags, and a Document attachment for each of its media (its file's URL here,
// mediaType, alt text as name, blurhash, focalPoint, size).
// `in_reply_to` is the id of the post it replies to (empty: none).
std::string note_json(const domain::InstanceConfig& config, const domain::Account& author,
                      const domain::Post& post, const std::vector<domain::NoteMention>& mentions,
                      std::string_view in_reply_to = {});
// Create(Note) and Delete(Tombstone) of a post, by its author.
std::string create_note_json(const domain::InstanceConfig& config, const domain::Account& author,
                             const domain::Post& post,
                             const std::vector<domain::NoteMention>& mentions,
                             std::string_view in_reply_to = {});
std::string delete_note_json(const domain::InstanceConfig& config, const domain::Account& author,
                             int64_t post_id);
// Delete of the actor of the local account `username`, erased here: the other servers
// drop their copy of it.
std::string delete_actor_json(const domain::InstanceConfig& config, std::string_view username);
// Update(Note) of an edited post, by its author, addressed as its Create was.
std::string update_note_json(const domain::InstanceConfig& config, const domain::Account& author,
                             const domain::Post& post,
                             const std::vector<domain::NoteMention>& mentions,
                             std::string_view in_reply_to = {});
// Update(Person) of a local account, carrying its actor document (routes.h actor_json).
std::string update_person_json(const domain::InstanceConfig& config, const domain::Account& account,
                               std::string_view actor_document);
// Move of local `account` to the actor `target_uri`, to its followers.
std::string move_json(const domain::InstanceConfig& config, const domain::Account& account,
                      std::string_view target_uri);
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

// The ids a member names: a string, an object's id, or an array of them (an activity's
// `to` and `cc`).
std::vector<std::string> ids_of(const boost::json::object& o, std::string_view key);

// Like of the post `note_uri` (by `note_author_uri`) by local `liker`, or its Undo. The
// Like's id is <actor>#likes/<post_id>, the same each time, so its Undo names it.
std::string like_json(const domain::InstanceConfig& config, const domain::Account& liker,
                      int64_t post_id, std::string_view note_uri, std::string_view note_author_uri,
                      bool undo);
// Announce (a boost) of the public or unlisted post `note_uri` by local `booster`,
// addressed as the post is, or its Undo. Its id is <actor>/announces/<post_id>.
std::string announce_json(const domain::InstanceConfig& config, const domain::Account& booster,
                          int64_t post_id, std::string_view note_uri,
                          std::string_view note_author_uri, domain::Visibility visibility,
                          bool undo);
// Block of remote `blocked_uri` by local `blocker`, or its Undo. Its id is
// <actor>/blocks/<blocked_id>.
std::string block_json(const domain::InstanceConfig& config, const domain::Account& blocker,
                       int64_t blocked_id, std::string_view blocked_uri, bool undo);

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
