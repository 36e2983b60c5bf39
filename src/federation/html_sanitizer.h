// The HTML other servers send (a Note's content), reduced to what Mastodon lets
// through, before it is stored and shown to anyone here.
//
// The input is parsed as browsers parse a fragment inside <body> (gumbo, the HTML5
// parsing algorithm), so unclosed, misnested and broken markup, character references
// and invalid UTF-8 are read the way a browser would read them, not guessed at with
// patterns. The tree is then written out again by an allowlist (Mastodon's
// Sanitize::Config::MASTODON_STRICT):
//   - kept: p, br, span, a, del, pre, code, em, strong, b, i, u, ul, ol, li,
//     blockquote;
//   - dropped with everything inside: script, style, template, head, title, iframe,
//     frame(set), object, embed, applet, noscript, noembed, noframes, textarea,
//     select, svg and math (and comments);
//   - every other element unwrapped: its tag goes, its sanitized contents stay;
//   - attributes: only `href` on a, when its scheme is http, https, dat, dweb, ipfs,
//     ipns, ssb, gopher, xmpp, magnet or gemini (a link with any other href, or a
//     relative one, is unwrapped to its text), with rel="nofollow noopener" and
//     target="_blank" added; and `class` on span and a, keeping only the microformat
//     classes (h-*, p-*, u-*, dt-*, e-*) and mention, hashtag, ellipsis, invisible.
//     Everything else (on*, style, id, src...) is dropped.
// The output is well-formed, escaped HTML in valid UTF-8: every kept element is closed,
// text escapes & < > " and ', attribute values are quoted and escaped.
//
// The HTML5 tree builder costs time in the square of the nesting depth (every start
// tag looks through the open elements), so input with more than kMaxSanitizedTags
// start tags is not parsed: it comes out as html_to_text() of it, escaped, in one
// paragraph with its line breaks (nothing, when it is not UTF-8). Otherwise cost is about linear in
// the input (4096 nested lists: about 25 ms). The parse tree is freed without recursion, so depth
// costs memory, not stack. Callers bound the input (the inbox takes at most 256 KiB). Pure and
// thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace publius::federation {

inline constexpr size_t kMaxSanitizedTags = 4096;

std::string sanitize_html(std::string_view html);

// `html` as plain text: tags dropped (their contents kept, but for script and style),
// <br> and the end of a <p> as line breaks, the common character references decoded.
// What a remote actor's name and summary become before they are stored (rendered
// again like a local note, nothing of the remote markup reaches a reader), and the
// text by which a remote post is searched and filtered.
std::string html_to_text(std::string_view html);

}  // namespace publius::federation
