#include "http/message.h"

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>

#include "util/json_writer.h"
#include "util/swar.h"

namespace publius::http {

namespace {

bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return (byte < 0x20 && c != '\t') || byte == 0x7f;
}

// Why `value` cannot be a header value, or null when it can. Every value of every response
// is checked, so eight bytes are looked at together.
const char* header_value_fault(std::string_view value) {
  if (value.size() > kMaxHeaderValueBytes) return "a header value is too long";
  constexpr const char* kControl = "a header value holds a control character";
  size_t i = 0;
  for (; i + 8 <= value.size(); i += 8) {
    // Below 0x20 or 0x7f (a tab counts as may: is_control looks at such a word byte by byte).
    const uint64_t word = swar::load8(value.data() + i);
    if ((swar::may_have_byte_below(word, 0x20) || swar::may_have_byte(word, 0x7f)) &&
        std::any_of(value.begin() + i, value.begin() + i + 8, is_control))
      return kControl;
  }
  if (std::any_of(value.begin() + i, value.end(), is_control)) return kControl;
  return nullptr;
}

}  // namespace

Result<std::string> header_value(std::string value) {
  if (const char* fault = header_value_fault(value)) return bad_request(fault);
  return value;
}

std::string_view Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  return {};
}

std::string_view Request::path_param(std::string_view name) const {
  for (const auto& [k, v] : path_params)
    if (k == name) return v;
  return {};
}

std::string_view Request::scheme() const {
  const auto proto = header("x-forwarded-proto");
  return proto == "https" ? "https" : "http";
}

std::string Request::origin() const {
  std::string host(header("x-forwarded-host"));
  if (host.empty()) host = std::string(header("host"));
  // A Host header is client input: keep only characters a host[:port] can hold.
  std::string clean;
  for (char c : host) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
        c == '-' || c == ':' || c == '[' || c == ']')
      clean.push_back(c);
  }
  if (clean.empty()) clean = "localhost";
  return std::string(scheme()) + "://" + clean;
}

namespace {

// Whether the comma-separated header value `list` holds `token`, case-insensitively.
bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item.size() == token.size() &&
        std::equal(item.begin(), item.end(), token.begin(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
      return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

bool is_websocket_upgrade(const Request& request) {
  return request.method == "GET" && has_token(request.header("upgrade"), "websocket") &&
         has_token(request.header("connection"), "upgrade");
}

Response Response::websocket(std::shared_ptr<StreamHandler> handler, std::string subprotocol) {
  Response r;
  r.status = 101;
  r.content_type.clear();
  r.stream = std::make_shared<StreamOpening>(
      StreamOpening{StreamKind::kWebSocket, std::move(handler), std::move(subprotocol)});
  return r;
}

Response Response::event_stream(std::shared_ptr<StreamHandler> handler) {
  Response r;
  r.content_type = "text/event-stream";
  r.stream = std::make_shared<StreamOpening>(
      StreamOpening{StreamKind::kEventStream, std::move(handler), std::string()});
  return r;
}

Response Response::json(std::string body, int status) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Response::html(std::string body, int status, std::string_view policy) {
  Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  r.with_header("Content-Security-Policy", std::string(policy) + "; frame-ancestors 'none'")
      .with_header("X-Frame-Options", "DENY")
      .with_header("X-Content-Type-Options", "nosniff")
      .with_header("Referrer-Policy", "no-referrer");
  return r;
}

Response Response::error(int status, std::string_view message) {
  std::string body;
  JsonWriter(body).begin_object().field("error", message).end_object();
  return json(std::move(body), status);
}

Response Response::redirect(std::string location, int status) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  return r.with_header("Location", std::move(location));
}

Response Response::header_refused() {
  return error(400, "The request holds data that cannot be sent back in a response header");
}

Response& Response::with_header(std::string name, std::string value) {
  auto checked = header_value(std::move(value));
  if (!checked.ok()) {
    *this = header_refused();
    return *this;
  }
  headers.emplace_back(std::move(name), std::move(checked).value());
  return *this;
}

bool Response::headers_pass() const {
  if (header_value_fault(content_type)) return false;
  for (const auto& [name, value] : headers)
    if (header_value_fault(value)) return false;
  return true;
}

}  // namespace publius::http
