// Notifications: listing them through the visibility rule, dismissing them, and
// the read markers.
#include <algorithm>
#include <unordered_map>

#include "domain/microblog.h"

namespace publius::domain {

Result<std::vector<Notification>> Notifications::page(int64_t account_id,
                                                      const NotificationFilter& filter,
                                                      const Page& page) {
  store::NotificationQuery query;
  query.types = filter.types;
  query.exclude_types = filter.exclude_types;
  query.from_account_id = filter.from_account_id;
  return store_.notifications(account_id, query, page);
}

Result<std::vector<Post>> Notifications::visible_posts(int64_t account_id,
                                                       const std::vector<int64_t>& status_ids) {
  PUBLIUS_ASSIGN_OR_RETURN(auto loaded, mb_.visibility().load(status_ids));
  return mb_.visibility().keep_visible(account_id, std::move(loaded));
}

Result<std::vector<NotificationEntry>> Notifications::entries(
    int64_t account_id, std::vector<Notification> notifications) {
  std::vector<int64_t> status_ids;
  for (const auto& n : notifications)
    if (n.status_id) status_ids.push_back(*n.status_id);
  PUBLIUS_ASSIGN_OR_RETURN(auto posts, visible_posts(account_id, status_ids));
  std::unordered_map<int64_t, Post*> post_by_id;
  for (auto& p : posts) post_by_id[p.id] = &p;
  std::vector<NotificationEntry> out;
  out.reserve(notifications.size());
  for (const auto& n : notifications) {
    NotificationEntry entry{n, std::nullopt};
    if (entry.notification.status_id) {
      auto post = post_by_id.find(*entry.notification.status_id);
      if (post == post_by_id.end()) continue;  // deleted, or no longer the account's to see
      entry.status = *post->second;
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Result<std::vector<NotificationEntry>> Notifications::list(int64_t account_id,
                                                           const NotificationFilter& filter,
                                                           const Page& page_of) {
  PUBLIUS_ASSIGN_OR_RETURN(auto found, page(account_id, filter, page_of));
  return entries(account_id, std::move(found));
}

Result<NotificationEntry> Notifications::notification(int64_t account_id, int64_t id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto n, store_.notification(account_id, id));
  if (!n) return not_found();
  PUBLIUS_ASSIGN_OR_RETURN(auto shown, entries(account_id, {*n}));
  if (shown.empty()) return not_found();
  return std::move(shown.front());
}

Status Notifications::dismiss(int64_t account_id, int64_t id) {
  PUBLIUS_ASSIGN_OR_RETURN(bool dismissed, store_.dismiss_notification(account_id, id));
  if (!dismissed) return not_found();
  return ok_status();
}

Status Notifications::clear(int64_t account_id) { return store_.clear_notifications(account_id); }

Result<std::vector<Notification>> Notifications::group_members(int64_t account_id,
                                                               std::string_view group_key,
                                                               int limit) {
  return notification_group_members(store_, account_id, group_key, limit);
}

Status Notifications::dismiss_group(int64_t account_id, std::string_view group_key) {
  PUBLIUS_ASSIGN_OR_RETURN(auto members,
                           group_members(account_id, group_key, kMaxNotificationGroupMembers));
  for (const auto& m : members) PUBLIUS_TRY(store_.dismiss_notification(account_id, m.id));
  return ok_status();
}

Result<std::vector<Marker>> Notifications::markers(int64_t account_id) {
  return store_.markers(account_id);
}

Result<Marker> Notifications::save_marker(int64_t account_id, const std::string& timeline,
                                          int64_t last_read_id) {
  return store_.save_marker(account_id, timeline, last_read_id);
}

}  // namespace publius::domain
