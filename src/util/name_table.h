// Name tables: an enum's values with the names they have on the wire (Mastodon's
// "public", "user:notification", ...), and the two lookups every such table needs.
// Pure functions over constant tables; safe from any thread.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace publius {

template <typename E, size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

// The value named `name` in `table`, or nullopt.
template <typename E, size_t N>
std::optional<E> find_by_name(const NameTable<E, N>& table, std::string_view name) {
  for (const auto& [value, text] : table)
    if (text == name) return value;
  return std::nullopt;
}

// The name of `value` in `table`, or empty when the table lacks it.
template <typename E, size_t N>
std::string_view name_of(const NameTable<E, N>& table, E value) {
  for (const auto& [v, text] : table)
    if (v == value) return text;
  return {};
}

}  // namespace publius
