// Time-sortable 64-bit identifiers for public objects (statuses, notifications),
// in Mastodon's layout: milliseconds since the epoch in the high 48 bits, a
// per-process sequence in the low 16. Sent to clients as decimal strings.
// Thread-safe. Accounts do not use these: their ids must not reveal when they
// were created (shield rule), so they are plain sequence numbers from the store.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace publius {

// Next id, strictly greater than every id this process returned before.
int64_t next_id();
// The smallest id an object created at `ms` can have.
inline int64_t id_floor_for_ms(int64_t ms) { return ms << 16; }
inline int64_t ms_of_id(int64_t id) { return id >> 16; }

// A random positive 63-bit id, for objects whose id must not record when they
// were made (uploads and scheduled posts: non-public activity, shield rule).
int64_t random_id();

// Parses a decimal id as clients send it; nullopt for anything else (negative, junk, overflow).
std::optional<int64_t> parse_id(std::string_view text);

}  // namespace publius
