// Fetcher: the one way federation reaches another server (actor documents, inbox
// POSTs), made safe against server-side request forgery: a remote server names the
// URLs (actor ids, inboxes, redirects), and none of them may make this server reach
// its own network.
//
// Every connection libcurl opens passes through a check of the address it connects
// to, after DNS resolution (CURLOPT_OPENSOCKETFUNCTION), so neither a host name that
// resolves to a private address nor a redirect to one gets through: loopback,
// private (RFC 1918), carrier-grade NAT, link-local, unique-local IPv6, multicast,
// unspecified, documentation and other reserved ranges are refused (classify_address).
// Redirects are followed by the fetcher itself, at most max_redirects, each checked
// again; only https: (and http: for .onion hosts through the proxy, or anything in
// loopback testing) is fetched. Bodies are capped at max_body_bytes, every transfer
// at the timeout.
//
// With a proxy (socks5h://127.0.0.1:9050 for Tor) every request goes through it and
// the proxy resolves names: the only address this server connects to is the proxy's,
// which the operator chose, so that one is allowed; a URL naming an address literal
// is still checked before the request. In loopback testing (tests only: the server
// must listen on loopback), loopback addresses are allowed too, and http:.
//
// Errors: kBadRequest for a URL refused before any connection (its scheme, a
// refused address literal, too many redirects), kForbidden for a connection
// refused by address, kPayloadTooLarge for a body over the cap, kUnavailable for
// network failures and timeouts. Messages never repeat the URL (it may be a
// reader's or a remote's data) beyond its host. Thread-safe: each fetch uses its
// own libcurl handle.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

struct sockaddr;

namespace publius::federation {

// What an IP address is, for deciding whether federation may connect to it.
enum class AddressKind {
  kPublic,
  kLoopback,     // 127/8, ::1
  kPrivate,      // 10/8, 172.16/12, 192.168/16, 100.64/10 (carrier-grade NAT)
  kLinkLocal,    // 169.254/16, fe80::/10
  kUniqueLocal,  // fc00::/7
  kMulticast,    // 224/4, ff00::/8
  kUnspecified,  // 0/8, ::
  kReserved,     // documentation, benchmarking, 240/4, broadcast, 192.0.0/24, 2001:db8::/32
  kUnparseable,
};

// The kind of a socket address (AF_INET or AF_INET6; IPv4-mapped, IPv4-compatible
// and NAT64 IPv6 addresses are judged by the IPv4 address they carry).
AddressKind classify_address(const sockaddr* address);
// The same for an address in text ("10.0.0.1", "::1"); kUnparseable otherwise.
AddressKind classify_address(std::string_view text);
// Whether `authority` (host or host:port) is an onion service's.
bool is_onion_host(std::string_view authority);

// Whether federation may connect to an address of `kind`: public always, loopback
// only in loopback testing.
bool may_connect(AddressKind kind, bool allow_loopback);

struct FetcherOptions {
  size_t max_body_bytes = 1 << 20;
  std::chrono::seconds timeout{10};
  int max_redirects = 3;
  // "socks5h://host:port" (or socks5://): every request through it; empty: none.
  std::string proxy;
  // --federation-loopback-testing: loopback addresses and http: allowed (tests only).
  bool allow_loopback = false;
  // --federation-onion-only: only .onion hosts are reached (through the proxy, which
  // this requires); any other URL is refused before a connection (kBadRequest), so the
  // server never connects to a clearnet peer, even through Tor's exits.
  bool onion_only = false;
  std::string user_agent = "Publius";
};

struct FetchRequest {
  std::string method = "GET";  // "GET" or "POST"
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // for a POST
};

struct FetchResponse {
  long status = 0;
  std::string body;
  std::string content_type;
  std::string url;  // the URL finally answered, after redirects
};

// The parts of an absolute http(s) URL. kBadRequest when it is not one (no host,
// userinfo, another scheme, control characters or spaces).
struct ParsedUrl {
  std::string scheme;  // lowercase
  std::string host;    // lowercase, IPv6 literals without brackets
  int port = 0;        // 0: the scheme's default
  std::string target;  // path and query, "/" when empty
  // host[:port] as a Host header carries it (IPv6 in brackets).
  std::string authority() const;
};
Result<ParsedUrl> parse_url(std::string_view url);

class Fetcher {
 public:
  explicit Fetcher(FetcherOptions options);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Performs `request`, following redirects for a GET (a POST's redirect is its
  // answer). Any HTTP status is a successful fetch; the caller judges it.
  Result<FetchResponse> fetch(const FetchRequest& request) const;

  const FetcherOptions& options() const { return options_; }

  // Headers signing a GET of `url` (each "Name: value"): the serve process signs every
  // fetch as its instance actor (federation/instance_signer.h). Set before the first
  // fetch; unset, GETs go unsigned. A GET whose signing fails is not made (its error).
  using GetSigner = std::function<Result<std::vector<std::string>>(const ParsedUrl& url)>;
  void sign_gets_with(GetSigner signer) { get_signer_ = std::move(signer); }

 private:
  Result<FetchResponse> fetch_once(const FetchRequest& request, std::string* location) const;
  Status check_url(const ParsedUrl& url) const;

  const FetcherOptions options_;
  GetSigner get_signer_;
};

}  // namespace publius::federation
