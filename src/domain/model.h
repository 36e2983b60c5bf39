// The microblog's entities as plain values, shared by every subsystem. They
// carry no behaviour beyond naming; rules live in domain/services, persistence
// in store/, JSON shapes in api/. Value types: copy freely, not synchronized.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace publius::domain {

enum class Visibility { kPublic = 0, kUnlisted = 1, kPrivate = 2, kDirect = 3 };
// Where posts were written, as the public timeline's `local` and `remote` choose them:
// either, here, or on other servers (Post::uri set).
enum class PostOrigin { kAny, kLocal, kRemote };
std::string_view visibility_name(Visibility v);
std::optional<Visibility> parse_visibility(std::string_view name);
// The visibilities whose posts are stored in clear: all but direct, whose posts are sealed.
const std::vector<Visibility>& visibilities_in_clear();
// Whether `code` is a two-letter ISO 639-1 language code ("en"; lower case).
bool is_language_code(std::string_view code);
// An ISO 639-1 language: its code and English name.
struct Language {
  std::string_view code;
  std::string_view name;
};
// Every ISO 639-1 language, by code (what is_language_code accepts).
std::span<const Language> languages();

enum class Role { kUser = 0, kAdmin = 1 };
std::string_view role_name(Role r);
std::optional<Role> parse_role(std::string_view name);

struct ProfileField {
  std::string name;
  std::string value;
  bool operator==(const ProfileField&) const = default;
};

// Which load into one of the store's caches a Post or an Account was read from, so that
// api::Renderer's cache can recognise one it rendered from the same load without comparing
// it whole. The store stamps each entity it loads into its cache with a fresh revision, and
// the copies it hands out with the same one; a change to a cached entity erases it (the next
// read loads it under a new revision) or gives it a new revision with the change. So two
// posts (or accounts) with the same nonzero revision are equal, provided no one changes one
// they were handed without unstamping it: a copy starts unstamped (code copies a post to edit
// it), and ReaderKey::open, which fills a sealed post in place, unstamps it. Debug builds
// check the claim on every hit (the sanitized test run). Not part of the entity's value: ==
// ignores it.
class StoreRevision {
 public:
  StoreRevision() = default;
  StoreRevision(const StoreRevision& /*unused*/) noexcept {}
  StoreRevision& operator=(const StoreRevision& /*unused*/) noexcept {
    value_ = 0;
    return *this;
  }
  StoreRevision(StoreRevision&&) noexcept = default;
  StoreRevision& operator=(StoreRevision&&) noexcept = default;
  ~StoreRevision() = default;

  // A revision never handed out before in this process. Thread-safe.
  static StoreRevision fresh();
  void stamp_as(const StoreRevision& original) { value_ = original.value_; }
  void clear() { value_ = 0; }
  uint64_t value() const { return value_; }  // 0: not stamped
  bool operator==(const StoreRevision& /*unused*/) const { return true; }

 private:
  uint64_t value_ = 0;
};

struct Account {
  int64_t id = 0;
  std::string username;
  std::string display_name;
  std::string note;  // as the owner typed it; rendered to HTML on output
  bool locked = false;
  bool bot = false;
  std::vector<ProfileField> fields;
  Role role = Role::kUser;
  // Non-public activity is kept at day precision only (shield rule): midnight UTC, in ms.
  int64_t created_day_ms = 0;
  std::optional<int64_t> last_status_day_ms;
  int64_t statuses_count = 0;
  int64_t followers_count = 0;
  int64_t following_count = 0;
  // The owner's defaults for new posts (Mastodon's `source`); shown to the owner only.
  Visibility default_visibility = Visibility::kPublic;
  bool default_sensitive = false;
  std::string default_language;  // ISO 639-1, or empty: none
  // The profile pictures' file names in the media directory (media/media_files.h);
  // empty: none, the default picture is shown.
  std::string avatar_file;
  std::string header_file;
  // Mastodon's profile settings: listed in the profile directory (opt-in); posts
  // found by full-text search; follower and followed lists hidden from others.
  bool discoverable = false;
  bool indexable = true;
  bool hide_collections = false;
  // Account migration (ActivityPub Move): the actor ids this account is also known as
  // (its aliases: those that may move to it), and the account it moved to.
  std::vector<std::string> also_known_as;
  std::optional<int64_t> moved_to_id;
  StoreRevision store_revision;
  bool operator==(const Account&) const = default;
};

// The orders of the profile directory (Mastodon's /api/v1/directory): by the day of
// the latest post, or the newest accounts first.
enum class DirectoryOrder { kActive, kNew };

// An uploaded image, after processing (media/image_processor.h): the stored
// files are <file_key>.<extension> and <file_key>-small.<extension> in the
// media directory. Unattached (no status_id) until a post of its owner takes
// it. The id is random, not time-sortable: an upload not yet posted is
// non-public activity, and ids must not record its instant (shield rule).
struct MediaAttachment {
  int64_t id = 0;
  int64_t account_id = 0;
  std::optional<int64_t> status_id;
  std::string file_key;
  std::string extension;  // "jpg", "png" or "webp"
  int width = 0, height = 0;
  int64_t size = 0;
  int small_width = 0, small_height = 0;
  int64_t small_size = 0;
  std::string description;  // alt text
  double focus_x = 0, focus_y = 0;
  std::string blurhash;
  // Midnight UTC of the upload's day while unattached (the sweep's clock; no
  // finer time is kept); unset once in a post.
  std::optional<int64_t> uploaded_day_ms;
  // The scheduled post it is reserved for while in no post yet (ScheduledStatus).
  std::optional<int64_t> scheduled_status_id;
  bool operator==(const MediaAttachment&) const = default;
  std::string file_name() const { return file_key + "." + extension; }
  std::string small_file_name() const { return file_key + "-small." + extension; }
};
// The names of the files (originals and previews) of `media`.
std::vector<std::string> media_file_names(const std::vector<MediaAttachment>& media);

// A post waiting for its publication time (Mastodon's ScheduledStatus), as
// stored: the client's parameters as the domain encodes them
// (domain/scheduled.cc), opaque to the store, and the uploads reserved for it.
// The id is random, not time-sortable: when a post was scheduled is non-public
// activity (shield rule); the publication time becomes public with the post.
struct ScheduledStatus {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t scheduled_ms = 0;
  std::string params;
  std::vector<MediaAttachment> media;  // reserved, in the order the author gave
  // The hash of the Idempotency-Key it was scheduled with: one waiting post per
  // account and key (Store::insert_scheduled_status).
  std::optional<std::string> idempotency_key_hash;
};

// A poll on a post (Mastodon's Poll). It has no id of its own: the API names it
// by its post's id. Counts are tallies kept with the poll; who voted which
// option is stored apart (Store::poll_votes) and never carried here.
struct PollOption {
  std::string title;
  int64_t votes_count = 0;
  bool operator==(const PollOption&) const = default;
};

struct Poll {
  std::vector<PollOption> options;
  int64_t expires_ms = 0;
  bool multiple = false;
  bool hide_totals = false;
  int64_t voters_count = 0;  // distinct accounts that voted
  bool operator==(const Poll&) const = default;
  int64_t votes_count() const {
    int64_t total = 0;
    for (const auto& o : options) total += o.votes_count;
    return total;
  }
  bool expired(int64_t now_ms) const { return now_ms >= expires_ms; }
};
std::vector<std::string> poll_titles(const Poll& poll);

// A post: what Mastodon's API calls a Status. Named Post inside the server so it
// never collides with publius::Status, the error value.
struct Post {
  int64_t id = 0;  // time-sortable, see util/ids.h
  int64_t account_id = 0;
  std::string text;  // source text as written
  std::string html;  // rendered once at write time
  std::string spoiler_text;
  Visibility visibility = Visibility::kPublic;
  bool sensitive = false;
  std::string language;
  std::optional<int64_t> in_reply_to_id;
  std::optional<int64_t> in_reply_to_account_id;
  std::optional<int64_t> reblog_of_id;
  int64_t created_ms = 0;
  std::optional<int64_t> edited_ms;
  int64_t replies_count = 0;
  int64_t reblogs_count = 0;
  int64_t favourites_count = 0;
  std::vector<int64_t> mention_account_ids;
  std::vector<std::string> tags;       // as written
  std::vector<MediaAttachment> media;  // in the order the author gave
  std::optional<Poll> poll;
  // Direct posts are sealed at rest (shield/sealing.h): the envelope, empty for
  // other posts. Read from the store, a sealed post's text, html, spoiler_text and
  // tags are empty until domain::open_sealed() fills them for a reader who can.
  std::string sealed;
  // A post from another server (domain::Federation::receive_note): its ActivityPub id
  // and its page there; both empty for a post written here.
  std::string uri;
  std::string url;
  StoreRevision store_revision;
  // Whether another server's account wrote it (it has a uri of its own).
  bool remote() const { return !uri.empty(); }
  bool operator==(const Post&) const = default;
};

struct PostEdit {
  int64_t status_id = 0;
  std::string text;
  std::string html;
  std::string spoiler_text;
  bool sensitive = false;
  int64_t created_ms = 0;
  std::string sealed;  // the envelope of a direct post's earlier version, as on Post
  // The poll's option titles in that version (Mastodon's StatusEdit poll); unset: no poll.
  std::optional<std::vector<std::string>> poll_options;
};

struct App {
  int64_t id = 0;
  std::string name;
  std::string website;
  std::vector<std::string> redirect_uris;
  std::string scopes;  // space-separated
  std::string client_id;
  std::string client_secret;  // returned to the app; the app authenticates with it
};

struct Token {
  int64_t id = 0;
  int64_t app_id = 0;
  std::optional<int64_t> account_id;  // absent for client_credentials tokens
  // The member of a collective account it was issued to, so that removing the member
  // revokes it (docs/collective-accounts.md); absent otherwise. Such a token keeps no
  // last-used day.
  std::optional<int64_t> member_id;
  std::string scopes;
  int64_t created_day_ms = 0;
  std::optional<int64_t> last_used_day_ms;
};

struct AuthCode {
  int64_t app_id = 0;
  int64_t account_id = 0;
  std::string scopes;
  std::string redirect_uri;
  std::string code_challenge;  // PKCE S256, empty when not used
  int64_t expires_ms = 0;
  std::optional<int64_t> member_id;  // as Token::member_id
};

enum class NotificationType {
  kMention,
  kStatus,
  kReblog,
  kFollow,
  kFollowRequest,
  kFavourite,
  kUpdate,
  kPoll  // a poll the recipient wrote or voted in has ended
};
std::string_view notification_type_name(NotificationType t);
std::optional<NotificationType> parse_notification_type(std::string_view name);

struct Notification {
  int64_t id = 0;
  int64_t account_id = 0;  // recipient
  NotificationType type = NotificationType::kMention;
  int64_t from_account_id = 0;  // who acted
  std::optional<int64_t> status_id;
  int64_t created_ms = 0;
  // Held back by the recipient's notification policy: listed only among the
  // notification requests until the recipient accepts its sender's.
  bool filtered = false;
};

// What a notification policy does with the notifications a condition of it
// concerns (Mastodon 4.3's NotificationPolicy values): shows them, holds them
// back as a notification request, or writes none at all.
enum class PolicyAction { kAccept = 0, kFilter = 1, kDrop = 2 };
std::string_view policy_action_name(PolicyAction a);
std::optional<PolicyAction> parse_policy_action(std::string_view name);

// An account's notification policy, each condition with its action (Mastodon's
// defaults: only private mentions from strangers are filtered). What each
// condition means is domain::notification_outcome()'s.
struct NotificationPolicy {
  PolicyAction for_not_following = PolicyAction::kAccept;
  PolicyAction for_not_followers = PolicyAction::kAccept;
  PolicyAction for_new_accounts = PolicyAction::kAccept;
  PolicyAction for_private_mentions = PolicyAction::kFilter;
  // Mastodon's condition for senders its moderators limited. Publius has no limiting of
  // accounts, so the condition never holds and this filters nothing; it is kept and
  // answered back because clients send and show the whole policy.
  PolicyAction for_limited_accounts = PolicyAction::kFilter;
  bool operator==(const NotificationPolicy&) const = default;
};

// The filtered notifications one account holds from one sender (Mastodon's
// NotificationRequest). Not a row of its own: it exists while such notifications
// do, and is named by the oldest of them, so its id holds until it is accepted or
// dismissed however many more arrive.
struct NotificationRequest {
  int64_t id = 0;
  int64_t account_id = 0;       // whose
  int64_t from_account_id = 0;  // the sender
  int64_t notifications_count = 0;
  int64_t newest_notification_id = 0;
  std::optional<int64_t> last_status_id;  // the post of the newest one about a post
};

// The viewer's relationship to another account, as /api/v1/accounts/relationships reports it.
struct Relationship {
  int64_t target_id = 0;
  bool following = false;
  bool showing_reblogs = false;
  bool notifying = false;
  bool followed_by = false;
  bool blocking = false;
  bool blocked_by = false;
  bool muting = false;
  bool muting_notifications = false;
  bool requested = false;
  bool requested_by = false;
  bool endorsed = false;  // featured on the viewer's profile (Mastodon's account pin)
  // The owner's private note on the account: stored only sealed to the owner's own key
  // (domain/keys.cc); `note` is filled in when a ReaderKey opens it.
  std::string sealed_note;
  std::string note;
};

// Id-range paging as Mastodon does it: newest first below max_id and above
// since_id, or, with min_id, the oldest `limit` items above it (still returned newest first).
struct Page {
  std::optional<int64_t> max_id;
  std::optional<int64_t> since_id;
  std::optional<int64_t> min_id;
  int limit = 20;
};

// Which replies a list's timeline shows: to anyone the owner follows, to the
// list's members only, or none.
enum class RepliesPolicy { kFollowed = 0, kList = 1, kNone = 2 };
std::string_view replies_policy_name(RepliesPolicy p);
std::optional<RepliesPolicy> parse_replies_policy(std::string_view name);

// One of an account's lists of accounts it follows.
struct List {
  int64_t id = 0;
  int64_t account_id = 0;  // the owner
  std::string title;
  RepliesPolicy replies_policy = RepliesPolicy::kList;
  // Its members' posts stay out of the owner's home feed (reaches_home()).
  bool exclusive = false;
};

// A direct-message thread in one account's list (Mastodon's Conversation): the
// direct posts among one set of accounts. Metadata only, no content
// (docs/sealed-messages.md).
struct Conversation {
  int64_t id = 0;
  int64_t account_id = 0;                // whose list it is in
  std::vector<int64_t> participant_ids;  // the other accounts, ascending; empty: notes to self
  int64_t last_status_id = 0;
  bool unread = false;
};

// One day's use of a hashtag in public posts (Mastodon's Tag history).
struct TagDay {
  int64_t day_ms = 0;    // midnight UTC
  int64_t uses = 0;      // public posts carrying the tag that day
  int64_t accounts = 0;  // distinct authors of those posts
};

// A hashtag as Mastodon's Tag entity shows it. Tags are named by their
// normalized form (domain::normalize_tag); `id` is derived from that name
// (domain::tag_id), so it is stable without a row of its own.
struct Tag {
  int64_t id = 0;
  std::string name;
  std::vector<TagDay> history;    // the last kTagHistoryDays days, newest first
  std::optional<bool> following;  // for a signed-in viewer only
};

// A hashtag an account features on its profile (Mastodon's FeaturedTag): a row of
// its own, whose id names it, and the account's posts that carry the tag among those
// anyone may see (store::PostListing::tags_in_search): how many, and the newest's time.
struct FeaturedTag {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string name;  // normalized (domain::normalize_tag)
  int64_t statuses_count = 0;
  std::optional<int64_t> last_status_ms;
};

// Why a report was filed (Mastodon's report categories).
enum class ReportCategory { kOther = 0, kSpam = 1, kLegal = 2, kViolation = 3 };
std::string_view report_category_name(ReportCategory c);
std::optional<ReportCategory> parse_report_category(std::string_view name);

// A report to the server's moderators (Mastodon's Report): an account, some of its
// posts, why, and what the moderators did. Times are days (shield rule). Who filed
// it is kept only while it is open: resolving it erases the link
// (docs/decisions/0006-reports.md).
struct Report {
  int64_t id = 0;
  std::optional<int64_t> reporter_id;
  int64_t target_id = 0;
  ReportCategory category = ReportCategory::kOther;
  std::string comment;
  std::vector<int64_t> status_ids;  // the target's posts attached, ascending; deleted ones go
  std::vector<int> rule_ids;        // the operator's rules broken, by 1-based position
  int64_t created_day_ms = 0;
  int64_t updated_day_ms = 0;
  std::optional<int64_t> action_taken_day_ms;  // set while resolved
  std::optional<int64_t> action_taken_by_id;   // the moderator who resolved it
  std::optional<int64_t> assigned_id;          // the moderator handling it
  bool forwarded = false;  // also sent to the reported remote account's server (a Flag)
  bool resolved() const { return action_taken_day_ms.has_value(); }
  bool operator==(const Report&) const = default;
};

struct Marker {
  std::string timeline;  // "home" | "notifications"
  int64_t last_read_id = 0;
  int64_t version = 0;
  int64_t updated_ms = 0;  // midnight UTC of the day it was saved (shield: day precision)
};

// An operator's block of another server (Mastodon's admin domain blocks): how hard
// (DomainBlockSeverity), whether its media and reports are refused, and the operator's
// comments, the public one for everyone, the private one for moderators only. `domain`
// is lowercase, as a host or host:port, and covers its subdomains too. Days only.
enum class DomainBlockSeverity { kNoop = 0, kSilence = 1, kSuspend = 2 };
struct DomainBlock {
  int64_t id = 0;
  std::string domain;
  DomainBlockSeverity severity = DomainBlockSeverity::kSilence;
  bool reject_media = false;
  bool reject_reports = false;
  std::string private_comment;
  std::string public_comment;
  int64_t created_day_ms = 0;
  bool operator==(const DomainBlock&) const = default;
};

}  // namespace publius::domain
