#include "http/errors.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>

#include "util/json_writer.h"

namespace publius::http {

int status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest:
      return 400;
    case ErrorCode::kUnauthorized:
      return 401;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kGone:
      return 410;
    case ErrorCode::kUnprocessable:
      return 422;
    case ErrorCode::kTooManyRequests:
      return 429;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

namespace {

// {"error": message, "details": {field: [{"error": code, "description": ...}, ...], ...}},
// each field once, in the order its first error came.
std::string details_body(const Error& e) {
  std::string body;
  JsonWriter w(body);
  w.begin_object().field("error", e.message).key("details").begin_object();
  std::vector<std::string_view> written;
  for (const auto& first : e.details) {
    if (std::find(written.begin(), written.end(), first.field) != written.end()) continue;
    written.push_back(first.field);
    w.key(first.field).begin_array();
    for (const auto& d : e.details) {
      if (d.field != first.field) continue;
      w.begin_object().field("error", d.code).field("description", d.description).end_object();
    }
    w.end_array();
  }
  w.end_object().end_object();
  return body;
}

}  // namespace

void add_error_headers(Response& response, const Error& e) {
  if (e.retry_after_s > 0)
    response.with_header("Retry-After", std::to_string(e.retry_after_s));
  else if (response.status == 503)
    response.with_header("Retry-After", std::to_string(kRetryAfterSeconds));
}

Response error_response(const Error& e) {
  const int status = status_for(e.code);
  Response response;
  if (status == 500) {
    spdlog::error("internal error: {}", e.message);
    response = Response::error(500, "Internal server error");
  } else if (status == 503) {
    spdlog::warn("unavailable: {}", e.message);
    response = Response::error(503, "The server is busy; try again shortly");
  } else if (e.details.empty()) {
    response = Response::error(status, e.message);
  } else {
    response = Response::json(details_body(e), status);
  }
  add_error_headers(response, e);
  return response;
}

}  // namespace publius::http
