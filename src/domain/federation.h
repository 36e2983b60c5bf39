// Federation: the rules of exchanges with other ActivityPub servers (issue 12) that
// are not about their wire format (federation/ parses, verifies signatures and
// renders; it decides nothing here).
//
// Remote actors are accounts (store::RemoteActor): an accounts row named "user@host"
// with no password, so follows, follow requests, counts and the Mastodon API treat
// them as any account. An actor is kept only when everything it names for itself
// (its key and the key's owner, its inboxes) is on its own host, so no server can
// speak for another's actors.
//
// Inbound: a remote Follow follows a local account as a local follow would (a
// request for a locked account, a refusal where a block stands) and answers it: an
// Accept at once for an unlocked account, an Accept or Reject when the local owner
// decides the request (Relationships::resolve_follow_request tells
// follow_request_resolved), a Reject for a refused follow. Undo(Follow) ends the
// follow or withdraws the request.
//
// Inbound posts: a remote actor's Note (Create) becomes a post of its account, with
// the Note's id as its uri (one post per id however often it comes), its content as
// federation/ sanitized it, and a visibility read from its addressing as Mastodon
// reads it: the Public collection in `to` public, in `cc` unlisted, the author's
// followers collection private. A Note addressed to its mentions only is a direct
// message, and refused (kUnprocessable, nothing stored): direct messages are sealed
// here and a remote one would have to be sealed as it arrives, which is not done yet.
// It is stored as a local post is (Posts::store_remote_status): its author's local
// followers' home feeds, the public timelines (public only), its hashtags, a mention
// notification for each local account it mentions, its parent when it replies to a
// post here or known here that its author may see. Its image attachments are fetched
// through the MediaFetcher (when may_fetch_media() allows their host) and stored as
// uploads of its author are, stripped (Media::upload_media), so no reader is ever sent to
// the other server; one that fails is left out, and a Note left with neither text nor
// media is kUnprocessable. The actor's avatar and header are kept the same way whenever
// its document is saved. It is never sent on. Update(Note)
// edits it as an edit here would; Delete(Note) by its author deletes it; Delete of the
// actor itself erases the account with everything of it (Accounts::delete_account).
//
// Outgoing follows: a local account's follow of a remote account is a follow request
// until the remote server answers; a Follow goes to the remote actor's inbox, its
// Accept makes the request a follow, its Reject (also later, of a follow) ends either.
// Unfollowing (or withdrawing the request) sends Undo(Follow). A remote account not
// known yet is found by its user@host through the ActorResolver (WebFinger, then its
// actor document), which federation/ provides.
//
// Outbound: the durable delivery queue (store::FederationDelivery). A local post
// that is public, unlisted or followers-only goes to the inbox of every server where
// its author has followers, once per server (shared inboxes); so does its deletion.
// Direct posts are never queued: their plaintext must not sit in a durable queue,
// and remote direct addressing is not federated yet. Boosts are not federated yet.
// Deliveries are claimed so each is sent once, and a failed one is tried again after
// exponentially growing delays (kFirstRetryDelayMs doubled each time), for days,
// then dropped.
//
// Thread-safe as every service.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/service.h"

namespace publius::domain {

// What federation/ read from a remote actor document.
struct RemoteActorDocument {
  std::string uri;
  std::string preferred_username;
  std::string name;
  std::string summary_text;  // the summary's HTML reduced to plain text
  std::string inbox;
  std::string shared_inbox;  // empty: none
  std::string url;
  bool locked = false;  // manuallyApprovesFollowers
  bool bot = false;     // a Service or Application actor
  std::string key_id;
  std::string key_owner;
  std::string public_pem;
  // Its `icon` (avatar) and `image` (header) URLs, http(s); empty: none.
  std::string icon_url;
  std::string image_url;
};

// How the domain finds a remote actor it does not know yet: federation/ implements it
// with WebFinger and the SSRF-safe fetcher (federation/resolver.h). Thread-safe.
class ActorResolver {
 public:
  virtual ~ActorResolver() = default;
  // The actor document that WebFinger names for `user`@`host`. kNotFound when the
  // server knows no such account, kUnavailable when it cannot be reached, kBadRequest
  // when what it answers is not an actor.
  virtual Result<RemoteActorDocument> actor_for_acct(std::string_view user,
                                                     std::string_view host) const = 0;
};

// An attachment of a Note as federation/ read it: an image (or an attachment of no
// stated type, judged by its bytes) at an http(s) URL.
struct RemoteAttachment {
  std::string url;
  std::string description;  // its `name`: the alt text
  std::optional<Focus> focus;
};

// How the domain fetches remote media files: federation/ implements it with the
// SSRF-safe fetcher (federation/media_fetcher.h), capped at the size local uploads
// accept and bounded in time. Thread-safe.
class MediaFetcher {
 public:
  virtual ~MediaFetcher() = default;
  // The bytes at each of `urls`, in their order, fetched at once; an entry is an
  // error when its fetch failed (unreachable, refused, too large, not a 200).
  virtual std::vector<Result<std::string>> fetch_media(
      const std::vector<std::string>& urls) const = 0;
};

// What federation/ read from a Note (or a Question, read as a Note: its options are
// not kept), its markup already sanitized (federation/html_sanitizer.h).
struct RemoteNote {
  std::string uri;            // its id
  std::string url;            // its page, an http(s) URL; empty: none
  std::string attributed_to;  // its author's actor id
  std::string html;           // sanitized content
  std::string text;           // the content as plain text: what search and filters read
  std::string summary_text;   // the content warning, as plain text
  bool sensitive = false;
  std::string language;  // the first of its contentMap; empty: none
  std::optional<int64_t> published_ms;
  // The post it replies to: a post of this server (federation/ read its id) or the
  // id of a remote one.
  std::optional<int64_t> in_reply_to_local_id;
  std::string in_reply_to_uri;
  std::vector<std::string> to, cc;            // its addressing
  std::vector<std::string> mention_uris;      // the actor ids its Mention tags name
  std::vector<int64_t> mentioned_local_ids;   // those of them that are accounts here
  std::vector<std::string> hashtags;          // its Hashtag tags' names, without '#'
  std::vector<RemoteAttachment> attachments;  // at most kMaxMediaPerPost
};

// An account a post mentions, as its Note names it: its acct, and a remote account's
// actor id (empty for an account here).
struct NoteMention {
  std::string acct;
  std::string remote_uri;
};

// The scheme and authority of an http(s) URL, lowercased ("https://example.com:8443");
// empty when `url` is not one.
std::string url_origin(std::string_view url);

class Federation final : private ServiceBase {
 public:
  static constexpr int64_t kFirstRetryDelayMs = 30'000;
  static constexpr int kMaxAttempts = 15;  // the last about 6 days after the first
  // How long a claimed delivery stays the claimant's before another may take it.
  static constexpr int64_t kClaimLeaseMs = 5 * 60'000;

  explicit Federation(Microblog& microblog) : ServiceBase(microblog) {}

  // Keeps (creates or updates) the actor and its profile; returns its account id.
  // kUnprocessable when the key or an inbox is on another host than the actor's id,
  // the key's owner is not the actor, the actor is on this server, or its
  // preferredUsername is not a plausible name; kConflict when another actor already
  // holds its user@host.
  Result<int64_t> save_remote_actor(const RemoteActorDocument& actor);
  Result<std::optional<store::RemoteActor>> remote_actor(int64_t account_id);
  Result<std::optional<store::RemoteActor>> remote_actor_by_uri(std::string_view uri);
  Result<std::optional<store::RemoteActor>> remote_actor_by_key_id(std::string_view key_id);

  // The resolver used to find unknown remote accounts; null (the default): none is
  // looked up. Not owned; set before serving, it must outlive this.
  void set_actor_resolver(const ActorResolver* resolver) { resolver_ = resolver; }
  // The account `acct` names ("name", "name@this.domain", "user@host", with or without
  // a leading @). A remote one not known yet is looked up through the resolver when
  // `resolve` is set (and kept as save_remote_actor() keeps actors); kNotFound otherwise,
  // also when its server cannot be reached or its actor may not be kept.
  Result<Account> account_by_acct(std::string_view acct, bool resolve);

  // The fetcher of remote media (attachments, avatars, headers); null (the default):
  // none is fetched, and remote posts keep no media. Not owned; set before serving,
  // it must outlive this.
  void set_media_fetcher(const MediaFetcher* fetcher) { media_fetcher_ = fetcher; }
  // Whether media may be fetched from `url`'s host: the one place this is asked, for
  // every attachment, avatar and header (domain blocks that reject media answer here).
  // An URL that is not http(s) never.
  bool may_fetch_media(std::string_view url) const;

  // Inbound activities, from a verified remote actor to a local account.
  Status receive_follow(int64_t remote_id, int64_t local_id, std::string_view follow_uri);
  Status receive_undo_follow(int64_t remote_id, int64_t local_id);
  // The remote account's Accept (`accepted`) or Reject of local `local_id`'s follow:
  // an Accept turns the request into a follow, a Reject ends the request or the follow.
  // An Accept of nothing asked is ignored.
  Status receive_follow_answer(int64_t remote_id, int64_t local_id, bool accepted);

  // A Note from `remote_id`, which must be its attributedTo and on the host of its id
  // (kUnauthorized otherwise, nothing stored). kUnprocessable for a direct message, a
  // Note without an http(s) id or with no content. A Note already kept is left as it
  // is (kept once by its id). Returns the post's id.
  Result<int64_t> receive_note(int64_t remote_id, const RemoteNote& note);
  // Update(Note): the new version of a post of `remote_id`'s, kept in its history as
  // a local edit is. A Note not kept here is taken as a Create would be; one kept as
  // another actor's is kUnauthorized.
  Status receive_note_update(int64_t remote_id, const RemoteNote& note);
  // Delete(Note) of `uri`: the post is deleted when it is `remote_id`'s; a Note not
  // kept, or another's, is ignored.
  Status receive_note_delete(int64_t remote_id, std::string_view uri);
  // Delete of the remote actor itself: its account goes, with its posts and follows.
  Status receive_actor_delete(int64_t remote_id);

  // What the services tell once a change is durable.
  Status published(const Post& post);
  Status deleted(const Post& post);
  Status follow_request_resolved(int64_t target_id, int64_t requester_id, bool accepted);
  // A local account asked to follow a remote one (Relationships::follow): the Follow
  // is queued. And it stopped following or asking (Relationships::unfollow): the
  // Undo(Follow) is queued. Nothing for a local target.
  Status follow_asked(int64_t follower_id, int64_t followed_id);
  Status follow_withdrawn(int64_t follower_id, int64_t followed_id);

  // The delivery worker's (federation/delivery_worker.h).
  Result<std::vector<store::FederationDelivery>> claim_deliveries(int64_t now_ms, int limit);
  Status delivered(int64_t delivery_id);
  // Counts a failed attempt: due again after the next delay, or dropped after the last.
  Status delivery_failed(const store::FederationDelivery& delivery, int64_t now_ms);
  Result<std::optional<int64_t>> next_delivery_ms();
  // The post a delivery names, when it still exists and may be federated; nullopt
  // when it is gone (its Create is then not sent).
  Result<std::optional<Post>> post_to_deliver(int64_t post_id);
  // The accounts `post` mentions, for its Note's Mention tags; those gone are left out.
  Result<std::vector<NoteMention>> note_mentions(const Post& post);

 private:
  // Whether the post is one federation sends: a local author's own post, not a boost,
  // not direct.
  Result<bool> federated(const Post& post);
  Status to_follower_inboxes(const Post& post, store::DeliveryKind kind);
  // Queues a delivery of `kind` about remote `remote_id` to its inbox, signed by `local_id`.
  Status to_remote_inbox(int64_t local_id, int64_t remote_id, store::DeliveryKind kind,
                         std::string_view object_uri);
  Status answer_follow(int64_t local_id, int64_t remote_id, std::string_view follow_uri,
                       bool accepted);
  // The post `note` makes for `remote_id` (not stored), after receive_note()'s checks.
  Result<Post> remote_post(int64_t remote_id, const RemoteNote& note);
  // The attachments of a remote post, fetched (those may_fetch_media() allows) and
  // processed as uploads of `remote_id` (stripped of all metadata, stored here,
  // unattached until the post takes them). One that fails to fetch or to decode is
  // left out.
  std::vector<MediaAttachment> remote_media(int64_t remote_id,
                                            const std::vector<RemoteAttachment>& attachments);
  // The actor's avatar and header fetched and stored as its profile pictures; a
  // picture that fails is left as it was.
  void fetch_profile_pictures(int64_t account_id, const RemoteActorDocument& actor);

  const ActorResolver* resolver_ = nullptr;
  const MediaFetcher* media_fetcher_ = nullptr;
};

}  // namespace publius::domain
