// Notifications: what each account hears of, and its read markers. A
// notification about a post is listed only while its recipient may still see
// the post (Visibility): a follower later blocked, or removed, no longer reads a
// followers-only post, or its edits, through its notifications.
// Mastodon's grouped notifications (v2) fold them as domain/notification_groups.h says.
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

  // Read markers (Mastodon's /api/v1/markers): "home" and "notifications".
  Result<std::vector<Marker>> markers(int64_t account_id);
  Result<Marker> save_marker(int64_t account_id, const std::string& timeline, int64_t last_read_id);
};

// Notification groups read at most this many members.
inline constexpr int kMaxNotificationGroupMembers = 1000;

}  // namespace publius::domain
