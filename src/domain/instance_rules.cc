#include "domain/instance_rules.h"

#include <utf8proc.h>

namespace publius::domain {
namespace {

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\v\f";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// Code points in `line`, or an error naming what is wrong with it.
Result<size_t> rule_length(std::string_view line) {
  size_t count = 0;
  auto* at = reinterpret_cast<const utf8proc_uint8_t*>(line.data());
  auto left = static_cast<utf8proc_ssize_t>(line.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(at, left, &cp);
    if (n <= 0) return bad_request("is not valid UTF-8");
    if (utf8proc_category(cp) == UTF8PROC_CATEGORY_CC)
      return bad_request("holds a control character");
    at += n;
    left -= n;
    ++count;
  }
  return count;
}

}  // namespace

Result<std::vector<std::string>> parse_instance_rules(std::string_view text) {
  std::vector<std::string> rules;
  size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const auto end = text.find('\n');
    const std::string_view line = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.empty() || line.front() == '#') continue;
    const std::string where = "line " + std::to_string(line_number) + ": the rule ";
    auto length = rule_length(line);
    if (!length.ok()) return bad_request(where + length.error().message);
    if (*length > kMaxRuleLength) {
      return bad_request(where + "is " + std::to_string(*length) + " characters long (at most " +
                         std::to_string(kMaxRuleLength) + ")");
    }
    rules.emplace_back(line);
  }
  return rules;
}

}  // namespace publius::domain
