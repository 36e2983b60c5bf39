// Bad input everywhere: malformed bodies, queries and HTTP, oversized messages, missing or
// insufficient credentials. Every error must be Mastodon-shaped JSON ({"error": "..."}) and the
// server must keep serving afterwards.
#include "integration/server_harness.h"

namespace publius::integration {
namespace {

using namespace std::string_literals;

class BadInputApiIntegration : public ApiIntegrationTest {
 protected:
  static HttpResponse raw_body(const std::string& method, const std::string& target,
                               const std::string& content_type, const std::string& body,
                               const std::string& token = "") {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.content_type = content_type;
    r.body = body;
    r.token = token;
    return api().request(r);
  }
  static void expect_still_serving() {
    auto r = api().get("/api/v1/instance");
    EXPECT_EQ(r.status, 200) << "server stopped answering: " << r;
  }
};

TEST_F(BadInputApiIntegration, MalformedJsonBodies) {
  auto u = new_user("badj");
  for (const std::string body :
       {"{\"status\": \"x\"", "{status: 1}", "{\"status\":\"x\"} trailing", "nul", "{\"a\":1,}"}) {
    auto text =
        expect_error(raw_body("POST", "/api/v1/statuses", "application/json", body, u.token), 400);
    EXPECT_FALSE(text.empty()) << body;
  }
  // The top level must be an object.
  for (const std::string body :
       {"[\"status\", \"x\"]", "\"just a string\"", "42", "null", "true"}) {
    expect_error(raw_body("POST", "/api/v1/statuses", "application/json", body, u.token), 400);
  }
  expect_error(raw_body("POST", "/api/v1/apps", "application/json", "[{\"client_name\":\"x\"}]"),
               400);
  expect_error(
      raw_body("PATCH", "/api/v1/accounts/update_credentials", "application/json", "{", u.token),
      400);
  // Too deep.
  std::string deep = "{\"status\":\"x\",\"d\":";
  for (int i = 0; i < 40; ++i) deep += "[";
  for (int i = 0; i < 40; ++i) deep += "]";
  deep += "}";
  expect_error(raw_body("POST", "/api/v1/statuses", "application/json", deep, u.token), 400);
  // Nothing was posted by any of these.
  EXPECT_EQ(num(api().account(u.id), "statuses_count"), 0);
  // A +json media type is JSON too.
  auto ok = raw_body("POST", "/api/v1/statuses", "application/vnd.api+json; charset=utf-8",
                     "{\"status\":\"typed json\"}", u.token);
  EXPECT_EQ(ok.status, 200) << ok;
}

TEST_F(BadInputApiIntegration, UnsupportedAndMalformedBodies) {
  auto u = new_user("badb");
  auto text =
      expect_error(raw_body("POST", "/api/v1/statuses", "text/plain", "status=hi", u.token), 400);
  EXPECT_TRUE(contains(text, "content type")) << text;
  expect_error(raw_body("POST", "/api/v1/statuses", "", "status=hi", u.token), 400);
  // Multipart without the closing delimiter, and without a boundary.
  expect_error(
      raw_body("POST", "/api/v1/statuses", "multipart/form-data; boundary=B",
               "--B\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\nhi\r\n", u.token),
      400);
  expect_error(
      raw_body("POST", "/api/v1/statuses", "multipart/form-data",
               "--B\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\nhi\r\n--B--\r\n",
               u.token),
      400);
  // Too many form pairs.
  std::string many;
  for (int i = 0; i < 1100; ++i) many += "k" + std::to_string(i) + "=v&";
  expect_error(raw_body("POST", "/api/v1/statuses", "application/x-www-form-urlencoded",
                        many + "status=x", u.token),
               400);
  EXPECT_EQ(num(api().account(u.id), "statuses_count"), 0);
}

TEST_F(BadInputApiIntegration, InvalidPercentEncodingAndUtf8) {
  auto u = new_user("badq");
  for (const std::string q : {"max_id=%zz", "limit=%", "limit=%4", "%G1=1", "q=%C3%28", "x=%FF"}) {
    auto text = expect_error(api().get("/api/v1/timelines/public?" + q), 400);
    EXPECT_FALSE(text.empty()) << q;
  }
  expect_error(api().get("/api/v1/timelines/home?max_id=%zz", u.token), 400);
  expect_error(api().get("/api/v1/accounts/" + u.id + "/statuses?limit=%zz"), 400);
  // Invalid UTF-8 in a status, whatever the encoding.
  expect_error(raw_body("POST", "/api/v1/statuses", "application/x-www-form-urlencoded",
                        "status=%FF%FE", u.token),
               400);
  expect_error(raw_body("POST", "/api/v1/statuses", "application/x-www-form-urlencoded",
                        "status=caf%C3", u.token),
               400);
  expect_error(raw_body("POST", "/api/v1/statuses", "application/json",
                        "{\"status\":\"bad \xff\xfe bytes\"}", u.token),
               400);
  expect_error(raw_body("POST", "/api/v1/statuses", "application/json",
                        "{\"status\":\"\\udc00 lone\"}", u.token),
               400);
  expect_error(
      raw_body(
          "POST", "/api/v1/statuses", "multipart/form-data; boundary=B",
          "--B\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\n\xc0\xaf\r\n--B--\r\n",
          u.token),
      400);
  expect_error(raw_body("PATCH", "/api/v1/accounts/update_credentials",
                        "application/x-www-form-urlencoded", "display_name=%ED%A0%80", u.token),
               400);
  EXPECT_EQ(num(api().account(u.id), "statuses_count"), 0);
}

TEST_F(BadInputApiIntegration, BadPagingParameters) {
  auto u = new_user("badp");
  const std::string account = "/api/v1/accounts/" + u.id;
  for (const std::string& base :
       {std::string("/api/v1/timelines/public"), std::string("/api/v1/timelines/tag/x"),
        account + "/statuses", account + "/followers", account + "/following"}) {
    auto text = expect_error(api().get(base + "?limit=abc"), 400);
    EXPECT_TRUE(contains(text, "limit")) << base << ": " << text;
    text = expect_error(api().get(base + "?max_id=junk"), 400);
    EXPECT_TRUE(contains(text, "max_id")) << base << ": " << text;
    expect_error(api().get(base + "?since_id=-5"), 400);
    expect_error(api().get(base + "?min_id=1.5"), 400);
    expect_error(api().get(base + "?limit=99999999999999999999999"), 400);
  }
  for (std::string base :
       {"/api/v1/timelines/home", "/api/v1/notifications", "/api/v1/favourites",
        "/api/v1/bookmarks", "/api/v1/follow_requests", "/api/v1/blocks", "/api/v1/mutes"}) {
    expect_error(api().get(base + "?limit=abc", u.token), 400);
    expect_error(api().get(base + "?max_id=junk", u.token), 400);
  }
  // Empty values mean "not given".
  EXPECT_EQ(api().get("/api/v1/timelines/public?max_id=&limit=").status, 200);
}

TEST_F(BadInputApiIntegration, EveryEndpointRejectsMalformedInput) {
  auto u = new_user("every");
  auto other = new_user("every");
  const std::string post = api().post_id(other, "target");
  const std::string note_owner_post = api().post_id(u, "own");
  struct Case {
    std::string method;
    std::string path;
    std::string token;
  };
  const std::string acct = "/api/v1/accounts/" + other.id;
  const std::string st = "/api/v1/statuses/" + post;
  const std::vector<Case> writes = {
      {"POST", "/api/v1/statuses", u.token},
      {"PUT", "/api/v1/statuses/" + note_owner_post, u.token},
      {"PATCH", "/api/v1/accounts/update_credentials", u.token},
      {"POST", acct + "/follow", u.token},
      {"POST", acct + "/unfollow", u.token},
      {"POST", acct + "/block", u.token},
      {"POST", acct + "/unblock", u.token},
      {"POST", acct + "/mute", u.token},
      {"POST", acct + "/unmute", u.token},
      {"POST", "/api/v1/follow_requests/" + other.id + "/authorize", u.token},
      {"POST", "/api/v1/follow_requests/" + other.id + "/reject", u.token},
      {"POST", st + "/favourite", u.token},
      {"POST", st + "/unfavourite", u.token},
      {"POST", st + "/reblog", u.token},
      {"POST", st + "/unreblog", u.token},
      {"POST", st + "/bookmark", u.token},
      {"POST", st + "/unbookmark", u.token},
      {"POST", "/api/v1/statuses/" + note_owner_post + "/pin", u.token},
      {"POST", "/api/v1/statuses/" + note_owner_post + "/unpin", u.token},
      {"POST", "/api/v1/markers", u.token},
      {"POST", "/api/v1/apps", ""},
      {"POST", "/api/v1/accounts", app_token_},
      {"POST", "/oauth/authorize", ""},
      {"POST", "/oauth/token", ""},
      {"POST", "/oauth/revoke", ""},
  };
  for (const auto& c : writes) {
    SCOPED_TRACE(c.method + " " + c.path);
    expect_error(raw_body(c.method, c.path, "application/json", "{\"broken", c.token), 400);
    expect_error(raw_body(c.method, c.path, "application/x-www-form-urlencoded", "a=%zz", c.token),
                 400);
    expect_error(raw_body(c.method, c.path + "?x=%FF", "", "", c.token), 400);
  }
  // None of that changed anything.
  auto rel = Api::ok_json(api().get("/api/v1/accounts/relationships?id[]=" + other.id, u.token));
  EXPECT_FALSE(boolean(rel, "0.following"));
  EXPECT_FALSE(boolean(rel, "0.blocking"));
  EXPECT_FALSE(boolean(rel, "0.muting"));
  auto target = api().status(post, u.token);
  EXPECT_FALSE(boolean(target, "favourited"));
  EXPECT_FALSE(boolean(target, "reblogged"));
  EXPECT_FALSE(boolean(target, "bookmarked"));
  EXPECT_EQ(num(api().account(u.id), "statuses_count"), 1);

  const std::vector<Case> reads = {
      {"GET", "/api/v1/timelines/home", u.token},
      {"GET", "/api/v1/timelines/public", ""},
      {"GET", "/api/v1/timelines/tag/x", ""},
      {"GET", acct + "/statuses", ""},
      {"GET", acct + "/followers", ""},
      {"GET", acct + "/following", ""},
      {"GET", "/api/v1/accounts/relationships", u.token},
      {"GET", "/api/v1/accounts/search", u.token},
      {"GET", "/api/v1/accounts/lookup", ""},
      {"GET", "/api/v1/notifications", u.token},
      {"GET", "/api/v1/markers", u.token},
      {"GET", "/api/v1/favourites", u.token},
      {"GET", "/api/v1/bookmarks", u.token},
      {"GET", "/api/v1/follow_requests", u.token},
      {"GET", "/api/v1/blocks", u.token},
      {"GET", "/api/v1/mutes", u.token},
      {"GET", st + "/favourited_by", ""},
      {"GET", st + "/reblogged_by", ""},
      {"GET", "/api/v2/search", ""},
      {"GET", "/oauth/authorize", ""},
  };
  for (const auto& c : reads) {
    SCOPED_TRACE(c.path);
    expect_error(raw_body("GET", c.path + "?q=%zz", "", "", c.token), 400);
    expect_error(raw_body("GET", c.path + "?q=%C3", "", "", c.token), 400);
  }
}

TEST_F(BadInputApiIntegration, OversizedBodyIs413) {
  // The declared length alone is enough to refuse: the server answers before reading the body.
  const std::string head =
      "POST /api/v1/statuses HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/x-www-form-urlencoded\r\n"
      "Content-Length: " +
      std::to_string(16 * 1024 * 1024 + 1) + "\r\n\r\nstatus=";
  auto r = send_raw(port(), head);
  EXPECT_EQ(expect_error(r, 413), "Request body is too large");
  EXPECT_EQ(lower(r.header("connection")), "close");
  // Chunked bodies are held to the same limit.
  const std::string chunked =
      "POST /api/v1/statuses HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/x-www-form-urlencoded\r\n"
      "Transfer-Encoding: chunked\r\n\r\n1000001\r\nstatus=";
  r = send_raw(port(), chunked);
  expect_error(r, 413);
  expect_still_serving();
}

TEST_F(BadInputApiIntegration, BodyJustUnderTheLimitIsRead) {
  auto u = new_user("bigb");
  std::string body = "status=" + std::string(16 * 1024 * 1024 - 64, 'a');
  auto r = raw_body("POST", "/api/v1/statuses", "application/x-www-form-urlencoded", body, u.token);
  auto text = expect_error(r, 422);
  EXPECT_TRUE(contains(text, "character limit")) << text;
}

TEST_F(BadInputApiIntegration, OversizedHeadersAre431) {
  auto r = send_raw(port(), "GET /api/v1/instance HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " +
                                std::string(17 * 1024, 'h') + "\r\n\r\n");
  EXPECT_EQ(expect_error(r, 431), "Request headers are too large");
  // A huge request target counts too.
  r = send_raw(port(), "GET /api/v1/instance?pad=" + std::string(17 * 1024, 'p') +
                           " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  expect_error(r, 431);
  // Many small headers adding up.
  std::string many = "GET /api/v1/instance HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (int i = 0; i < 1000; ++i) many += "X-H" + std::to_string(i) + ": vvvvvvvvvvvvvvvvvv\r\n";
  r = send_raw(port(), many + "\r\n");
  expect_error(r, 431);
  expect_still_serving();
}

TEST_F(BadInputApiIntegration, GarbageIsRejectedAndServingContinues) {
  for (const std::string& garbage :
       {std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 garbage\r\n\r\n"s),
        std::string("HELLO THERE\r\n\r\n"), std::string("GET / HTTP/1.1\r\nNo colon here\r\n\r\n"),
        std::string("GET / HTTP/1.1\r\n\r\n"),
        std::string("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
        std::string(
            "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nabcde"),
        std::string("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"),
        std::string("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")}) {
    auto r = send_raw(port(), garbage);
    EXPECT_EQ(expect_error(r, 400), "Malformed HTTP request") << garbage;
    expect_still_serving();
  }
  // A client that connects and says nothing, or hangs up mid-request, does not hurt either.
  {
    Connection silent;
    ASSERT_TRUE(silent.open(port()));
    Connection partial;
    ASSERT_TRUE(partial.open(port()));
    partial.send("POST /api/v1/statuses HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nsta",
                 Clock::now() + 5s);
  }
  expect_still_serving();
}

// The transparency download names its file after the period asked for. The period reader once
// let whitespace through ("%0D%0A12" was the year 12) and the CR LF reached Content-Disposition;
// now it reads digits only, and header_value() (tests/http/message_test.cc) refuses a CR or LF
// in any header the server sends. No request data ends a header line.
TEST_F(BadInputApiIntegration, RequestDataCannotSplitAResponseHeader) {
  for (const std::string target : {"/transparency.json?period=%0D%0A12",
                                   "/transparency.csv?period=%0D%0A%0D%0A12-01..12-02"}) {
    auto r = send_raw(port(), "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_TRUE(starts_with(expect_error(r, 400), "--period: ")) << target;
    EXPECT_FALSE(r.has_header("content-disposition")) << target;
  }
  expect_still_serving();
}

TEST_F(BadInputApiIntegration, KeepAliveAndPipelining) {
  Connection c;
  ASSERT_TRUE(c.open(port()));
  const auto deadline = Clock::now() + 10s;
  HttpRequest a;
  a.target = "/api/v1/instance";
  a.close = false;
  HttpRequest missing;
  missing.target = "/api/v1/missing";
  missing.close = false;
  ASSERT_TRUE(c.send(a.serialize(), deadline));
  auto r1 = c.read_response(deadline);
  EXPECT_EQ(r1.status, 200) << r1;
  ASSERT_TRUE(c.send(missing.serialize(), deadline));
  expect_error(c.read_response(deadline), 404);
  // Two requests in one write: two responses, in order.
  ASSERT_TRUE(c.send(missing.serialize() + a.serialize(), deadline));
  expect_error(c.read_response(deadline), 404);
  auto r4 = c.read_response(deadline);
  EXPECT_EQ(r4.status, 200) << r4;
  EXPECT_EQ(r4.body, r1.body);
  // A bad request on a kept-alive connection ends it after the error.
  ASSERT_TRUE(c.send("BROKEN\r\n\r\n", deadline));
  expect_error(c.read_response(deadline), 400);
  EXPECT_TRUE(c.wait_closed(deadline));
}

TEST_F(BadInputApiIntegration, Http10AndForwardedHost) {
  auto u = new_user("h10");
  api().post_id(u, "one");
  api().post_id(u, "two");
  // HTTP/1.0 without a Host header: answered, then closed; links fall back to localhost.
  Connection c;
  ASSERT_TRUE(c.open(port()));
  const auto deadline = Clock::now() + 10s;
  ASSERT_TRUE(c.send("GET /api/v1/timelines/home?limit=1 HTTP/1.0\r\nAuthorization: Bearer " +
                         u.token + "\r\n\r\n",
                     deadline));
  auto r = c.read_response(deadline);
  EXPECT_EQ(r.status, 200) << r;
  EXPECT_TRUE(starts_with(r.header("link"), "<http://localhost/api/v1/timelines/home?max_id="))
      << r.header("link");
  EXPECT_TRUE(c.wait_closed(deadline)) << "HTTP/1.0 without keep-alive must close";
  // Behind a proxy that names the public host.
  HttpRequest req;
  req.target = "/api/v1/timelines/home?limit=1";
  req.token = u.token;
  req.headers = {{"X-Forwarded-Host", "public.example"}, {"X-Forwarded-Proto", "https"}};
  r = api().request(req);
  EXPECT_TRUE(
      starts_with(r.header("link"), "<https://public.example/api/v1/timelines/home?max_id="))
      << r.header("link");
}

TEST_F(BadInputApiIntegration, NulAndControlCharactersRoundTrip) {
  auto u = new_user("nul");
  auto r = raw_body("POST", "/api/v1/statuses", "application/json",
                    "{\"status\":\"before\\u0000after \\u0007 bell\"}", u.token);
  ASSERT_TRUE(r.status == 200 || r.status == 422) << r;
  if (r.status != 200) return;
  const std::string text("before\0after \a bell", 19);
  auto created = r.json();
  auto fetched = api().status(str(created, "id"));
  EXPECT_EQ(str(fetched, "content"), str(created, "content"));
  auto source =
      Api::ok_json(api().get("/api/v1/statuses/" + str(created, "id") + "/source", u.token));
  EXPECT_EQ(str(source, "text"), text);
  auto deleted = Api::ok_json(api().del("/api/v1/statuses/" + str(created, "id"), u.token));
  EXPECT_EQ(str(deleted, "text"), text);
}

TEST_F(BadInputApiIntegration, ExpectContinueAndChunkedBodies) {
  auto u = new_user("cont");
  const std::string body = form({{"status", "sent after 100 Continue"}});
  Connection c;
  ASSERT_TRUE(c.open(port()));
  auto deadline = Clock::now() + 10s;
  ASSERT_TRUE(c.send("POST /api/v1/statuses HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                         u.token +
                         "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n\r\n",
                     deadline));
  // The client holds the body back until the server says go (curl gives up after a second).
  auto interim = c.read_response(Clock::now() + 3s);
  EXPECT_EQ(interim.status, 100) << interim;
  ASSERT_TRUE(c.send(body, deadline));
  auto final_response = c.read_response(deadline);
  EXPECT_EQ(final_response.status, 200) << final_response;
  EXPECT_EQ(str(final_response.json(), "content"), "<p>sent after 100 Continue</p>");
  // An oversized body is refused at once instead.
  Connection big;
  ASSERT_TRUE(big.open(port()));
  deadline = Clock::now() + 10s;
  ASSERT_TRUE(
      big.send("POST /api/v1/statuses HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999\r\n"
               "Expect: 100-continue\r\n\r\n",
               deadline));
  expect_error(big.read_response(deadline), 413);
  // Chunked request bodies are read like any other.
  auto chunked = send_raw(
      port(), "POST /api/v1/statuses HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                  u.token +
                  "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                  "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                  "7\r\nstatus=\r\n6\r\nchunky\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.status, 200) << chunked;
  EXPECT_EQ(str(chunked.json(), "content"), "<p>chunky</p>");
}

TEST_F(BadInputApiIntegration, UnknownRoutesAre404Json) {
  for (const char* path :
       {"/api/v1/nope", "/api/v1/unknown/deeper", "/api/v3/instance", "/api/v1/statuses/1/explode",
        "/api/v1/accounts/1/statuses/extra", "/.env", "/api/v1/timelines"}) {
    EXPECT_EQ(expect_error(api().get(path), 404), "Record not found") << path;
  }
}

TEST_F(BadInputApiIntegration, WrongMethodsAre405Json) {
  struct Case {
    const char* method;
    const char* path;
  };
  for (const Case& c :
       {Case{"DELETE", "/api/v1/timelines/home"}, Case{"PUT", "/api/v1/apps"},
        Case{"GET", "/oauth/token"}, Case{"POST", "/api/v1/instance"},
        Case{"PATCH", "/api/v1/statuses/1"}, Case{"GET", "/api/v1/statuses/1/favourite"},
        Case{"POST", "/api/v1/accounts/verify_credentials"}}) {
    HttpRequest r;
    r.method = c.method;
    r.target = c.path;
    EXPECT_EQ(expect_error(api().request(r), 405), "Method not allowed")
        << c.method << " " << c.path;
  }
}

TEST_F(BadInputApiIntegration, MissingOrInvalidTokensAre401) {
  auto u = new_user("badt");
  const std::string post = api().post_id(u, "target");
  struct Case {
    const char* method;
    std::string path;
  };
  const std::vector<Case> protected_endpoints = {
      {"GET", "/api/v1/accounts/verify_credentials"},
      {"PATCH", "/api/v1/accounts/update_credentials"},
      {"GET", "/api/v1/accounts/relationships?id[]=" + u.id},
      {"GET", "/api/v1/accounts/search?q=a"},
      {"POST", "/api/v1/accounts/" + u.id + "/follow"},
      {"POST", "/api/v1/accounts/" + u.id + "/block"},
      {"POST", "/api/v1/accounts/" + u.id + "/mute"},
      {"GET", "/api/v1/follow_requests"},
      {"GET", "/api/v1/blocks"},
      {"GET", "/api/v1/mutes"},
      {"POST", "/api/v1/statuses"},
      {"PUT", "/api/v1/statuses/" + post},
      {"DELETE", "/api/v1/statuses/" + post},
      {"GET", "/api/v1/statuses/" + post + "/source"},
      {"POST", "/api/v1/statuses/" + post + "/favourite"},
      {"POST", "/api/v1/statuses/" + post + "/reblog"},
      {"POST", "/api/v1/statuses/" + post + "/bookmark"},
      {"POST", "/api/v1/statuses/" + post + "/pin"},
      {"GET", "/api/v1/timelines/home"},
      {"GET", "/api/v1/favourites"},
      {"GET", "/api/v1/bookmarks"},
      {"GET", "/api/v1/notifications"},
      {"POST", "/api/v1/notifications/clear"},
      {"GET", "/api/v1/markers"},
      {"POST", "/api/v1/markers"},
      {"GET", "/api/v1/preferences"},
      {"GET", "/api/v1/apps/verify_credentials"},
      {"POST", "/api/v1/accounts"},
  };
  for (const auto& c : protected_endpoints) {
    for (const std::string& auth : {std::string(""), std::string("Bearer not-a-real-token"),
                                    std::string("Basic dXNlcjpwYXNz"), std::string("Bearer "),
                                    std::string("Bearer"), "Token " + u.token}) {
      HttpRequest r;
      r.method = c.method;
      r.target = c.path;
      if (!auth.empty()) r.headers = {{"Authorization", auth}};
      auto text = expect_error(api().request(r), 401);
      EXPECT_FALSE(text.empty()) << c.method << " " << c.path << " with '" << auth << "'";
    }
  }
  // An invalid token is refused even where no token is needed.
  expect_error(api().get("/api/v1/timelines/public", "expired"), 401);
  expect_error(api().get("/api/v1/statuses/" + post, "expired"), 401);
  // The scheme is case-insensitive and extra spaces are tolerated.
  HttpRequest r;
  r.target = "/api/v1/accounts/verify_credentials";
  r.headers = {{"Authorization", "bearer   " + u.token}};
  EXPECT_EQ(str(Api::ok_json(api().request(r)), "id"), u.id);
}

TEST_F(BadInputApiIntegration, AppTokensOnUserEndpointsAre422) {
  auto u = new_user("bada");
  const std::string post = api().post_id(u, "target");
  auto check = [&](const HttpResponse& r, const std::string& what) {
    EXPECT_EQ(expect_error(r, 422), "This method requires an authenticated user") << what;
  };
  check(api().get("/api/v1/accounts/verify_credentials", app_token_), "verify_credentials");
  check(api().get("/api/v1/timelines/home", app_token_), "home");
  check(api().get("/api/v1/notifications", app_token_), "notifications");
  check(api().post_form("/api/v1/statuses", form({{"status", "x"}}), app_token_), "post status");
  check(api().post("/api/v1/statuses/" + post + "/favourite", app_token_), "favourite");
  check(api().post("/api/v1/accounts/" + u.id + "/follow", app_token_), "follow");
  check(api().get("/api/v1/bookmarks", app_token_), "bookmarks");
  check(api().get("/api/v1/markers", app_token_), "markers");
  // Public reads work with an app token.
  EXPECT_EQ(api().get("/api/v1/timelines/public", app_token_).status, 200);
  EXPECT_EQ(str(api().status(post, app_token_), "id"), post);
}

TEST_F(BadInputApiIntegration, TokensWithoutTheScopeAre403) {
  auto u = new_user("bads");
  auto other = new_user("bads");
  const std::string post = api().post_id(other, "target");
  const std::string read_only = api().password_token(app_, u, "read");
  const std::string write_statuses = api().password_token(app_, u, "write:statuses");
  const std::string follow_only = api().password_token(app_, u, "follow");

  auto text =
      expect_error(api().post_form("/api/v1/statuses", form({{"status", "nope"}}), read_only), 403);
  EXPECT_EQ(text, "This action is outside the authorized scopes");
  expect_error(api().post("/api/v1/statuses/" + post + "/favourite", read_only), 403);
  expect_error(api().post("/api/v1/accounts/" + other.id + "/follow", read_only), 403);
  expect_error(api().send_form("PATCH", "/api/v1/accounts/update_credentials",
                               form({{"note", "x"}}), read_only),
               403);
  expect_error(api().get("/api/v1/timelines/home", write_statuses), 403);
  expect_error(api().get("/api/v1/notifications", write_statuses), 403);
  expect_error(api().post("/api/v1/statuses/" + post + "/favourite", write_statuses), 403);
  // write:statuses is enough to post; read is enough to read.
  EXPECT_EQ(
      api().post_form("/api/v1/statuses", form({{"status", "scoped"}}), write_statuses).status,
      200);
  EXPECT_EQ(api().get("/api/v1/timelines/home", read_only).status, 200);
  // "follow" covers follows, blocks and mutes but not posting.
  EXPECT_TRUE(
      boolean(Api::ok_json(api().post("/api/v1/accounts/" + other.id + "/follow", follow_only)),
              "following"));
  EXPECT_TRUE(boolean(
      Api::ok_json(api().post("/api/v1/accounts/" + other.id + "/mute", follow_only)), "muting"));
  expect_error(api().post_form("/api/v1/statuses", form({{"status", "nope"}}), follow_only), 403);
  EXPECT_EQ(num(api().account(u.id), "statuses_count"), 1);
}

TEST_F(BadInputApiIntegration, BadIdsAndBooleans) {
  auto u = new_user("badi");
  for (const std::string id : {"abc", "-1", "1e5", "0x10", "99999999999999999999999", "%31"}) {
    expect_error(api().get("/api/v1/statuses/" + id), 404);
    expect_error(api().post("/api/v1/statuses/" + id + "/favourite", u.token), 404);
    expect_error(api().get("/api/v1/accounts/" + id), 404);
    expect_error(api().post("/api/v1/accounts/" + id + "/follow", u.token), 404);
    expect_error(api().get("/api/v1/notifications/" + id, u.token), 404);
  }
  expect_error(api().post_form("/api/v1/accounts/" + u.id + "/follow",
                               form({{"reblogs", "sometimes"}}), u.token),
               400);
  expect_error(api().post_form("/api/v1/accounts/" + u.id + "/mute", form({{"notifications", "2"}}),
                               u.token),
               400);
  expect_error(api().post_form("/api/v1/markers", form({{"home[last_read_id]", "-3"}}), u.token),
               422);
}

}  // namespace
}  // namespace publius::integration
