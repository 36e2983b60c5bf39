// Two (or more) Publius servers federating over loopback (--federation-loopback-testing),
// each at its own http://127.0.0.1:PORT: the pieces the federation_*instances tests share.
// Test-only; not thread-safe.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "integration/server_harness.h"

namespace publius::integration {

// A loopback port nothing listens on now, for a server that must know its URL before
// it binds.
inline int unused_port() {
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
inline json::value until(const std::function<json::value()>& read,
                         const std::function<bool(const json::value&)>& done) {
  const auto deadline = Clock::now() + 20s;
  json::value v = read();
  while (!done(v) && Clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
    v = read();
  }
  return v;
}

// `follower` on `from` finds `followed` on `to` by WebFinger and follows it, waiting until
// `to` has accepted. The id of `followed`'s account on `from`; empty (with a test failure
// added) when any step fails. `followed` must not be locked.
inline std::string follow_across(Instance& from, const User& follower, const Instance& to,
                                 const User& followed) {
  const std::string acct = followed.username + "@" + to.host;
  const std::string id =
      str(Api::ok_json(from.api->get("/api/v1/accounts/lookup?acct=" + enc(acct), follower.token)),
          "id");
  EXPECT_FALSE(id.empty()) << acct;
  if (id.empty()) return {};
  Api::ok_json(from.api->post("/api/v1/accounts/" + id + "/follow", follower.token));
  auto relationship = until(
      [&] {
        return Api::ok_json(
            from.api->get("/api/v1/accounts/relationships?id[]=" + id, follower.token));
      },
      [](const json::value& v) { return boolean(v.as_array().at(0), "following"); });
  const bool following = boolean(relationship.as_array().at(0), "following");
  EXPECT_TRUE(following) << relationship;
  return following ? id : std::string();
}

}  // namespace publius::integration
