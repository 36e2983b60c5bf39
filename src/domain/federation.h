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
// followers collection private, anything else (its mentions only) direct. A direct
// one is sealed as it arrives to the local accounts it mentions, exactly as a local
// direct message is (Posts::store_new_post), so its text is never stored in clear;
// one that mentions no account here is refused (kUnprocessable). A Note is stored as a
// local post is (Posts::store_remote_status): its author's local followers' home feeds,
// the public timelines (public only), its hashtags, a mention notification for each
// local account it mentions, its parent when it replies to a post here or known here
// that its author may see. Its image attachments are fetched through the MediaFetcher
// (when may_fetch_media() allows their host) and stored as uploads of its author are,
// stripped (Media::upload_media), so no reader is ever sent to the other server; one
// that fails is left out, and a Note left with neither text nor media is
// kUnprocessable. The actor's avatar and header are kept the same way whenever its
// document is saved. It is never sent on.
// Update(Note) edits it as an edit here would; Delete(Note) by its author deletes it; Delete of the
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
// Its edit goes as Update(Note) the same way, and a profile change as Update(Person)
// to every server where the account has followers. Remote accounts a post replies to
// or mentions get it too, followers or not. Direct posts are never in the durable
// queue: their plaintext must not sit on disk. A direct post (and its edit) to remote
// accounts waits in memory only (DirectDelivery), with the same retries; a restart
// loses what is still waiting there. Its deletion names no content and is queued
// durably to the same inboxes. Likes, boosts and blocks go as Like, Announce and Block
// (and their Undo) through the durable queue.
// Deliveries are claimed so each is sent once, and a failed one is tried again after
// exponentially growing delays (kFirstRetryDelayMs doubled each time), for days,
// then dropped.
//
// Thread-safe as every service.
#pragma once

#include <deque>
#include <functional>
#include <mutex>
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
  std::vector<std::string> also_known_as;  // its aliases' actor ids
  // Its `icon` (avatar) and `image` (header) URLs, http(s); empty: none.
  std::string icon_url;
  std::string image_url;
};

struct RemoteNote;

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
  // The actor document at `uri`. Errors as actor_for_acct().
  virtual Result<RemoteActorDocument> actor_at(std::string_view uri) const = 0;
  // The Note (or Question) whose id is `uri`, sanitized and with its references to this
  // server resolved as an inbox resolves them; kUnauthorized when the id it carries is
  // on another host than `uri`, kBadRequest when it is no Note, other errors as
  // actor_for_acct().
  virtual Result<RemoteNote> note_at(std::string_view uri) const = 0;
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

// Whether `acct` names an account of another server as "user@host": a user of
// letters, digits, '_', '.' or '-' (as ActivityPub servers make them) and a host
// (with its port, if any) holding no '/', '?', '#', '@' or space.
bool is_valid_remote_acct(std::string_view acct);

// The visibility of a post or boost by `actor_uri` addressed `to` and `cc`, as Mastodon
// reads it: the Public collection in `to` public, in `cc` unlisted, the actor's
// followers collection private, anything else direct.
Visibility visibility_of_addressing(const std::vector<std::string>& to,
                                    const std::vector<std::string>& cc, std::string_view actor_uri);

// A delivery held in memory only, never in the durable queue: a direct post's Create or
// Update (kCreateNote, kUpdateNote: `post`, with its content open, since the durable queue
// must never hold a direct message's plaintext), or the Delete of an erased local
// account's actor (kDeleteActor: `username` and the account's `private_pem` to sign it,
// since the account, its key and any row naming it are gone from the store).
struct DirectDelivery {
  std::string inbox;
  store::DeliveryKind kind = store::DeliveryKind::kCreateNote;
  Post post;
  std::string username;
  std::string private_pem;
  int attempts = 0;  // failed attempts so far
  int64_t due_ms = 0;
};

// What federation/ read from a Flag: the local account it reports, the local posts of
// that account it names, and its comment (plain text).
struct RemoteFlag {
  int64_t target_id = 0;
  std::vector<int64_t> status_ids;
  std::string comment;
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
  // every attachment, avatar and header. Never from a server whose media a domain block
  // rejects (reject_media, or suspend), nor for a URL that is not http(s).
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

  // Likes, boosts and blocks across servers, and Notes fetched by their id
  // (federation_social.cc).
  //
  // How many replies up a chain of parents not known here is fetched (each a Note
  // fetched by its id), so that a long or looping chain cannot run away.
  static constexpr int kMaxParentHops = 3;
  // The post whose ActivityPub id is `uri`: the one kept here, or the Note fetched by
  // that id through the resolver (its id on the host of `uri`, its author on the same
  // host, the author fetched and kept as a signing actor would be) and stored as an
  // inbound Create stores it; its unknown parents are fetched up to `hops` more.
  // kNotFound when no resolver is set or the Note cannot be had; other errors as
  // receive_note().
  Result<int64_t> resolve_note(std::string_view uri, int hops = kMaxParentHops);
  // Like (`on`) or Undo(Like) of local post `post_id` by remote `remote_id`: a favourite
  // of it, notified as one. A post it may not see, or not here, is ignored.
  Status receive_like(int64_t remote_id, int64_t post_id, bool on);
  // Announce by remote `remote_id` of the post `object_uri` names (a local post when
  // `local_post_id` is set), addressed `to` and `cc`: a boost of a local post counts as
  // one and is notified; a boost of a remote post is kept (its Note fetched when not
  // known) only when someone here follows the booster, and reaches their home
  // timelines as Mastodon shows a boost.
  // The boost keeps `announce_uri`, the Announce's own id (empty when it is not on the
  // booster's host), for an Undo that names only that id.
  Status receive_announce(int64_t remote_id, std::optional<int64_t> local_post_id,
                          std::string_view object_uri, std::string announce_uri,
                          const std::vector<std::string>& to, const std::vector<std::string>& cc);
  // Undo(Announce): the boost goes. One of nothing kept is ignored.
  Status receive_undo_announce(int64_t remote_id, std::optional<int64_t> local_post_id,
                               std::string_view object_uri);
  // An Undo by remote `remote_id` naming only the id of what it undoes: of the
  // activities an Undo takes back, only a boost's Announce id is kept (as the boost's
  // uri), so that boost goes; any other id is ignored.
  Status receive_undo_of_id(int64_t remote_id, std::string_view activity_uri);
  // Block (`on`) or Undo(Block) of local `local_id` by remote `remote_id`: a block as a
  // local one is (follows both ways end; `local_id` cannot follow or see `remote_id`).
  Status receive_block(int64_t remote_id, int64_t local_id, bool on);
  // What the services tell: local `account_id` favourited (or not) a remote `post`
  // (Like / Undo(Like) to its author's inbox); boosted (or not) a public or unlisted
  // `post` with `reblog_id` (Announce / Undo(Announce) to its followers' servers and a
  // remote author's inbox); blocked (or not) `target_id`, which `was_following` before
  // (Block / Undo(Block) to a remote target, after its Undo(Follow)). Nothing for a
  // remote account's own doing.
  Status favourite_changed(int64_t account_id, const Post& post, bool on);
  Status reblog_changed(int64_t account_id, const Post& post, bool on);
  Status block_changed(int64_t account_id, int64_t target_id, bool on, bool was_following);
  // The post a Like or Announce delivery names, when it still exists and is not a
  // boost; nullopt when it is gone.
  Result<std::optional<Post>> shared_post(int64_t post_id);

  // A local post was edited (Posts::store_edit): its Update(Note) goes where its
  // Create went. And a local account's profile changed: Update(Person) to every server
  // where it has followers.
  Status edited(const Post& post);
  Status profile_changed(int64_t account_id);
  // Update(Person) from `remote_id` of its own actor document (federation/ checked the
  // object is the sender): its profile and key are kept as save_remote_actor() keeps
  // them, so later signatures with a rotated key verify. kUnauthorized when `actor`
  // is not `remote_id`'s.
  Status receive_actor_update(int64_t remote_id, const RemoteActorDocument& actor);

  // Local `account_id`, which follows `followed`, is about to be erased
  // (Accounts::delete_account): a Delete of its actor is to reach every server that knows
  // it (its remote followers' and those of the remote accounts it follows), held in
  // memory with its private key until sent, so those servers drop their copies. Nothing
  // when it never had an actor key (no server was ever sent anything of it) or is a
  // remote account.
  Status account_erasing(int64_t account_id, const std::vector<int64_t>& followed);

  // The in-memory queue of direct deliveries (DirectDelivery), for the delivery
  // worker: up to `limit` due ones, taken out of the queue (each sent once); a failed
  // one is put back due after the same delays as a durable delivery, or dropped after
  // the last attempt; when the next one is due (nullopt: none waits). At most
  // kMaxDirectDeliveries wait: beyond, the oldest is dropped.
  std::vector<DirectDelivery> claim_direct_deliveries(int64_t now_ms, int limit);
  void direct_delivery_failed(DirectDelivery delivery, int64_t now_ms);
  std::optional<int64_t> next_direct_delivery_ms();
  static constexpr size_t kMaxDirectDeliveries = 10'000;

  // Account migration (ActivityPub Move), as Mastodon does it. The actor id of an
  // account: a local one's <base>/users/<name>, a remote one's own.
  Result<std::string> actor_uri(int64_t account_id);
  // Local `account_id` names `acct` (user@host, found as account_by_acct(resolve) finds
  // it; or a local account) as an alias: an account that may move to it. Its actor
  // document lists the alias in alsoKnownAs, and its followers' servers hear
  // (Update(Person)). remove_alias() takes one away. At most kMaxAliases.
  Result<Account> add_alias(int64_t account_id, std::string_view acct);
  Result<Account> remove_alias(int64_t account_id, std::string_view acct);
  static constexpr size_t kMaxAliases = 10;
  // Local `account_id` moves to `acct`, whose actor (fetched again, for a remote one)
  // must list this account in its alsoKnownAs (kUnprocessable otherwise). The account
  // is marked moved, its followers' servers get Move, and its local followers follow
  // the new account and leave this one. kUnprocessable when already moved, or to itself.
  Result<Account> move_to(int64_t account_id, std::string_view acct);
  // Move of remote `remote_id` to `target_id` (an account here, local or remote, whose
  // actor federation/ fetched again). kUnprocessable unless the target's alsoKnownAs
  // lists the mover. The mover is marked moved; its local followers follow the target
  // and leave it.
  Status receive_move(int64_t remote_id, int64_t target_id);

  // Reports across servers (Mastodon's Flag). receive_flag(): a Flag from `remote_id`
  // about a local account becomes a report filed by that remote account (the server's
  // actor, usually), unless its server's reports are refused (DomainBlocks: then
  // nothing is kept and 0 is returned); the report's id otherwise.
  Result<int64_t> receive_flag(int64_t remote_id, const RemoteFlag& flag);
  // A local report about a remote account, to forward: a Flag to the account's server
  // is queued, signed by the instance actor so the reporter stays unknown there. Nothing
  // for a local account.
  Status report_forwarded(const Report& report);
  // The delivery worker's: the report a kFlag delivery names (nullopt when gone), and
  // the ActivityPub ids of the remote posts among `ids`.
  Result<std::optional<Report>> report_to_forward(int64_t report_id);
  Result<std::vector<std::string>> post_uris(const std::vector<int64_t>& ids);

  // The instance actor's key (the server speaking as itself: forwarded reports, signed
  // fetches), made by `make` and kept on first need.
  Result<store::ActorKey> instance_actor_key(const std::function<Result<store::ActorKey>()>& make);

 private:
  // Queues `post` (direct, local, open) in memory to the inbox of each remote account
  // it mentions, once per server.
  Status to_mentioned_in_memory(const Post& post, store::DeliveryKind kind);
  // The inboxes (shared ones where they exist) of the remote accounts `post` mentions.
  Result<std::vector<std::string>> mentioned_inboxes(const Post& post);
  // Marks `old_id` moved to `target_id`, and moves its local followers along.
  Status move_followers(int64_t old_id, int64_t target_id);
  // Whether the post is one federation sends: a local author's own post, not a boost,
  // not direct.
  Result<bool> federated(const Post& post);
  // Whether the post is a local author's own direct post (not a boost).
  Result<bool> local_direct(const Post& post);
  Status to_follower_inboxes(const Post& post, store::DeliveryKind kind);
  // Queues a delivery of `kind` about remote `remote_id` to its inbox, signed by `local_id`.
  Status to_remote_inbox(int64_t local_id, int64_t remote_id, store::DeliveryKind kind,
                         std::string_view object_uri);
  Status answer_follow(int64_t local_id, int64_t remote_id, std::string_view follow_uri,
                       bool accepted);
  // The post `note` makes for `remote_id` (not stored), after receive_note()'s checks.
  Result<Post> remote_post(int64_t remote_id, const RemoteNote& note);
  // Keeps `aliases` as local `account_id`'s alsoKnownAs and tells its followers' servers.
  Result<Account> save_aliases(int64_t account_id, const std::vector<std::string>& aliases);
  // receive_note(), fetching an unknown parent up to `hops` replies up.
  Result<int64_t> receive_note_within(int64_t remote_id, const RemoteNote& note, int hops);
  // The inboxes beside its author's followers' that a post goes to: those of the remote
  // accounts it replies to or mentions (their shared inbox when they have one).
  Status add_addressee_inboxes(const Post& post, std::vector<std::string>& inboxes);
  // The inbox (shared when there is one) of remote `account_id`; empty for a local one.
  Result<std::string> inbox_of(int64_t account_id, bool shared);

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
  std::mutex direct_mu_;
  std::deque<DirectDelivery> direct_;  // guarded by direct_mu_
};

}  // namespace publius::domain
