// libFuzzer target for the sanitizer of remote HTML (src/federation/html_sanitizer.cc):
// what every other server's posts pass before anyone here sees them.
//
// Beyond "no crash, no sanitizer report" it checks the output's safety and traps when
// one breaks: only the allowed tags, each attribute one of href/rel/target/class with
// a quoted value free of '<', '>' and '"', every href of an allowed scheme, every
// opened element closed in order, text free of '<' and '>', and the output, sanitized
// again, holds to the same. (Not that it comes out unchanged: unwrapping may nest what
// the parser then reads another way, as a <p> in a <p>, which is safe either way.)
// Build and run: see fuzz/README.md.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "federation/html_sanitizer.h"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

constexpr std::string_view kTags[] = {"p",    "br", "span",   "a",         "del", "pre",
                                      "code", "em", "strong", "b",         "i",   "u",
                                      "ul",   "ol", "li",     "blockquote"};
constexpr std::string_view kSchemes[] = {"http:", "https:",  "dat:",  "dweb:",   "ipfs:",  "ipns:",
                                         "ssb:",  "gopher:", "xmpp:", "magnet:", "gemini:"};

bool allowed_tag(std::string_view name) {
  for (auto t : kTags)
    if (t == name) return true;
  return false;
}

bool allowed_href(std::string_view href) {
  std::string lower(href.substr(0, 8));
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto s : kSchemes)
    if (lower.starts_with(s)) return true;
  return false;
}

// Reads one tag's attributes (name="value" pairs) and checks each.
void check_attributes(std::string_view name, std::string_view rest) {
  while (!rest.empty()) {
    check(rest.front() == ' ');
    rest.remove_prefix(1);
    const size_t eq = rest.find("=\"");
    check(eq != std::string_view::npos);
    const std::string_view attr = rest.substr(0, eq);
    rest.remove_prefix(eq + 2);
    const size_t quote = rest.find('"');
    check(quote != std::string_view::npos);
    const std::string_view value = rest.substr(0, quote);
    rest.remove_prefix(quote + 1);
    for (char c : value) check(c != '<' && c != '>');
    if (attr == "href") {
      check(name == "a" && allowed_href(value));
    } else if (attr == "rel") {
      check(name == "a" && value == "nofollow noopener");
    } else if (attr == "target") {
      check(name == "a" && value == "_blank");
    } else {
      check(attr == "class" && (name == "a" || name == "span"));
    }
  }
}

void check_html(std::string_view html) {
  std::vector<std::string_view> open;
  size_t at = 0;
  while ((at = html.find('<', at)) != std::string_view::npos) {
    const size_t end = html.find('>', at);
    check(end != std::string_view::npos);
    std::string_view tag = html.substr(at + 1, end - at - 1);
    at = end + 1;
    if (tag.starts_with('/')) {
      check(!open.empty() && open.back() == tag.substr(1));
      open.pop_back();
      continue;
    }
    if (tag == "br /") continue;
    const size_t space = tag.find(' ');
    const std::string_view name = tag.substr(0, space);
    check(allowed_tag(name) && name != "br");
    if (space != std::string_view::npos) check_attributes(name, tag.substr(space));
    if (name == "a") check(tag.starts_with("a href=\""));
    open.push_back(name);
  }
  check(open.empty());
  // Every '<' and '>' belongs to a tag: no markup character is left raw in the text.
  size_t lt = 0, gt = 0;
  for (char c : html) {
    lt += c == '<';
    gt += c == '>';
  }
  check(lt == gt);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string once = publius::federation::sanitize_html(input);
  check_html(once);
  check_html(publius::federation::sanitize_html(once));
  return 0;
}
