// Server: the HTTP/1.1 front end (Boost.Beast on Asio with C++20 coroutines).
// A listener accepts connections on TCP or a Unix socket; each connection is a
// session coroutine that reads requests under size limits, hands each to the
// application handler and writes the response, with keep-alive.
//
// run() blocks until stop() (or SIGTERM/SIGINT when handle_signals is set):
// then the listener closes, in-flight requests finish (up to drain_timeout),
// idle connections close, and run() returns.
//
// Shield rule: the client address never leaves this file. Sessions turn it into
// Request::client_key (keyed BLAKE2b under an in-memory key rotated daily) and
// the access log names only route template, status and latency.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "http/message.h"
#include "util/result.h"

namespace publius::http {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // "host:port", "[v6]:port" or "unix:/path"
  int threads = 4;
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 16 * 1024 * 1024;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds drain_timeout{10};
  bool handle_signals = true;
  bool access_log = true;
};

class Server {
 public:
  using App = std::function<Response(Request&)>;
  Server(ServerOptions options, App app);
  ~Server();

  // Binds the listening socket; errors name the address and the reason.
  Status bind();
  // The bound TCP port (useful with port 0), or 0 for a Unix socket.
  int port() const;
  // Serves until stopped; call bind() first.
  void run();
  // Thread-safe; begins the graceful drain.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace publius::http
