// OAuth scopes as Mastodon defines them: top-level read, write, follow, push,
// profile, admin:read and admin:write, and granular ones such as
// read:statuses. A granted scope covers a required one when they are equal,
// when the required one is a sub-scope of it (read covers read:statuses), or
// through the legacy follow scope. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace publius::oauth {

std::vector<std::string> split_scopes(std::string_view scopes);
// Every scope all_known() accepts, top-level ones first.
std::vector<std::string> known_scopes();
// True when every scope in the space-separated list is one Mastodon knows.
bool all_known(std::string_view scopes);
// True when `granted` (space-separated) covers `required` (one scope).
bool covers(std::string_view granted, std::string_view required);
// True when `granted` covers at least one scope of the space-separated `alternatives`
// (a route's declared scope, http::Policy::scope).
bool covers_any(std::string_view granted, std::string_view alternatives);
// True when every scope of `requested` is covered by `allowed`.
bool subset(std::string_view requested, std::string_view allowed);

// The scope a token needs for the server to open sealed direct messages with it:
// reading statuses. A token without it (write-only, push, profile, ...) sees sealed
// posts as the placeholder on every route it may call, writes included.
inline constexpr std::string_view kSealedContentScope = "read:statuses";

}  // namespace publius::oauth
