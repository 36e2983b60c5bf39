#include "domain/text_format.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace publius::domain {
namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr size_t kMaxTagLength = 100;     // Mastodon's limit on hashtag names, in code points.
constexpr size_t kUrlCountedLength = 23;  // Every URL counts as this many characters.
constexpr size_t kDisplayUrlLength = 30;  // Visible part of a shortened link.

// ---------------------------------------------------------------------------------------------
// UTF-8

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes the code point starting at s[i] and returns how many bytes it used. Strict (no
// overlongs, surrogates or values above U+10FFFF); a byte that does not start a well-formed
// sequence decodes to U+FFFD on its own, so each invalid byte counts as one character.
size_t decode_one(std::string_view s, size_t i, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // Allowed range of the second byte.
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // Overlong.
    if (b0 == 0xED) hi = 0x9F;  // Surrogates.
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // Overlong.
    if (b0 == 0xF4) hi = 0x8F;  // Above U+10FFFF.
  } else {
    cp = kReplacement;
    return 1;
  }
  if (i + len > s.size()) {
    cp = kReplacement;
    return 1;
  }
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    const unsigned char min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
    if (b < min || b > max) {
      cp = kReplacement;
      return 1;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  return len;
}

// Text as code points for scanning, alongside a valid UTF-8 copy for output: offset[i] is where
// code point i starts in utf8, and offset[size] == utf8.size().
struct DecodedText {
  std::string utf8;
  std::vector<char32_t> cps;
  std::vector<size_t> offset;

  std::string_view slice(size_t begin, size_t end) const {
    return std::string_view(utf8).substr(offset[begin], offset[end] - offset[begin]);
  }
};

DecodedText decode_text(std::string_view in) {
  DecodedText t;
  t.utf8.reserve(in.size());
  t.cps.reserve(in.size());
  t.offset.reserve(in.size() + 1);
  for (size_t i = 0; i < in.size();) {
    char32_t cp = 0;
    i += decode_one(in, i, cp);
    t.offset.push_back(t.utf8.size());
    t.cps.push_back(cp);
    append_utf8(t.utf8, cp);
  }
  t.offset.push_back(t.utf8.size());
  return t;
}

// Replaces invalid bytes with U+FFFD so utf8proc (which rejects invalid input) can take it.
std::string sanitize_utf8(std::string_view in) { return decode_text(in).utf8; }

// ---------------------------------------------------------------------------------------------
// Character classes

utf8proc_category_t category(char32_t cp) {
  return utf8proc_category(static_cast<utf8proc_int32_t>(cp));
}

bool is_letter(char32_t cp) {
  switch (category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
      return true;
    default:
      return false;
  }
}

// Ruby's [[:alpha:]], which Mastodon requires at least once in a hashtag: letters, letter
// numbers (Roman numerals) and the combining marks that carry vowels in many scripts.
bool is_alphabetic(char32_t cp) {
  switch (category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
      return true;
    default:
      return false;
  }
}

// Ruby's [[:word:]], which Mastodon's mention and hashtag patterns are written in terms of:
// letters, marks, decimal digits and connector punctuation (which includes '_').
bool is_word(char32_t cp) {
  switch (category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_PC:
      return true;
    default:
      return false;
  }
}

// Characters Mastodon allows between the word characters of a hashtag: middle dot, katakana
// middle dot and zero-width non-joiner (needed to spell Persian words).
bool is_tag_separator(char32_t cp) { return cp == 0x00B7 || cp == 0x30FB || cp == 0x200C; }

// The Unicode White_Space property.
bool is_space(char32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

bool is_ascii_alnum(char32_t cp) {
  return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
}

bool is_username_char(char32_t cp) { return is_ascii_alnum(cp) || cp == '_'; }

char32_t ascii_lower(char32_t cp) { return (cp >= 'A' && cp <= 'Z') ? cp + ('a' - 'A') : cp; }

// What Ruby's String#strip removes; Mastodon strips status text before storing and validating.
bool is_strip_byte(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == '\0';
}

std::string_view strip(std::string_view s) {
  while (!s.empty() && is_strip_byte(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_strip_byte(s.back())) s.remove_suffix(1);
  return s;
}

bool is_blank(const DecodedText& t) {
  for (char32_t cp : t.cps) {
    if (!is_space(cp)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Entity scanning

enum class EntityKind { kUrl, kMention, kHashtag };

struct Entity {
  EntityKind kind;
  size_t begin;     // Code point index of the first character ('h', '@' or '#').
  size_t end;       // One past the last code point.
  size_t name_end;  // Mentions: end of the username, before any "@domain"; else == end.
};

// True if cps[i..] starts with `ascii`, ignoring ASCII case.
bool starts_with_ci(const std::vector<char32_t>& cps, size_t i, std::string_view ascii) {
  if (cps.size() - i < ascii.size()) return false;
  for (size_t k = 0; k < ascii.size(); ++k) {
    if (ascii_lower(cps[i + k]) != static_cast<char32_t>(ascii[k])) return false;
  }
  return true;
}

// Length of the "http://" or "https://" scheme at cps[i], or 0.
size_t scheme_length(const std::vector<char32_t>& cps, size_t i) {
  if (starts_with_ci(cps, i, "https://")) return 8;
  if (starts_with_ci(cps, i, "http://")) return 7;
  return 0;
}

// A URL runs to the next whitespace. Also stop at characters that cannot appear in a URL someone
// pasted and that would make the link swallow surrounding markup or garbage.
bool is_url_char(char32_t cp) {
  if (is_space(cp) || cp == '<' || cp == '>' || cp == kReplacement) return false;
  if (cp == 0x200B || cp == 0x2060 || cp == 0xFEFF) return false;  // Invisible separators.
  return category(cp) != UTF8PROC_CATEGORY_CC;
}

// Punctuation that ends a sentence rather than a URL.
bool is_trailing_punct(char32_t cp) {
  switch (cp) {
    case '.':
    case ',':
    case ';':
    case ':':
    case '!':
    case '?':
    case '\'':
    case '"':
      return true;
    default:
      return false;
  }
}

// Matches an http(s) URL starting at cps[i]; returns its end or 0.
size_t match_url(const std::vector<char32_t>& cps, size_t i) {
  // Like twitter-text (which Mastodon uses), a URL glued to a word, '@', '$' or '#' is not one.
  if (i > 0) {
    const char32_t prev = cps[i - 1];
    if (is_word(prev) || prev == '@' || prev == '$' || prev == '#') return 0;
  }
  const size_t scheme = scheme_length(cps, i);
  if (scheme == 0) return 0;
  const size_t host = i + scheme;
  size_t end = host;
  while (end < cps.size() && is_url_char(cps[end])) ++end;

  // "(see https://en.wikipedia.org/wiki/Foo_(bar))." keeps the inner pair but not the
  // sentence's closing parenthesis or full stop.
  // Counted once: stripping punctuation leaves the counts alone, so this stays linear.
  size_t open_parens = 0, close_parens = 0, open_brackets = 0, close_brackets = 0;
  for (size_t k = host; k < end; ++k) {
    open_parens += cps[k] == '(';
    close_parens += cps[k] == ')';
    open_brackets += cps[k] == '[';
    close_brackets += cps[k] == ']';
  }
  while (end > host) {
    const char32_t last = cps[end - 1];
    if (is_trailing_punct(last)) {
      --end;
    } else if (last == ')' && close_parens > open_parens) {
      --close_parens;
      --end;
    } else if (last == ']' && close_brackets > open_brackets) {
      --close_brackets;
      --end;
    } else {
      break;
    }
  }
  if (end == host) return 0;
  // Require something that can start a host name ("https://..." is not a link).
  const char32_t first = cps[host];
  if (!(is_letter(first) || category(first) == UTF8PROC_CATEGORY_ND || first == '[')) return 0;
  return end;
}

bool is_latin_accent(char32_t cp) {
  return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x1E00 && cp <= 0x1EFF);
}

// Matches Mastodon's mention pattern at cps[i] == '@': "@user" or "@user@domain", the domain with
// a port when it has one ("@user@host:8443", as accounts on a server on another port are named).
// Returns false if there is no mention here; on success fills e.end and e.name_end.
bool match_mention(const std::vector<char32_t>& cps, size_t i, Entity& e) {
  const size_t n = cps.size();
  if (i > 0) {
    const char32_t prev = cps[i - 1];
    // Not part of an e-mail address, a path ("/@alice") or a query ("?a=@b").
    if (is_word(prev) || prev == '/' || prev == '@' || prev == '=') return false;
  }
  // Username: [A-Za-z0-9_]+ with '.' and '-' allowed inside (remote servers allow them).
  size_t k = i + 1;
  if (k >= n || !is_username_char(cps[k])) return false;
  size_t name_end = k;
  while (k < n && (is_username_char(cps[k]) || cps[k] == '.' || cps[k] == '-')) {
    ++k;
    if (is_username_char(cps[k - 1])) name_end = k;
  }
  size_t end = name_end;
  // Optional domain: word characters with '.' and '-' inside, never at either end.
  if (end + 1 < n && cps[end] == '@' && is_word(cps[end + 1])) {
    size_t d = end + 1, domain_end = d;
    while (d < n && (is_word(cps[d]) || cps[d] == '.' || cps[d] == '-')) {
      ++d;
      if (is_word(cps[d - 1])) domain_end = d;
    }
    end = domain_end;
    size_t port_end = end + 1;
    while (port_end < n && cps[port_end] >= '0' && cps[port_end] <= '9') ++port_end;
    const bool port = end < n && cps[end] == ':' && port_end > end + 1 && port_end - end <= 6;
    if (port && (port_end == n || !is_word(cps[port_end]))) end = port_end;
  }
  // As in Mastodon's extractor: "@alice@", "@aliceé" and "@host://" are not mentions.
  if (end < n) {
    const char32_t next = cps[end];
    if (next == '@' || is_latin_accent(next)) return false;
    if (next == ':' && end + 2 < n && cps[end + 1] == '/' && cps[end + 2] == '/') return false;
  }
  e = Entity{EntityKind::kMention, i, end, name_end};
  return true;
}

// End of the hashtag name starting at cps[begin] (== begin if none): word characters, with
// separators allowed between them but not at either end.
size_t tag_name_end(const std::vector<char32_t>& cps, size_t begin) {
  size_t k = begin, end = begin;
  if (k >= cps.size() || !is_word(cps[k])) return begin;
  while (k < cps.size() && (is_word(cps[k]) || is_tag_separator(cps[k]))) {
    ++k;
    if (is_word(cps[k - 1])) end = k;
  }
  return end;
}

bool is_valid_tag_cps(const std::vector<char32_t>& cps, size_t begin, size_t end) {
  if (end <= begin || end - begin > kMaxTagLength) return false;
  if (tag_name_end(cps, begin) != end) return false;
  for (size_t k = begin; k < end; ++k) {
    if (is_alphabetic(cps[k])) return true;
  }
  return false;
}

// Matches a hashtag at cps[i] == '#'.
bool match_hashtag(const std::vector<char32_t>& cps, size_t i, Entity& e) {
  if (i > 0) {
    const char32_t prev = cps[i - 1];
    // "a#b", "&#39;", "/#anchor", "?x=#y" and "(a)#b" are not hashtags.
    if (is_word(prev) || prev == '&' || prev == '/' || prev == '=' || prev == ')') return false;
  }
  const size_t end = tag_name_end(cps, i + 1);
  if (!is_valid_tag_cps(cps, i + 1, end)) return false;
  e = Entity{EntityKind::kHashtag, i, end, end};
  return true;
}

// Finds URLs, mentions and (optionally) hashtags, left to right and never overlapping. A URL is
// matched before anything inside it, so a URL's "@" or "#" never starts another entity.
std::vector<Entity> scan_entities(const std::vector<char32_t>& cps, bool hashtags) {
  std::vector<Entity> out;
  size_t i = 0;
  while (i < cps.size()) {
    const char32_t c = cps[i];
    Entity e{};
    if (c == 'h' || c == 'H') {
      if (const size_t end = match_url(cps, i); end != 0) {
        out.push_back(Entity{EntityKind::kUrl, i, end, end});
        i = end;
        continue;
      }
    } else if ((c == '@' && match_mention(cps, i, e)) ||
               (c == '#' && hashtags && match_hashtag(cps, i, e))) {
      out.push_back(e);
      i = e.end;
      continue;
    }
    ++i;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// HTML generation

// Percent-encodes everything but RFC 3986 unreserved characters, for a URL path segment.
void append_percent_encoded(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (is_ascii_alnum(b) || b == '-' || b == '.' || b == '_' || b == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0x0F];
    }
  }
}

// Mastodon's shortened link: the scheme (and "www.") hidden, 30 characters shown, the rest
// hidden behind an ellipsis that the stylesheet draws.
void append_url(std::string& out, const DecodedText& t, const Entity& e) {
  size_t prefix_end = e.begin + scheme_length(t.cps, e.begin);
  if (starts_with_ci(t.cps, prefix_end, "www.")) prefix_end += 4;
  size_t display_end = std::min(e.end, prefix_end + kDisplayUrlLength);
  bool cutoff = e.end > display_end;
  // Hiding a single character behind an ellipsis saves nothing; show it instead, as Mastodon does.
  if (e.end - display_end == 1) {
    display_end = e.end;
    cutoff = false;
  }
  out += "<a href=\"";
  append_html_escaped(out, t.slice(e.begin, e.end));
  out += "\" target=\"_blank\" rel=\"nofollow noopener noreferrer\" translate=\"no\">";
  out += "<span class=\"invisible\">";
  append_html_escaped(out, t.slice(e.begin, prefix_end));
  out += cutoff ? "</span><span class=\"ellipsis\">" : "</span><span class=\"\">";
  append_html_escaped(out, t.slice(prefix_end, display_end));
  out += "</span><span class=\"invisible\">";
  append_html_escaped(out, t.slice(display_end, e.end));
  out += "</span></a>";
}

void append_mention(std::string& out, const MentionTarget& target) {
  out += "<span class=\"h-card\" translate=\"no\"><a href=\"";
  append_html_escaped(out, target.url);
  out += "\" class=\"u-url mention\">@<span>";
  append_html_escaped(out, target.username);
  out += "</span></a></span>";
}

void append_hashtag(std::string& out, std::string_view base_url, std::string_view name) {
  std::string href(base_url);
  href += "/tags/";
  append_percent_encoded(href, name);
  out += "<a href=\"";
  append_html_escaped(out, href);
  out += "\" class=\"mention hashtag\" rel=\"tag\">#<span>";
  append_html_escaped(out, name);
  out += "</span></a>";
}

// Rails' simple_format, as Mastodon applies it: blank lines separate <p> paragraphs and single
// newlines become <br />. Entity markup never contains a newline, so splitting after the entities
// are rendered is safe.
std::string paragraphs(std::string_view html) {
  std::string out;
  out.reserve(html.size() + 16);
  out += "<p>";
  for (size_t i = 0; i < html.size();) {
    if (html[i] != '\n') {
      out += html[i++];
      continue;
    }
    size_t run = 0;
    while (i < html.size() && html[i] == '\n') {
      ++run;
      ++i;
    }
    out += run >= 2 ? "</p><p>" : "<br />";
  }
  out += "</p>";
  return out;
}

// Windows and old-Mac line endings become "\n" before paragraphs are found.
std::string normalize_newlines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

FormattedText format_status_text(std::string_view text, const MentionResolver& resolve,
                                 std::string_view base_url) {
  FormattedText result;
  const std::string normalized = normalize_newlines(text);
  const DecodedText t = decode_text(strip(normalized));
  if (is_blank(t)) return result;
  while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);

  std::unordered_set<std::string> seen_mentions, seen_tags;
  std::string inline_html;
  inline_html.reserve(t.utf8.size() + t.utf8.size() / 4);
  size_t pos = 0;
  for (const Entity& e : scan_entities(t.cps, /*hashtags=*/true)) {
    append_html_escaped(inline_html, t.slice(pos, e.begin));
    pos = e.end;
    switch (e.kind) {
      case EntityKind::kUrl:
        append_url(inline_html, t, e);
        break;
      case EntityKind::kMention: {
        std::optional<MentionTarget> target;
        if (resolve) target = resolve(t.slice(e.begin + 1, e.end));
        if (!target) {
          append_html_escaped(inline_html, t.slice(e.begin, e.end));
          break;
        }
        append_mention(inline_html, *target);
        if (seen_mentions.insert(target->id).second) result.mentions.push_back(std::move(*target));
        break;
      }
      case EntityKind::kHashtag: {
        const std::string_view name = t.slice(e.begin + 1, e.end);
        append_hashtag(inline_html, base_url, name);
        if (seen_tags.insert(normalize_tag(name)).second) result.tags.emplace_back(name);
        break;
      }
    }
  }
  append_html_escaped(inline_html, t.slice(pos, t.cps.size()));
  result.html = paragraphs(inline_html);
  return result;
}

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string_view first_code_points(std::string_view s, size_t n) {
  size_t seen = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool lead = (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
    if (lead && seen++ == n) return s.substr(0, i);
  }
  return s;
}

size_t status_length(std::string_view text) {
  const DecodedText t = decode_text(strip(text));
  if (is_blank(t)) return 0;
  size_t length = 0, pos = 0;
  for (const Entity& e : scan_entities(t.cps, /*hashtags=*/false)) {
    length += e.begin - pos;
    length += e.kind == EntityKind::kUrl ? kUrlCountedLength : e.name_end - e.begin;
    pos = e.end;
  }
  return length + (t.cps.size() - pos);
}

std::string fold_case(std::string_view text) {
  const std::string clean = sanitize_utf8(text);
  utf8proc_uint8_t* mapped = nullptr;
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(clean.data()),
                   static_cast<utf8proc_ssize_t>(clean.size()), &mapped,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT |
                                                  UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
  if (n < 0 || mapped == nullptr) {
    // Only out-of-memory can get here (the input is valid UTF-8); fall back to ASCII folding so
    // the common case still yields a usable key.
    std::free(mapped);
    std::string out = clean;
    for (char& c : out) c = static_cast<char>(ascii_lower(static_cast<unsigned char>(c)));
    return out;
  }
  std::string out(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
  std::free(mapped);
  return out;
}

bool is_valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > kMaxTagLength * 4) return false;
  std::vector<char32_t> cps;
  for (size_t i = 0; i < tag.size();) {
    char32_t cp = 0;
    const size_t len = decode_one(tag, i, cp);
    if (cp == kReplacement && len == 1) return false;  // Invalid UTF-8.
    cps.push_back(cp);
    i += len;
  }
  return is_valid_tag_cps(cps, 0, cps.size());
}

void append_html_escaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  append_html_escaped(out, s);
  return out;
}

bool is_word_character(char32_t cp) { return is_word(cp); }

size_t decode_code_point(std::string_view s, size_t i, char32_t& cp) {
  return decode_one(s, i, cp);
}

}  // namespace publius::domain
