// The federation fetcher: which addresses it may connect to, and its refusals of
// non-public targets (by literal, by name after resolution, by redirect), oversized
// bodies and redirect loops, against a real server on loopback.
#include "federation/fetcher.h"

#include <gtest/gtest.h>

#include "support/local_http_server.h"

namespace publius::federation {
namespace {

TEST(AddressKind, PublicAddressesArePublic) {
  for (const char* a : {"8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "100.128.0.1",
                        "2001:4860:4860::8888", "2a00:1450:4001::1"})
    EXPECT_EQ(classify_address(std::string_view(a)), AddressKind::kPublic) << a;
}

TEST(AddressKind, NonPublicRangesAreNamed) {
  const std::vector<std::pair<const char*, AddressKind>> cases = {
      {"127.0.0.1", AddressKind::kLoopback},
      {"127.255.255.254", AddressKind::kLoopback},
      {"::1", AddressKind::kLoopback},
      {"10.1.2.3", AddressKind::kPrivate},
      {"172.16.0.1", AddressKind::kPrivate},
      {"172.31.255.255", AddressKind::kPrivate},
      {"192.168.1.1", AddressKind::kPrivate},
      {"100.64.0.1", AddressKind::kPrivate},
      {"169.254.169.254", AddressKind::kLinkLocal},
      {"fe80::1", AddressKind::kLinkLocal},
      {"fc00::1", AddressKind::kUniqueLocal},
      {"fd12:3456::1", AddressKind::kUniqueLocal},
      {"224.0.0.1", AddressKind::kMulticast},
      {"ff02::1", AddressKind::kMulticast},
      {"0.0.0.0", AddressKind::kUnspecified},
      {"::", AddressKind::kUnspecified},
      {"255.255.255.255", AddressKind::kReserved},
      {"192.0.2.1", AddressKind::kReserved},
      {"2001:db8::1", AddressKind::kReserved},
      {"not an address", AddressKind::kUnparseable},
  };
  for (const auto& [text, kind] : cases)
    EXPECT_EQ(classify_address(std::string_view(text)), kind) << text;
}

TEST(AddressKind, IPv6AddressesCarryingIPv4AreJudgedByIt) {
  EXPECT_EQ(classify_address(std::string_view("::ffff:127.0.0.1")), AddressKind::kLoopback);
  EXPECT_EQ(classify_address(std::string_view("::ffff:10.0.0.1")), AddressKind::kPrivate);
  EXPECT_EQ(classify_address(std::string_view("64:ff9b::a9fe:a9fe")), AddressKind::kLinkLocal);
  EXPECT_EQ(classify_address(std::string_view("2002:c0a8:0101::1")), AddressKind::kPrivate);
  EXPECT_EQ(classify_address(std::string_view("::ffff:8.8.8.8")), AddressKind::kPublic);
}

TEST(AddressKind, LoopbackOnlyInLoopbackTesting) {
  EXPECT_TRUE(may_connect(AddressKind::kPublic, false));
  EXPECT_FALSE(may_connect(AddressKind::kLoopback, false));
  EXPECT_TRUE(may_connect(AddressKind::kLoopback, true));
  EXPECT_FALSE(may_connect(AddressKind::kPrivate, true));
  EXPECT_FALSE(may_connect(AddressKind::kLinkLocal, true));
}

TEST(ParseUrl, ReadsPartsAndRefusesOthers) {
  auto u = parse_url("https://Example.COM:8443/users/a?x=1#frag");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "example.com");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->target, "/users/a?x=1");
  EXPECT_EQ(u->authority(), "example.com:8443");
  auto v6 = parse_url("http://[::1]/");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->authority(), "[::1]");
  EXPECT_EQ(parse_url("https://h")->target, "/");
  for (const char* bad : {"ftp://h/", "https://user@h/", "https:///x", "https://h:99999/",
                          "https://h/a b", "file:///etc/passwd", "gopher://h", "https://h:x/"})
    EXPECT_FALSE(parse_url(bad).ok()) << bad;
}

class FetcherTest : public ::testing::Test {
 protected:
  static http::Response answer(http::Request& req) {
    if (req.path == "/ok") {
      auto r = http::Response::json("{\"ok\":true}");
      r.content_type = "application/activity+json";
      return r;
    }
    if (req.path == "/big") return http::Response::json(std::string(4096, 'x'));
    if (req.path == "/to-private") return http::Response::redirect("http://10.255.255.1/x");
    if (req.path == "/to-link-local")
      return http::Response::redirect("http://169.254.169.254/latest/meta-data/");
    if (req.path == "/loop") return http::Response::redirect("/loop");
    if (req.path == "/hop") return http::Response::redirect("/ok");
    if (req.path == "/echo" && req.method == "POST") return http::Response::json(req.body);
    return http::Response::json("{}", 404);
  }

  testing::LocalHttpServer server_{&FetcherTest::answer};
};

Fetcher loopback_fetcher(size_t max_body = 1 << 20) {
  return Fetcher({.max_body_bytes = max_body, .allow_loopback = true});
}

TEST_F(FetcherTest, FetchesFromLoopbackInLoopbackTesting) {
  auto fetcher = loopback_fetcher();
  auto r = fetcher.fetch({.url = server_.url("/ok")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"ok\":true}");
  EXPECT_EQ(r->content_type, "application/activity+json");
  auto post = fetcher.fetch({.method = "POST", .url = server_.url("/echo"), .body = "hello"});
  ASSERT_TRUE(post.ok()) << post.error().message;
  EXPECT_EQ(post->body, "hello");
}

TEST_F(FetcherTest, RefusesLoopbackOtherwiseByLiteralAndByResolvedName) {
  Fetcher fetcher({});
  // The http: scheme is refused first outside loopback testing; https: reaches the check of
  // the address, by literal before connecting and by the resolved address for a name.
  EXPECT_EQ(fetcher.fetch({.url = server_.url("/ok")}).error().code, ErrorCode::kBadRequest);
  const std::string port = std::to_string(server_.port());
  auto literal = fetcher.fetch({.url = "https://127.0.0.1:" + port + "/ok"});
  ASSERT_FALSE(literal.ok());
  EXPECT_EQ(literal.error().code, ErrorCode::kBadRequest);
  auto mapped = fetcher.fetch({.url = "https://[::ffff:127.0.0.1]:" + port + "/ok"});
  ASSERT_FALSE(mapped.ok());
  // A name resolving to loopback: refused when the socket is opened, after resolution.
  auto named = fetcher.fetch({.url = "https://localhost:" + port + "/ok"});
  ASSERT_FALSE(named.ok());
  EXPECT_EQ(named.error().code, ErrorCode::kForbidden) << named.error().message;
}

TEST_F(FetcherTest, RefusesRedirectsToPrivateAndLinkLocalAddresses) {
  auto fetcher = loopback_fetcher();
  for (const char* path : {"/to-private", "/to-link-local"}) {
    auto r = fetcher.fetch({.url = server_.url(path)});
    ASSERT_FALSE(r.ok()) << path;
    EXPECT_EQ(r.error().code, ErrorCode::kBadRequest) << path << ": " << r.error().message;
  }
  auto hop = fetcher.fetch({.url = server_.url("/hop")});
  ASSERT_TRUE(hop.ok()) << hop.error().message;
  EXPECT_EQ(hop->body, "{\"ok\":true}");
  EXPECT_EQ(hop->url, server_.url("/ok"));
}

TEST_F(FetcherTest, StopsRedirectLoopsAndOversizedBodies) {
  auto fetcher = loopback_fetcher(1024);
  auto loop = fetcher.fetch({.url = server_.url("/loop")});
  ASSERT_FALSE(loop.ok());
  EXPECT_EQ(loop.error().message, "Too many redirects");
  auto big = fetcher.fetch({.url = server_.url("/big")});
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::kPayloadTooLarge);
}

TEST(OnionHostTest, NamesOnlyOnionServicesWithOrWithoutAPort) {
  EXPECT_TRUE(is_onion_host("abcdefghijklmnop.onion"));
  EXPECT_TRUE(is_onion_host("ABCDEFGHIJKLMNOP.ONION:8080"));
  for (const char* other : {"onion", ".onion", "example.com", "onion.example.com",
                            "example.onion.com", "127.0.0.1:80", "::1", ""})
    EXPECT_FALSE(is_onion_host(other)) << other;
}

// Onion-only: nothing but an onion service is reached, before any connection is made;
// an onion service gets as far as the proxy (none listens here: unavailable).
TEST_F(FetcherTest, OnionOnlyReachesNoOtherHost) {
  Fetcher fetcher({.proxy = "socks5h://127.0.0.1:9", .allow_loopback = true, .onion_only = true});
  for (const std::string& url : {server_.url("/ok"), std::string("https://example.com/users/a")}) {
    auto r = fetcher.fetch({.url = url});
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().code, ErrorCode::kBadRequest) << url;
    EXPECT_NE(r.error().message.find("onion"), std::string::npos) << r.error().message;
  }
  auto onion = fetcher.fetch({.url = "http://abcdefghijklmnop.onion/users/a"});
  ASSERT_FALSE(onion.ok());
  EXPECT_EQ(onion.error().code, ErrorCode::kUnavailable) << onion.error().message;
}

TEST_F(FetcherTest, OnionNeedsTheProxy) {
  Fetcher fetcher({});
  auto r = fetcher.fetch({.url = "http://abcdefghijklmnop.onion/users/a"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kBadRequest);
}

}  // namespace
}  // namespace publius::federation
