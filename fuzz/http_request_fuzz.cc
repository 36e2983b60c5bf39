// libFuzzer target for the HTTP request path: the bytes of one connection go
// through http::RequestReader (src/http/request_reader.cc), the parser and
// limits the server's sessions use, request after request as a session reads
// them. Build and run: see fuzz/README.md.
//
// Beyond "no crash, no sanitizer report" it traps when one of these breaks:
// - the same bytes give the same requests whether they arrive at once or in
//   pieces of 1 to 64 bytes (a network may split them anywhere);
// - an accepted request has a token method, a target in origin-form,
//   absolute-form or "*" (OPTIONS) without spaces or control characters,
//   lower-case token header names, header values without
//   CR, LF or NUL, a header and body within the limits, and keep-alive only
//   where HTTP/1.1 or "Connection: keep-alive" asks for it;
// - its framing is unambiguous, checked against the raw header bytes rather
//   than the parser's reading of them: no folded line, at most one
//   Transfer-Encoding, which is then exactly "chunked" on HTTP/1.1 with no
//   Content-Length, at most one Content-Length, all digits, which is then the
//   body's size (a body without either is empty), and the next request starts
//   right after the body a Content-Length announced, so nothing is smuggled;
// - a refusal is a 400, 413 or 431 with a message.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/request_reader.h"

namespace {

using publius::http::Request;
using publius::http::RequestLimits;
using publius::http::RequestReader;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

// What the reader made of one request of the connection.
struct Outcome {
  int refused = 0;   // the refusal's status, or 0 for a request
  size_t start = 0;  // the request's first byte in the input
  size_t end = 0;    // one past its last byte
  Request request;   // when not refused
  bool keep_alive = false;
  unsigned version = 0;

  bool operator==(const Outcome& o) const {
    return refused == o.refused && start == o.start && end == o.end &&
           request.method == o.request.method && request.path == o.request.path &&
           request.query == o.request.query && request.headers == o.request.headers &&
           request.body == o.request.body && keep_alive == o.keep_alive && version == o.version;
  }
};

// Reads `input` as a session does, delivered in pieces of piece() bytes: feeds every byte
// buffered until the reader stops taking any, starts a fresh reader after each request, and
// stops at a refusal or after a request that does not keep the connection alive.
template <typename Piece>
std::vector<Outcome> read_connection(std::string_view input, const RequestLimits& limits,
                                     Piece piece) {
  std::vector<Outcome> outcomes;
  std::string pending;
  size_t delivered = 0, consumed = 0, start = 0;
  RequestReader reader(limits);
  for (;;) {
    for (size_t used = 1; !pending.empty() && used > 0;) {
      used = reader.feed(pending);
      pending.erase(0, used);
      consumed += used;
      if (reader.failed()) {
        Outcome refused;
        refused.refused = reader.refusal().status;
        refused.start = start;
        refused.end = consumed;
        check(!reader.refusal().body.empty());
        outcomes.push_back(std::move(refused));
        return outcomes;
      }
      if (reader.done()) {
        Outcome accepted;
        accepted.start = start;
        accepted.end = start = consumed;
        accepted.keep_alive = reader.keep_alive();
        accepted.version = reader.version();
        accepted.request = reader.take_request();
        outcomes.push_back(std::move(accepted));
        if (!outcomes.back().keep_alive) return outcomes;
        reader = RequestReader(limits);
        used = 1;
      }
    }
    if (delivered == input.size()) return outcomes;
    const size_t n = std::min(piece(), input.size() - delivered);
    pending.append(input.substr(delivered, n));
    delivered += n;
  }
}

bool is_tchar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_tchar(c)) return false;
  return true;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The accepted request `o` against the raw bytes of the input it was read from.
void check_request(const Outcome& o, std::string_view input, const RequestLimits& limits) {
  const Request& req = o.request;
  check(is_token(req.method));
  check(req.path.starts_with('/') || (req.path == "*" && req.method == "OPTIONS") ||
        req.path.find("://") != std::string::npos);
  for (char c : req.path + req.query) check(static_cast<unsigned char>(c) > ' ' && c != 0x7f);
  size_t header_size = 0;
  for (const auto& [name, value] : req.headers) {
    check(is_token(name));
    for (char c : name) check(!(c >= 'A' && c <= 'Z'));
    check(value.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos);
    header_size += name.size() + value.size();
  }
  check(header_size <= limits.max_header_bytes);
  check(req.body.size() <= limits.max_body_bytes);
  check(o.version == 10 || o.version == 11);
  if (o.keep_alive && o.version == 10) {
    bool asked = false;
    for (const auto& [name, value] : req.headers) {
      std::string lower = value;
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      asked = asked || (name == "connection" && lower.find("keep-alive") != std::string::npos);
    }
    check(asked);
  }

  // The header section as sent: from the request's first byte to the first empty line.
  const std::string_view raw = input.substr(o.start, o.end - o.start);
  const size_t blank = raw.find("\r\n\r\n");
  check(blank != std::string_view::npos);
  const std::string_view head = raw.substr(0, blank + 2);
  check(blank + 4 <= limits.max_header_bytes);
  check(head.find("\r\n ") == std::string_view::npos);
  check(head.find("\r\n\t") == std::string_view::npos);
  std::vector<std::string_view> encodings, lengths;
  for (size_t line = head.find("\r\n") + 2; line < head.size();) {
    const size_t eol = head.find("\r\n", line);
    const std::string_view field = head.substr(line, eol - line);
    const size_t colon = field.find(':');
    check(colon != std::string_view::npos);
    const std::string_view name = field.substr(0, colon);
    if (iequals(name, "transfer-encoding")) encodings.push_back(trim(field.substr(colon + 1)));
    if (iequals(name, "content-length")) lengths.push_back(trim(field.substr(colon + 1)));
    line = eol + 2;
  }
  const size_t body_start = o.start + blank + 4;
  check(encodings.size() <= 1 && lengths.size() <= 1);
  if (!encodings.empty()) {
    check(iequals(encodings[0], "chunked") && lengths.empty() && o.version == 11);
  } else if (!lengths.empty()) {
    check(!lengths[0].empty());
    for (char c : lengths[0]) check(c >= '0' && c <= '9');
    std::string_view digits = lengths[0];  // leading zeros are allowed (1*DIGIT)
    while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
    check(digits == std::to_string(req.body.size()));
    check(o.end == body_start + req.body.size());
    check(input.substr(body_start, req.body.size()) == req.body);
  } else {
    check(req.body.empty());
    check(o.end == body_start);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // The server's limits for even-length inputs, small ones (reached often) for the others.
  RequestLimits limits;
  if (size % 2 == 1) {
    limits.max_header_bytes = 512;
    limits.max_body_bytes = 256;
  }
  const auto whole = read_connection(input, limits, [&] { return input.size(); });
  // Piece sizes from a generator seeded by the input, so a run can be replayed.
  uint32_t state = 2166136261u;
  for (unsigned char c : input) state = (state ^ c) * 16777619u;
  const auto pieces = read_connection(input, limits, [&] {
    state = state * 1103515245u + 12345u;
    return size_t{1} + (state >> 16) % 64;
  });
  // Beast finds some faults only once the header's end has arrived, so a refusal may come
  // later, or with another status, in pieces; the requests accepted must be the same.
  const auto accepted = [](std::vector<Outcome> outcomes) {
    std::erase_if(outcomes, [](const Outcome& o) { return o.refused != 0; });
    return outcomes;
  };
  check(accepted(whole) == accepted(pieces));
  for (const Outcome& o : whole) {
    if (o.refused) {
      check(o.refused == 400 || o.refused == 413 || o.refused == 431);
      continue;
    }
    check_request(o, input, limits);
  }
  return 0;
}
