// The request parser and limits the server uses, fed bytes directly: the same
// request gives the same result however the network splits it, the header limit
// counts the whole header, and trailer fields never become headers. The framing
// refusals are tested over sockets in server_test.cc.
#include "http/request_reader.h"

#include <gtest/gtest.h>

namespace publius::http {
namespace {

// Feeds `bytes` in pieces of `piece` bytes, as a connection would deliver them; returns the
// bytes the reader left over (the next request's).
std::string feed_in_pieces(RequestReader& reader, std::string_view bytes, size_t piece) {
  std::string pending;
  size_t next = 0;
  while (!reader.done() && !reader.failed() && next < bytes.size()) {
    pending += bytes.substr(next, piece);
    next += piece;
    pending.erase(0, reader.feed(pending));
    // The header stops a call early (for "Expect: 100-continue"); the rest is fed again.
    if (reader.header_done() && !reader.done()) pending.erase(0, reader.feed(pending));
  }
  return pending + std::string(bytes.substr(std::min(next, bytes.size())));
}

TEST(RequestReader, ReadsTheSameRequestHoweverItIsSplit) {
  const std::string request =
      "POST /api/v1/statuses?x=1 HTTP/1.1\r\nHost: example.org\r\nAuthorization: Bearer t\r\n"
      "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n";
  const std::string next = "GET / HTTP/1.1\r\nHost: example.org\r\n\r\n";
  for (size_t piece : {size_t{1}, size_t{2}, size_t{7}, size_t{64}, request.size() + next.size()}) {
    RequestReader reader{RequestLimits{}};
    const std::string rest = feed_in_pieces(reader, request + next, piece);
    ASSERT_TRUE(reader.done()) << piece;
    EXPECT_TRUE(next.starts_with(rest) || rest == next) << piece;
    EXPECT_TRUE(reader.keep_alive());
    EXPECT_EQ(reader.version(), 11u);
    const Request req = reader.take_request();
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.path, "/api/v1/statuses");
    EXPECT_EQ(req.query, "x=1");
    EXPECT_EQ(req.header("authorization"), "Bearer t");
    EXPECT_EQ(req.body, "hello, world");
  }
}

// Beast takes any run of visible characters as the target.
TEST(RequestReader, ATargetOfNoFormIsRefused) {
  for (const std::string request_line :
       {"GET ?a HTTP/1.1", "GET api/v1/instance HTTP/1.1", "GET * HTTP/1.1",
        "CONNECT example.org:443 HTTP/1.1", "GET ://x/ HTTP/1.1", "GET 1http://x/ HTTP/1.1"}) {
    RequestReader reader{RequestLimits{}};
    reader.feed(request_line + "\r\nHost: a\r\n\r\n");
    ASSERT_TRUE(reader.failed()) << request_line;
    EXPECT_EQ(reader.refusal().status, 400);
  }
  for (const std::string request_line :
       {"GET /?a HTTP/1.1", "OPTIONS * HTTP/1.1", "GET https://example.org/a HTTP/1.1"}) {
    RequestReader reader{RequestLimits{}};
    reader.feed(request_line + "\r\nHost: a\r\n\r\n");
    EXPECT_TRUE(reader.done()) << request_line;
  }
}

// RFC 9112 3.2: exactly one Host on HTTP/1.1, at most one on HTTP/1.0, and a host[:port] value.
TEST(RequestReader, AMissingRepeatedOrMalformedHostIsRefused) {
  for (const std::string header :
       {"GET / HTTP/1.1\r\n", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n",
        "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n", "GET / HTTP/1.1\r\nHost: a b\r\n",
        "GET / HTTP/1.1\r\nHost: a/b\r\n", "GET / HTTP/1.1\r\nHost: a@b\r\n",
        "GET / HTTP/1.1\r\nHost: \"a\"\r\n"}) {
    RequestReader reader{RequestLimits{}};
    reader.feed(header + "\r\n");
    ASSERT_TRUE(reader.failed()) << header;
    EXPECT_EQ(reader.refusal().status, 400) << header;
  }
  for (const std::string header :
       {"GET / HTTP/1.0\r\n", "GET / HTTP/1.1\r\nHost: example.org:8080\r\n",
        "GET / HTTP/1.1\r\nHost: [::1]:443\r\n", "GET / HTTP/1.1\r\nHost:\r\n",
        "GET / HTTP/1.1\r\nhOsT: xn--bcher-kva.example\r\n"}) {
    RequestReader reader{RequestLimits{}};
    reader.feed(header + "\r\n");
    EXPECT_TRUE(reader.done()) << header;
  }
}

TEST(RequestReader, TheHeaderLimitCountsTheWholeHeaderHoweverItArrives) {
  RequestLimits limits;
  limits.max_header_bytes = 1024;
  // Beast, given it all at once, limits the request line and the fields each on its own.
  std::string header = "GET /" + std::string(600, 'p') + " HTTP/1.1\r\nHost: a\r\n";
  while (header.size() < 1100) header += "X-Field: " + std::string(20, 'v') + "\r\n";
  header += "\r\n";
  for (size_t piece : {size_t{30}, size_t{500}, header.size()}) {
    RequestReader reader(limits);
    feed_in_pieces(reader, header, piece);
    ASSERT_TRUE(reader.failed()) << piece;
    EXPECT_EQ(reader.refusal().status, 431) << piece;
  }
}

TEST(RequestReader, TrailerFieldsAreDropped) {
  RequestReader reader{RequestLimits{}};
  feed_in_pieces(
      reader,
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
      "1\r\nx\r\n0\r\nHost: evil\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n",
      3);
  ASSERT_TRUE(reader.done());
  const Request req = reader.take_request();
  // Beast files a trailer field next to a header field of the same name.
  EXPECT_EQ(req.headers, (std::vector<std::pair<std::string, std::string>>{
                             {"host", "a"}, {"transfer-encoding", "chunked"}}));
  EXPECT_EQ(req.body, "x");
  EXPECT_TRUE(reader.keep_alive());
}

TEST(RequestReader, ExpectContinueIsSeenAtTheEndOfTheHeader) {
  RequestReader reader{RequestLimits{}};
  const std::string head =
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n";
  EXPECT_EQ(reader.feed(head + "ok"), head.size());
  ASSERT_TRUE(reader.header_done());
  EXPECT_TRUE(reader.expects_continue());
  EXPECT_EQ(reader.feed("ok"), 2u);
  ASSERT_TRUE(reader.done());
  EXPECT_FALSE(reader.expects_continue());
}

}  // namespace
}  // namespace publius::http
