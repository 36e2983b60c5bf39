#include "http/server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast.hpp>
#include <boost/beast/websocket.hpp>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "util/crypto.h"

namespace publius::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
using namespace asio::experimental::awaitable_operators;
using tcp = asio::ip::tcp;
using unix_socket = asio::local::stream_protocol;

namespace {

// The key that turns client addresses into rate-limit keys. Memory only;
// replaced every 24 hours so even the in-memory keys stop linking days.
class ClientKeyer {
 public:
  std::string key_for(std::string_view address) {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    if (key_.empty() || now - created_ > std::chrono::hours(24)) {
      key_ = random_token(32);
      created_ = now;
    }
    return to_hex(keyed_hash(key_, address));
  }

 private:
  std::mutex mu_;
  std::string key_;
  std::chrono::steady_clock::time_point created_;
};

bool parse_listen(const std::string& listen, std::string& host, std::string& port) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = listen.substr(0, colon);
  port = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return !port.empty();
}

// Counts one thing (an open connection, a request in flight) for as long as it lives.
class Counted {
 public:
  explicit Counted(std::atomic<int>& count) : count_(&count) { ++*count_; }
  Counted(Counted&& other) noexcept : count_(std::exchange(other.count_, nullptr)) {}
  Counted& operator=(Counted&&) = delete;
  ~Counted() {
    if (count_) --*count_;
  }

 private:
  std::atomic<int>* count_;
};

std::string client_address(tcp::socket& socket) {
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  return socket.remote_endpoint(ec).address().to_string();
}

// Onion-service deployments connect over a Unix socket: there is no client address at all.
std::string client_address(unix_socket::socket&) { return "unix"; }

// How long the listener waits before accepting again after accept failed.
constexpr auto kAcceptPause = std::chrono::milliseconds(100);
// How long a stopping server waits for clients to answer their streams' close.
constexpr auto kStreamCloseGrace = std::chrono::seconds(1);
// The most a connection reads at once: a request's body, and before it its header.
constexpr size_t kReadChunkBytes = 64 * 1024;
constexpr size_t kHeaderReadBytes = 4 * 1024;

// One open stream's queue: what the application sends (from any thread) waits here for the
// connection's writer, which runs on the stream's strand.
class QueuedSink final : public StreamSink, public std::enable_shared_from_this<QueuedSink> {
 public:
  QueuedSink(const asio::any_io_executor& strand, size_t max_bytes)
      : strand_(strand), max_bytes_(max_bytes) {}

  using StreamSink::send;
  bool send(StreamMessage message) override {
    bool queued = false;
    {
      std::lock_guard lock(mu_);
      if (ended_ || closing_) return false;
      if (queued_bytes_ + message->size() > max_bytes_) {
        // Too slow to keep up: dropped now, even if a write to it is under way.
        ended_ = dropped_ = true;
      } else {
        queued_bytes_ += message->size();
        queue_.push_back(std::move(message));
        queued = true;
      }
      wake_writer();
    }
    return queued;
  }

  void close(int code, std::string reason) override {
    {
      std::lock_guard lock(mu_);
      if (ended_ || closing_) return;
      closing_ = true;
      close_code_ = code;
      close_reason_ = std::move(reason);
      wake_writer();
    }
  }

  // What the writer is to do next, taken on the strand.
  struct Work {
    std::vector<StreamMessage> messages;
    bool closing = false;  // close after the messages
    bool ended = false;    // stop at once: the reader ended, or the client was dropped
    int close_code = 1000;
    std::string close_reason;
  };
  Work take() {
    std::lock_guard lock(mu_);
    Work work;
    work.ended = ended_;
    if (!ended_) work.messages.swap(queue_);
    queued_bytes_ = 0;
    work.closing = closing_;
    work.close_code = close_code_;
    work.close_reason = close_reason_;
    return work;
  }
  // The stream has ended (the client left, or a write failed): sends fail from now on, and
  // the writer, if waiting, stops.
  void end() {
    std::lock_guard lock(mu_);
    if (ended_) return;
    ended_ = true;
    wake_writer();
  }
  // The same, once the stream's coroutine ends: nothing is left to wake, and the sink lets go
  // of the strand, which must not outlive the io_context the application's copy of the sink
  // may outlive.
  void finish() {
    std::lock_guard lock(mu_);
    ended_ = true;
    strand_.reset();
  }
  // What cuts the connection when the client is dropped while a write to it waits; set and
  // cleared on the strand, by the coroutine that owns the connection.
  void set_abort(std::function<void()> abort) { abort_ = std::move(abort); }
  // The writer's wait for more work, which every send() and close() cancels; owned by the
  // coroutine that serves the stream, set and cleared (nullptr) by it on the strand.
  void set_wake(asio::steady_timer* wake) { wake_ = wake; }

 private:
  // With mu_ held and the stream not ended: its coroutine, and so the strand and the
  // io_context under it, still run.
  void wake_writer() {
    if (!strand_) return;
    asio::post(*strand_, [self = shared_from_this()] {
      if (self->wake_) self->wake_->cancel();
      bool dropped;
      {
        std::lock_guard lock(self->mu_);
        dropped = self->dropped_;
      }
      if (dropped && self->abort_) std::exchange(self->abort_, nullptr)();
    });
  }

  std::optional<asio::any_io_executor> strand_;  // guarded by mu_; none once finished
  asio::steady_timer* wake_ = nullptr;           // touched on the strand only
  std::function<void()> abort_;                  // touched on the strand only
  const size_t max_bytes_;
  std::mutex mu_;
  std::vector<StreamMessage> queue_;
  size_t queued_bytes_ = 0;
  bool closing_ = false, ended_ = false, dropped_ = false;
  int close_code_ = 1000;
  std::string close_reason_;
};

// The request as Beast's WebSocket handshake reads it.
bhttp::request<bhttp::empty_body> upgrade_message(const Request& req) {
  bhttp::request<bhttp::empty_body> message{
      bhttp::verb::get, req.path + (req.query.empty() ? "" : "?" + req.query), 11};
  for (const auto& [name, value] : req.headers) message.insert(name, value);
  return message;
}

// Ends the stream on the sink's side: sends fail from now on, and nothing may cut the
// connection any more. On the stream's strand.
void end_stream(const std::shared_ptr<QueuedSink>& sink) {
  sink->set_abort(nullptr);
  sink->end();
}

// Tells the application a stream ended, exactly once, however its coroutine ends: also
// when a stopped server destroys it unfinished.
class EndsStream {
 public:
  EndsStream(StreamHandler& handler, std::shared_ptr<QueuedSink> sink)
      : handler_(handler), sink_(std::move(sink)) {}
  EndsStream(const EndsStream&) = delete;
  EndsStream& operator=(const EndsStream&) = delete;
  ~EndsStream() {
    sink_->set_abort(nullptr);
    sink_->set_wake(nullptr);
    sink_->finish();
    handler_.on_close();
  }

 private:
  StreamHandler& handler_;
  std::shared_ptr<QueuedSink> sink_;
};

}  // namespace

struct Server::Impl {
  using Clock = std::chrono::steady_clock;

  ServerOptions options;
  App app;
  // Before ioc: sessions still in ioc when it is destroyed give back their counts.
  std::atomic<int> active_requests{0};
  std::atomic<int> open_connections{0};
  std::atomic<int> open_streams{0};
  // Every open stream's sink, to close them all when the server stops.
  std::mutex streams_mu;
  std::vector<std::weak_ptr<QueuedSink>> streams;
  asio::io_context ioc;
  asio::thread_pool write_pool{static_cast<size_t>(std::max(1, options.write_threads))};
  std::optional<tcp::acceptor> tcp_acceptor;
  std::optional<unix_socket::acceptor> unix_acceptor;
  asio::signal_set signals{ioc};
  std::atomic<bool> stopping{false};
  Clock::time_point stop_requested;  // set once, by begin_stop()
  ClientKeyer keyer;

  Impl(ServerOptions o, App a) : options(std::move(o)), app(std::move(a)) {}

  bhttp::response<bhttp::string_body> to_message(Response&& r, unsigned version, bool keep_alive) {
    if (!r.headers_pass()) {
      // A handler appended a header past with_header(); the value is not sent.
      spdlog::warn("route {} built a header value that cannot be sent; answered 400", r.route);
      r = Response::header_refused();
    }
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
    res.set(bhttp::field::server, "Publius");
    res.set(bhttp::field::content_type, r.content_type);
    // insert, not set: a header may repeat (one Set-Cookie per cookie).
    for (auto& [k, v] : r.headers) res.insert(k, v);
    res.body() = std::move(r.body);
    res.keep_alive(keep_alive && !stopping.load());
    res.prepare_payload();
    return res;
  }

  // Writes `res` within transfer_timeout plus the time its size takes at min_transfer_rate.
  template <typename Stream>
  asio::awaitable<beast::error_code> write(Stream& stream,
                                           bhttp::response<bhttp::string_body>& res) {
    stream.expires_after(transfer_allowance(res.body().size()));
    beast::error_code ec;
    co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    co_return ec;
  }

  std::chrono::milliseconds transfer_allowance(size_t bytes) const {
    const auto rate = std::max<size_t>(options.min_transfer_rate, 1);
    return options.transfer_timeout + std::chrono::milliseconds(bytes * 1000 / rate);
  }

  // Reads one request into `reader` from `pending` (bytes received and not consumed yet, kept
  // for the next request) and the stream, under the connection's deadlines. Returns false when
  // the connection is to close unanswered: the client left or overstayed a deadline.
  template <typename Stream>
  asio::awaitable<bool> read_request(Stream& stream, beast::flat_buffer& pending,
                                     RequestReader& reader, std::optional<Counted>& in_flight) {
    Clock::time_point header_deadline{}, body_started{};
    size_t body_bytes = 0;
    for (;;) {
      if (pending.size() > 0 && header_deadline == Clock::time_point{})
        header_deadline = Clock::now() + options.header_timeout;
      while (pending.size() > 0 && !reader.done() && !reader.failed()) {
        const bool had_header = reader.header_done();
        const size_t used = reader.feed(
            std::string_view(static_cast<const char*>(pending.data().data()), pending.size()));
        pending.consume(used);
        if (had_header) body_bytes += used;
        if (!had_header && reader.header_done()) {
          // From its header on, a request is in flight: a draining server waits for its body too.
          in_flight.emplace(active_requests);
          body_started = Clock::now();
          // A client that sent "Expect: 100-continue" waits for this before sending the body
          // (RFC 9110 10.1.1); without it, curl-based clients stall for a second on every post.
          if (reader.expects_continue()) {
            bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, 11};
            stream.expires_after(options.transfer_timeout);
            beast::error_code ec;
            co_await bhttp::async_write(stream, go_on,
                                        asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return false;
          }
        } else if (used == 0) {
          break;
        }
      }
      if (reader.done() || reader.failed()) co_return true;
      if (header_deadline == Clock::time_point{}) {
        stream.expires_after(options.idle_timeout);
      } else if (!reader.header_done()) {
        stream.expires_at(header_deadline);
      } else {
        stream.expires_at(body_started + transfer_allowance(body_bytes));
      }
      beast::error_code ec;
      // Small reads until a body comes: most requests are a few hundred bytes, and an idle
      // connection (or a stream's) then holds no large buffer.
      const size_t chunk = reader.header_done() ? kReadChunkBytes : kHeaderReadBytes;
      const size_t n = co_await stream.async_read_some(
          pending.prepare(chunk), asio::redirect_error(asio::use_awaitable, ec));
      pending.commit(n);
      if (ec) co_return false;
    }
  }

  template <typename Stream>
  asio::awaitable<void> session(Stream stream, std::string address,
                                [[maybe_unused]] Counted connection) {
    beast::flat_buffer pending;
    for (;;) {
      RequestReader reader(options.limits);
      std::optional<Counted> in_flight;
      if (!co_await read_request(stream, pending, reader, in_flight)) break;
      if (reader.failed()) {
        // Malformed, ambiguous or oversized: answer once in Mastodon's shape, then close.
        auto res = to_message(reader.refusal(), 11, false);
        // Logged before the write: once the client has its answer it may stop the server, and a
        // draining server does not wait for sessions that never became a request.
        if (options.access_log) spdlog::info("request rejected status={}", res.result_int());
        if (options.request_metrics)
          options.request_metrics->record("", "(refused)", res.result_int(),
                                          Clock::duration::zero());
        co_await write(stream, res);
        break;
      }
      const bool keep_alive = reader.keep_alive();
      const unsigned version = reader.version();
      const auto started = Clock::now();
      Request req = reader.take_request();
      req.client_key = keyer.key_for(address);
      const bool head = req.method == "HEAD";
      // Not a conditional expression: GCC 12 miscompiles co_await inside one.
      Response response;
      if (only_reads(req.method)) {
        response = app(req);
      } else {
        response = co_await asio::co_spawn(write_pool, call_app(req), asio::use_awaitable);
      }
      if (response.stream) {
        // From here the connection is a stream and no longer a request in flight.
        in_flight.reset();
        if (options.access_log)
          spdlog::info("{} {} status={} (stream)", req.method, response.route,
                       response.stream->kind == StreamKind::kWebSocket ? 101 : response.status);
        // A stream's client sends nothing before the answer, and the read buffer would
        // otherwise stay allocated for as long as the stream is open.
        pending = beast::flat_buffer();
        co_await serve_stream(stream, req, std::move(response), version);
        co_return;
      }
      const std::string route = response.route;
      const int status = response.status;
      auto res = to_message(std::move(response), version, keep_alive);
      if (head) {
        // Keep Content-Length of the GET body but send none.
        const auto length = res.body().size();
        res.body().clear();
        res.content_length(length);
      }
      const beast::error_code ec = co_await write(stream, res);
      const auto elapsed = Clock::now() - started;
      if (options.request_metrics)
        options.request_metrics->record(req.method, route, status, elapsed);
      if (options.access_log) {
        const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
        spdlog::info("{} {} status={} latency_us={}", req.method, route, status, micros);
      }
      if (ec || !res.keep_alive()) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(asio::socket_base::shutdown_both, ignored);
  }

  static bool only_reads(std::string_view method) {
    return method == "GET" || method == "HEAD" || method == "OPTIONS";
  }
  // On the write pool: the application answering a request that may write.
  asio::awaitable<Response> call_app(Request& req) { co_return app(req); }

  // Keeps the connection of `response` as the stream it opens, until the stream ends. The
  // connection is borrowed from the session, which awaits this: Beast's streams allocate a
  // new state on every move and the moved-from one lives on in its coroutine's frame, which
  // would cost each open stream a few KB for nothing.
  template <typename Stream>
  asio::awaitable<void> serve_stream(Stream& stream, const Request& req, Response response,
                                     unsigned version) {
    const auto opening = response.stream;
    if (opening->kind == StreamKind::kWebSocket && !is_websocket_upgrade(req)) {
      opening->handler->on_close();
      auto res = to_message(Response::error(400, "Expected a WebSocket upgrade"), version, false);
      // clang-tidy 14 reads the coroutine's suspension points as a loop: this path returns
      // before `response` is ever moved.
      co_await write(stream, res);  // NOLINT(bugprone-use-after-move)
      co_return;
    }
    Counted counted(open_streams);
    auto strand = asio::make_strand(ioc);
    if (opening->kind == StreamKind::kWebSocket) {
      co_await asio::co_spawn(strand, serve_websocket(stream, upgrade_message(req), opening),
                              asio::use_awaitable);
    } else {
      co_await asio::co_spawn(strand, serve_events(stream, std::move(response), version),
                              asio::use_awaitable);
    }
  }

  std::shared_ptr<QueuedSink> open_sink(const asio::any_io_executor& strand) {
    auto sink = std::make_shared<QueuedSink>(strand, options.stream_queue_bytes);
    std::lock_guard lock(streams_mu);
    std::erase_if(streams, [](const auto& weak) { return weak.expired(); });
    streams.push_back(sink);
    if (stopping) sink->close(1001, "server stopping");
    return sink;
  }

  // On the stream's strand.
  template <typename Stream>
  asio::awaitable<void> serve_websocket(Stream& stream, bhttp::request<bhttp::empty_body> upgrade,
                                        std::shared_ptr<StreamOpening> opening) {
    const auto strand = co_await asio::this_coro::executor;
    // Straight over the socket: the WebSocket keeps its own deadlines (`timeouts`), and
    // Beast's timed stream would arm and disarm a timer around every frame written.
    stream.expires_never();
    websocket::stream<typename Stream::socket_type&> ws(stream.socket());
    websocket::stream_base::timeout timeouts;
    timeouts.handshake_timeout = options.transfer_timeout;
    timeouts.idle_timeout = options.stream_idle_timeout;
    timeouts.keep_alive_pings = true;
    ws.set_option(timeouts);
    ws.set_option(websocket::stream_base::decorator(
        [subprotocol = opening->subprotocol](websocket::response_type& res) {
          res.set(bhttp::field::server, "Publius");
          if (!subprotocol.empty()) res.set(bhttp::field::sec_websocket_protocol, subprotocol);
        }));
    ws.read_message_max(options.max_stream_message_bytes);
    // Open before the handshake completes: whatever happens once the client has its answer
    // (an event it may be waiting for) is already queued for it.
    asio::steady_timer wake(strand);  // outlives `ends`, which unhooks it from the sink
    auto sink = open_sink(strand);
    sink->set_wake(&wake);
    sink->set_abort([&ws] {
      beast::error_code ignored;
      beast::get_lowest_layer(ws).close(ignored);
    });
    opening->handler->on_open(sink);
    const EndsStream ends(*opening->handler, sink);
    beast::error_code ec;
    co_await ws.async_accept(upgrade, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    upgrade = {};  // its headers are not needed for as long as the stream is open
    co_await (read_websocket(ws, *opening->handler, sink) && write_websocket(ws, sink, wake));
  }

  template <typename WebSocket>
  asio::awaitable<void> read_websocket(WebSocket& ws, StreamHandler& handler,
                                       std::shared_ptr<QueuedSink> sink) {
    for (;;) {
      beast::flat_buffer buffer;
      beast::error_code ec;
      co_await ws.async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;  // closed, failed, or a message over the limit (closed with 1009)
      if (ws.got_text()) handler.on_message(beast::buffers_to_string(buffer.data()));
    }
    end_stream(sink);
  }

  template <typename WebSocket>
  asio::awaitable<void> write_websocket(WebSocket& ws, std::shared_ptr<QueuedSink> sink,
                                        asio::steady_timer& wake) {
    beast::error_code ec;
    for (;;) {
      auto work = sink->take();
      if (work.ended) {
        // The client left, or is dropped: whatever the reader still waits for will not come.
        beast::get_lowest_layer(ws).close(ec);
        co_return;
      }
      for (auto& message : work.messages) {
        ws.text(true);
        co_await ws.async_write(asio::buffer(*message),
                                asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
          end_stream(sink);
          co_return;
        }
      }
      if (work.closing) {
        co_await ws.async_close(
            websocket::close_reason(static_cast<websocket::close_code>(work.close_code),
                                    work.close_reason),
            asio::redirect_error(asio::use_awaitable, ec));
        end_stream(sink);
        co_return;
      }
      if (work.messages.empty()) {
        wake.expires_at(asio::steady_timer::time_point::max());
        co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
    }
  }

  // On the stream's strand: a chunked text/event-stream (HTTP/1.0: until the connection closes).
  template <typename Stream>
  asio::awaitable<void> serve_events(Stream& stream, Response response, unsigned version) {
    const auto strand = co_await asio::this_coro::executor;
    const auto opening = response.stream;
    bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(response.status), version};
    head.set(bhttp::field::server, "Publius");
    head.set(bhttp::field::content_type, response.content_type);
    for (auto& [k, v] : response.headers) head.insert(k, v);
    // Proxies that buffer responses (nginx) would hold events back.
    head.set("X-Accel-Buffering", "no");
    const bool chunked = version >= 11;
    if (chunked) head.chunked(true);
    head.keep_alive(false);
    // Open before the header goes out, as for a WebSocket.
    asio::steady_timer wake(strand);  // outlives `ends`, which unhooks it from the sink
    auto sink = open_sink(strand);
    sink->set_wake(&wake);
    opening->handler->on_open(sink);
    const EndsStream ends(*opening->handler, sink);
    bhttp::response_serializer<bhttp::empty_body> serializer{head};
    beast::error_code ec;
    stream.expires_after(options.transfer_timeout);
    co_await bhttp::async_write_header(stream, serializer,
                                       asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    stream.expires_never();
    sink->set_abort([&stream] {
      beast::error_code ignored;
      stream.socket().close(ignored);
    });
    // Whichever ends first (the client leaving, or the writer closing) ends the other.
    co_await (watch_event_reader(stream, sink) || write_events(stream, sink, wake, chunked));
    beast::error_code ignored;
    stream.socket().shutdown(asio::socket_base::shutdown_both, ignored);
  }

  // An event stream's client sends nothing more; its connection ending ends the stream.
  template <typename Stream>
  asio::awaitable<void> watch_event_reader(Stream& stream, std::shared_ptr<QueuedSink> sink) {
    std::array<char, 512> discard;
    beast::error_code ec;
    while (!ec)
      co_await stream.socket().async_read_some(asio::buffer(discard),
                                               asio::redirect_error(asio::use_awaitable, ec));
    end_stream(sink);
  }

  template <typename Stream>
  asio::awaitable<void> write_events(Stream& stream, std::shared_ptr<QueuedSink> sink,
                                     asio::steady_timer& wake, bool chunked) {
    beast::error_code ec;
    auto put = [&](std::string_view text) -> asio::awaitable<bool> {
      stream.expires_after(transfer_allowance(text.size()));
      if (chunked) {
        co_await asio::async_write(stream, bhttp::make_chunk(asio::buffer(text)),
                                   asio::redirect_error(asio::use_awaitable, ec));
      } else {
        co_await asio::async_write(stream, asio::buffer(text),
                                   asio::redirect_error(asio::use_awaitable, ec));
      }
      stream.expires_never();
      co_return !ec;
    };
    // Mastodon's streaming server opens with a comment too; clients see the stream live.
    if (!co_await put(":)\n")) co_return end_stream(sink);
    for (;;) {
      auto work = sink->take();
      if (work.ended) co_return;
      for (auto& message : work.messages)
        if (!co_await put(*message)) co_return end_stream(sink);
      if (work.closing) {
        if (chunked) {
          stream.expires_after(options.transfer_timeout);
          co_await asio::async_write(stream, bhttp::make_chunk_last(),
                                     asio::redirect_error(asio::use_awaitable, ec));
        }
        co_return end_stream(sink);
      }
      if (work.messages.empty()) {
        wake.expires_after(options.event_stream_heartbeat);
        co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        // Timed out: nothing was sent for a heartbeat's time.
        if (!ec && !co_await put(":thump\n")) co_return end_stream(sink);
      }
    }
  }

  template <typename Acceptor>
  asio::awaitable<void> accept_loop(Acceptor& acceptor) {
    using Protocol = typename Acceptor::protocol_type;
    asio::steady_timer pause(ioc);
    bool accept_failing = false, at_capacity = false;
    while (!stopping) {
      beast::error_code ec;
      typename Protocol::socket socket(ioc);
      co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
      if (stopping) break;
      if (ec == asio::error::connection_aborted) continue;
      if (ec) {
        // Out of file descriptors (or memory): the connection stays queued and accept fails
        // again at once, so retrying now would spin a core and answer nobody.
        if (!std::exchange(accept_failing, true))
          spdlog::warn("cannot accept connections ({}); retrying every {} ms", ec.message(),
                       kAcceptPause.count());
        pause.expires_after(kAcceptPause);
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      if (std::exchange(accept_failing, false)) spdlog::info("accepting connections again");
      if (open_connections.load() >= options.max_connections) {
        if (!std::exchange(at_capacity, true))
          spdlog::warn("connection limit reached ({} open); closing new connections until one ends",
                       options.max_connections);
        socket.close(ec);
        continue;
      }
      at_capacity = false;
      Counted connection(open_connections);
      std::string address = client_address(socket);
      asio::co_spawn(ioc,
                     session(beast::basic_stream<Protocol>(std::move(socket)), std::move(address),
                             std::move(connection)),
                     asio::detached);
    }
  }

  void begin_stop() {
    if (stopping.exchange(true)) return;
    asio::post(ioc, [this] {
      stop_requested = Clock::now();
      beast::error_code ec;
      if (tcp_acceptor) tcp_acceptor->close(ec);
      if (unix_acceptor) unix_acceptor->close(ec);
      signals.cancel(ec);
      {
        std::lock_guard lock(streams_mu);
        for (const auto& weak : streams)
          if (auto sink = weak.lock()) sink->close(1001, "server stopping");
      }
      // Let in-flight requests finish and streams close, then stop; idle keep-alive sessions
      // end with the loop.
      auto deadline = std::chrono::steady_clock::now() + options.drain_timeout;
      auto timer = std::make_shared<asio::steady_timer>(ioc);
      drain_poll(timer, deadline);
    });
  }

  void drain_poll(std::shared_ptr<asio::steady_timer> timer,
                  std::chrono::steady_clock::time_point deadline) {
    // Streams were sent their close when the stop began; a client slow to answer it is not
    // waited for long.
    const bool streams_done =
        open_streams.load() == 0 || Clock::now() - stop_requested >= kStreamCloseGrace;
    if ((active_requests.load() == 0 && streams_done) ||
        std::chrono::steady_clock::now() >= deadline) {
      ioc.stop();
      return;
    }
    timer->expires_after(std::chrono::milliseconds(20));
    timer->async_wait(
        [this, timer, deadline](const beast::error_code&) { drain_poll(timer, deadline); });
  }
};

Server::Server(ServerOptions options, App app)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(app))) {}

Server::~Server() = default;

Status Server::bind() {
  auto& im = *impl_;
  beast::error_code ec;
  if (im.options.listen.rfind("unix:", 0) == 0) {
    const std::string path = im.options.listen.substr(5);
    std::filesystem::remove(path, ec);
    im.unix_acceptor.emplace(im.ioc);
    im.unix_acceptor->open(unix_socket(), ec);
    if (!ec) im.unix_acceptor->bind(unix_socket::endpoint(path), ec);
    if (!ec) im.unix_acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return internal_error("cannot listen on " + im.options.listen + ": " + ec.message());
    return ok_status();
  }
  std::string host, port;
  if (!parse_listen(im.options.listen, host, port))
    return bad_request("--listen must be HOST:PORT or unix:PATH, got '" + im.options.listen + "'");
  tcp::resolver resolver(im.ioc);
  auto endpoints = resolver.resolve(host, port, tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty())
    return bad_request("cannot resolve listen address " + im.options.listen + ": " + ec.message());
  const tcp::endpoint endpoint = *endpoints.begin();
  im.tcp_acceptor.emplace(im.ioc);
  im.tcp_acceptor->open(endpoint.protocol(), ec);
  if (!ec) im.tcp_acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) im.tcp_acceptor->bind(endpoint, ec);
  if (!ec) im.tcp_acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return internal_error("cannot listen on " + im.options.listen + ": " + ec.message());
  return ok_status();
}

int Server::port() const {
  if (!impl_->tcp_acceptor) return 0;
  beast::error_code ec;
  return impl_->tcp_acceptor->local_endpoint(ec).port();
}

void Server::run() {
  auto& im = *impl_;
  if (im.options.handle_signals) {
    im.signals.add(SIGTERM);
    im.signals.add(SIGINT);
    im.signals.async_wait([this](const beast::error_code& ec, int) {
      if (!ec) {
        spdlog::info("shutdown requested: draining in-flight requests");
        impl_->begin_stop();
      }
    });
  }
  if (im.tcp_acceptor) asio::co_spawn(im.ioc, im.accept_loop(*im.tcp_acceptor), asio::detached);
  if (im.unix_acceptor) asio::co_spawn(im.ioc, im.accept_loop(*im.unix_acceptor), asio::detached);
  std::vector<std::thread> workers;
  for (int i = 1; i < std::max(1, im.options.threads); ++i)
    workers.emplace_back([&] { im.ioc.run(); });
  im.ioc.run();
  for (auto& t : workers) t.join();
  // Every request has been answered: no write is left to run.
  im.write_pool.join();
}

void Server::stop() { impl_->begin_stop(); }

}  // namespace publius::http
