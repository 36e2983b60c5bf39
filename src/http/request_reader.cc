#include "http/request_reader.h"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace publius::http {

namespace beast = boost::beast;
namespace bhttp = beast::http;

namespace {

// RFC 9112 3.2: origin-form ("/path?query"), absolute-form ("scheme://..."), or "*" for
// OPTIONS; Beast takes any run of visible characters. CONNECT's authority-form is not served.
bool is_request_target(std::string_view target, bhttp::verb method) {
  if (target.starts_with('/')) return true;
  if (target == "*") return method == bhttp::verb::options;
  const size_t colon = target.find("://");
  if (colon == 0 || colon == std::string_view::npos) return false;
  const std::string_view scheme = target.substr(0, colon);
  return std::isalpha(static_cast<unsigned char>(scheme[0])) &&
         std::all_of(scheme.begin(), scheme.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
         });
}

// RFC 9112 3.2 / RFC 3986 3.2.2: uri-host [ ":" port ], where a host is an IP literal in
// brackets or a reg-name of unreserved, percent-encoded and sub-delimiter characters. Empty is
// allowed (a target with no authority).
bool is_host_value(std::string_view value) {
  return std::all_of(value.begin(), value.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("-._~%!$&'()*+,;=:[]").find(c) != std::string_view::npos;
  });
}

}  // namespace

struct RequestReader::Impl {
  explicit Impl(const RequestLimits& l) : limits(l) { parser.body_limit(limits.max_body_bytes); }

  void refuse(int status) {
    if (!refused) refused = status;
  }

  // Consumed header bytes: a line feed followed by a space or tab starts a folded line.
  void scan_header(std::string_view consumed) {
    for (const char c : consumed) {
      if (previous == '\n' && (c == ' ' || c == '\t')) refuse(400);
      previous = c;
    }
    header_consumed += consumed.size();
  }

  // At the end of the header: keeps what the request will carry of it, and applies the rules
  // Beast leaves open (see the header): the request-target's form, and framing.
  void finish_header() {
    const auto& message = parser.get();
    keep_alive = message.keep_alive();
    if (!is_request_target(message.target(), message.method())) refuse(400);
    int encodings = 0, lengths = 0, hosts = 0;
    std::string_view encoding, length;
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      headers.emplace_back(std::move(name), std::string(field.value()));
      if (field.name() == bhttp::field::transfer_encoding) {
        ++encodings;
        encoding = field.value();
      } else if (field.name() == bhttp::field::content_length) {
        ++lengths;
        length = field.value();
      } else if (field.name() == bhttp::field::host) {
        ++hosts;
        if (!is_host_value(field.value())) refuse(400);
      }
    }
    // RFC 9112 3.2: an HTTP/1.1 request names exactly one host; any request at most one.
    if (hosts > 1 || (hosts == 0 && message.version() >= 11)) refuse(400);
    if (encodings > 0 && (encodings > 1 || lengths > 0 || message.version() < 11 ||
                          !beast::iequals(encoding, "chunked")))
      refuse(400);
    if (lengths > 1) refuse(400);
    if (lengths == 1 && (length.empty() || !std::all_of(length.begin(), length.end(), [](char c) {
                           return c >= '0' && c <= '9';
                         })))
      refuse(400);
  }

  RequestLimits limits;
  bhttp::request_parser<bhttp::string_body> parser;
  size_t header_consumed = 0;
  char previous = 0;  // the last header byte consumed
  // The header's fields as the request will carry them, taken when the header ends: Beast adds
  // trailer fields to the same list, each next to a header field of the same name.
  std::vector<std::pair<std::string, std::string>> headers;
  bool keep_alive = false;
  int refused = 0;  // the answer's status once refused
};

RequestReader::RequestReader(const RequestLimits& limits) : impl_(std::make_unique<Impl>(limits)) {}
RequestReader::~RequestReader() = default;
RequestReader::RequestReader(RequestReader&&) noexcept = default;
RequestReader& RequestReader::operator=(RequestReader&&) noexcept = default;

size_t RequestReader::feed(std::string_view bytes) {
  auto& im = *impl_;
  size_t used = 0;
  while (!im.refused && !im.parser.is_done() && used < bytes.size()) {
    std::string_view rest = bytes.substr(used);
    const bool in_header = !im.parser.is_header_done();
    const bool chunked_body = !in_header && im.parser.chunked();
    // Beast 1.81 asserts that a chunked body's last chunk ("0\r\n" and the trailers, kept until
    // they end) is re-read with at least 5 bytes, which "0\r\n" then one more byte breaks
    // (boostorg/beast pull request 2861). Wait for them: the body ends in "0\r\n\r\n".
    if (chunked_body && rest.size() < 5 && rest.starts_with('0')) break;
    // Beast keeps a chunk-size line or the trailer section whole before it reads it, with no
    // limit of its own: it gets max_header_bytes at a time, and what does not fit is refused.
    if (chunked_body) rest = rest.substr(0, im.limits.max_header_bytes);
    // Beast's limit counts only the bytes of one call; this one counts the whole header.
    if (in_header)
      im.parser.header_limit(
          static_cast<std::uint32_t>(im.limits.max_header_bytes - im.header_consumed));
    beast::error_code ec;
    const size_t n = im.parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    if (in_header) {
      im.scan_header(rest.substr(0, n));
      // Within one call Beast applies its limit to the request line and the fields apart.
      if (im.header_consumed > im.limits.max_header_bytes) im.refuse(431);
    }
    used += n;
    if (ec == bhttp::error::need_more) {
      if (chunked_body && n == 0 && rest.size() == im.limits.max_header_bytes) im.refuse(400);
      if (n == 0) break;
      continue;
    }
    if (ec == bhttp::error::body_limit) im.refuse(413);
    if (ec == bhttp::error::header_limit) im.refuse(431);
    if (ec) im.refuse(400);
    if (in_header && im.parser.is_header_done()) {
      im.finish_header();
      // Stop after the header; from here on, one call reads as much body as it is given.
      im.parser.eager(true);
      break;
    }
  }
  return used;
}

bool RequestReader::header_done() const {
  return !impl_->refused && impl_->parser.is_header_done();
}

bool RequestReader::done() const { return !impl_->refused && impl_->parser.is_done(); }

bool RequestReader::failed() const { return impl_->refused != 0; }

Response RequestReader::refusal() const {
  switch (impl_->refused) {
    case 413:
      return Response::error(413, "Request body is too large");
    case 431:
      return Response::error(431, "Request headers are too large");
    default:
      return Response::error(400, "Malformed HTTP request");
  }
}

bool RequestReader::expects_continue() const {
  const auto& message = impl_->parser.get();
  return !done() && message.version() >= 11 &&
         beast::iequals(message[bhttp::field::expect], "100-continue");
}

bool RequestReader::keep_alive() const { return impl_->keep_alive; }

unsigned RequestReader::version() const { return impl_->parser.get().version(); }

Request RequestReader::take_request() {
  auto& message = impl_->parser.get();
  Request req;
  req.method = std::string(message.method_string());
  const std::string_view target = message.target();
  const auto q = target.find('?');
  req.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
  req.headers = std::move(impl_->headers);
  req.body = std::move(message.body());
  return req;
}

}  // namespace publius::http
