// libFuzzer target for the request parameter parsers in src/http/params.cc.
// Build and run: see fuzz/README.md.
//
// Every input goes to every parser whole; it is also split at its first '\n' into a Content-Type
// and a body so that the header-parameter and boundary code is explored too. Beyond "no crash,
// no sanitizer report" it checks, and traps when one breaks: accessors agree with each other,
// every value read back is UTF-8 (checked with utf8proc, not the parser's own validator), each
// parser keeps to its entry limit, a refusal has a message, and url_encode is ASCII and
// round-trips through percent_decode.
#include <utf8proc.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/params.h"

namespace {

using publius::Result;
using publius::http::Params;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

bool is_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  auto left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t code_point;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &code_point);
    if (n <= 0) return false;
    p += n;
    left -= n;
  }
  return true;
}

// The parsers' documented limits (src/http/params.h).
constexpr size_t kMaxPairs = 1000;
constexpr size_t kMaxJsonEntries = 10000;
constexpr size_t kMaxParts = 1000;

// Reads a successful result the way a handler would, to exercise the accessors.
void exercise(const Result<Params>& r, std::string_view key, size_t max_entries) {
  if (!r.ok()) {
    check(!r.error().message.empty());
    return;
  }
  const Params& p = *r;
  check(p.size() + p.files().size() <= max_entries);
  for (std::string_view k : {key, std::string_view("a"), std::string_view("a[]"),
                             std::string_view("fields_attributes"), std::string_view("")}) {
    const auto v = p.get(k);
    if (v) check(p.has(k) && is_utf8(*v));
    (void)p.get_or(k, "x");
    for (const std::string& value : p.get_all(k)) check(is_utf8(value));
    for (const std::string& sub : p.subkeys(k)) {
      check(is_utf8(sub));
      check(p.has(std::string(k) + "[" + sub + "]"));
    }
    (void)p.get_bool(k);
    (void)p.get_int(k);
    (void)p.file(k);
  }
  Params copy = p;
  copy.merge(p);
  check(copy.size() == 2 * p.size());
  check(copy.files().size() == 2 * p.files().size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string_view key = input.substr(0, input.find('='));

  exercise(publius::http::parse_query(input), key, kMaxPairs);
  exercise(publius::http::parse_form(input), key, kMaxPairs);
  exercise(publius::http::parse_json(input), key, kMaxJsonEntries);
  exercise(publius::http::parse_multipart(input, "multipart/form-data; boundary=b"), key,
           kMaxParts);
  exercise(publius::http::parse_multipart(input, "multipart/form-data; boundary=\"x y\""), key,
           kMaxParts);

  const size_t nl = input.find('\n');
  if (nl != std::string_view::npos) {
    const std::string_view content_type = input.substr(0, nl);
    const std::string_view body = input.substr(nl + 1);
    exercise(publius::http::parse_body(body, content_type), key, kMaxJsonEntries);
    exercise(publius::http::parse_multipart(body, content_type), key, kMaxParts);
  }

  // url_encode output is pure ASCII and always decodes back to its input.
  const std::string encoded = publius::http::url_encode(input);
  for (char c : encoded) check(static_cast<unsigned char>(c) < 0x80);
  const auto decoded = publius::http::percent_decode(encoded, false);
  check(decoded.has_value() && *decoded == input);
  (void)publius::http::percent_decode(input, true);
  return 0;
}
