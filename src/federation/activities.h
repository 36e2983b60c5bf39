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

// The Note of a local post (public, unlisted or followers-only), addressed as
// Mastodon addresses its visibility and to the remote accounts it mentions, with a
// Mention tag for each of `mentions` (Federation::note_mentions), a Hashtag tag
// for each of its hashtags, and a Document attachment for each of its media (its
// file's URL here, mediaType, alt text as name, blurhash, focalPoint, size).
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

}  // namespace publius::federation
