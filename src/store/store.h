// Store: the persistence interface the domain depends on. One implementation
// today (store/sqlite, the embedded default); a PostgreSQL backend implements the
// same interface later. Methods are whole domain operations, each atomic: a
// composite write (a status with its mentions, tags and counters) commits
// entirely or not at all, and returns only after it is durable.
//
// Thread-safety: implementations are safe to call from any thread.
// Errors: Result values with technical messages (the domain phrases what a client
// reads): kNotFound for missing rows where the caller named one, a write naming a
// row that is gone (deleted meanwhile: a post being favourited, an account being
// followed) included; kConflict for uniqueness violations; kUnprocessable where a
// method says so; kUnavailable when the storage stays busy (another writer), worth
// retrying; kInternal for storage failures. A failed write leaves nothing of itself.
// Shield rule: no method accepts a client address, user agent or contact detail,
// so no implementation can store one.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/filters.h"
#include "domain/model.h"
#include "util/result.h"

namespace publius::store {

using domain::Account;
using domain::App;
using domain::AuthCode;
using domain::Conversation;
using domain::List;
using domain::Marker;
using domain::MediaAttachment;
using domain::Notification;
using domain::NotificationType;
using domain::Page;
using domain::Post;
using domain::PostEdit;
using domain::Relationship;
using domain::ScheduledStatus;
using domain::Token;

// A credential's wrapped copy of its key (Store::wrapped_key): the account's secret key,
// or for a member of a collective account (`member_id` set) the member's own secret key.
struct WrappedCopy {
  std::string wrapped_key;
  std::optional<int64_t> member_id;
};

// ---- Collective accounts (docs/collective-accounts.md) ----
//
// A member is a row of credentials and nothing else: no name, no contact, no activity,
// and no row that any post, favourite, DM, edit or setting refers to. It holds the
// lookup value its password gives (shield::MemberPasswordKey), its own X25519 key pair
// (the public half in clear, the secret half wrapped under the password) and each
// generation of the account's sealed-message key sealed to its public key.
struct Member {
  int64_t id = 0;
  int64_t account_id = 0;
  bool owner = false;
  int64_t joined_day_ms = 0;
  std::string public_key;
  std::string wrapped_key;
};

// One generation of an account's sealed-message secret key, as one holder keeps it:
// sealed to a member's public key (member_keys) or wrapped under an invite code.
struct KeyCopy {
  int64_t generation = 0;
  std::string sealed;
};

// A member's recovery code as stored: found by a keyed hash of the code under the
// account's salt (80 random bits: a fast hash suffices), with the member's secret key
// wrapped under the code.
struct MemberRecoveryCode {
  int64_t id = 0;
  int64_t member_id = 0;
  std::string wrapped_key;
};
struct NewMemberRecoveryCode {
  std::string lookup;
  std::string wrapped_key;
};

struct NewMember {
  std::string lookup;  // shield::MemberPasswordKey::lookup()
  std::string public_key;
  std::string wrapped_key;
  std::vector<KeyCopy> key_copies;  // every generation of the account's key
  std::vector<NewMemberRecoveryCode> recovery_codes;
};

// A collective account's shared facts: the salt member passwords are stretched under
// and the generation of its current key pair.
struct Collective {
  std::string salt;
  int64_t key_generation = 1;
};

// An invite code as stored (by SHA-256 of the code): its account, the last day it is
// good for, and the account's key generations wrapped under the code.
struct Invite {
  int64_t account_id = 0;
  int64_t expires_day_ms = 0;
  std::vector<KeyCopy> wrapped_keys;
};

// What joining with an invite did: the new member, or why not (`invite_missing`: no
// such code, expired or spent, nothing written; `lookup_taken`: another member's
// password gives the same lookup, and the code is spent).
struct JoinOutcome {
  std::optional<int64_t> member_id;
  bool invite_missing = false;
  bool lookup_taken = false;
};

// A new generation of the account's key pair when a member goes: its public key and the
// copies of its secret key for each member who stays (member id, sealed copy).
struct Rekey {
  int64_t generation = 0;
  std::string public_key;
  std::vector<std::pair<int64_t, std::string>> copies;
};

// A recovery code as stored: its Argon2id hash and the account's secret key
// wrapped under the code (shield/sealing.h; empty when the code wraps none).
struct NewRecoveryCode {
  std::string code_hash;
  std::string wrapped_key;
};

struct NewAccount {
  std::string username;
  std::string password_hash;
  domain::Role role = domain::Role::kUser;
  std::vector<NewRecoveryCode> recovery_codes;
  std::string public_key;            // X25519, raw bytes; empty: no key pair yet
  std::string password_wrapped_key;  // the secret key under the password
};

// An account's key pair as stored (docs/sealed-messages.md): the public key in
// clear, the secret key only wrapped under a key derived from the password.
struct AccountKey {
  std::string public_key;
  std::string password_wrapped_key;
};

// An account's ActivityPub actor key pair (RSA-2048, PEM): the public half is published
// in the account's actor document, the private half signs its federation requests. It is
// random, made by the server, and says nothing about anyone.
struct ActorKey {
  std::string public_pem;
  std::string private_pem;
  bool operator==(const ActorKey&) const = default;
};

// A remote ActivityPub actor (issue 12): an `accounts` row (username "user@host",
// no password, so no one signs in as it) and what federation needs to address it and
// check its signatures. Only its public documents: nothing about who reads it.
struct RemoteActor {
  int64_t account_id = 0;
  std::string uri;           // its id, https://host/users/name
  std::string inbox;         // its own inbox
  std::string shared_inbox;  // its server's shared inbox; empty: none
  std::string url;           // its profile page; empty: none
  std::string key_id;        // https://host/users/name#main-key
  std::string public_pem;
  bool operator==(const RemoteActor&) const = default;
};

// A remote actor's profile, as save_remote_actor() writes it on its account row.
struct RemoteProfile {
  std::string acct;  // "user@host"
  std::string display_name;
  std::string note;  // plain text
  bool locked = false;
  bool bot = false;
  std::vector<std::string> also_known_as;  // its alsoKnownAs
};

// What a queued federation delivery sends: the activity is rendered when it is sent,
// from the rows it names, so a post deleted before its Create went out is never sent.
enum class DeliveryKind {
  kAcceptFollow = 0,
  kRejectFollow = 1,
  kCreateNote = 2,
  kDeleteNote = 3,
  kFollow = 4,
  kUndoFollow = 5,
  kLike = 6,
  kUndoLike = 7,
  kAnnounce = 8,
  kUndoAnnounce = 9,
  kBlock = 10,
  kUndoBlock = 11,
  kUpdateNote = 12,
  kUpdatePerson = 13,
  kMove = 14,
  kFlag = 15,  // a report forwarded to the reported account's server, signed by the instance
  // Delete of a local account's actor, sent as the account is erased: held in memory only
  // (domain::DirectDelivery), since no row may name an account that is gone.
  kDeleteActor = 16,
};

// One POST to one inbox, signed by `account_id` (a local account). `object_id` is the
// post (kCreateNote, kDeleteNote, kUpdateNote), the account itself (kUpdatePerson), the
// account moved to (kMove), the remote follower's account (kAcceptFollow,
// kRejectFollow, whose Follow activity `object_uri` names) or the remote account
// followed (kFollow, kUndoFollow, whose Follow activity `object_uri` names), the post
// liked (kLike, kUndoLike) or boosted (kAnnounce, kUndoAnnounce, whose Announce
// activity `object_uri` names), or the remote account blocked (kBlock, kUndoBlock). For
// kFlag `account_id` is the reported remote account (the report names no reporter to
// anyone outside) and `object_id` the report.
struct FederationDelivery {
  int64_t id = 0;
  std::string inbox;
  DeliveryKind kind = DeliveryKind::kCreateNote;
  int64_t account_id = 0;
  int64_t object_id = 0;
  std::string object_uri;
  int attempts = 0;  // failed attempts so far
  bool operator==(const FederationDelivery&) const = default;
};

// The credentials stored by the hash of their secret that can carry a wrapped
// copy of their account's secret key; deleting the credential deletes the copy.
enum class KeyedCredential { kAccessToken, kWebSession, kAuthCode };

struct ProfileUpdate {
  std::optional<std::string> display_name;
  std::optional<std::string> note;
  std::optional<bool> locked;
  std::optional<bool> bot;
  std::optional<std::vector<domain::ProfileField>> fields;
  std::optional<domain::Visibility> default_visibility;
  std::optional<bool> default_sensitive;
  std::optional<std::string> default_language;  // empty: none
  std::optional<bool> discoverable;
  std::optional<bool> indexable;
  std::optional<bool> hide_collections;
  // Set by the domain only, after writing the files (Account::avatar_file); empty: none.
  std::optional<std::string> avatar_file;
  std::optional<std::string> header_file;
  // Account migration (Account::also_known_as, moved_to_id); set by the domain only.
  std::optional<std::vector<std::string>> also_known_as;
  std::optional<int64_t> moved_to_id;
};

struct AccountStatusesQuery {
  bool exclude_replies = false;
  bool exclude_reblogs = false;
  bool only_pinned = false;
  bool only_media = false;         // posts that carry media
  std::optional<std::string> tag;  // normalized
  // Which posts to read: those with one of `visibilities`, and with `or_mentioning` also
  // those that mention that account. Data selection only: the domain chooses the sets
  // and its visibility rule decides afterwards who sees each post.
  std::vector<domain::Visibility> visibilities = {domain::Visibility::kPublic,
                                                  domain::Visibility::kUnlisted};
  std::optional<int64_t> or_mentioning;
};

// The viewer's own flags on a set of statuses. `muted`: those in a thread the viewer
// muted (Store::set_thread_mute).
struct ViewerFlags {
  std::vector<int64_t> favourited, reblogged, bookmarked, pinned, muted;
};

struct NotificationQuery {
  std::vector<NotificationType> types;
  std::vector<NotificationType> exclude_types;
  std::optional<int64_t> from_account_id;
  std::optional<int64_t> status_id;  // only notifications about this status
  bool include_filtered = false;     // filtered ones too (Notification::filtered)
};

struct HiddenAccounts {
  std::vector<int64_t> accounts;      // blocked, blocking or muted: nothing of theirs is shown
  std::vector<int64_t> reblogs_from;  // followed with reblogs off: their boosts are not shown
};

// The other side of HiddenAccounts: the accounts that keep one account out of
// their view (Store::hidden_by), each list ascending.
struct HiddenBy {
  std::vector<int64_t> accounts;  // blocking it, blocked by it, or muting it
  std::vector<int64_t> boosts;    // following it with its boosts switched off
};

// Where the posts of a home feed or a list are read from (Store::feed_candidates):
// written by one of `authors`, mentioning `mentioned` (if set), or carrying one
// of `tags` (normalized). Which of them reach the feed is the domain's rule.
struct FeedSources {
  std::vector<int64_t> authors;
  std::optional<int64_t> mentioned;
  std::vector<std::string> tags;
};

struct InstanceStats {
  int64_t users = 0;
  int64_t statuses = 0;
};

// A page of the profile directory (Store::directory): the accounts whose owners
// listed them (Account::discoverable) but those in `excluded`, in `order` (kActive:
// the latest post day first, accounts that never posted last; ties and kNew: the
// newest account first), from `offset`.
struct DirectoryQuery {
  domain::DirectoryOrder order = domain::DirectoryOrder::kActive;
  std::vector<int64_t> excluded;
  int64_t offset = 0;
  int limit = 40;
};

// Which reports Store::reports() reads: those resolved or open (unset: both), filed by
// `reporter_id` (while the link is kept) and about `target_id`.
struct ReportQuery {
  std::optional<bool> resolved;
  std::optional<int64_t> reporter_id;
  std::optional<int64_t> target_id;
};

// A browser session of the web UI (web/session.h). Keyed by a hash of the
// cookie's secret; only days are kept (shield rule), never a client address.
struct WebSession {
  int64_t account_id = 0;
  std::optional<int64_t> member_id;  // a collective account's member (Token::member_id)
  int64_t created_day_ms = 0;
  int64_t last_seen_day_ms = 0;
};

// One stored recovery code: its row id (to consume it), its Argon2id hash and
// the secret key wrapped under it (empty when it wraps none).
struct RecoveryCodeHash {
  int64_t id = 0;
  std::string code_hash;
  std::string wrapped_key;
};

// Counts of posts (or of what is attached to them) indexed by their domain::Visibility.
struct VisibilityCounts {
  std::array<int64_t, 4> by_visibility{};
  int64_t& operator[](domain::Visibility v) { return by_visibility.at(static_cast<size_t>(v)); }
  int64_t operator[](domain::Visibility v) const {
    return by_visibility.at(static_cast<size_t>(v));
  }
};

// Every datum the store holds about one account, as counts and days: what the
// disclosure inventory (shield/inventory.h) reports and the legal desk produces
// from. Secrets are counted, never returned.
struct AccountInventoryCounts {
  int64_t account_id = 0;
  std::string username;
  std::string display_name;
  bool has_profile_note = false;
  int64_t profile_fields = 0;
  int64_t profile_pictures = 0;  // avatar and header images (0 to 2)
  // By visibility (the store counts; shield/inventory.h says what each count means).
  VisibilityCounts own_posts{};           // the account's posts, boosts not included
  VisibilityCounts posts_mentioning{};    // others' posts that mention the account
  VisibilityCounts media_in_own_posts{};  // images attached to the account's posts
  int64_t unattached_media = 0;           // uploaded, not (yet) in a post
  bool has_public_key = false;
  bool has_actor_key = false;      // the federation key pair (Store::actor_key)
  int64_t wrapped_key_copies = 0;  // the secret key's wrapped copies, all credentials
  int64_t boosts = 0;
  int64_t favourites = 0;
  int64_t bookmarks = 0;
  int64_t lists = 0;
  int64_t list_memberships = 0;  // accounts in this account's lists
  int64_t filters = 0;
  int64_t account_notes = 0;  // sealed private notes this account keeps on others
  int64_t filter_keywords = 0;
  int64_t conversations = 0;    // direct-message threads in the account's list (metadata only)
  int64_t poll_votes = 0;       // options the account chose in others' polls (no times kept)
  int64_t followed_tags = 0;    // hashtags the account follows (no times kept)
  int64_t featured_tags = 0;    // hashtags the account features on its profile (public)
  int64_t endorsements = 0;     // accounts it features on its profile (public)
  int64_t reports_filed = 0;    // open reports it filed (resolving one erases the link)
  int64_t reports_about = 0;    // reports naming it, open or resolved
  int64_t scheduled_posts = 0;  // posts waiting for their publication time (text in clear)
  // The account's posting defaults (settings).
  domain::Visibility default_visibility = domain::Visibility::kPublic;
  bool default_sensitive = false;
  std::string default_language;
  int64_t following = 0;
  int64_t followers = 0;
  int64_t created_day_ms = 0;
  std::optional<int64_t> last_active_day_ms;
  std::vector<int64_t> token_last_used_days_ms;  // distinct days, ascending
  std::vector<int64_t> media_upload_days_ms;     // of unattached uploads; distinct, ascending
  bool has_password_hash = false;
  int64_t recovery_code_hashes = 0;
  int64_t token_hashes = 0;
  // A collective account's members' join days, in join order (empty: one person), and its
  // unspent invite codes.
  std::vector<int64_t> member_join_days_ms;
  int64_t member_invites = 0;
  // Federation. Of `followers`, those on other servers.
  int64_t remote_followers = 0;
  // Deliveries waiting in the queue: signed by this account when it is local, addressed
  // to its own inbox when it is remote (those to its server's shared inbox name no one).
  int64_t queued_deliveries = 0;
  // Set when the account is another server's: what that server published about it.
  struct Remote {
    std::string actor_uri;  // its ActivityPub id
    bool has_shared_inbox = false;
    bool has_profile_url = false;
  };
  std::optional<Remote> remote;
};

// What a legal production takes from one account (Store::account_records): its
// inventory counts and the own posts (boosts left out) the caller asked for, newest first.
struct AccountRecords {
  AccountInventoryCounts counts;
  std::vector<Post> posts;
};

// A new direct post's place in one account's conversations: the owner's thread
// with `participant_ids` (the other accounts of the post, ascending) gets the
// post as its newest, with that unread flag.
struct ConversationFiling {
  int64_t account_id = 0;
  std::vector<int64_t> participant_ids;
  bool unread = false;
};

// Where a post counts and is found beyond its own page and the timelines of
// those who may see it. The domain decides it once per post
// (domain::listing_of, domain/visibility.h); the store keeps it with the post,
// applies it when the post is stored and reverses exactly that when the post
// (or its author) is deleted, with no rule of its own.
struct PostListing {
  bool counted = false;           // its author's statuses_count and last status day
  bool counted_as_reply = false;  // its parent's replies_count
  bool in_search = false;         // full-text search finds it by its words
  // Hashtag search lists its hashtags, and they count on its author's featured tags.
  bool tags_in_search = false;
  // The public and hashtag timelines, and the history of use of its hashtags.
  bool in_public_timelines = false;
};

// What commits together with a new post (Store::insert_status): how it is
// listed, its place in each participant's conversation (direct posts), the
// notifications it causes, the idempotency key that names it for its author
// and, when it publishes a scheduled post, that post's deletion: if the
// scheduled post is gone already (published or deleted meanwhile), nothing is
// stored and the insert is kConflict, so a scheduled post is published exactly once.
struct NewPostEffects {
  PostListing listing;
  // The keys its hashtags are found under (domain::listed_tag_keys).
  std::vector<std::string> tag_keys;
  std::vector<ConversationFiling> conversations;
  std::vector<Notification> notifications;
  std::optional<std::string> idempotency_key_hash;
  std::optional<int64_t> scheduled_status_id;
};

// How many scheduled posts an account has (Store::scheduled_counts).
struct ScheduledCounts {
  int64_t total = 0;
  int64_t on_day = 0;  // publishing on the day asked for
};

// A poll past its end whose end notifications are not yet written (Store::polls_due).
struct DuePoll {
  int64_t status_id = 0;
  int64_t author_id = 0;
  int64_t expires_ms = 0;  // the end it was listed for: an edit since then makes it another poll
  std::vector<int64_t> voter_ids;  // distinct, ascending
};

// Outcome of a follow: either an immediate follow or a pending request.
enum class FollowOutcome { kFollowing, kRequested, kAlready };

// A follow that a change ends, committed with it (Store::end_follow, set_block):
// the follow and any pending request for it go, the counts follow, and with
// `leave_lists` the followed account leaves the follower's lists. Which follows
// an unfollow or a block ends, and what else goes with them, is the domain's
// rule (domain::Relationships).
struct EndedFollow {
  int64_t follower_id = 0;
  int64_t followed_id = 0;
  bool leave_lists = false;
  bool unendorse = false;  // the follower's endorsement of the followed account goes too
};

class Store {
 public:
  virtual ~Store() = default;

  // How many commits by another connection (another process, such as the admin
  // CLI against a running server) this store has noticed; looking also refreshes
  // the store's own caches. Whoever keeps state derived from the store (the warm
  // home feeds) rebuilds it when the count grows. Stores without other writers
  // keep the default.
  virtual Result<uint64_t> external_commits() { return uint64_t{0}; }

  // Accounts.
  virtual Result<Account> create_account(const NewAccount& a) = 0;
  virtual Result<std::optional<Account>> account_by_id(int64_t id) = 0;
  virtual Result<std::optional<Account>> account_by_username(std::string_view username) = 0;
  virtual Result<std::vector<Account>> accounts_by_ids(const std::vector<int64_t>& ids) = 0;
  virtual Result<std::vector<Account>> search_accounts(std::string_view prefix, int limit,
                                                       int offset) = 0;
  virtual Result<std::vector<int64_t>> directory(const DirectoryQuery& q) = 0;
  virtual Status update_profile(int64_t id, const ProfileUpdate& u) = 0;
  virtual Status set_role(int64_t id, domain::Role role) = 0;
  virtual Result<std::string> password_hash(int64_t account_id) = 0;
  // Marks the account and the token (`token_id`, whose hash is `token_hash`) as used today
  // (day precision; a no-op when already today).
  virtual Status touch_activity_day(int64_t account_id, int64_t token_id,
                                    std::string_view token_hash, int64_t day_ms) = 0;
  // Counts of everything held about the account, read in one snapshot (what another
  // connection commits meanwhile is in all of them or in none); kNotFound if there is
  // no such account. account_records() adds the account's posts with one of
  // `post_visibilities` (none: no posts) from the same snapshot.
  virtual Result<AccountInventoryCounts> inventory_counts(int64_t account_id) = 0;
  // How many accounts were active (Store::touch_activity_day) on `day_ms` or later.
  virtual Result<int64_t> accounts_active_since(int64_t day_ms) = 0;
  // The account's actor key; nullopt when it has none yet. add_actor_key() keeps `key`
  // unless the account already has one and returns the one kept, so of callers racing to
  // make the first, all get the same; kNotFound if the account is gone. The key goes
  // with its account.
  virtual Result<std::optional<ActorKey>> actor_key(int64_t account_id) = 0;
  virtual Result<ActorKey> add_actor_key(int64_t account_id, const ActorKey& key) = 0;
  virtual Result<AccountRecords> account_records(
      int64_t account_id, const std::vector<domain::Visibility>& post_visibilities) = 0;

  // OAuth.
  virtual Result<App> create_app(const App& app) = 0;
  virtual Result<std::optional<App>> app_by_client_id(std::string_view client_id) = 0;
  virtual Result<std::optional<App>> app_by_id(int64_t id) = 0;
  // Credentials are created with their wrapped copy of the account's key in the same
  // write (`wrapped_key` empty: none), so no credential is ever stored without it.
  virtual Result<Token> create_token(const std::string& token_hash, const Token& t,
                                     const std::string& wrapped_key) = 0;
  virtual Result<std::optional<Token>> token_by_hash(const std::string& token_hash) = 0;
  virtual Status revoke_token(const std::string& token_hash) = 0;
  virtual Status create_auth_code(const std::string& code_hash, const AuthCode& c,
                                  const std::string& wrapped_key) = 0;
  // Returns and deletes the code (single use) when it was issued to `app_id`; another
  // app's attempt finds nothing and spends nothing.
  virtual Result<std::optional<AuthCode>> take_auth_code(const std::string& code_hash,
                                                         int64_t app_id) = 0;

  // Statuses. insert_status() writes `effects` in the same transaction: the
  // counters and indexes its listing names (account statuses_count and last
  // status day, parent replies_count, the search indexes; a boost always adds to
  // its original's reblogs_count), the post's conversation threads (as
  // save_conversation() would, one per filing), its notifications and its
  // idempotency key. A post that mentions or messages many accounts costs one
  // commit, and an acknowledged post is never stored without them. Deleting a
  // post, or its author's account, reverses what its listing added; an edit
  // re-indexes its words only if its listing has it in search.
  virtual Status insert_status(const Post& s, const NewPostEffects& effects) = 0;
  virtual Result<std::optional<Post>> status_by_id(int64_t id) = 0;
  virtual Result<std::vector<Post>> statuses_by_ids(const std::vector<int64_t>& ids) = 0;
  // Deletes the status, its reblogs, favourites, bookmarks, pins, notifications; returns deleted
  // reblog ids. insert_status() is kNotFound, nothing stored, when the post it boosts or
  // replies to is gone, and kConflict when effects.idempotency_key_hash already names a
  // post of the author (the key is claimed in the same transaction); mentions,
  // notifications and conversation threads of accounts that are gone are left out.
  virtual Result<std::vector<int64_t>> delete_status(int64_t id) = 0;
  // Saves the previous version in the edit history and replaces the content.
  // The post's poll is replaced by `s.poll` (removed when unset): with
  // `reset_poll_votes` (or when the post had none) it starts with no votes and
  // zero tallies, otherwise its votes and tallies stay and only its end and
  // hide_totals change (a new end time makes its end notifications due again).
  // The post is found by its hashtags under `tag_keys` (domain::listed_tag_keys) only.
  // `notifications` (of mentions the edit adds, and to those who boosted it) commit in
  // the same transaction: an edit is never stored without them.
  virtual Status update_status(const Post& s, const PostEdit& previous,
                               const std::vector<std::string>& tag_keys, bool reset_poll_votes,
                               const std::vector<Notification>& notifications) = 0;
  virtual Result<std::vector<PostEdit>> status_edits(int64_t id) = 0;
  virtual Result<std::optional<int64_t>> find_reblog(int64_t account_id, int64_t status_id) = 0;
  virtual Result<std::vector<int64_t>> ancestors(int64_t id, int limit) = 0;

  // Polls (named by their post's id). Loaded posts carry theirs in `poll`, with
  // the tallies; insert_status() writes it. add_poll_votes() records the
  // account's `choices` (distinct option positions) and adds them to the tallies
  // in one transaction, unless the account already voted in the poll: false
  // then, and nothing changes. Votes carry no time (shield rule) and go with the
  // voter's account; the tallies stay. poll_choices() gives, for each of
  // `status_ids` whose poll the account voted in, the positions it chose
  // (ascending). polls_due() lists up to `limit` polls ended at or before now_ms
  // whose end is not yet marked; end_poll() marks one ended and writes
  // `notifications` in the same transaction, or, when it was already marked or
  // an edit has changed its end since polls_due() listed it, writes nothing and
  // returns false, so each end is announced exactly once and only when it came.
  // next_poll_end() is the earliest end not yet marked.
  virtual Result<bool> add_poll_votes(int64_t account_id, int64_t status_id,
                                      const std::vector<int>& choices) = 0;
  virtual Result<std::vector<std::pair<int64_t, std::vector<int>>>> poll_choices(
      int64_t account_id, const std::vector<int64_t>& status_ids) = 0;
  virtual Result<std::vector<DuePoll>> polls_due(int64_t now_ms, int limit) = 0;
  virtual Result<bool> end_poll(const DuePoll& poll,
                                const std::vector<Notification>& notifications) = 0;
  virtual Result<std::optional<int64_t>> next_poll_end() = 0;

  // Media (docs/decisions/0002-media-uploads.md). Loaded posts carry their
  // attachments in `media`. insert_status() attaches the post's media in order;
  // update_status() makes the post's media exactly its `media` (in order, with
  // their descriptions and focus points) and deletes the rows of attachments it
  // no longer lists; delete_status() and delete_account() delete the rows of
  // their media. The store never touches files: the domain erases them after
  // the rows are gone.
  virtual Status insert_media(const domain::MediaAttachment& m) = 0;
  // The attachments among `ids` that exist, in no particular order.
  virtual Result<std::vector<domain::MediaAttachment>> media_by_ids(
      const std::vector<int64_t>& ids) = 0;
  virtual Status update_media_description(int64_t id, const std::string& description,
                                          double focus_x, double focus_y) = 0;
  // Deletes the attachment if it is still unattached; false when it was not.
  virtual Result<bool> delete_unattached_media(int64_t id) = 0;
  // The file names of every attachment of the account (originals and previews)
  // and of its profile pictures.
  virtual Result<std::vector<std::string>> media_file_names_of(int64_t account_id) = 0;
  // Deletes every unattached attachment uploaded on or before the day
  // `last_day_ms` (midnight UTC) and returns the names of their files. Attached
  // ones carry no upload day and are never deleted by this.
  virtual Result<std::vector<std::string>> delete_unattached_media_uploaded_by(
      int64_t last_day_ms) = 0;
  // Those of `keys` (MediaAttachment::file_key) that an attachment's or a
  // profile picture's files are stored under, in no particular order; a key
  // without one names orphaned files.
  virtual Result<std::vector<std::string>> stored_media_keys(
      const std::vector<std::string>& keys) = 0;
  virtual Result<std::vector<int64_t>> descendants(int64_t id, int limit) = 0;

  // Scheduled posts (domain::ScheduledStatus). insert_scheduled_status() stores
  // one and reserves its uploads (`media` ids, in order) in one transaction:
  // each must be the account's, in no post and reserved for no other scheduled
  // post, else kUnprocessable and nothing is stored; kConflict, nothing stored,
  // when another waiting post of the account has its idempotency_key_hash. A reserved upload is
  // taken by no other post and never swept (delete_unattached_media_uploaded_by) or deleted
  // (delete_unattached_media) until insert_status() publishes its post
  // (NewPostEffects::scheduled_status_id) or delete_scheduled_status() releases
  // it. Loaded ones carry their reserved media. scheduled_statuses_of() pages by
  // id, newest first; scheduled_statuses_due() gives up to `limit` due at or
  // before now_ms, earliest first; next_scheduled_ms() the earliest time of all.
  // reschedule_status() and delete_scheduled_status() say whether the row was
  // there. scheduled_counts() counts the account's, and those of them due on the
  // day beginning at `day_ms` (midnight UTC), leaving out `except_id`.
  virtual Status insert_scheduled_status(const ScheduledStatus& s) = 0;
  virtual Result<std::optional<ScheduledStatus>> scheduled_status(int64_t id) = 0;
  virtual Result<std::vector<ScheduledStatus>> scheduled_statuses_of(int64_t account_id,
                                                                     const Page& p) = 0;
  virtual Result<std::vector<ScheduledStatus>> scheduled_statuses_due(int64_t now_ms,
                                                                      int limit) = 0;
  virtual Result<std::optional<int64_t>> next_scheduled_ms() = 0;
  virtual Result<bool> reschedule_status(int64_t id, int64_t scheduled_ms) = 0;
  virtual Result<bool> delete_scheduled_status(int64_t id) = 0;
  virtual Result<ScheduledCounts> scheduled_counts(int64_t account_id, int64_t day_ms,
                                                   int64_t except_id) = 0;

  // Status lists; each returns ids newest first.
  virtual Result<std::vector<int64_t>> account_statuses(int64_t account_id,
                                                        const AccountStatusesQuery& q,
                                                        const Page& p) = 0;
  // Posts listed in_public_timelines (PostListing), all or those carrying
  // `normalized_tag`; with only_media, those that carry media only; public_timeline()
  // those of `origin` only.
  virtual Result<std::vector<int64_t>> public_timeline(
      const Page& p, bool only_media = false,
      domain::PostOrigin origin = domain::PostOrigin::kAny) = 0;
  virtual Result<std::vector<int64_t>> tag_timeline(std::string_view normalized_tag, const Page& p,
                                                    bool only_media = false) = 0;
  // The posts `sources` names, whatever their visibility: what a home feed is
  // rebuilt from and a list read from (domain::Timelines), the domain keeping
  // those that reach it.
  virtual Result<std::vector<int64_t>> feed_candidates(const FeedSources& sources,
                                                       const Page& p) = 0;
  // Posts listed in_search whose words contain every word of `query`, newest first.
  virtual Result<std::vector<int64_t>> search_statuses(std::string_view query, int limit,
                                                       int offset) = 0;
  // Hashtags beginning with `prefix` (normalized) that posts listed tags_in_search
  // carry, the most used first.
  virtual Result<std::vector<std::string>> search_tags(std::string_view prefix, int limit) = 0;

  // Favourites, bookmarks, pins: true when the call changed something. A new favourite
  // commits `notifications` (its author's) in the same transaction; a removal or a
  // favourite there already writes none.
  virtual Result<bool> set_favourite(int64_t account_id, int64_t status_id, bool on,
                                     const std::vector<Notification>& notifications) = 0;
  virtual Result<bool> set_bookmark(int64_t account_id, int64_t status_id, bool on) = 0;
  virtual Result<bool> set_pin(int64_t account_id, int64_t status_id, bool on) = 0;
  virtual Result<ViewerFlags> viewer_flags(int64_t account_id,
                                           const std::vector<int64_t>& status_ids) = 0;
  // Paged lists keyed by the row id of the favourite/bookmark: pairs of (row id, status or account
  // id).
  virtual Result<std::vector<std::pair<int64_t, int64_t>>> favourites_of(int64_t account_id,
                                                                         const Page& p) = 0;
  virtual Result<std::vector<std::pair<int64_t, int64_t>>> bookmarks_of(int64_t account_id,
                                                                        const Page& p) = 0;
  virtual Result<std::vector<std::pair<int64_t, int64_t>>> favourited_by(int64_t status_id,
                                                                         const Page& p) = 0;
  virtual Result<std::vector<std::pair<int64_t, int64_t>>> reblogged_by(int64_t status_id,
                                                                        const Page& p) = 0;

  // Relationships.
  // follow() commits `notifications` (the follow's own, or its request's) in the same
  // transaction when the follow or request is new (kFollowing, kRequested), and none
  // when it was there already (kAlready): a new follow is never stored without them.
  virtual Result<FollowOutcome> follow(int64_t account_id, int64_t target_id, bool locked_target,
                                       bool show_reblogs, bool notify,
                                       const std::vector<Notification>& notifications) = 0;
  // Whether there was a follow to end (a pending request alone is not one).
  virtual Result<bool> end_follow(const EndedFollow& ended) = 0;
  // Whether there was a request; an accepted one commits `notifications` (the
  // follow's) in the same transaction, a rejected one none.
  virtual Result<bool> resolve_follow_request(int64_t requester_id, int64_t target_id, bool accept,
                                              const std::vector<Notification>& notifications) = 0;
  virtual Result<std::vector<std::pair<int64_t, int64_t>>> follow_requests(int64_t target_id,
                                                                           const Page& p) = 0;
  // Blocks (on) or unblocks; a block ends the follows in `ended` with it. Whether
  // the block changed.
  virtual Result<bool> set_block(int64_t account_id, int64_t target_id, bool on,
                                 const std::vector<EndedFollow>& ended) = 0;
  virtual Result<bool> set_mute(int64_t account_id, int64_t target_id, bool on,
                                bool notifications) = 0;
  virtual Result<std::vector<Relationship>> relationships(int64_t account_id,
                                                          const std::vector<int64_t>& ids) = 0;
  virtual Result<std::vector<std::pair<int64_t, int64_t>>> followers(int64_t account_id,
                                                                     const Page& p) = 0;
  virtual Result<std::vector<std::pair<int64_t, int64_t>>> following(int64_t account_id,
                                                                     const Page& p) = 0;
  virtual Result<std::vector<std::pair<int64_t, int64_t>>> blocks_of(int64_t account_id,
                                                                     const Page& p) = 0;
  virtual Result<std::vector<std::pair<int64_t, int64_t>>> mutes_of(int64_t account_id,
                                                                    const Page& p) = 0;
  // Endorsements (Mastodon's account pins: accounts featured on a profile), one row
  // each. set_endorsement() says whether it changed anything; endorsing writes only
  // while `account_id` follows `target_id`, checked in the same transaction (the
  // domain endorses only whom one follows, and EndedFollow::unendorse ends both
  // together): kUnprocessable when there is no such follow. endorsements() pages an
  // account's by row id: pairs of (row id, account id).
  virtual Result<bool> set_endorsement(int64_t account_id, int64_t target_id, bool on) = 0;
  virtual Result<std::vector<std::pair<int64_t, int64_t>>> endorsements(int64_t account_id,
                                                                        const Page& p) = 0;
  // The followers of `account_id` that `viewer_id` follows, ascending.
  virtual Result<std::vector<int64_t>> followers_followed_by(int64_t account_id,
                                                             int64_t viewer_id) = 0;
  // Every follower id of an account, ascending: the fan-out list.
  virtual Result<std::vector<int64_t>> follower_ids(int64_t account_id) = 0;
  // Every account `account_id` follows, ascending.
  virtual Result<std::vector<int64_t>> followed_ids(int64_t account_id) = 0;
  // Followers who asked to be notified of the account's posts (follow with notify=true).
  virtual Result<std::vector<int64_t>> notified_follower_ids(int64_t account_id) = 0;
  // Followed hashtags, by normalized name. A follow is only (account, tag): no time,
  // no order. set_tag_follow() says whether it changed anything; followed_tags() gives
  // all of an account's, ascending by name; tag_follower_ids() the accounts that
  // follow any of `tags`, ascending (one query, however many followers).
  virtual Result<bool> set_tag_follow(int64_t account_id, const std::string& tag, bool on) = 0;
  virtual Result<std::vector<std::string>> followed_tags(int64_t account_id) = 0;
  virtual Result<std::vector<int64_t>> tag_follower_ids(const std::vector<std::string>& tags) = 0;
  // Featured hashtags (Mastodon's FeaturedTag), by normalized name, one row each
  // (its id names it). featured_tags() gives the account's, oldest feature first, each
  // with the account's posts listed tags_in_search that carry it; feature_tag()
  // features `tag` and gives the feature's id (the existing one when the tag is
  // featured already), or nullopt when the account features `at_most` tags already;
  // unfeature_tag() says whether the account had that feature. listed_tags_of() gives
  // the hashtags of the account's posts listed tags_in_search, the most recently used
  // first, at most `limit`.
  virtual Result<std::vector<domain::FeaturedTag>> featured_tags(int64_t account_id) = 0;
  virtual Result<std::optional<int64_t>> feature_tag(int64_t account_id, const std::string& tag,
                                                     size_t at_most) = 0;
  virtual Result<bool> unfeature_tag(int64_t account_id, int64_t featured_tag_id) = 0;
  virtual Result<std::vector<std::string>> listed_tags_of(int64_t account_id, int limit) = 0;
  // The days since `since_day_ms` (midnight UTC) on which posts listed
  // in_public_timelines carried `tag`, with their counts, in no particular order;
  // days without any are left out.
  virtual Result<std::vector<domain::TagDay>> tag_history(std::string_view tag,
                                                          int64_t since_day_ms) = 0;
  // The filter set for the viewer's timelines.
  virtual Result<HiddenAccounts> hidden_accounts(int64_t viewer_id) = 0;
  // Who keeps `account_id` out of their view (the fan-out's exclusions).
  virtual Result<HiddenBy> hidden_by(int64_t account_id) = 0;

  // Notifications. Each is written by the write that causes it, in its transaction
  // (insert_status, update_status, set_favourite, follow, resolve_follow_request,
  // end_poll), and none whose recipient, sender or post is gone (their deletion would
  // have taken it).
  virtual Result<std::vector<Notification>> notifications(int64_t account_id,
                                                          const NotificationQuery& q,
                                                          const Page& p) = 0;
  virtual Result<std::optional<Notification>> notification(int64_t account_id, int64_t id) = 0;
  virtual Result<bool> dismiss_notification(int64_t account_id, int64_t id) = 0;
  virtual Status clear_notifications(int64_t account_id) = 0;

  // Notification policies and requests (Mastodon 4.3; what they mean is the
  // domain's). notification_policies() gives the stored policy of those of
  // `account_ids` that have one; save_notification_policy() replaces one.
  // notification_permissions() gives those of `account_ids` that accepted a
  // request from `from_account_id`, ascending. notification_requests() pages the
  // account's requests (domain::NotificationRequest: one per sender of filtered
  // notifications, named by the oldest) by that id, newest first, leaving out
  // senders whose notifications notifications() hides; notification_request()
  // finds one by id (nothing for an id that names none of the account's).
  // resolve_notification_requests() ends the requests from `from_account_ids` in
  // one transaction: accepted, their notifications stop being filtered and the
  // senders are recorded as accepted (notification_permissions()); dismissed,
  // their filtered notifications are deleted.
  virtual Result<std::vector<std::pair<int64_t, domain::NotificationPolicy>>> notification_policies(
      const std::vector<int64_t>& account_ids) = 0;
  virtual Status save_notification_policy(int64_t account_id,
                                          const domain::NotificationPolicy& policy) = 0;
  virtual Result<std::vector<int64_t>> notification_permissions(
      int64_t from_account_id, const std::vector<int64_t>& account_ids) = 0;
  virtual Result<std::vector<domain::NotificationRequest>> notification_requests(int64_t account_id,
                                                                                 const Page& p) = 0;
  virtual Result<std::optional<domain::NotificationRequest>> notification_request(
      int64_t account_id, int64_t id) = 0;
  virtual Status resolve_notification_requests(int64_t account_id,
                                               const std::vector<int64_t>& from_account_ids,
                                               bool accept) = 0;

  // Muted threads (Mastodon's conversation mutes), each named by the first post of
  // the thread (the one its replies lead up to); a mute goes with that post and with
  // the account. set_thread_mute() says whether it changed anything;
  // thread_muters() gives the accounts muting the thread of `root_id`, ascending.
  // ViewerFlags::muted tells which posts lie in a thread the viewer muted.
  virtual Result<bool> set_thread_mute(int64_t account_id, int64_t root_id, bool on) = 0;
  virtual Result<std::vector<int64_t>> thread_muters(int64_t root_id) = 0;

  // Conversations (direct-message threads), one per owner and set of other
  // participants. save_conversation() makes `last_status_id` the thread's newest
  // post (unless it already has a newer one) with that unread flag, creating the
  // thread when the owner has none (or removed it), and does nothing when the owner
  // or the post is gone. conversations() pages by
  // last_status_id, newest first. conversations_ending_with() lists every thread
  // whose newest post is `status_id`; statuses_with_visibility_of() gives the ids of
  // the posts with `visibility` the account wrote or is mentioned in, below
  // `before_id`, newest first.
  // A thread goes with its owner's account, its newest post and any participant's
  // account; mark_conversation_read() and delete_conversation() say whether the
  // owner had it.
  virtual Status save_conversation(int64_t account_id, const std::vector<int64_t>& participant_ids,
                                   int64_t last_status_id, bool unread) = 0;
  virtual Result<std::vector<Conversation>> conversations(int64_t account_id, const Page& p) = 0;
  virtual Result<std::optional<Conversation>> conversation(int64_t account_id, int64_t id) = 0;
  virtual Result<std::vector<Conversation>> conversations_ending_with(int64_t status_id) = 0;
  virtual Result<std::vector<int64_t>> statuses_with_visibility_of(int64_t account_id,
                                                                   domain::Visibility visibility,
                                                                   int64_t before_id,
                                                                   int limit) = 0;
  virtual Result<bool> mark_conversation_read(int64_t account_id, int64_t id) = 0;
  virtual Result<bool> delete_conversation(int64_t account_id, int64_t id) = 0;

  // Reports (domain::Report). insert_report() stores a new one with its posts and gives
  // it its id (kNotFound when an account or post it names is gone); report() gives
  // nothing for an unknown id; reports() pages by id, newest first; update_report()
  // makes the stored report's reporter, category, rules, resolution, assignment and
  // updated day those of `r` (kNotFound when it is gone).
  virtual Result<domain::Report> insert_report(const domain::Report& r) = 0;
  virtual Result<std::optional<domain::Report>> report(int64_t id) = 0;
  virtual Result<std::vector<domain::Report>> reports(const ReportQuery& q, const Page& p) = 0;
  virtual Status update_report(const domain::Report& r) = 0;

  // Counts for /api/v1/instance: the accounts, and the posts listed `counted`.
  virtual Result<InstanceStats> instance_stats() = 0;

  // Lists. create_list() stores `list` (its id is ignored) and returns it with its
  // id; list() returns nothing for an unknown id (the caller checks the owner);
  // list_members() pages by membership row: pairs of (row id, account id);
  // add_list_members() ignores accounts already in the list; list_member_ids()
  // gives them all, ascending; exclusive_list_owners() the owners of the lists
  // marked exclusive that `member_id` is in, ascending.
  virtual Result<List> create_list(const List& list) = 0;
  virtual Result<std::optional<List>> list(int64_t list_id) = 0;
  virtual Status update_list(const List& list) = 0;
  virtual Status delete_list(int64_t list_id) = 0;
  virtual Result<std::vector<List>> lists_of(int64_t owner_id) = 0;
  // The owner's lists that `member_id` is in.
  virtual Result<std::vector<List>> lists_with_member(int64_t owner_id, int64_t member_id) = 0;
  virtual Result<std::vector<std::pair<int64_t, int64_t>>> list_members(int64_t list_id,
                                                                        const Page& p) = 0;
  virtual Status add_list_members(int64_t list_id, const std::vector<int64_t>& account_ids) = 0;
  virtual Status remove_list_members(int64_t list_id, const std::vector<int64_t>& account_ids) = 0;
  virtual Result<std::vector<int64_t>> list_member_ids(int64_t list_id) = 0;
  virtual Result<std::vector<int64_t>> exclusive_list_owners(int64_t member_id) = 0;

  // The sealed private note `account_id` keeps on `target_id` (an empty envelope deletes it);
  // relationships() carries it as Relationship::sealed_note.
  virtual Status set_account_note(int64_t account_id, int64_t target_id,
                                  const std::string& sealed) = 0;

  // Filters, each with its keywords and statuses. filter() returns nothing for an unknown id
  // (the caller checks the owner); filter_of_keyword() and filter_of_status() find the filter
  // of a keyword or filtered-status id. save_filter() inserts a filter with id 0 or makes the
  // stored one equal to `filter` (keywords and statuses with id 0 are inserted, stored ones
  // left out are deleted) in one transaction, and returns it with every id filled in.
  virtual Result<std::vector<domain::Filter>> filters_of(int64_t account_id) = 0;
  virtual Result<std::optional<domain::Filter>> filter(int64_t filter_id) = 0;
  virtual Result<std::optional<int64_t>> filter_of_keyword(int64_t keyword_id) = 0;
  virtual Result<std::optional<int64_t>> filter_of_status(int64_t filter_status_id) = 0;
  virtual Result<domain::Filter> save_filter(const domain::Filter& filter) = 0;
  virtual Status delete_filter(int64_t filter_id) = 0;

  // Markers and idempotency keys.
  virtual Result<std::vector<Marker>> markers(int64_t account_id) = 0;
  virtual Result<Marker> save_marker(int64_t account_id, const std::string& timeline,
                                     int64_t last_read_id) = 0;
  virtual Result<std::optional<int64_t>> idempotent_status(int64_t account_id,
                                                           const std::string& key_hash) = 0;

  // Web UI sessions, keyed by the hash of the cookie secret. web_session() returns
  // nothing for an unknown hash; touch_web_session() raises last_seen to day_ms (a
  // no-op when already that day); delete_web_sessions_of() ends every session of an
  // account (password change, recovery).
  virtual Status create_web_session(const std::string& token_hash, int64_t account_id,
                                    std::optional<int64_t> member_id, int64_t day_ms,
                                    const std::string& wrapped_key) = 0;
  virtual Result<std::optional<WebSession>> web_session(const std::string& token_hash) = 0;
  virtual Status touch_web_session(const std::string& token_hash, int64_t day_ms) = 0;
  virtual Status delete_web_session(const std::string& token_hash) = 0;
  virtual Status delete_web_sessions_of(int64_t account_id) = 0;

  // Credentials. recovery_codes() lists the account's unused code hashes;
  // consume_recovery_code() deletes one and returns whether it was still there (so
  // two concurrent recoveries cannot both spend it); replace_recovery_codes()
  // swaps the whole set atomically.
  virtual Status set_password_hash(int64_t account_id, const std::string& password_hash) = 0;
  virtual Result<std::vector<RecoveryCodeHash>> recovery_codes(int64_t account_id) = 0;
  virtual Result<bool> consume_recovery_code(int64_t account_id, int64_t code_id) = 0;
  virtual Status replace_recovery_codes(int64_t account_id,
                                        const std::vector<NewRecoveryCode>& codes) = 0;

  // Sealed-message keys (docs/sealed-messages.md). account_key() is empty for an
  // account without a key pair; set_account_key() replaces the pair's public key
  // and password-wrapped secret key; add_account_key() sets them only when the
  // account has none yet and says whether it did (two first sign-ins racing keep
  // one pair). public_keys() gives (account id, public key)
  // for those of `ids` that have one. A credential's wrapped copy lives on the
  // credential's own row, written with it: wrapped_key() is empty when it has no copy.
  virtual Result<std::optional<AccountKey>> account_key(int64_t account_id) = 0;
  virtual Status set_account_key(int64_t account_id, const AccountKey& key) = 0;
  virtual Result<bool> add_account_key(int64_t account_id, const AccountKey& key) = 0;
  virtual Result<std::vector<std::pair<int64_t, std::string>>> public_keys(
      const std::vector<int64_t>& ids) = 0;
  virtual Result<std::optional<WrappedCopy>> wrapped_key(KeyedCredential kind,
                                                         const std::string& credential_hash) = 0;

  // The account's user tokens (apps it authorized), newest first, and revoking
  // one by id; revoke_token_of() is kNotFound when the token is not the account's.
  virtual Result<std::vector<Token>> tokens_of(int64_t account_id) = 0;
  virtual Status revoke_token_of(int64_t account_id, int64_t token_id) = 0;
  // Revokes every access token of the account (recovery: whoever held the old password).
  virtual Status revoke_tokens_of(int64_t account_id) = 0;

  // Collective accounts (docs/collective-accounts.md). Tokens, web sessions and
  // authorization codes are created with their member (Token::member_id,
  // WebSession::member_id, AuthCode::member_id); deleting a member deletes them, its
  // key copies and its recovery codes in the same write.
  //
  // collective() is empty for a one-person account. make_collective() turns the account
  // into one whose first member, `owner`, is its owner, at key generation 1 (the
  // account's current key pair, public half `public_key`): its password hash, its
  // password-wrapped key and recovery codes are cleared and every token, authorization
  // code and web session it had is deleted; kConflict when it already is collective,
  // kNotFound when the account is gone. Returns the owner's member id.
  virtual Result<std::optional<Collective>> collective(int64_t account_id) = 0;
  virtual Result<int64_t> make_collective(int64_t account_id, const std::string& salt,
                                          const NewMember& owner, int64_t day_ms) = 0;
  // The account's members in the order they joined; one member by id (any account).
  virtual Result<std::vector<Member>> members(int64_t account_id) = 0;
  virtual Result<std::optional<Member>> member(int64_t member_id) = 0;
  virtual Result<std::optional<Member>> member_by_lookup(int64_t account_id,
                                                         const std::string& lookup) = 0;
  // The member's copies of the account's key, newest generation first.
  virtual Result<std::vector<KeyCopy>> key_copies(int64_t member_id) = 0;
  // Invites. invite() is empty for a code unknown, spent or expired before `today_ms`.
  // join_collective() spends the code and adds the member in one write (JoinOutcome).
  virtual Status create_invite(const std::string& code_hash, const Invite& invite) = 0;
  virtual Result<std::optional<Invite>> invite(const std::string& code_hash, int64_t today_ms) = 0;
  virtual Result<JoinOutcome> join_collective(const std::string& code_hash, int64_t today_ms,
                                              const NewMember& member, int64_t day_ms) = 0;
  // Deletes the member (with its tokens, sessions, codes and key copies), every unspent
  // invite of the account (they carry the old keys), and writes the new generation: the
  // account's public key and each staying member's copy. kNotFound when the member is
  // gone; kConflict when it is the owner or the last member, or when `rekey` does not
  // hold a copy for exactly the members who stay (one joined meanwhile). Returns the ids
  // of the tokens deleted.
  virtual Result<std::vector<int64_t>> remove_member(int64_t member_id, const Rekey& rekey) = 0;
  // Makes `to` the owner instead of `from` (both of one account); kNotFound otherwise.
  virtual Status hand_over(int64_t from_member_id, int64_t to_member_id) = 0;
  // A member's new password: lookup and wrapped key. kConflict when another member of the
  // account has that lookup. With `code_id`, also spends that recovery code (returning
  // false, with nothing written, when it was spent meanwhile) and deletes the member's
  // tokens and web sessions, whose ids are returned.
  virtual Result<std::optional<std::vector<int64_t>>> set_member_password(
      int64_t member_id, const std::string& lookup, const std::string& wrapped_key,
      std::optional<int64_t> code_id) = 0;
  virtual Result<std::optional<MemberRecoveryCode>> member_recovery_code(
      int64_t account_id, const std::string& lookup) = 0;
  virtual Result<int64_t> member_recovery_codes_left(int64_t member_id) = 0;
  virtual Status replace_member_recovery_codes(int64_t member_id,
                                               const std::vector<NewMemberRecoveryCode>& codes) = 0;

  // Erases the account and everything that cascades from it (posts, boosts,
  // favourites, follows, tokens, sessions, notifications, search index entries),
  // and corrects the counters it contributed to on other accounts and posts.
  virtual Status delete_account(int64_t account_id) = 0;

  // Erasure (docs/erasure.md): when rows were deleted or overwritten since the
  // last call, makes their old bytes unreadable in the store's files (SQLite:
  // merges the search index so deleted posts leave no terms behind, then
  // checkpoints the write-ahead log and truncates it, since the log keeps old
  // page images that secure_delete never reaches). Returns whether there was
  // anything to erase. kInternal when another connection keeps the log busy;
  // the next call tries again.
  virtual Result<bool> erase_deleted() = 0;

  // Federation (issue 12). save_remote_actor() creates the actor's account row and its
  // RemoteActor, or updates both when `actor.uri` is known; it returns the account id.
  // kConflict when the acct is another account's. The remote_actor readers find one by
  // its account, its id or its key id; nullopt when unknown.
  virtual Result<int64_t> save_remote_actor(const RemoteActor& actor,
                                            const RemoteProfile& profile) = 0;
  virtual Result<std::optional<RemoteActor>> remote_actor(int64_t account_id) = 0;
  virtual Result<std::optional<RemoteActor>> remote_actor_by_uri(std::string_view uri) = 0;
  virtual Result<std::optional<RemoteActor>> remote_actor_by_key_id(std::string_view key_id) = 0;
  // The post from another server whose ActivityPub id is `uri` (Post::uri), if kept.
  virtual Result<std::optional<int64_t>> status_id_by_uri(std::string_view uri) = 0;
  // The distinct inboxes that reach the remote followers of `account_id`: each
  // follower's server's shared inbox, or its own inbox when it has none.
  virtual Result<std::vector<std::string>> follower_inboxes(int64_t account_id) = 0;
  // The id of the Follow activity by which a remote `follower_id` asked to follow
  // `target_id`, kept while the request waits; take_follow_activity() returns and
  // forgets it (nullopt when none).
  virtual Status keep_follow_activity(int64_t follower_id, int64_t target_id,
                                      const std::string& uri) = 0;
  virtual Result<std::optional<std::string>> take_follow_activity(int64_t follower_id,
                                                                  int64_t target_id) = 0;
  // The durable delivery queue. enqueue_deliveries() adds each of `deliveries` (ids
  // ignored) due at `due_ms`, in one transaction. claim_deliveries() hands out up to
  // `limit` due ones not claimed by anyone else and claims them until now_ms +
  // lease_ms, so of workers (or processes) claiming at once each gets its own and a
  // worker that died releases its claims by their expiry. finish_delivery() removes
  // one (sent, or given up); retry_delivery() counts a failed attempt and makes it
  // due again at `due_ms`, unclaimed. A delivery goes with its signing account.
  virtual Status enqueue_deliveries(const std::vector<FederationDelivery>& deliveries,
                                    int64_t due_ms) = 0;
  virtual Result<std::vector<FederationDelivery>> claim_deliveries(int64_t now_ms, int64_t lease_ms,
                                                                   int limit) = 0;
  virtual Status finish_delivery(int64_t id) = 0;
  virtual Status retry_delivery(int64_t id, int64_t due_ms) = 0;
  // When the earliest delivery not claimed is due; nullopt when none waits.
  virtual Result<std::optional<int64_t>> next_delivery_ms() = 0;

  // Domain blocks (domain::DomainBlock). insert_domain_block() gives the new one its id
  // (kConflict when its domain is blocked already); update_domain_block() rewrites one
  // (kNotFound when gone); delete_domain_block() says whether one went; domain_blocks()
  // reads them all, by id.
  virtual Result<domain::DomainBlock> insert_domain_block(const domain::DomainBlock& block) = 0;
  virtual Status update_domain_block(const domain::DomainBlock& block) = 0;
  virtual Result<bool> delete_domain_block(int64_t id) = 0;
  virtual Result<std::vector<domain::DomainBlock>> domain_blocks() = 0;
  // The remote accounts whose acct contains `text` (id and acct): the candidates the
  // domain sorts by host rule.
  virtual Result<std::vector<std::pair<int64_t, std::string>>> remote_accounts_containing(
      std::string_view text) = 0;
  // The instance actor's key pair (federation's own, not an account's); nullopt before
  // the first. add_instance_actor_key() keeps `key` unless one is kept, and returns the
  // one kept.
  virtual Result<std::optional<ActorKey>> instance_actor_key() = 0;
  virtual Result<ActorKey> add_instance_actor_key(const ActorKey& key) = 0;
};

}  // namespace publius::store
