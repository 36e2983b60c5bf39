// Filters: validation, matching (FilterMatcher) and the Microblog methods that
// keep each account's filters private to it.
#include "domain/filters.h"

#include <algorithm>

#include "domain/text_format.h"
#include "util/time.h"

namespace publius::domain {
namespace {

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// The code point that ends just before byte `end` of `s` (s[end - 1] is its last byte).
char32_t code_point_before(std::string_view s, size_t end) {
  size_t start = end - 1;
  while (start > 0 && end - start < 4 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80)
    --start;
  char32_t cp = 0;
  decode_code_point(s, start, cp);
  return cp;
}

// Whether `needle` occurs in `haystack` (both folded) with no word character touching it.
bool contains_word(std::string_view haystack, std::string_view needle) {
  char32_t first = 0, last = 0;
  decode_code_point(needle, 0, first);
  last = code_point_before(needle, needle.size());
  // A keyword that starts or ends with a non-word character ("@twitter.com", "#tag") has no
  // boundary to check on that side, as with Mastodon's \b.
  const bool check_before = is_word_character(first), check_after = is_word_character(last);
  for (size_t at = haystack.find(needle); at != std::string_view::npos;
       at = haystack.find(needle, at + 1)) {
    const size_t end = at + needle.size();
    const bool open_before =
        !check_before || at == 0 || !is_word_character(code_point_before(haystack, at));
    char32_t next = 0;
    const bool open_after = !check_after || end == haystack.size() ||
                            (decode_code_point(haystack, end, next), !is_word_character(next));
    if (open_before && open_after) return true;
  }
  return false;
}

}  // namespace

Status validate_filter(const Filter& f) {
  if (blank(f.title)) return unprocessable("Validation failed: Title can't be blank");
  if (code_points(f.title) > kMaxFilterTitle)
    return unprocessable("Validation failed: Title is too long (maximum is " +
                         std::to_string(kMaxFilterTitle) + " characters)");
  if (f.contexts == 0) return unprocessable("Validation failed: Context can't be blank");
  if (f.keywords.size() > kMaxKeywordsPerFilter)
    return unprocessable("Validation failed: a filter has at most " +
                         std::to_string(kMaxKeywordsPerFilter) + " keywords");
  if (f.statuses.size() > kMaxStatusesPerFilter)
    return unprocessable("Validation failed: a filter has at most " +
                         std::to_string(kMaxStatusesPerFilter) + " filtered statuses");
  for (const auto& k : f.keywords) {
    if (blank(k.keyword)) return unprocessable("Validation failed: Keyword can't be blank");
    if (code_points(k.keyword) > kMaxFilterKeyword)
      return unprocessable("Validation failed: Keyword is too long (maximum is " +
                           std::to_string(kMaxFilterKeyword) + " characters)");
  }
  return ok_status();
}

FilterMatcher::FilterMatcher(std::vector<Filter> filters, int64_t now_ms) {
  for (auto& f : filters) {
    if (f.expires_day_ms && *f.expires_day_ms <= now_ms) continue;
    Prepared p;
    for (const auto& k : f.keywords) p.folded_keywords.push_back(fold_case(k.keyword));
    p.filter = std::move(f);
    filters_.push_back(std::move(p));
  }
}

std::vector<FilterMatch> FilterMatcher::match(int64_t status_id, std::string_view text) const {
  std::vector<FilterMatch> out;
  std::string folded;
  bool folded_yet = false;
  for (const auto& p : filters_) {
    FilterMatch m;
    m.filter = &p.filter;
    m.status_matched = std::ranges::any_of(
        p.filter.statuses, [&](const FilterStatus& s) { return s.status_id == status_id; });
    for (size_t i = 0; i < p.folded_keywords.size(); ++i) {
      if (!folded_yet) {
        folded = fold_case(text);
        folded_yet = true;
      }
      const std::string& needle = p.folded_keywords[i];
      const bool found = p.filter.keywords[i].whole_word ? contains_word(folded, needle)
                                                         : folded.find(needle) != std::string::npos;
      if (found) m.keyword_matches.push_back(p.filter.keywords[i].keyword);
    }
    if (m.status_matched || !m.keyword_matches.empty()) out.push_back(std::move(m));
  }
  return out;
}

int64_t filter_expiry_day(int64_t now_ms, int64_t expires_in_seconds) {
  const int64_t instant = now_ms + expires_in_seconds * 1000;
  const int64_t floor = day_floor_ms(instant);
  return floor == instant ? floor : floor + kDayMs;
}

}  // namespace publius::domain
