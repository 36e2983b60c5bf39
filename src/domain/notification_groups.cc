#include "domain/notification_groups.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "util/ids.h"
#include "util/time.h"

namespace publius::domain {
namespace {

std::optional<int64_t> parse_number(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

// The parts of a key: a groupable type with its status and day, or one notification's id.
struct ParsedKey {
  std::optional<NotificationType> type;  // empty: ungrouped
  std::optional<int64_t> status_id;
  int64_t day_or_id = 0;
};

std::optional<ParsedKey> parse_key(std::string_view key) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t dash = key.find('-', start);
    parts.push_back(key.substr(start, dash == std::string_view::npos ? dash : dash - start));
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  ParsedKey parsed;
  if (parts.size() == 2 && parts[0] == "ungrouped") {
    auto id = parse_number(parts[1]);
    if (!id) return std::nullopt;
    parsed.day_or_id = *id;
    return parsed;
  }
  parsed.type = parse_notification_type(parts[0]);
  const auto groupable = groupable_notification_types();
  if (!parsed.type ||
      std::find(groupable.begin(), groupable.end(), *parsed.type) == groupable.end())
    return std::nullopt;
  const bool about_a_status = *parsed.type != NotificationType::kFollow;
  if (parts.size() != (about_a_status ? 3u : 2u)) return std::nullopt;
  if (about_a_status) {
    parsed.status_id = parse_number(parts[1]);
    if (!parsed.status_id) return std::nullopt;
  }
  auto day = parse_number(parts.back());
  if (!day || *day > (INT64_MAX >> 16) / kDayMs - 1) return std::nullopt;
  parsed.day_or_id = *day;
  return parsed;
}

}  // namespace

std::vector<NotificationType> groupable_notification_types() {
  return {NotificationType::kFavourite, NotificationType::kReblog, NotificationType::kFollow};
}

std::string notification_group_key(const Notification& n,
                                   const std::vector<NotificationType>& grouped_types) {
  const bool grouped =
      std::find(grouped_types.begin(), grouped_types.end(), n.type) != grouped_types.end();
  const auto groupable = groupable_notification_types();
  if (!grouped || std::find(groupable.begin(), groupable.end(), n.type) == groupable.end() ||
      (n.type != NotificationType::kFollow && !n.status_id)) {
    return "ungrouped-" + std::to_string(n.id);
  }
  std::string key(notification_type_name(n.type));
  if (n.status_id) key += "-" + std::to_string(*n.status_id);
  return key + "-" + std::to_string(n.created_ms / kDayMs);
}

std::vector<NotificationGroupOnPage> group_notification_page(
    const std::vector<Notification>& page, const std::vector<NotificationType>& grouped_types) {
  std::vector<NotificationGroupOnPage> groups;
  std::unordered_map<std::string, size_t> index;
  for (const auto& n : page) {
    std::string key = notification_group_key(n, grouped_types);
    auto [it, fresh] = index.try_emplace(key, groups.size());
    if (fresh) {
      NotificationGroupOnPage g;
      g.key = std::move(key);
      g.type = n.type;
      g.status_id = n.status_id;
      g.page_max_id = n.id;
      g.latest_page_ms = n.created_ms;
      groups.push_back(std::move(g));
    }
    auto& g = groups[it->second];
    g.page_max_id = std::max(g.page_max_id, n.id);
    g.page_min_id = g.page_min_id == 0 ? n.id : std::min(g.page_min_id, n.id);
    g.latest_page_ms = std::max(g.latest_page_ms, n.created_ms);
    if (std::find(g.page_account_ids.begin(), g.page_account_ids.end(), n.from_account_id) ==
        g.page_account_ids.end())
      g.page_account_ids.push_back(n.from_account_id);
  }
  return groups;
}

Result<std::vector<Notification>> notification_group_members(store::Store& store,
                                                             int64_t account_id,
                                                             std::string_view key, int limit) {
  auto parsed = parse_key(key);
  if (!parsed) return not_found();
  if (!parsed->type) {
    PUBLIUS_ASSIGN_OR_RETURN(auto one, store.notification(account_id, parsed->day_or_id));
    if (!one) return std::vector<Notification>();
    return std::vector<Notification>{*one};
  }
  store::NotificationQuery q;
  q.types = {*parsed->type};
  q.status_id = parsed->status_id;
  Page page;
  page.since_id = id_floor_for_ms(parsed->day_or_id * kDayMs) - 1;
  page.max_id = id_floor_for_ms((parsed->day_or_id + 1) * kDayMs);
  page.limit = limit;
  return store.notifications(account_id, q, page);
}

}  // namespace publius::domain
