// Two Publius servers federating over loopback (--federation-loopback-testing), each at
// its own http://127.0.0.1:PORT: an account on B finds one on A by WebFinger and follows
// it; A's post with a hashtag and a mention of B's account reaches B's home timeline as
// A's (acct user@host, its own uri, its HTML as A rendered it, sanitized), B's account
// hears of the mention, the post streams on public:remote (not public:local), and A's
// deletion takes it away on B.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "integration/server_harness.h"

namespace publius::integration {
namespace {

// A loopback port nothing listens on now, for a server that must know its URL before
// it binds.
int unused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

// One of the two servers, named 127.0.0.1:PORT, with an app token to register users.
struct Instance {
  ServerProcess server;
  std::string data_dir = make_temp_dir();
  std::string host;
  std::unique_ptr<Api> api;
  std::string app_token;

  bool start() {
    const int port = unused_port();
    host = "127.0.0.1:" + std::to_string(port);
    server.listen = host;
    server.domain = host;
    server.public_url = "http://" + host;
    if (port == 0 || !server.start(data_dir, {"--federation-loopback-testing"})) return false;
    api = std::make_unique<Api>(server.port());
    app_token =
        api->app_token(api->create_app("read write follow push", "urn:ietf:wg:oauth:2.0:oob"));
    return true;
  }
  ~Instance() {
    server.stop(5s);
    std::error_code ec;
    std::filesystem::remove_all(data_dir, ec);
  }
};

// A server-sent event stream of the streaming API, read for its `update` events.
struct Updates {
  Connection connection;
  bool open(int port, const std::string& path, const std::string& token) {
    const auto deadline = Clock::now() + 10s;
    return connection.open(port) &&
           connection.send("GET " + path +
                               " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
                               "\r\n\r\n",
                           deadline) &&
           contains(connection.read_until("\r\n\r\n", deadline), " 200 ");
  }
  // The id of the status the next update carries; empty when none comes in 10 s.
  std::string next_id() {
    const auto deadline = Clock::now() + 10s;
    if (connection.read_until("event: update\ndata: ", deadline).empty()) return {};
    const std::string data = connection.read_until("\n", deadline);
    return data.empty() ? std::string() : str(json::parse(data), "id");
  }
};

// Asks `read` until `done` holds of its answer or 20 s pass; the last answer.
json::value until(const std::function<json::value()>& read,
                  const std::function<bool(const json::value&)>& done) {
  const auto deadline = Clock::now() + 20s;
  json::value v = read();
  while (!done(v) && Clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
    v = read();
  }
  return v;
}

TEST(FederationInstances, FollowedAccountsPostsReachTheOtherServerAndLeaveWithTheirDeletion) {
  Instance a, b;
  ASSERT_TRUE(a.start());
  ASSERT_TRUE(b.start());
  auto alice = a.api->register_user(a.app_token, "alice");
  auto bob = b.api->register_user(b.app_token, "bob");
  const std::string alice_acct = alice.username + "@" + a.host;

  // Bob finds alice by WebFinger and follows her; A accepts at once.
  const std::string alice_on_b = str(
      Api::ok_json(b.api->get("/api/v1/accounts/lookup?acct=" + enc(alice_acct), bob.token)), "id");
  ASSERT_FALSE(alice_on_b.empty());
  Api::ok_json(b.api->post("/api/v1/accounts/" + alice_on_b + "/follow", bob.token));
  auto relationship = until(
      [&] {
        return Api::ok_json(
            b.api->get("/api/v1/accounts/relationships?id[]=" + alice_on_b, bob.token));
      },
      [](const json::value& v) { return boolean(v.as_array().at(0), "following"); });
  ASSERT_TRUE(boolean(relationship.as_array().at(0), "following")) << relationship;

  // Bob's server streams remote posts on public:remote only.
  Updates remote_updates, local_updates;
  ASSERT_TRUE(remote_updates.open(b.server.port(), "/api/v1/streaming/public/remote", bob.token));
  ASSERT_TRUE(local_updates.open(b.server.port(), "/api/v1/streaming/public/local", bob.token));

  // Alice posts, mentioning bob (whom A knows from his Follow) with a hashtag.
  const std::string post_id =
      a.api->post_id(alice, "Hello @" + bob.username + "@" + b.host + " <b>not bold</b> #fedtest");
  // On A the mention is of bob's account there, shown as Mastodon shows a remote one.
  auto on_a = Api::ok_json(a.api->get("/api/v1/statuses/" + post_id, alice.token));
  EXPECT_EQ(str(on_a, "mentions.0.acct"), bob.username + "@" + b.host);
  EXPECT_EQ(str(on_a, "mentions.0.username"), bob.username);
  const auto home = [&] { return Api::ok_json(b.api->get("/api/v1/timelines/home", bob.token)); };
  auto timeline = until(home, [](const json::value& v) { return !arr(v).empty(); });
  ASSERT_EQ(arr(timeline).size(), 1u) << timeline;
  EXPECT_EQ(str(timeline, "0.account.acct"), alice_acct);
  EXPECT_EQ(str(timeline, "0.uri"),
            "http://" + a.host + "/users/" + alice.username + "/statuses/" + post_id);
  const std::string content = str(timeline, "0.content");
  EXPECT_TRUE(contains(content, "&lt;b&gt;not bold&lt;/b&gt;")) << content;
  EXPECT_TRUE(contains(content, "rel=\"nofollow noopener\" target=\"_blank\"")) << content;
  EXPECT_EQ(str(timeline, "0.tags.0.name"), "fedtest");
  EXPECT_EQ(str(timeline, "0.mentions.0.id"), bob.id);
  const std::string on_b = str(timeline, "0.id");
  EXPECT_EQ(remote_updates.next_id(), on_b);
  const std::string local_post = b.api->post_id(bob, "a local one");
  EXPECT_EQ(local_updates.next_id(), local_post) << "public:local skips the remote post";
  auto mentions = Api::ok_json(b.api->get("/api/v1/notifications?types[]=mention", bob.token));
  ASSERT_EQ(arr(mentions).size(), 1u) << mentions;
  EXPECT_EQ(str(mentions, "0.account.acct"), alice_acct);
  EXPECT_EQ(str(mentions, "0.status.id"), on_b);

  // Alice deletes it: gone on B.
  ASSERT_EQ(a.api->del("/api/v1/statuses/" + post_id, alice.token).status, 200);
  timeline = until(home, [&](const json::value& v) { return !has_id(v, on_b); });
  EXPECT_FALSE(has_id(timeline, on_b)) << timeline;
  EXPECT_EQ(b.api->get("/api/v1/statuses/" + on_b, bob.token).status, 404);
}

}  // namespace
}  // namespace publius::integration
