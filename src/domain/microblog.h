// Microblog is the domain: every rule of the Mastodon-style microblog lives
// here (who may see what, what a valid post or profile is, who is notified,
// whose home feed receives a post), between the HTTP handlers above and the
// Store below. Handlers parse and render; they never decide.
//
// Thread-safe: holds no mutable state of its own beyond the Store and the
// HomeFeeds, both thread-safe, an atomic count of uploads in progress and the
// credential-guessing throttle (shield/auth_throttle.h, memory only). Errors are Result values
// whose messages are fit to show the client (Mastodon's {"error": ...}).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/model.h"
#include "media/media_files.h"
#include "shield/auth_throttle.h"
#include "shield/sealing.h"
#include "store/store.h"
#include "timeline/home_feeds.h"
#include "util/result.h"

namespace publius::domain {

// What a poll may be, as Mastodon's defaults; the instance advertises them
// (configuration.polls).
struct PollLimits {
  size_t max_options = 4;
  size_t max_characters_per_option = 50;
  int64_t min_expiration_s = 300;
  int64_t max_expiration_s = 2629746;  // a month
};

struct InstanceConfig {
  std::string domain = "localhost";  // the public host name, used in acct and URLs
  std::string title = "Publius";
  std::string description = "A Publius server: pseudonymous microblogging.";
  std::vector<std::string> rules;  // the operator's rules, in order (domain/instance_rules.h)
  size_t max_status_chars = 500;
  size_t max_pinned = 5;
  PollLimits polls;
  bool registrations_open = true;
  // Where uploaded media files are stored (DATA/media); empty: uploads are refused.
  std::string media_dir;
  // Images decoded at once. Decoding a phone photo holds a worker thread for up to a
  // second, so a flood of uploads must leave the other workers free for everyone else;
  // uploads beyond this are refused with 429 (the client retries).
  int max_concurrent_uploads = 2;
  // Where clients reach the server; "https://" + domain unless set (e.g. http on loopback).
  std::string public_url;
  std::string base_url() const { return public_url.empty() ? "https://" + domain : public_url; }
  // How credential guessing is slowed (docs/authentication-throttling.md).
  shield::AuthThrottle::Options auth_throttle;
};

struct RegisteredAccount {
  Account account;
  std::vector<std::string> recovery_codes;  // plain text, shown once, stored only hashed
  // The new account's secret key, for wrapping under the credential the caller
  // issues next (token, session); the caller lets it go with the request.
  shield::SecretKey key;
};

// A poll as a client asks for it (poll[options][], poll[expires_in], ...).
struct NewPoll {
  std::vector<std::string> options;
  int64_t expires_in_s = 0;
  bool multiple = false;
  bool hide_totals = false;
};

struct NewPost {
  int64_t author_id = 0;
  std::string text;
  std::string spoiler_text;
  // Unset (or empty): the author's posting defaults (Account::default_*).
  std::optional<Visibility> visibility;
  std::optional<bool> sensitive;
  std::string language;
  std::optional<int64_t> in_reply_to_id;
  std::optional<std::string> idempotency_key;
  std::vector<int64_t> media_ids;  // the author's unattached uploads, at most kMaxMediaPerPost
  std::optional<NewPoll> poll;     // not with media, not on a direct post
};

// A post waiting for its publication time (Mastodon's ScheduledStatus), as the
// domain reads it: the post as it will be made (its visibility fixed when it was
// scheduled, never direct) and the uploads reserved for it.
struct ScheduledPost {
  int64_t id = 0;
  int64_t scheduled_ms = 0;
  NewPost request;
  std::vector<MediaAttachment> media;
};

// A poll request as JSON, {"options", "expires_in", "multiple", "hide_totals"}:
// how a scheduled post keeps it and how Mastodon's ScheduledStatus shows it.
std::string new_poll_json(const NewPoll& poll);

// Mastodon's rules for scheduled posts: at least five minutes ahead, at most 300
// waiting per account and 25 publishing on one day (UTC).
inline constexpr int64_t kMinScheduleAheadMs = 5 * 60 * 1000;
inline constexpr int64_t kMaxScheduledPosts = 300;
inline constexpr int64_t kMaxScheduledPostsPerDay = 25;

// A focal point, each coordinate in [-1, 1] (Mastodon's meta.focus).
struct Focus {
  double x = 0, y = 0;
};

// New alt text and/or focal point for an attachment.
struct MediaChange {
  std::optional<std::string> description;
  std::optional<Focus> focus;
};

// An account's two profile pictures.
enum class ProfilePicture { kAvatar, kHeader };

// New profile pictures as uploaded (any image media/image_processor.h reads);
// unset: the picture is left as it is.
struct NewProfilePictures {
  std::optional<std::string_view> avatar;
  std::optional<std::string_view> header;
  bool empty() const { return !avatar && !header; }
};

// What one media sweep removed (Microblog::sweep_media).
struct MediaSweep {
  size_t expired_files = 0;   // of unattached uploads past their day (rows deleted too)
  size_t orphaned_files = 0;  // that no attachment named, temporaries included
};

// One entry of Mastodon's media_attributes[] on a post edit.
struct MediaAttributes {
  int64_t id = 0;
  MediaChange change;
};

// A list's fields as a client sets them; unset fields keep their value.
struct ListFields {
  std::optional<std::string> title;
  std::optional<RepliesPolicy> replies_policy;
};

struct PostChange {
  std::string text;
  std::string spoiler_text;
  bool sensitive = false;
  std::string language;
  // The post's attachments after the edit, in order; absent: unchanged. Those
  // dropped are erased.
  std::optional<std::vector<int64_t>> media_ids;
  std::vector<MediaAttributes> media_attributes;
  // The post's poll after the edit; absent: the post has none (as in Mastodon,
  // whose clients send the poll with every edit). Changed options or `multiple`
  // start the votes over; otherwise they stay.
  std::optional<NewPoll> poll;
  // Leave the poll as it is, whatever `poll` says (the web UI edits text only).
  bool keep_poll = false;
};

struct Context {
  std::vector<Post> ancestors;
  std::vector<Post> descendants;
};

using Viewer = std::optional<int64_t>;  // the signed-in account, if any

// One of an account's conversations with its newest post, as stored: a sealed
// post stays sealed until the reader's key opens it.
struct ConversationEntry {
  Conversation conversation;
  Post last_status;
};

// Told of every change that alters how a post or an account renders (counters
// included), so caches of rendered entities stay exact. Called after the change
// is durable, on the thread that made it.
class ChangeObserver {
 public:
  virtual ~ChangeObserver() = default;
  virtual void post_changed(int64_t post_id) = 0;
  virtual void account_changed(int64_t account_id) = 0;
  // The account's filters (domain/filters.h) changed.
  virtual void filters_changed(int64_t /*account_id*/) {}
};

class Microblog;

// The key that opens sealed posts for one request's reader. It holds the
// credential the request presented and unwraps the account's secret key from it
// on first use; the key is wiped with this object, which lives no longer than
// the request (never cache it). A default ReaderKey (anonymous, app token) opens
// nothing. Not thread-safe: one request, one thread. Move-only.
class ReaderKey {
 public:
  ReaderKey() = default;
  // `microblog` is not owned and must outlive this; `secret` is the credential as
  // the client presented it (bearer token, session cookie secret).
  ReaderKey(Microblog& microblog, int64_t account_id, shield::Credential kind,
            std::string_view secret);
  ~ReaderKey();
  ReaderKey(ReaderKey&&) noexcept = default;
  ReaderKey& operator=(ReaderKey&& other) noexcept;  // wipes the credential it replaces

  // The reader's unlocked secret key; nullptr when the credential wraps none
  // (issued before sealing) or does not open it.
  const shield::SecretKey* key();
  // Fills a sealed post's (or earlier version's) content in place when this
  // reader can open it, else sets a placeholder; others are left as they are.
  void open(Post& post);
  void open(PostEdit& edit);
  void open(std::vector<Post>& posts);
  // A relationship's private note; left empty when this sign-in cannot open it.
  void open(Relationship& rel);

 private:
  Microblog* microblog_ = nullptr;
  int64_t account_id_ = 0;
  shield::Credential kind_ = shield::Credential::kAccessToken;
  std::string secret_;
  bool tried_ = false;
  std::optional<shield::SecretKey> key_;
};

// Whether a post is sealed and not yet opened for the reader (its content empty).
inline bool is_sealed_unopened(const Post& post) {
  return !post.sealed.empty() && post.html.empty();
}

// What a reader sees of a sealed post it cannot open.
inline constexpr std::string_view kSealedPlaceholderHtml =
    "<p>This direct message is sealed and this sign-in cannot open it. Sign in again with your "
    "password to read it.</p>";

inline constexpr size_t kMaxAccountNote = 2000;

class Microblog {
 public:
  Microblog(store::Store& store, timeline::HomeFeeds& feeds, InstanceConfig config);

  const InstanceConfig& config() const { return config_; }
  // Not owned; set once at start-up before serving.
  void set_observer(ChangeObserver* observer) { observer_ = observer; }
  store::Store& store() { return store_; }

  // Accounts.
  Result<RegisteredAccount> register_account(std::string_view username, std::string_view password,
                                             Role role = Role::kUser);
  // The account named `username` if `password` is its password; kUnauthorized
  // otherwise, the same for an unknown name. Throttled as begin_credential_check.
  Result<Account> authenticate(std::string_view username, std::string_view password,
                               std::string_view client_key);
  // Admits one check of a credential (password, recovery code) of the account
  // named `username` (any case) from the client `client_key`
  // (http::Request::client_key), or refuses it with kTooManyRequests and
  // Error::retry_after_s. The check counts as a failed guess unless the caller
  // calls succeeded() on the attempt (shield/auth_throttle.h).
  Result<shield::AuthThrottle::Attempt> begin_credential_check(std::string_view username,
                                                               std::string_view client_key);
  // A new password for the account (8..1024 characters): its hash, and the
  // account's secret key wrapped under it. Without `key` (recovery with a code
  // that wraps none) the account gets a fresh key pair: messages sealed to the
  // old one stay unreadable, new ones open.
  Status change_password(int64_t account_id, std::string_view new_password,
                         const shield::SecretKey* key);
  // Replaces the account's recovery codes with fresh ones, each wrapping `key`
  // when given; returns them in plain text (shown once, stored only hashed).
  Result<std::vector<std::string>> replace_recovery_codes(int64_t account_id,
                                                          const shield::SecretKey* key);

  // Sealed-message keys (docs/sealed-messages.md). No secret key is kept beyond
  // the call that returns it.
  //
  // The account's secret key, unwrapped with the password the caller has just
  // verified. An account without a key pair (created before sealing) gets one
  // now. Empty when the password-wrapped copy does not open.
  Result<std::optional<shield::SecretKey>> unlock_with_password(int64_t account_id,
                                                                std::string_view password);
  // The secret key wrapped under a token, session or authorization code, or
  // empty when that credential carries no copy (or no longer exists).
  Result<std::optional<shield::SecretKey>> unlock_with_credential(shield::Credential kind,
                                                                  std::string_view secret);
  // Stores a copy of `key` wrapped under the token, session or authorization
  // code just issued; kNotFound if the credential is not stored.
  Status wrap_for_credential(shield::Credential kind, std::string_view secret,
                             const shield::SecretKey& key);
  Result<Account> account(int64_t id);
  Result<Account> account_by_acct(std::string_view acct);  // "name" or "name@our.domain"
  // Profile and posting defaults; a default language must be ISO 639-1 (or empty).
  // New profile pictures are processed as media uploads are (every byte of
  // metadata dropped), cropped to Mastodon's sizes (kAvatarSide square,
  // kHeaderWidth x kHeaderHeight) and count against the uploads decoded at once
  // (429 beyond). Everything is checked before anything is written, so a bad
  // field or image (422) changes nothing; the files of replaced pictures are
  // erased. `update`'s picture file names are the domain's to set and ignored.
  Result<Account> update_profile(int64_t id, const store::ProfileUpdate& update,
                                 const NewProfilePictures& pictures = {});
  // Back to the default picture, its file erased; unchanged when there was none.
  Result<Account> remove_profile_picture(int64_t id, ProfilePicture which);
  // Erases the account and everything of it (store::Store::delete_account), drops
  // the warm home feeds that held its posts, and erases the old bytes from the
  // store's files at once (store::Store::erase_deleted). kNotFound for an unknown
  // account. The one path for self-service (web settings), operator CLI and admin API.
  Status delete_account(int64_t account_id);

  // Statuses.
  Result<Post> create_status(const NewPost& request);
  // Scheduled posts (domain/scheduled.cc). schedule_status() checks `request`
  // as create_status() would (every rule, in the same place), and the schedule
  // (check_schedule: 422), refuses direct posts (422: their text would wait
  // unsealed), reserves its uploads and stores it; the same Idempotency-Key
  // again returns the post scheduled first. The others are private to the
  // owner: anyone else's is kNotFound. reschedule_status() changes only the
  // time, under the same rules; delete_scheduled_status() releases its uploads.
  Result<ScheduledPost> schedule_status(const NewPost& request, int64_t scheduled_ms,
                                        int64_t now_ms);
  Result<std::vector<ScheduledPost>> scheduled_statuses(int64_t account_id, const Page& page);
  Result<ScheduledPost> own_scheduled_status(int64_t account_id, int64_t id);
  Result<ScheduledPost> reschedule_status(int64_t account_id, int64_t id, int64_t scheduled_ms,
                                          int64_t now_ms);
  Status delete_scheduled_status(int64_t account_id, int64_t id);
  // Publishes the scheduled posts due at or before `now_ms` through
  // create_status()'s path (checked again, fanned out, notified, media
  // attached), each exactly once however often it runs or crashes: the
  // scheduled row goes in the transaction that stores the post. One that no
  // longer passes the rules (its reply target deleted, say) is dropped, as
  // Mastodon does. The ScheduledPublisher thread calls it with the wall clock.
  // Returns how many it published.
  Result<size_t> publish_due_statuses(int64_t now_ms);
  // When the next scheduled post is due (ms since the epoch), if any.
  Result<std::optional<int64_t>> next_scheduled_time() { return store_.next_scheduled_ms(); }

  // Editing and deleting look only among the caller's own posts: kNotFound for anyone else's.
  Result<Post> edit_status(int64_t editor_id, int64_t status_id, const PostChange& change);
  Result<Post> delete_status(int64_t requester_id, int64_t status_id);
  // The status if `viewer` may see it; kNotFound otherwise (never reveals existence).
  Result<Post> visible_status(Viewer viewer, int64_t status_id);
  Result<Context> context(Viewer viewer, int64_t status_id);
  Result<Post> set_favourite(int64_t account_id, int64_t status_id, bool on);
  // Returns the reblog (on) or the original (off).
  Result<Post> set_reblog(int64_t account_id, int64_t status_id, bool on,
                          std::optional<Visibility> visibility);
  Result<Post> set_bookmark(int64_t account_id, int64_t status_id, bool on);
  Result<Post> set_pin(int64_t account_id, int64_t status_id, bool on);
  Result<std::vector<PostEdit>> history(Viewer viewer, int64_t status_id);

  // Polls (domain/polls.cc), named by their post's id. poll_status() is the post
  // of a poll the viewer may see, kNotFound otherwise (no poll, hidden post).
  // vote() records the account's `choices` (option positions; one unless the
  // poll is multiple) and returns the post with the new tallies; 422 for an
  // ended poll, a second vote, one's own poll, or a choice that is no option.
  Result<Post> poll_status(Viewer viewer, int64_t poll_id);
  Result<Post> vote(int64_t account_id, int64_t poll_id, const std::vector<int64_t>& choices);
  // Writes the end notifications of the polls ended at or before `now_ms`, to
  // their author and to each voter (as Mastodon), each exactly once however often
  // it runs (Store::end_poll). The PollCloser thread calls it with the wall
  // clock. Returns how many polls it ended.
  Result<size_t> end_expired_polls(int64_t now_ms);
  // When the next poll not yet ended ends (ms since the epoch), if any.
  Result<std::optional<int64_t>> next_poll_end() { return store_.next_poll_end(); }

  // Media (docs/decisions/0002-media-uploads.md). Uploads are processed
  // (media/image_processor.h: decoded, stripped of all metadata, re-encoded) and
  // stored before the attachment is returned. Only the owner may read, change or
  // delete an attachment through these, and only while it is in no post;
  // attached ones are seen through their post.
  Result<MediaAttachment> upload_media(int64_t account_id, std::string_view bytes,
                                       const MediaChange& details);
  Result<MediaAttachment> own_media(int64_t account_id, int64_t media_id);
  Result<MediaAttachment> update_media(int64_t account_id, int64_t media_id,
                                       const MediaChange& change);
  Status delete_media(int64_t account_id, int64_t media_id);
  // The bytes of a stored media file by name, for serving; kNotFound otherwise.
  Result<std::string> media_file(std::string_view name);
  // The media sweep, which the serve process's erasure pass runs with the wall
  // clock as `now_ms` (ms since the epoch). Deletes the uploads still in no post
  // kUnattachedMediaDays after their upload day and erases their files, then
  // erases the files of DATA/media no attachment names and the temporary files
  // of interrupted writes, once their day is kOrphanMediaAgeDays before today.
  Result<MediaSweep> sweep_media(int64_t now_ms);

  // Timelines; statuses newest first, already filtered for the viewer.
  Result<std::vector<Post>> home_timeline(int64_t account_id, const Page& page);
  // With only_media, posts that carry media only.
  Result<std::vector<Post>> public_timeline(Viewer viewer, const Page& page,
                                            bool only_media = false);
  Result<std::vector<Post>> tag_timeline(Viewer viewer, std::string_view tag, const Page& page,
                                         bool only_media = false);
  Result<std::vector<Post>> account_statuses(Viewer viewer, int64_t account_id,
                                             store::AccountStatusesQuery query, const Page& page);
  // The statuses of `ids` (distinct) that exist and the viewer may see, in that order.
  Result<std::vector<Post>> visible_statuses(Viewer viewer, const std::vector<int64_t>& ids);
  // Keeps the statuses the viewer may see, in order.
  Result<std::vector<Post>> filter_visible(Viewer viewer, std::vector<Post> statuses);

  // Conversations: the account's direct-message threads, one per set of other
  // participants, each listed by its newest post (paged by that post's id, newest
  // first). A new direct post marks its thread unread for its recipients and read
  // for its author; a thread whose newest post the account may no longer see (a
  // block) is left out. read_conversation() marks one read and returns it;
  // remove_conversation() takes it off the list until a new direct post arrives in
  // it. Both are kNotFound for a conversation that is not the account's.
  Result<std::vector<ConversationEntry>> conversations(int64_t account_id, const Page& page);
  Result<ConversationEntry> read_conversation(int64_t account_id, int64_t conversation_id);
  Status remove_conversation(int64_t account_id, int64_t conversation_id);

  // Relationships; each returns the new relationship.
  Result<Relationship> follow(int64_t account_id, int64_t target_id, bool show_reblogs,
                              bool notify);
  Result<Relationship> unfollow(int64_t account_id, int64_t target_id);
  // The owner's private note on `target_id` (Mastodon's account note, at most
  // kMaxAccountNote characters; empty removes it), sealed to the owner's own key.
  Result<Relationship> set_note(int64_t account_id, int64_t target_id, std::string_view comment);
  // Ends `follower_id`'s follow of `account_id` (their lists drop it too, as on unfollow).
  Result<Relationship> remove_from_followers(int64_t account_id, int64_t follower_id);
  Result<Relationship> block(int64_t account_id, int64_t target_id, bool on);
  Result<Relationship> mute(int64_t account_id, int64_t target_id, bool on, bool notifications);
  Result<Relationship> resolve_follow_request(int64_t target_id, int64_t requester_id, bool accept);
  Result<Relationship> relationship(int64_t account_id, int64_t target_id);

  // Hashtags (domain/tags.cc), named as written without '#' (any case); a name that
  // is no hashtag (is_valid_tag) is kNotFound, as Mastodon. `following` is set for a
  // signed-in viewer. follow_tag() (idempotent; at most kMaxFollowedTags per account,
  // 422 beyond) brings the public posts carrying the tag into the account's home
  // timeline, earlier ones included, unless their author is blocked, blocking or
  // muted; unfollow_tag() takes them out again unless they came by another way.
  // followed_tags() pages the account's followed tags by Tag::id, as every list.
  Result<Tag> tag(Viewer viewer, std::string_view name);
  // Those of `names` that are hashtags, in order.
  Result<std::vector<Tag>> tags(Viewer viewer, const std::vector<std::string>& names);
  Result<Tag> follow_tag(int64_t account_id, std::string_view name);
  Result<Tag> unfollow_tag(int64_t account_id, std::string_view name);
  Result<std::vector<Tag>> followed_tags(int64_t account_id, const Page& page);

  // Lists. Each is its owner's alone: another account's list is kNotFound, as
  // if it did not exist. A title is required on creation (1–100 characters);
  // only accounts the owner follows may be added (kUnprocessable otherwise).
  Result<List> create_list(int64_t owner_id, const ListFields& fields);
  Result<List> update_list(int64_t owner_id, int64_t list_id, const ListFields& fields);
  Status delete_list(int64_t owner_id, int64_t list_id);
  Result<List> own_list(int64_t owner_id, int64_t list_id);
  Result<std::vector<List>> lists(int64_t owner_id);
  Result<std::vector<List>> lists_with_member(int64_t owner_id, int64_t member_id);
  Status add_to_list(int64_t owner_id, int64_t list_id, const std::vector<int64_t>& account_ids);
  Status remove_from_list(int64_t owner_id, int64_t list_id,
                          const std::vector<int64_t>& account_ids);
  Result<std::vector<Post>> list_timeline(int64_t owner_id, int64_t list_id, const Page& page);

  // Filters (domain/filters.h), private to their owner: another's filter, keyword or filtered
  // status is kNotFound. save_filter() creates a filter (id 0) or replaces an own one whole:
  // keywords and statuses with id 0 are added, those left out are removed. The filter found by
  // own_filter_with_keyword() (or _with_status()) holds that keyword (status). A filtered status
  // must be one the owner can see, at most once per filter.
  Result<std::vector<Filter>> filters(int64_t owner_id);
  Result<Filter> own_filter(int64_t owner_id, int64_t filter_id);
  Result<Filter> own_filter_with_keyword(int64_t owner_id, int64_t keyword_id);
  Result<Filter> own_filter_with_status(int64_t owner_id, int64_t filter_status_id);
  Result<Filter> save_filter(int64_t owner_id, Filter filter);
  Status delete_filter(int64_t owner_id, int64_t filter_id);

 private:
  // Where a new direct post goes: the thread of each of its accounts, unread for
  // all but the author; insert_status() files it there with the post.
  static std::vector<store::ConversationFiling> conversation_filings(const Post& post);
  // After the direct post `deleted_id` is gone: each thread it ended (`ended`, read
  // before the delete) points at its previous post again, or goes when it had none.
  Status repoint_conversations(const std::vector<Conversation>& ended, int64_t deleted_id);
  Result<bool> can_view(Viewer viewer, const Post& post);
  // Ends a follow, if there is one, and drops the follower's warm home feed.
  Status end_follow(int64_t follower_id, int64_t followed_id);
  // Every post and boost of the account that a ChangeObserver may hold rendered.
  Result<std::vector<int64_t>> cached_post_ids_of(int64_t account_id);
  Result<std::vector<Post>> hydrate(const std::vector<int64_t>& ids);
  // The notification `from` causes `recipient`, or none when they are the same account.
  std::optional<Notification> notification_for(int64_t recipient, NotificationType type,
                                               int64_t from, std::optional<int64_t> status_id);
  Status notify(int64_t recipient, NotificationType type, int64_t from,
                std::optional<int64_t> status_id);
  Status deliver(const Post& post);
  // The accounts whose home feed `post` reaches through the hashtags among `tags`
  // (as written) they follow: public posts only, never boosts or sealed posts, and not
  // for accounts blocking, blocked by or muting the author. Ascending.
  Result<std::vector<int64_t>> tag_followers_of(const Post& post,
                                                const std::vector<std::string>& tags);
  // Tag entities for normalized `names`, with their history and, for a viewer, `following`.
  Result<std::vector<Tag>> tag_entities(Viewer viewer, const std::vector<std::string>& names);
  std::string render_text(std::string_view text, std::vector<int64_t>* mentions,
                          std::vector<std::string>* tags);
  // The copy of a direct post the store keeps: content sealed to `readers` (who
  // have key pairs) and cleared, so no text, HTML or hashtag of it is stored.
  Result<Post> sealed_copy(const Post& post, const std::vector<int64_t>& readers);
  // Hashes (and, with `key`, wraps it under) `codes` fresh recovery codes.
  Result<std::vector<store::NewRecoveryCode>> recovery_code_records(
      const std::vector<std::string>& codes, const shield::SecretKey* key);
  // Processes `pictures` and writes their files (all or none), naming them in
  // `update`; returns the names written. Nothing is written unless every
  // picture is accepted.
  Result<std::vector<std::string>> write_profile_pictures(const NewProfilePictures& pictures,
                                                          store::ProfileUpdate& update);
  // After `update` is stored: erases the files of the pictures of `before` it replaced.
  void erase_replaced_pictures(const Account& before, const store::ProfileUpdate& update);
  // The poll of a new or edited post from a client's request, ending
  // `expires_in_s` after `now_ms`; 422 unless it keeps to config().polls.
  Result<Poll> new_poll(const NewPoll& request, int64_t now_ms) const;
  // The author's attachments for a post, in `ids` order: each must exist, be the
  // author's and be unattached or already on `post_id`; 422 otherwise.
  // With `scheduled_id`, uploads reserved for that scheduled post may be used too.
  Result<std::vector<MediaAttachment>> media_for_post(
      int64_t author_id, const std::vector<int64_t>& ids, std::optional<int64_t> post_id,
      std::optional<int64_t> scheduled_id = std::nullopt);
  // The post `request` makes, checked against every rule of a new post (the one
  // place they are: create_status() and scheduling both call it) and complete
  // with id, HTML, mentions, media and poll, but not stored. With `scheduled_id`,
  // the uploads reserved for that scheduled post may be attached.
  Result<Post> new_post(const NewPost& request, std::optional<int64_t> scheduled_id);
  // Stores `post` (from new_post) with everything it causes in one transaction
  // and delivers it. With `scheduled_id`, that scheduled post is deleted in the
  // same transaction (kConflict, nothing stored, when it is already gone).
  Result<Post> store_new_post(Post post, const NewPost& request,
                              std::optional<int64_t> scheduled_id);
  // A stored scheduled post as the domain reads it (its parameters decoded).
  static Result<ScheduledPost> scheduled_post(const ScheduledStatus& stored);
  // 422 unless `scheduled_ms` is at least kMinScheduleAheadMs after `now_ms` and
  // the account keeps within kMaxScheduledPosts and kMaxScheduledPostsPerDay
  // (not counting `except_id`, the post being rescheduled).
  Status check_schedule(int64_t account_id, int64_t scheduled_ms, int64_t now_ms,
                        int64_t except_id);

  store::Store& store_;
  timeline::HomeFeeds& feeds_;
  void post_changed(int64_t id) {
    if (observer_) observer_->post_changed(id);
  }
  void account_changed(int64_t id) {
    if (observer_) observer_->account_changed(id);
  }
  void filters_changed(int64_t id) {
    if (observer_) observer_->filters_changed(id);
  }

  InstanceConfig config_;
  ChangeObserver* observer_ = nullptr;
  media::MediaFiles media_files_;
  std::atomic<int> uploads_in_progress_{0};
  shield::AuthThrottle auth_throttle_;
};

// Media rules, as Mastodon's.
inline constexpr size_t kMaxMediaPerPost = 4;
inline constexpr size_t kMaxMediaDescriptionChars = 1500;
// An upload in no post is deleted once this many days have begun since its
// upload day (midnight UTC), the only time kept of it: it lives at least 24
// and at most 48 hours, as Mastodon removes unattached media after a day.
inline constexpr int64_t kUnattachedMediaDays = 2;
// Media files carry only the day they were written: their modification time is
// set to that UTC midnight (the instant of an upload or a new profile picture is
// non-public activity). A file no row names is an orphan once its day is at
// least kOrphanMediaAgeDays before today, so an upload between writing its files
// and inserting its row, even across midnight, is never taken for one.
inline constexpr int64_t kOrphanMediaAgeDays = 2;
// Profile pictures, as Mastodon 4.3 (with libvips) sizes and limits them.
inline constexpr int kAvatarSide = 400;
inline constexpr int kHeaderWidth = 1500;
inline constexpr int kHeaderHeight = 500;
inline constexpr size_t kMaxProfilePictureBytes = 8 * 1024 * 1024;
// Mastodon's focus parameter: "x,y", each a number in [-1, 1]; 422 otherwise.
Result<Focus> parse_focus(std::string_view text);
// Alt text of at most kMaxMediaDescriptionChars characters; 422 otherwise.
Status check_media_description(const std::optional<std::string>& description);
// Direct messages carry no media: they are sealed, and media files are not
// (docs/decisions/0002-media-uploads.md); 422 for media on a direct post.
Status check_media_visibility(Visibility visibility, size_t media_count);

// A post carries media or a poll, not both, and a direct post no poll: polls
// are not sealed, and a vote reveals who read a direct message. 422 otherwise.
Status check_poll_allowed(Visibility visibility, size_t media_count, bool has_poll);

// Hashtags: the days of a Tag's history (Mastodon shows a week), and how many tags
// one account may follow (each page of them is read whole from the store).
inline constexpr int kTagHistoryDays = 7;
inline constexpr size_t kMaxFollowedTags = 1000;
// The stable id of a hashtag, from its normalized name alone: the first 52 bits of
// its SHA-256, plus one (so never 0, and exact as a JavaScript number).
int64_t tag_id(std::string_view normalized_name);

// A fresh one-time recovery code (80 random bits, grouped xxxx-xxxx-xxxx-xxxx).
std::string new_recovery_code();
// How many recovery codes an account holds after sign-up or regeneration.
inline constexpr size_t kRecoveryCodeCount = 10;
// Password length rule, in bytes.
inline constexpr size_t kMinPasswordLength = 8;
inline constexpr size_t kMaxPasswordLength = 1024;

// Password rule: 8 to 1024 bytes; a 422 naming the rule otherwise.
Status check_password(std::string_view password);

// Username rule: 1-30 of [A-Za-z0-9_], as Mastodon.
bool is_valid_username(std::string_view username);

}  // namespace publius::domain
