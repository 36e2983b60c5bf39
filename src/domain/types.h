// Values the domain's services take and return: the instance configuration,
// requests as clients make them (a new post, a profile change, a poll) and
// results that are more than one model value (a registered account with its
// recovery codes, a thread's context). Plain values; not synchronized.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/model.h"
#include "shield/auth_throttle.h"
#include "shield/sealing.h"

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

// What one media sweep removed (Media::sweep_media).
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
  std::optional<bool> exclusive;
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

// A profile change as a client asks for it; unset fields keep their value.
struct ProfileChange {
  std::optional<std::string> display_name;
  std::optional<std::string> note;
  std::optional<bool> locked;
  std::optional<bool> bot;
  std::optional<std::vector<ProfileField>> fields;
  std::optional<Visibility> default_visibility;
  std::optional<bool> default_sensitive;
  std::optional<std::string> default_language;  // empty: none
  std::optional<bool> discoverable;
  std::optional<bool> indexable;
  std::optional<bool> hide_collections;
};

// Which of an account's posts a profile page lists (Mastodon's
// /api/v1/accounts/:id/statuses parameters).
struct AccountPostsFilter {
  bool exclude_replies = false;
  bool exclude_reblogs = false;
  bool only_pinned = false;
  bool only_media = false;
  std::optional<std::string> tag;  // as written
};

// Which notifications a list holds (Mastodon's types[], exclude_types[], account_id).
struct NotificationFilter {
  std::vector<NotificationType> types;
  std::vector<NotificationType> exclude_types;
  std::optional<int64_t> from_account_id;
  bool include_filtered = false;  // those the policy held back too (Mastodon's include_filtered)
};

// A notification policy change as a client asks for it; unset conditions keep their action.
struct NotificationPolicyChange {
  std::optional<PolicyAction> for_not_following;
  std::optional<PolicyAction> for_not_followers;
  std::optional<PolicyAction> for_new_accounts;
  std::optional<PolicyAction> for_private_mentions;
  std::optional<PolicyAction> for_limited_accounts;
};

// An account's notification policy with what it holds back now (Mastodon's summary):
// the pending requests, at most kMaxMeaningfulRequests of them, and their notifications.
struct NotificationPolicyView {
  NotificationPolicy policy;
  int64_t pending_requests_count = 0;
  int64_t pending_notifications_count = 0;
};

// A notification request with its newest post, when the account may see it.
struct NotificationRequestEntry {
  NotificationRequest request;
  std::optional<Post> last_status;
};

// A report as its reporter files it (Mastodon's POST /api/v1/reports).
struct NewReport {
  int64_t target_id = 0;
  std::vector<int64_t> status_ids;
  std::string comment;
  std::optional<ReportCategory> category;  // unset: `other`, or `violation` with rules
  std::vector<int> rule_ids;
  // Mastodon's `forward`: a report about a remote account is also sent to its server, as
  // a Flag from this server (Federation::report_forwarded), never naming the reporter.
  bool forward = false;
};

// A moderator's change of what a report is about (Mastodon's PUT /api/v1/admin/reports/:id):
// an unset field keeps the report's.
struct ReportChange {
  std::optional<ReportCategory> category;
  std::optional<std::vector<int>> rule_ids;  // set and empty: cite no rule
};

// Which reports a moderator lists (Mastodon's admin report filters).
struct ReportFilter {
  bool resolved = false;
  std::optional<int64_t> reporter_id;
  std::optional<int64_t> target_id;
};

// A notification with the post it is about, when it is about one the
// recipient may see (sealed until the reader's key opens it).
struct NotificationEntry {
  Notification notification;
  std::optional<Post> status;
};

// Counts anyone may know: accounts, and posts anyone may see (no direct or
// followers-only post counts).
struct InstanceStats {
  int64_t users = 0;
  int64_t statuses = 0;
};

// The usage NodeInfo publishes, every figure rounded up to the 1-2-5 series
// (Accounts::usage): accounts, those active within 30 and 180 days, and posts anyone
// may see.
struct InstanceUsage {
  int64_t users = 0;
  int64_t active_month = 0;
  int64_t active_halfyear = 0;
  int64_t local_posts = 0;
};

// One of an account's conversations with its newest post, as stored: a sealed
// post stays sealed until the reader's key opens it.
struct ConversationEntry {
  Conversation conversation;
  Post last_status;
};

}  // namespace publius::domain
