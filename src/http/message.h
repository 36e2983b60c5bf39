// Request and Response: the server's own HTTP message types, so that handlers,
// the router and tests never see Beast (kept to http/server.cc and
// http/request_reader.cc, for build time). Plain values; not synchronized.
//
// Shield rule: a Request carries no client address. The server gives it only
// `client_key`, a keyed hash of the address under a key that lives in memory
// and rotates, good for rate limiting and useless to anyone holding the disk.
//
// Response headers: every value passes header_value(), once when a handler adds
// it (Response::with_header) and again in the server before it is written, so
// request data cannot end a header line and write headers or a body of its own
// (response splitting).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/stream.h"
#include "util/result.h"

namespace publius::http {

// The longest header value the server sends. Beast throws for a value over 64 KiB
// (which would drop the connection unanswered); request data copied into a header
// (a query string kept in a Link header, an OAuth state) stays far below this.
inline constexpr size_t kMaxHeaderValueBytes = 32 * 1024;

// `value` as a response header value, or kBadRequest when it holds a control
// character other than HTAB (CR, LF and NUL among them) or is longer than
// kMaxHeaderValueBytes. The one check every header value the server sends
// passes; bytes 0x80 and above (obs-text) are allowed.
Result<std::string> header_value(std::string value);

// Whether `request` asks to become a WebSocket: a GET with "Upgrade: websocket" and
// "Connection: upgrade" (the server checks the rest of the handshake).
struct Request;
bool is_websocket_upgrade(const Request& request);

struct Request {
  std::string method;  // upper case, e.g. "GET"
  std::string path;    // without the query string, percent-encoded as received
  std::string query;   // raw, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string client_key;  // opaque, in-memory only (see above)
  std::vector<std::pair<std::string, std::string>> path_params;  // filled by the router
  std::string route;  // the matched route pattern, set by the router before the handler runs
  // The digest of the Authorization header's bearer secret, set by the API layer when it
  // first looks the token up (rate limiting), so that authenticating the request does not
  // hash the secret again; empty until then.
  std::string bearer_digest;

  // Header value or empty; names are case-insensitive.
  std::string_view header(std::string_view name) const;
  std::string_view path_param(std::string_view name) const;
  // "https" or "http": from X-Forwarded-Proto when present (behind a proxy), else "http".
  std::string_view scheme() const;
  // scheme://host as the client addressed us, for absolute URLs in Link headers.
  std::string origin() const;
};

// The Content-Security-Policy of an HTML page that loads everything from its own
// origin and posts forms only there (the web UI). Response::html adds
// frame-ancestors 'none' to this or to any policy a page names.
inline constexpr std::string_view kSameOriginPagePolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'";

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  // Sent in order, each as its own header line: a name may repeat (Set-Cookie).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string route;  // the matched route template, for the access log
  // Set when the response opens a stream (http/stream.h) instead of carrying a body.
  std::shared_ptr<StreamOpening> stream;

  static Response json(std::string body, int status = 200);
  // Accepts a WebSocket upgrade (is_websocket_upgrade() must hold for the request),
  // selecting `subprotocol` when not empty; `handler` serves the socket.
  static Response websocket(std::shared_ptr<StreamHandler> handler, std::string subprotocol = {});
  // A 200 text/event-stream whose events `handler` sends.
  static Response event_stream(std::shared_ptr<StreamHandler> handler);
  // An HTML page: the only way one is made, so that every page carries
  // Content-Security-Policy `policy` plus frame-ancestors 'none', X-Frame-Options:
  // DENY (no other site may frame it: clickjacking), nosniff and no-referrer.
  static Response html(std::string body, int status = 200,
                       std::string_view policy = kSameOriginPagePolicy);
  // Mastodon's error shape: {"error": "..."}.
  static Response error(int status, std::string_view message);
  static Response redirect(std::string location, int status = 302);
  // The answer when a value cannot be sent as a header (header_value() refuses it):
  // such a value comes from the request, so it is a 400.
  static Response header_refused();

  // Adds `name: value` (after any header of the same name). A value header_value()
  // refuses is not sent: the whole response becomes header_refused().
  Response& with_header(std::string name, std::string value);
  // Whether every header, content_type included, passes header_value(). The server
  // sends header_refused() instead of a response for which this is false (one whose
  // handler appended to `headers` directly).
  bool headers_pass() const;
};

}  // namespace publius::http
