// Html: a small builder for server-rendered pages that escapes by default.
//
// Every text and attribute value passes through domain::html_escape unless the
// caller says raw(), which is kept for markup the server produced itself (status
// HTML from domain::format_status_text, fragments built by another Html). That
// way a forgotten escape is a visible raw() call, not a silent omission.
//
// Value type, not synchronized; build one per response on one thread.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "domain/text_format.h"

namespace publius::web {

// An attribute, written as name="escaped value". flag() makes a boolean attribute
// (e.g. required, checked) written bare, and left out entirely when `on` is false.
struct Attr {
  std::string_view name;
  std::string_view value;
  bool present = true;
  bool boolean = false;
};
inline Attr flag(std::string_view name, bool on = true) { return {name, {}, on, true}; }

class Html {
 public:
  // <tag attr="escaped"...>; void elements (input, br, meta, link) need no close().
  Html& open(std::string_view tag, std::initializer_list<Attr> attrs = {});
  Html& close(std::string_view tag);
  // open + escaped text + close.
  Html& element(std::string_view tag, std::string_view text,
                std::initializer_list<Attr> attrs = {});
  Html& text(std::string_view s);
  Html& raw(std::string_view trusted_markup);
  Html& operator<<(std::string_view s) { return text(s); }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Appends `s` to out, escaped for HTML text and quoted attribute values.
inline void append_escaped(std::string& out, std::string_view s) {
  domain::append_html_escaped(out, s);
}

// A local redirect target from untrusted input: a path starting with one '/', no
// backslash or control character; `fallback` otherwise (prevents open redirects).
std::string safe_local_path(std::string_view candidate, std::string_view fallback);

}  // namespace publius::web
