#include "oauth/scopes.h"

#include <algorithm>
#include <array>

namespace publius::oauth {
namespace {

constexpr std::array<std::string_view, 7> kTopLevel = {
    "read", "write", "follow", "push", "profile", "admin:read", "admin:write"};
constexpr std::array<std::string_view, 14> kReadWriteSuffixes = {
    "accounts", "blocks", "bookmarks",     "conversations", "favourites", "filters", "follows",
    "lists",    "mutes",  "notifications", "search",        "statuses",   "media",   "reports"};
constexpr std::array<std::string_view, 11> kAdminSuffixes = {"accounts",
                                                             "reports",
                                                             "domain_allows",
                                                             "domain_blocks",
                                                             "ip_blocks",
                                                             "email_domain_blocks",
                                                             "canonical_email_blocks",
                                                             "legal",
                                                             "inventory",
                                                             "audit",
                                                             "transparency"};
constexpr std::array<std::string_view, 6> kFollowCovers = {
    "read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes", "write:mutes"};

bool known(std::string_view s) {
  if (std::find(kTopLevel.begin(), kTopLevel.end(), s) != kTopLevel.end()) return true;
  for (std::string_view prefix : {"read:", "write:"}) {
    if (s.rfind(prefix, 0) == 0) {
      auto rest = s.substr(prefix.size());
      return std::find(kReadWriteSuffixes.begin(), kReadWriteSuffixes.end(), rest) !=
             kReadWriteSuffixes.end();
    }
  }
  for (std::string_view prefix : {"admin:read:", "admin:write:"}) {
    if (s.rfind(prefix, 0) == 0) {
      auto rest = s.substr(prefix.size());
      return std::find(kAdminSuffixes.begin(), kAdminSuffixes.end(), rest) != kAdminSuffixes.end();
    }
  }
  return false;
}

bool covers_one(std::string_view granted, std::string_view required) {
  if (granted == required) return true;
  if (required.size() > granted.size() && required.rfind(granted, 0) == 0 &&
      required[granted.size()] == ':')
    return true;
  return granted == "follow" &&
         std::find(kFollowCovers.begin(), kFollowCovers.end(), required) != kFollowCovers.end();
}

// Calls `each` with every scope of the space- (or '+'-) separated `scopes`, in order,
// until it returns true; whether one did. Allocates nothing: asked on every request.
template <typename Each>
bool any_scope(std::string_view scopes, Each each) {
  size_t i = 0;
  while (i < scopes.size()) {
    while (i < scopes.size() && (scopes[i] == ' ' || scopes[i] == '+')) ++i;
    size_t j = i;
    while (j < scopes.size() && scopes[j] != ' ' && scopes[j] != '+') ++j;
    if (j > i && each(scopes.substr(i, j - i))) return true;
    i = j;
  }
  return false;
}

}  // namespace

std::vector<std::string> split_scopes(std::string_view scopes) {
  std::vector<std::string> out;
  any_scope(scopes, [&](std::string_view scope) {
    out.emplace_back(scope);
    return false;
  });
  return out;
}

std::vector<std::string> known_scopes() {
  std::vector<std::string> out(kTopLevel.begin(), kTopLevel.end());
  for (std::string_view prefix : {"read:", "write:"})
    for (std::string_view suffix : kReadWriteSuffixes) out.push_back(std::string(prefix) += suffix);
  for (std::string_view prefix : {"admin:read:", "admin:write:"})
    for (std::string_view suffix : kAdminSuffixes) out.push_back(std::string(prefix) += suffix);
  return out;
}

bool all_known(std::string_view scopes) {
  const auto list = split_scopes(scopes);
  return !list.empty() &&
         std::all_of(list.begin(), list.end(), [](const auto& s) { return known(s); });
}

bool covers(std::string_view granted, std::string_view required) {
  return any_scope(granted, [&](std::string_view g) { return covers_one(g, required); });
}

bool covers_any(std::string_view granted, std::string_view alternatives) {
  return any_scope(alternatives, [&](std::string_view scope) { return covers(granted, scope); });
}

bool subset(std::string_view requested, std::string_view allowed) {
  for (const auto& r : split_scopes(requested))
    if (!covers(allowed, r)) return false;
  return true;
}

}  // namespace publius::oauth
