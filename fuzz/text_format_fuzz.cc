// libFuzzer target for status text formatting (src/domain/text_format.cc): the
// code that turns what anyone posts into the HTML every client shows.
//
// Beyond "no crash, no sanitizer report" it checks the safety invariants and
// traps when one breaks: the HTML holds only the tags the formatter writes
// (<p>, <br />, <a>, <span>), every attribute value is quoted and free of raw
// '<', '>' and '"', every link an http(s) URL, and the length, tag and escaping
// functions agree with each other. Build and run: see fuzz/README.md.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/text_format.h"

namespace {

using namespace publius::domain;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

bool starts_with(std::string_view s, size_t at, std::string_view prefix) {
  return s.compare(at, prefix.size(), prefix) == 0;
}

// Walks the HTML tag by tag: only the formatter's own tags, with quoted attributes.
void check_html(std::string_view html) {
  size_t at = 0;
  while ((at = html.find('<', at)) != std::string_view::npos) {
    const size_t end = html.find('>', at);
    check(end != std::string_view::npos);
    const std::string_view tag = html.substr(at, end - at + 1);
    const bool known = tag == "<p>" || tag == "</p>" || tag == "<br />" || tag == "</a>" ||
                       tag == "</span>" || starts_with(tag, 0, "<a href=\"") ||
                       starts_with(tag, 0, "<span");
    check(known);
    // Inside a tag, quotes pair up and no value smuggles markup.
    size_t quotes = 0;
    for (char c : tag.substr(1, tag.size() - 2)) {
      check(c != '<');
      quotes += c == '"';
    }
    check(quotes % 2 == 0);
    // Links go to the web only (schemes in any case): no javascript: or data: URL.
    if (starts_with(tag, 0, "<a href=\"")) {
      std::string scheme(tag.substr(9, 8));
      for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      check(starts_with(scheme, 0, "http://") || starts_with(scheme, 0, "https://"));
    }
    at = end + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // Every "@name" resolves, with the name echoed into the link: hostile names
  // (quotes, angle brackets) must still come out escaped.
  const MentionResolver resolve = [](std::string_view acct) -> std::optional<MentionTarget> {
    if (acct.empty() || acct.size() > 64) return std::nullopt;
    return MentionTarget{"1", std::string(acct), std::string(acct),
                         "https://example.org/@" + std::string(acct)};
  };
  const FormattedText formatted = format_status_text(input, resolve, "https://example.org");
  check_html(formatted.html);
  for (const auto& tag : formatted.tags) check(is_valid_tag(tag));
  (void)status_length(input);
  check(code_points(input) <= input.size());
  (void)normalize_tag(input);

  const std::string escaped = html_escape(input);
  for (char c : escaped) check(c != '<' && c != '>' && c != '"' && c != '\'');
  return 0;
}
