// RequestReader: the server's HTTP/1.1 request parser and limits, without I/O.
// The session in server.cc feeds it the bytes a connection delivers; the fuzz
// target (fuzz/http_request_fuzz.cc) feeds it arbitrary bytes through the same
// code.
//
// On top of Beast's parser it refuses, with a 400 after which the connection
// closes, every framing that two parties on the path (a proxy and this server)
// could read differently, so that no body can be taken for a second request
// (request smuggling; RFC 9112 section 6):
// - Transfer-Encoding other than exactly one "chunked" (we implement no other
//   transfer coding; RFC 9112 6.1 allows 501 there, we answer 400), also on an
//   HTTP/1.0 request, or together with Content-Length;
// - Content-Length that is not exactly one field of one run of digits (no list,
//   repeat, sign or overflow);
// - a field line folded onto the previous one (obs-fold, RFC 9112 5.2);
// - an HTTP/1.1 request without a Host field, any request with more than one, or
//   a Host value that is no host[:port] (RFC 9112 3.2): the host names which
//   site a request is for, so two readings of it must not exist either.
// A request-target must be origin-form ("/path?query"), absolute-form or "*"
// (OPTIONS); anything else Beast lets through is a 400 too.
// Trailer fields after a chunked body are read and dropped, never merged into
// the header (RFC 9110 6.5.1).
//
// Limits: the header (request line and fields) at most max_header_bytes in all,
// however it is split into reads (431); the body at most max_body_bytes (413).
// A chunk-size line or trailer section longer than max_header_bytes is refused
// too (400: Beast bounds neither), so the bytes a caller must keep buffered for
// the reader stay below max_header_bytes.
//
// One reader reads one request: use a fresh one for the next request on a
// connection. Not thread-safe; movable, not copyable.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "http/message.h"

namespace publius::http {

struct RequestLimits {
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 16 * 1024 * 1024;
};

class RequestReader {
 public:
  explicit RequestReader(const RequestLimits& limits);
  ~RequestReader();
  RequestReader(RequestReader&&) noexcept;
  RequestReader& operator=(RequestReader&&) noexcept;

  // Reads from the front of `bytes` (all the connection's bytes not consumed
  // yet) and returns how many it consumed: the caller drops those and calls
  // again with the rest and what arrives next. Stops at the end of the header
  // (so the server can answer "Expect: 100-continue" before the body comes), at
  // the end of the request (what follows belongs to the next one) and at the
  // first fault. Does nothing once done() or failed().
  size_t feed(std::string_view bytes);

  // The request line and header fields have all been read and accepted.
  bool header_done() const;
  // The whole request has been read and accepted.
  bool done() const;
  // The request is refused; refusal() is the answer, then the connection closes.
  bool failed() const;
  // Mastodon's {"error": ...} with 400, 413 or 431. Only when failed().
  Response refusal() const;

  // Only when header_done(): the client waits for "100 Continue" before it sends the body.
  bool expects_continue() const;
  // Only when done(): the client keeps the connection open after the answer.
  bool keep_alive() const;
  // Only when done(): 10 for HTTP/1.0, 11 for HTTP/1.1.
  unsigned version() const;
  // Only when done(), once: method, path, query, header fields (names lower-cased,
  // in order) and body; client_key and path_params are the caller's to fill.
  Request take_request();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace publius::http
