// Filters: an account's own rules for posts it would rather not see (Mastodon's
// v2 filters). A filter has a title, the contexts it applies in, an action (warn:
// the client shows the post behind a warning naming the filter; hide: the client
// drops it) and what it matches: keywords, optionally as whole words, and posts
// picked one by one. As in Mastodon, the server does not drop anything itself:
// every post rendered for an account lists the filters of that account it
// matches (Status `filtered`), and the client applies the filter's context and
// action.
//
// Filters are private to their owner. Their expiry is kept at day precision
// (the first UTC midnight at or after the requested instant): the instant a
// filter was made is non-public activity (shield rule).
//
// FilterMatcher is an immutable value: safe to share between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace publius::domain {

enum FilterContext : uint8_t {
  kFilterHome = 1,
  kFilterNotifications = 2,
  kFilterPublic = 4,
  kFilterThread = 8,
  kFilterAccount = 16,
};
// The Mastodon names of the contexts in `contexts` (a set of FilterContext bits).
std::vector<std::string_view> filter_context_names(uint8_t contexts);
std::optional<FilterContext> parse_filter_context(std::string_view name);

enum class FilterAction : uint8_t { kWarn = 0, kHide = 1 };
std::string_view filter_action_name(FilterAction action);
std::optional<FilterAction> parse_filter_action(std::string_view name);

struct FilterKeyword {
  int64_t id = 0;  // 0: not stored yet
  std::string keyword;
  bool whole_word = true;
};

struct FilterStatus {
  int64_t id = 0;  // 0: not stored yet
  int64_t status_id = 0;
};

struct Filter {
  int64_t id = 0;  // 0: not stored yet
  int64_t account_id = 0;
  std::string title;
  uint8_t contexts = 0;
  FilterAction action = FilterAction::kWarn;
  std::optional<int64_t> expires_day_ms;  // midnight UTC; none: never expires
  std::vector<FilterKeyword> keywords;
  std::vector<FilterStatus> statuses;
};

// Limits that keep matching cheap on every page an account reads.
inline constexpr size_t kMaxFiltersPerAccount = 100;
inline constexpr size_t kMaxKeywordsPerFilter = 100;
inline constexpr size_t kMaxStatusesPerFilter = 1000;
inline constexpr size_t kMaxFilterTitle = 256;
inline constexpr size_t kMaxFilterKeyword = 256;

// The day a filter set to expire `expires_in_seconds` from `now_ms` is kept until: the first
// UTC midnight at or after that instant.
int64_t filter_expiry_day(int64_t now_ms, int64_t expires_in_seconds);

// Checks what a client may set: a title, at least one context, keywords and
// picked posts within bounds. kUnprocessable naming the field otherwise.
Status validate_filter(const Filter& filter);

// One filter a post matched, and why.
struct FilterMatch {
  const Filter* filter = nullptr;
  std::vector<std::string> keyword_matches;  // the keywords, as the owner wrote them
  bool status_matched = false;
};

// An account's unexpired filters, prepared for matching many posts. Keywords
// match case-insensitively (Unicode case folding); a whole-word keyword must not
// touch a letter, digit or underscore on either side.
class FilterMatcher {
 public:
  FilterMatcher() = default;
  FilterMatcher(std::vector<Filter> filters, int64_t now_ms);

  bool empty() const { return filters_.empty(); }
  // `text` is everything readable of the post: its text, content warning, media
  // descriptions and poll options.
  std::vector<FilterMatch> match(int64_t status_id, std::string_view text) const;

 private:
  struct Prepared {
    Filter filter;
    std::vector<std::string> folded_keywords;
  };
  std::vector<Prepared> filters_;
};

}  // namespace publius::domain
