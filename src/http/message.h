// Request and Response: the server's own HTTP message types, so that handlers,
// the router and tests never see Beast (kept to one translation unit,
// http/server.cc, for build time). Plain values; not synchronized.
//
// Shield rule: a Request carries no client address. The server gives it only
// `client_key`, a keyed hash of the address under a key that lives in memory
// and rotates, good for rate limiting and useless to anyone holding the disk.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace publius::http {

struct Request {
  std::string method;  // upper case, e.g. "GET"
  std::string path;    // without the query string, percent-encoded as received
  std::string query;   // raw, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string client_key;  // opaque, in-memory only (see above)
  std::vector<std::pair<std::string, std::string>> path_params;  // filled by the router

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

  static Response json(std::string body, int status = 200);
  // An HTML page: the only way one is made, so that every page carries
  // Content-Security-Policy `policy` plus frame-ancestors 'none', X-Frame-Options:
  // DENY (no other site may frame it: clickjacking), nosniff and no-referrer.
  static Response html(std::string body, int status = 200,
                       std::string_view policy = kSameOriginPagePolicy);
  // Mastodon's error shape: {"error": "..."}.
  static Response error(int status, std::string_view message);
  static Response redirect(std::string location, int status = 302);
  Response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace publius::http
