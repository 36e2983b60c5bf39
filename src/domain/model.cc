#include "domain/model.h"

#include <array>
#include <utility>

namespace publius::domain {
namespace {
template <typename E, size_t N>
std::optional<E> find_by_name(const std::array<std::pair<E, std::string_view>, N>& table,
                              std::string_view name) {
  for (const auto& [value, text] : table)
    if (text == name) return value;
  return std::nullopt;
}
template <typename E, size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [v, text] : table)
    if (v == value) return text;
  return {};
}

constexpr std::array<std::pair<Visibility, std::string_view>, 4> kVisibilities{{
    {Visibility::kPublic, "public"},
    {Visibility::kUnlisted, "unlisted"},
    {Visibility::kPrivate, "private"},
    {Visibility::kDirect, "direct"},
}};
constexpr std::array<std::pair<Role, std::string_view>, 2> kRoles{{
    {Role::kUser, "user"},
    {Role::kAdmin, "admin"},
}};
constexpr std::array<std::pair<NotificationType, std::string_view>, 7> kNotificationTypes{{
    {NotificationType::kMention, "mention"},
    {NotificationType::kStatus, "status"},
    {NotificationType::kReblog, "reblog"},
    {NotificationType::kFollow, "follow"},
    {NotificationType::kFollowRequest, "follow_request"},
    {NotificationType::kFavourite, "favourite"},
    {NotificationType::kUpdate, "update"},
}};
}  // namespace

std::string_view visibility_name(Visibility v) { return name_of(kVisibilities, v); }
std::optional<Visibility> parse_visibility(std::string_view n) {
  return find_by_name(kVisibilities, n);
}
std::string_view role_name(Role r) { return name_of(kRoles, r); }
std::optional<Role> parse_role(std::string_view n) { return find_by_name(kRoles, n); }
std::string_view notification_type_name(NotificationType t) {
  return name_of(kNotificationTypes, t);
}
std::optional<NotificationType> parse_notification_type(std::string_view n) {
  return find_by_name(kNotificationTypes, n);
}

std::vector<std::string> media_file_names(const std::vector<MediaAttachment>& media) {
  std::vector<std::string> names;
  for (const auto& m : media) {
    names.push_back(m.file_name());
    names.push_back(m.small_file_name());
  }
  return names;
}

}  // namespace publius::domain
