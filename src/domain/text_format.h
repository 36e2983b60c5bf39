// Status text formatting: turns the plain text a user posts into the HTML that Mastodon 4.x
// serves (paragraphs, line breaks, shortened links, mention and hashtag links), and computes the
// length Mastodon uses to enforce its character limit.
//
// Every function here is pure: it reads only its arguments, keeps no state, and is safe to call
// from any number of threads at once. Results are owned by the caller. Input may be any byte
// sequence; invalid UTF-8 never crashes and is replaced by U+FFFD in generated HTML. No exception
// escapes except std::bad_alloc and whatever the caller's MentionResolver throws.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace publius::domain {

// The account a mention links to, as returned by a MentionResolver.
struct MentionTarget {
  std::string id;        // account id (opaque string)
  std::string username;  // local username, e.g. "alice"; shown as the link text
  std::string acct;      // "alice" for local accounts, "bob@remote.example" for remote ones
  std::string url;       // profile URL, e.g. "https://example.org/@alice"
};

// Resolves the text after '@' ("alice" or "alice@example.org") to a target, or nullopt if no
// such account is known. Called once per mention occurrence, synchronously; an empty function
// resolves nothing.
using MentionResolver = std::function<std::optional<MentionTarget>(std::string_view acct)>;

struct FormattedText {
  std::string html;                     // Mastodon-style HTML; "" for blank text
  std::vector<MentionTarget> mentions;  // resolved mentions, each account (by id) once, in order
  std::vector<std::string> tags;        // hashtag names as written (no '#'), unique under
                                        // normalize_tag, in order of first appearance
};

// Formats a plain-text status the way Mastodon 4.x does: the text is stripped of surrounding
// whitespace, HTML-escaped, split into <p> paragraphs on blank lines with <br /> for single
// newlines; http(s) URLs become shortened links, resolvable @mentions become h-card links and
// hashtags link to `base_url`/tags/NAME. Unresolved mentions stay as plain (escaped) text. Links
// never nest: text inside a URL is never a mention or hashtag. `base_url` is the instance origin,
// e.g. "https://example.org" (a trailing slash is tolerated).
FormattedText format_status_text(std::string_view text, const MentionResolver& resolve,
                                 std::string_view base_url);

// Unicode code points in UTF-8 text (each byte of an invalid sequence counts as one).
size_t code_points(std::string_view s);
// The first `n` code points of UTF-8 text `s` (all of it when it has no more), counted as
// code_points() counts them, so no code point is cut in two.
std::string_view first_code_points(std::string_view s, size_t n);

// Mastodon's status length: the stripped text counted in Unicode code points, except that every
// URL counts as 23 and a mention "@user@domain" counts as "@user". Each byte of an invalid UTF-8
// sequence counts as one. Whitespace-only text has length 0.
size_t status_length(std::string_view text);

// NFKC-normalized and Unicode case-folded text, so "Café", "CAFÉ" and "cafe\u0301" compare
// equal. Invalid UTF-8 bytes become U+FFFD.
std::string fold_case(std::string_view text);
// The lookup key for a hashtag name (without '#'): its fold_case().
inline std::string normalize_tag(std::string_view tag) { return fold_case(tag); }

// True for the code points a word is made of: letters, marks, digits and '_'.
bool is_word_character(char32_t cp);
// Decodes the UTF-8 code point starting at byte `i` of `s` (U+FFFD for an invalid byte) and
// returns its length in bytes (at least 1).
size_t decode_code_point(std::string_view s, size_t i, char32_t& cp);

// True if the whole string (without '#') is a hashtag name Mastodon would recognise: 1 to 100
// code points of letters, marks, digits and underscores from any script (with "·", "・" or ZWNJ
// allowed between them), containing at least one letter or mark, so "123" and "_" are not tags.
bool is_valid_tag(std::string_view tag);

// Escapes &, <, >, ", ' as &amp; &lt; &gt; &quot; &#39;; every other byte is copied unchanged.
std::string html_escape(std::string_view s);
// The same escaping, appended to `out` (no temporary string).
void append_html_escaped(std::string& out, std::string_view s);

}  // namespace publius::domain
