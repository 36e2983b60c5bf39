// Wall-clock helpers: milliseconds since the Unix epoch and the two text forms
// the API and the store use. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace publius {

int64_t now_ms();
inline constexpr int64_t kDayMs = 86'400'000;
// Midnight UTC of the day containing ms, and of today.
inline int64_t day_floor_ms(int64_t ms) { return ms - ((ms % kDayMs) + kDayMs) % kDayMs; }
inline int64_t now_day_ms() { return day_floor_ms(now_ms()); }
// "2017-03-14T09:30:00.000Z": the form Mastodon's JSON uses.
std::string format_iso8601_ms(int64_t ms);
// "2017-03-14": the only precision at which non-public activity is kept (shield rule).
std::string format_day(int64_t ms);
// Parses RFC 3339 ("2017-03-14T09:30:00Z", fractional seconds and offsets allowed); nullopt if
// malformed or outside years 0000-9999 in UTC (what format_iso8601_ms() writes).
std::optional<int64_t> parse_rfc3339_ms(std::string_view text);

}  // namespace publius
