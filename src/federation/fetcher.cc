#include "federation/fetcher.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <memory>

#include "util/ascii.h"

namespace publius::federation {
namespace {

bool in_v4(uint32_t a, uint32_t network, int bits) {
  const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return (a & mask) == network;
}

constexpr uint32_t v4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return a << 24 | b << 16 | c << 8 | d;
}

AddressKind classify_v4(uint32_t a) {
  if (in_v4(a, 0, 8)) return AddressKind::kUnspecified;
  if (in_v4(a, v4(127, 0, 0, 0), 8)) return AddressKind::kLoopback;
  if (in_v4(a, v4(10, 0, 0, 0), 8) || in_v4(a, v4(172, 16, 0, 0), 12) ||
      in_v4(a, v4(192, 168, 0, 0), 16) || in_v4(a, v4(100, 64, 0, 0), 10))
    return AddressKind::kPrivate;
  if (in_v4(a, v4(169, 254, 0, 0), 16)) return AddressKind::kLinkLocal;
  if (in_v4(a, v4(224, 0, 0, 0), 4)) return AddressKind::kMulticast;
  if (in_v4(a, v4(240, 0, 0, 0), 4) || in_v4(a, v4(192, 0, 0, 0), 24) ||
      in_v4(a, v4(192, 0, 2, 0), 24) || in_v4(a, v4(198, 18, 0, 0), 15) ||
      in_v4(a, v4(198, 51, 100, 0), 24) || in_v4(a, v4(203, 0, 113, 0), 24))
    return AddressKind::kReserved;
  return AddressKind::kPublic;
}

uint32_t v4_at(const uint8_t* bytes) {
  return uint32_t{bytes[0]} << 24 | uint32_t{bytes[1]} << 16 | uint32_t{bytes[2]} << 8 |
         uint32_t{bytes[3]};
}

AddressKind classify_v6(const uint8_t* b) {
  static constexpr std::array<uint8_t, 12> kMapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  static constexpr std::array<uint8_t, 12> kNat64 = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  static constexpr std::array<uint8_t, 12> kZero = {};
  if (std::memcmp(b, kZero.data(), 12) == 0) {
    const uint32_t low = v4_at(b + 12);
    if (low == 0) return AddressKind::kUnspecified;
    if (low == 1) return AddressKind::kLoopback;
    return classify_v4(low);  // IPv4-compatible (deprecated, still routed by some stacks)
  }
  if (std::memcmp(b, kMapped.data(), 12) == 0 || std::memcmp(b, kNat64.data(), 12) == 0)
    return classify_v4(v4_at(b + 12));
  if (b[0] == 0x20 && b[1] == 0x02) return classify_v4(v4_at(b + 2));  // 6to4 2002::/16
  if (b[0] == 0xff) return AddressKind::kMulticast;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return AddressKind::kLinkLocal;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return AddressKind::kPrivate;  // site-local
  if ((b[0] & 0xfe) == 0xfc) return AddressKind::kUniqueLocal;
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return AddressKind::kReserved;
  if (b[0] == 0x01 && b[1] == 0x00 && std::memcmp(b + 2, kZero.data(), 6) == 0)
    return AddressKind::kReserved;  // discard prefix 100::/64
  // Only global unicast (2000::/3) is routed on the Internet.
  if ((b[0] & 0xe0) != 0x20) return AddressKind::kReserved;
  return AddressKind::kPublic;
}

// What one transfer shares with libcurl's callbacks.
struct Transfer {
  bool allow_loopback = false;
  bool through_proxy = false;
  size_t max_body_bytes = 0;
  std::string body;
  bool refused_address = false;
  bool too_large = false;
};

curl_socket_t open_checked_socket(void* data, curlsocktype purpose, curl_sockaddr* address) {
  auto* transfer = static_cast<Transfer*>(data);
  // Through a proxy the only connection made is the proxy's, which the operator chose.
  if (purpose != CURLSOCKTYPE_IPCXN ||
      (!transfer->through_proxy &&
       !may_connect(classify_address(&address->addr), transfer->allow_loopback))) {
    transfer->refused_address = true;
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

size_t collect_body(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (transfer->body.size() + n > transfer->max_body_bytes) {
    transfer->too_large = true;
    return 0;
  }
  transfer->body.append(data, n);
  return n;
}

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

AddressKind classify_address(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    return classify_v4(ntohl(in->sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
    return classify_v6(in6->sin6_addr.s6_addr);
  }
  return AddressKind::kUnparseable;
}

AddressKind classify_address(std::string_view text) {
  const std::string s(text);
  sockaddr_in in{};
  if (inet_pton(AF_INET, s.c_str(), &in.sin_addr) == 1) {
    in.sin_family = AF_INET;
    return classify_address(reinterpret_cast<const sockaddr*>(&in));
  }
  sockaddr_in6 in6{};
  if (inet_pton(AF_INET6, s.c_str(), &in6.sin6_addr) == 1) {
    in6.sin6_family = AF_INET6;
    return classify_address(reinterpret_cast<const sockaddr*>(&in6));
  }
  return AddressKind::kUnparseable;
}

bool may_connect(AddressKind kind, bool allow_loopback) {
  return kind == AddressKind::kPublic || (allow_loopback && kind == AddressKind::kLoopback);
}

std::string ParsedUrl::authority() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != 0) out += ":" + std::to_string(port);
  return out;
}

Result<ParsedUrl> parse_url(std::string_view url) {
  const auto refuse = [] { return bad_request("Not an http(s) URL"); };
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return refuse();
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return refuse();
  ParsedUrl out;
  out.scheme = ascii_lowercase(url.substr(0, scheme_end));
  if (out.scheme != "https" && out.scheme != "http") return refuse();
  std::string_view rest = url.substr(scheme_end + 3);
  const auto path_start = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_start);
  std::string_view target =
      path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start);
  if (const auto fragment = target.find('#'); fragment != std::string_view::npos)
    target = target.substr(0, fragment);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return refuse();
  std::string_view port;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return refuse();
    out.host = ascii_lowercase(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return refuse();
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.find(':');
    out.host = ascii_lowercase(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return refuse();
  if (!port.empty()) {
    int value = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || value > 65535) return refuse();
      value = value * 10 + (c - '0');
    }
    if (value == 0 || value > 65535) return refuse();
    out.port = value;
  }
  out.target =
      target.empty() || target.front() == '?' ? "/" + std::string(target) : std::string(target);
  return out;
}

Fetcher::Fetcher(FetcherOptions options) : options_(std::move(options)) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

Fetcher::~Fetcher() { curl_global_cleanup(); }

bool is_onion_host(std::string_view authority) {
  const auto colon = authority.rfind(':');
  const std::string host = ascii_lowercase(
      authority.substr(0, colon == std::string_view::npos ? authority.size() : colon));
  return host.ends_with(".onion") && host.size() > 6;
}

Status Fetcher::check_url(const ParsedUrl& url) const {
  const bool onion = is_onion_host(url.host);
  if (onion && options_.proxy.empty())
    return bad_request("Cannot reach an onion service without a proxy");
  if (options_.onion_only && !onion)
    return bad_request("Only onion services are reached (--federation-onion-only)");
  if (url.scheme == "http" && !options_.allow_loopback && !onion)
    return bad_request("Only https: URLs are fetched");
  const AddressKind literal = classify_address(url.host);
  if (literal != AddressKind::kUnparseable && !may_connect(literal, options_.allow_loopback))
    return bad_request("Refused to fetch a non-public address");
  return ok_status();
}

Result<FetchResponse> Fetcher::fetch(const FetchRequest& request) const {
  FetchRequest hop = request;
  for (int redirects = 0;; ++redirects) {
    std::string location;
    PUBLIUS_ASSIGN_OR_RETURN(auto response, fetch_once(hop, &location));
    if (hop.method != "GET" || !is_redirect(response.status) || location.empty()) return response;
    if (redirects >= options_.max_redirects) return bad_request("Too many redirects");
    hop.url = std::move(location);
  }
}

Result<FetchResponse> Fetcher::fetch_once(const FetchRequest& request,
                                          std::string* location) const {
  PUBLIUS_ASSIGN_OR_RETURN(auto url, parse_url(request.url));
  PUBLIUS_TRY(check_url(url));
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return unavailable("Cannot start a request");
  Transfer transfer;
  transfer.allow_loopback = options_.allow_loopback;
  transfer.through_proxy = !options_.proxy.empty();
  transfer.max_body_bytes = options_.max_body_bytes;
  std::vector<std::string> signature;
  if (request.method == "GET" && get_signer_) {
    PUBLIUS_ASSIGN_OR_RETURN(signature, get_signer_(url));
  }
  curl_slist* list = nullptr;
  for (const auto& h : request.headers) list = curl_slist_append(list, h.c_str());
  for (const auto& h : signature) list = curl_slist_append(list, h.c_str());
  list = curl_slist_append(list, "Expect:");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(list, curl_slist_free_all);
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  // The proxy is the operator's, never one from the environment.
  curl_easy_setopt(c, CURLOPT_PROXY, options_.proxy.c_str());
  curl_easy_setopt(c, CURLOPT_NOPROXY, "");
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, &open_checked_socket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &collect_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_body_bytes));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options_.timeout.count()));
  if (request.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (request.method != "GET") {
    return internal_error("Fetcher: unsupported method");
  }
  const CURLcode code = curl_easy_perform(c);
  if (transfer.refused_address) return forbidden("Refused to connect to a non-public address");
  if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED)
    return Error{ErrorCode::kPayloadTooLarge, "Response body too large"};
  if (code != CURLE_OK) return unavailable("Could not reach " + url.host);
  FetchResponse out;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
  const char* type = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type)
    out.content_type = type;
  const char* redirect = nullptr;
  if (location && curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &redirect) == CURLE_OK && redirect)
    *location = redirect;
  out.body = std::move(transfer.body);
  out.url = request.url;
  return out;
}

}  // namespace publius::federation
