// Server: the HTTP/1.1 front end (Boost.Beast on Asio with C++20 coroutines).
// A listener accepts connections on TCP or a Unix socket; each connection is a
// session coroutine that reads requests through http::RequestReader (size limits,
// framing by RFC 9112), hands each to the application handler and writes the
// response, with keep-alive.
//
// Connections are bounded in number and in time. Beyond max_connections, a new
// connection is accepted and closed at once (the client sees it end unanswered
// and may retry), which keeps file descriptors for the connections being served.
// When accepting fails (no file descriptors left: EMFILE, ENFILE), the listener
// pauses for a moment instead of retrying at once, and logs once per episode.
// A connection waits at most idle_timeout for a request's first byte; from
// there its header must be complete within header_timeout (a header dribbled in
// byte by byte is cut off); its body gets transfer_timeout plus one second for
// every min_transfer_rate bytes received (so a slow body must keep that average
// rate), and a response transfer_timeout plus one second for every
// min_transfer_rate bytes it holds. A client that overstays is disconnected
// unanswered.
//
// A response that opens a stream (http/stream.h: WebSocket or server-sent
// events) keeps its connection as that stream; it still counts against
// max_connections.
//
// run() blocks until stop() (or SIGTERM/SIGINT when handle_signals is set):
// then the listener closes, open streams are closed, in-flight requests finish
// (up to drain_timeout), idle connections close, and run() returns.
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
#include "http/request_metrics.h"
#include "http/request_reader.h"
#include "util/result.h"

namespace publius::http {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // "host:port", "[v6]:port" or "unix:/path"
  // Threads serving connections and running the requests that only read: as many as
  // there are cores (more only switch among themselves).
  int threads = 4;
  // Threads running the requests that may write (every method but GET, HEAD and
  // OPTIONS). A write waits for its durable commit; the store commits the writes
  // waiting together with one fsync, so more of them waiting at once share more.
  // They wait here rather than holding a thread that serves connections.
  int write_threads = 16;
  RequestLimits limits;
  int max_connections = 512;
  std::chrono::milliseconds idle_timeout{20'000};
  std::chrono::milliseconds header_timeout{30'000};
  std::chrono::milliseconds transfer_timeout{30'000};
  size_t min_transfer_rate = 500;  // bytes per second; Apache's mod_reqtimeout default
  std::chrono::seconds drain_timeout{10};
  bool handle_signals = true;
  bool access_log = true;
  // Open streams (http/stream.h): the bytes of messages one may hold queued for a
  // slow client before it is dropped, the longest message a client may send, how
  // long a WebSocket may stay silent (it is pinged at half of this) and how often
  // an event stream sends a heartbeat.
  size_t stream_queue_bytes = 1024 * 1024;
  size_t max_stream_message_bytes = 4096;
  std::chrono::milliseconds stream_idle_timeout{60'000};
  std::chrono::milliseconds event_stream_heartbeat{15'000};
  // Counts and times every answered request when set (not owned; must outlive the server).
  RequestMetrics* request_metrics = nullptr;
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
