// Mastodon's id paging where the domain pages a list itself (after filtering a timeline, or
// over an account's followed tags). Pure.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "domain/model.h"

namespace publius::domain {

// Cuts `items` (newest first) to page.limit (at least one), keeping those nearest the page's
// cursor: the oldest when paging up from min_id, the newest otherwise.
template <typename T>
void keep_page_limit(std::vector<T>& items, const Page& page) {
  const size_t limit = static_cast<size_t>(std::max(page.limit, 1));
  if (items.size() <= limit) return;
  if (page.min_id)
    items.erase(items.begin(), items.end() - static_cast<std::ptrdiff_t>(limit));
  else
    items.resize(limit);
}

}  // namespace publius::domain
