// A real HTTP server (http::Server) on 127.0.0.1 inside the test process, answering
// with a handler the test gives: the other end for code that makes outgoing requests
// (the federation fetcher, a remote ActivityPub server). Serves on its own thread
// from construction until destruction; the handler runs on the server's threads.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "http/server.h"

namespace publius::testing {

class LocalHttpServer {
 public:
  explicit LocalHttpServer(http::Server::App app) : server_(options(), std::move(app)) {
    if (auto s = server_.bind(); !s.ok()) ADD_FAILURE() << s.error().message;
    thread_ = std::thread([this] { server_.run(); });
  }
  ~LocalHttpServer() {
    server_.stop();
    thread_.join();
  }
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  int port() const { return server_.port(); }
  // http://127.0.0.1:PORT followed by `path`.
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port()) + path;
  }

 private:
  static http::ServerOptions options() {
    http::ServerOptions o;
    o.listen = "127.0.0.1:0";
    o.threads = 2;
    o.write_threads = 2;
    o.handle_signals = false;
    o.access_log = false;
    return o;
  }

  http::Server server_;
  std::thread thread_;
};

}  // namespace publius::testing
