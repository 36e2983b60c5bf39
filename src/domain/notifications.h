// Notifications: what each account hears of, and its read markers. A
// notification about a post is listed only while its recipient may still see
// the post (Visibility): a follower later blocked, or removed, no longer reads a
// followers-only post, or its edits, through its notifications.
// Mastodon's grouped notifications (v2) fold them as domain/notification_groups.h says.
// Each account's notification policy (domain/notification_policy.h) holds some back:
// those are listed only as notification requests, one per sender, until accepted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/notification_groups.h"
#include "domain/service.h"

namespace publius::domain {

class Notifications final : private ServiceBase {
 public:
  explicit Notifications(Microblog& microblog) : ServiceBase(microblog) {}

  // A page of the account's notifications, each with its post.
  Result<std::vector<NotificationEntry>> list(int64_t account_id, const NotificationFilter& filter,
                                              const Page& page);
  // The page itself, before posts the account may not see are left out (for the
  // Link header: paging goes by what was read, not by what is shown).
  Result<std::vector<Notification>> page(int64_t account_id, const NotificationFilter& filter,
                                         const Page& page);
  // The entries of `notifications` (the account's), with their posts, leaving out
  // those about posts the account may not see.
  Result<std::vector<NotificationEntry>> entries(int64_t account_id,
                                                 std::vector<Notification> notifications);
  // The posts of `status_ids` that notifications may show the account: those it may
  // see (mutes decide what is notified at all, not what is shown).
  Result<std::vector<Post>> visible_posts(int64_t account_id,
                                          const std::vector<int64_t>& status_ids);
  // One notification of the account's; kNotFound for another's or one about a
  // post the account may not see.
  Result<NotificationEntry> notification(int64_t account_id, int64_t id);
  Status dismiss(int64_t account_id, int64_t id);  // kNotFound when not the account's
  Status clear(int64_t account_id);
  // The members of one of the account's notification groups, newest first (at most
  // `limit`); none for a key that names no group of the account's.
  Result<std::vector<Notification>> group_members(int64_t account_id, std::string_view group_key,
                                                  int limit);
  Status dismiss_group(int64_t account_id, std::string_view group_key);

  // The account's notifications newer than its "notifications" read marker (all
  // of them when it has none), newest first, at most `limit`, leaving out those
  // about posts it may not see: what counts as unread (Mastodon's unread_count).
  Result<std::vector<Notification>> unread(int64_t account_id, const NotificationFilter& filter,
                                           int limit);

  // The account's notification policy (the default one until it changes it) with
  // what it holds back now; update_policy() changes the conditions `change` names.
  Result<NotificationPolicyView> policy(int64_t account_id);
  Result<NotificationPolicyView> update_policy(int64_t account_id,
                                               const NotificationPolicyChange& change);
  // The account's notification requests, a page by request id, newest first, each
  // with its newest post when the account may see it; request() is one of them
  // (kNotFound for an id that names none of the account's).
  Result<std::vector<NotificationRequestEntry>> requests(int64_t account_id, const Page& page);
  Result<NotificationRequestEntry> request(int64_t account_id, int64_t id);
  // Accepting a request shows its notifications and accepts its sender's from then
  // on; dismissing one deletes its notifications (the sender's next filtered one
  // starts a new request). Accepting tells the live observer the notifications merged.
  // kNotFound for an id that names none of the account's.
  Status resolve_request(int64_t account_id, int64_t id, bool accept);
  // The same for each of `ids` that names one of the account's requests; the others
  // are passed over, as Mastodon does.
  Status resolve_requests(int64_t account_id, const std::vector<int64_t>& ids, bool accept);

  // Read markers (Mastodon's /api/v1/markers): "home" and "notifications".
  Result<std::vector<Marker>> markers(int64_t account_id);
  Result<Marker> save_marker(int64_t account_id, const std::string& timeline, int64_t last_read_id);

 private:
  // Resolves the account's requests from `senders` (resolve_request()).
  Status resolve_senders(int64_t account_id, const std::vector<int64_t>& senders, bool accept);
};

// Notification groups read at most this many members.
inline constexpr int kMaxNotificationGroupMembers = 1000;
// A policy's summary counts at most this many requests (Mastodon's MAX_MEANINGFUL_COUNT).
inline constexpr int kMaxMeaningfulRequests = 100;

}  // namespace publius::domain
