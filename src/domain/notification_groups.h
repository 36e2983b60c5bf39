// Notification groups, as Mastodon 4.3's grouped notifications API
// (/api/v2/notifications) presents them: favourites of one post, boosts of one
// post, and new followers, each within one UTC day, fold into one group; every
// other notification is a group of its own ("ungrouped-<id>").
//
// A group key is opaque to clients but stable here: "favourite-<status>-<day>",
// "reblog-<status>-<day>", "follow-<day>" or "ungrouped-<notification id>", where
// <day> counts days since the epoch. The key alone finds every member again.
//
// Pure functions over values, except group_members(), which reads the Store.
// Thread-safe. Errors: kNotFound for a key that is not one of ours.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/model.h"
#include "store/store.h"
#include "util/result.h"

namespace publius::domain {

// The types that may be grouped; a client narrows them with grouped_types[].
std::vector<NotificationType> groupable_notification_types();

// The group `n` belongs to when its type is among `grouped_types`.
std::string notification_group_key(const Notification& n,
                                   const std::vector<NotificationType>& grouped_types);

// One group as seen on one page of notifications.
struct NotificationGroupOnPage {
  std::string key;
  NotificationType type = NotificationType::kMention;
  std::optional<int64_t> status_id;
  int64_t page_max_id = 0;  // newest member on the page
  int64_t page_min_id = 0;  // oldest member on the page
  int64_t latest_page_ms = 0;
  std::vector<int64_t> page_account_ids;  // distinct, newest first
};

// Groups a page of notifications (newest first), keeping newest-first order of
// each group's newest member.
std::vector<NotificationGroupOnPage> group_notification_page(
    const std::vector<Notification>& page, const std::vector<NotificationType>& grouped_types);

// Every notification of `account_id` in the group named by `key`, newest first
// (at most `limit`), with the owner's blocks and mutes applied as in the list.
// kNotFound when `key` is malformed.
Result<std::vector<Notification>> notification_group_members(store::Store& store,
                                                             int64_t account_id,
                                                             std::string_view key, int limit);

}  // namespace publius::domain
