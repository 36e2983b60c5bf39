// The one mapping from a domain error (util/result.h) to an HTTP answer. Every
// edge that speaks HTTP (the Mastodon API, the web UI) takes its status codes
// from here, so a code means the same everywhere.
//
// Stateless and thread-safe.
#pragma once

#include <string_view>

#include "http/message.h"
#include "util/result.h"

namespace publius::http {

// The HTTP status for an error code: 400, 401, 403, 404, 409, 410, 413, 422, 429,
// 503 (kUnavailable: the client may retry) or 500.
int status_for(ErrorCode code);

// Seconds a client should wait before retrying a kUnavailable (503) answer.
inline constexpr int kRetryAfterSeconds = 2;

// Mastodon's {"error": "..."} for `e` with status_for(e.code), and, when `e` names
// refused fields, Mastodon's "details": {"field": [{"error": code, "description": ...}]}.
// A 500 carries a generic message (the error's own goes to the log: storage messages
// hold no request data); a 503, and an error that says when to retry, also carry Retry-After.
Response error_response(const Error& e);

// The headers every answer for `e` carries: Retry-After with e.retry_after_s when
// set, else kRetryAfterSeconds on a 503.
void add_error_headers(Response& response, const Error& e);

}  // namespace publius::http
