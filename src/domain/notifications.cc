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
  query.include_filtered = filter.include_filtered;
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

Result<std::vector<Notification>> Notifications::unread(int64_t account_id,
                                                        const NotificationFilter& filter,
                                                        int limit) {
  Page since_marker{.limit = limit};
  PUBLIUS_ASSIGN_OR_RETURN(auto saved, markers(account_id));
  for (const auto& m : saved)
    if (m.timeline == "notifications") since_marker.since_id = m.last_read_id;
  PUBLIUS_ASSIGN_OR_RETURN(auto shown, list(account_id, filter, since_marker));
  std::vector<Notification> out;
  out.reserve(shown.size());
  for (const auto& e : shown) out.push_back(e.notification);
  return out;
}

Result<NotificationPolicyView> Notifications::policy(int64_t account_id) {
  NotificationPolicyView view;
  PUBLIUS_ASSIGN_OR_RETURN(auto stored, store_.notification_policies({account_id}));
  if (!stored.empty()) view.policy = stored.front().second;
  PUBLIUS_ASSIGN_OR_RETURN(auto pending, store_.notification_requests(
                                             account_id, Page{.limit = kMaxMeaningfulRequests}));
  view.pending_requests_count = static_cast<int64_t>(pending.size());
  for (const auto& r : pending) view.pending_notifications_count += r.notifications_count;
  return view;
}

Result<NotificationPolicyView> Notifications::update_policy(
    int64_t account_id, const NotificationPolicyChange& change) {
  PUBLIUS_ASSIGN_OR_RETURN(auto current, policy(account_id));
  NotificationPolicy& p = current.policy;
  p.for_not_following = change.for_not_following.value_or(p.for_not_following);
  p.for_not_followers = change.for_not_followers.value_or(p.for_not_followers);
  p.for_new_accounts = change.for_new_accounts.value_or(p.for_new_accounts);
  p.for_private_mentions = change.for_private_mentions.value_or(p.for_private_mentions);
  p.for_limited_accounts = change.for_limited_accounts.value_or(p.for_limited_accounts);
  PUBLIUS_TRY(store_.save_notification_policy(account_id, p));
  return current;
}

Result<std::vector<NotificationRequestEntry>> Notifications::requests(int64_t account_id,
                                                                      const Page& page) {
  PUBLIUS_ASSIGN_OR_RETURN(auto found, store_.notification_requests(account_id, page));
  std::vector<int64_t> status_ids;
  for (const auto& r : found)
    if (r.last_status_id) status_ids.push_back(*r.last_status_id);
  PUBLIUS_ASSIGN_OR_RETURN(auto posts, visible_posts(account_id, status_ids));
  std::vector<NotificationRequestEntry> out;
  out.reserve(found.size());
  for (const auto& r : found) {
    NotificationRequestEntry entry{r, std::nullopt};
    for (const auto& p : posts)
      if (entry.request.last_status_id == p.id) entry.last_status = p;
    out.push_back(std::move(entry));
  }
  return out;
}

Result<NotificationRequestEntry> Notifications::request(int64_t account_id, int64_t id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto found, store_.notification_request(account_id, id));
  if (!found) return not_found();
  NotificationRequestEntry entry{*found, std::nullopt};
  if (entry.request.last_status_id) {
    PUBLIUS_ASSIGN_OR_RETURN(auto posts,
                             visible_posts(account_id, {*entry.request.last_status_id}));
    if (!posts.empty()) entry.last_status = std::move(posts.front());
  }
  return entry;
}

Status Notifications::resolve_request(int64_t account_id, int64_t id, bool accept) {
  PUBLIUS_ASSIGN_OR_RETURN(auto found, store_.notification_request(account_id, id));
  if (!found) return not_found();
  return resolve_senders(account_id, {found->from_account_id}, accept);
}

Status Notifications::resolve_requests(int64_t account_id, const std::vector<int64_t>& ids,
                                       bool accept) {
  std::vector<int64_t> senders;
  for (int64_t id : ids) {
    PUBLIUS_ASSIGN_OR_RETURN(auto found, store_.notification_request(account_id, id));
    if (found) senders.push_back(found->from_account_id);
  }
  return resolve_senders(account_id, senders, accept);
}

Status Notifications::resolve_senders(int64_t account_id, const std::vector<int64_t>& senders,
                                      bool accept) {
  PUBLIUS_TRY(store_.resolve_notification_requests(account_id, senders, accept));
  if (accept && !senders.empty() && live()) live()->notifications_merged(account_id);
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
