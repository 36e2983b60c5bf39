#include "domain/model.h"

#include <algorithm>
#include <array>
#include <utility>

#include "domain/filters.h"

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

constexpr std::array<std::pair<FilterContext, std::string_view>, 5> kFilterContexts{{
    {kFilterHome, "home"},
    {kFilterNotifications, "notifications"},
    {kFilterPublic, "public"},
    {kFilterThread, "thread"},
    {kFilterAccount, "account"},
}};

constexpr std::array<std::pair<FilterAction, std::string_view>, 2> kFilterActions{{
    {FilterAction::kWarn, "warn"},
    {FilterAction::kHide, "hide"},
}};

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
constexpr std::array<std::pair<NotificationType, std::string_view>, 8> kNotificationTypes{{
    {NotificationType::kMention, "mention"},
    {NotificationType::kStatus, "status"},
    {NotificationType::kReblog, "reblog"},
    {NotificationType::kFollow, "follow"},
    {NotificationType::kFollowRequest, "follow_request"},
    {NotificationType::kFavourite, "favourite"},
    {NotificationType::kUpdate, "update"},
    {NotificationType::kPoll, "poll"},
}};
constexpr std::array<std::pair<PolicyAction, std::string_view>, 3> kPolicyActions{{
    {PolicyAction::kAccept, "accept"},
    {PolicyAction::kFilter, "filter"},
    {PolicyAction::kDrop, "drop"},
}};
constexpr std::array<std::pair<RepliesPolicy, std::string_view>, 3> kRepliesPolicies{{
    {RepliesPolicy::kFollowed, "followed"},
    {RepliesPolicy::kList, "list"},
    {RepliesPolicy::kNone, "none"},
}};
// ISO 639-1, sorted for binary search.
constexpr std::array<std::string_view, 183> kLanguageCodes{{
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bi",
    "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de",
    "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy",
    "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia",
    "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk",
    "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln", "lo",
    "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd",
    "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl",
    "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl",
    "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti", "tk",
    "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa",
    "wo", "xh", "yi", "yo", "za", "zh", "zu",
}};
}  // namespace

bool is_language_code(std::string_view code) {
  return std::binary_search(kLanguageCodes.begin(), kLanguageCodes.end(), code);
}

std::string_view visibility_name(Visibility v) { return name_of(kVisibilities, v); }
std::optional<Visibility> parse_visibility(std::string_view n) {
  return find_by_name(kVisibilities, n);
}
const std::vector<Visibility>& visibilities_in_clear() {
  static const std::vector<Visibility> kInClear = {Visibility::kPublic, Visibility::kUnlisted,
                                                   Visibility::kPrivate};
  return kInClear;
}
std::string_view replies_policy_name(RepliesPolicy p) { return name_of(kRepliesPolicies, p); }
std::optional<RepliesPolicy> parse_replies_policy(std::string_view n) {
  return find_by_name(kRepliesPolicies, n);
}
std::string_view role_name(Role r) { return name_of(kRoles, r); }
std::optional<Role> parse_role(std::string_view n) { return find_by_name(kRoles, n); }
std::string_view notification_type_name(NotificationType t) {
  return name_of(kNotificationTypes, t);
}
std::optional<NotificationType> parse_notification_type(std::string_view n) {
  return find_by_name(kNotificationTypes, n);
}
std::string_view policy_action_name(PolicyAction a) { return name_of(kPolicyActions, a); }
std::optional<PolicyAction> parse_policy_action(std::string_view n) {
  return find_by_name(kPolicyActions, n);
}

std::vector<std::string_view> filter_context_names(uint8_t contexts) {
  std::vector<std::string_view> names;
  for (const auto& [bit, name] : kFilterContexts)
    if (contexts & bit) names.push_back(name);
  return names;
}
std::optional<FilterContext> parse_filter_context(std::string_view n) {
  return find_by_name(kFilterContexts, n);
}
std::string_view filter_action_name(FilterAction a) { return name_of(kFilterActions, a); }
std::optional<FilterAction> parse_filter_action(std::string_view n) {
  return find_by_name(kFilterActions, n);
}
std::vector<std::string> poll_titles(const Poll& poll) {
  std::vector<std::string> titles;
  for (const auto& o : poll.options) titles.push_back(o.title);
  return titles;
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
