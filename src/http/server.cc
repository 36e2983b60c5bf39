#include "http/server.h"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast.hpp>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "http/queued_sink.h"
#include "http/websocket_connection.h"
#include "http/websocket_frames.h"
#include "util/buffer_pool.h"
#include "util/crypto.h"

namespace publius::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using namespace asio::experimental::awaitable_operators;
using tcp = asio::ip::tcp;
using unix_socket = asio::local::stream_protocol;

namespace {

// The key that turns client addresses into rate-limit keys. Memory only;
// replaced every 24 hours so even the in-memory keys stop linking days.
class ClientKeyer {
 public:
  // A connection's client key, as of the key it was made with.
  struct ClientKey {
    std::string key;
    uint64_t generation = 0;  // 0: none yet
  };
  // Makes `client` the key of `address` under the current key; a connection keeps it
  // for its requests until the key is replaced (hashing once, not on every request).
  void refresh(ClientKey& client, std::string_view address) {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    if (key_.empty() || now - created_ > std::chrono::hours(24)) {
      key_ = random_token(32);
      created_ = now;
      ++generation_;
    }
    if (client.generation == generation_) return;
    client.key = to_hex(keyed_hash(key_, address));
    client.generation = generation_;
  }

 private:
  std::mutex mu_;
  std::string key_;
  std::chrono::steady_clock::time_point created_;
  uint64_t generation_ = 0;
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
  size_t streams_pruned_at = 64;  // guarded by streams_mu
  asio::io_context ioc;
  asio::thread_pool write_pool{static_cast<size_t>(std::max(1, options.write_threads))};
  std::optional<tcp::acceptor> tcp_acceptor;
  std::optional<unix_socket::acceptor> unix_acceptor;
  asio::signal_set signals{ioc};
  std::atomic<bool> stopping{false};
  Clock::time_point stop_requested;  // set once, by begin_stop()
  ClientKeyer keyer;

  Impl(ServerOptions o, App a) : options(std::move(o)), app(std::move(a)) {}

  static void refuse_unsendable_headers(Response& r) {
    if (r.headers_pass()) return;
    // A handler appended a header past with_header(); the value is not sent.
    spdlog::warn("route {} built a header value that cannot be sent; answered 400", r.route);
    r = Response::header_refused();
  }

  bhttp::response<bhttp::string_body> to_message(Response&& r, unsigned version, bool keep_alive) {
    refuse_unsendable_headers(r);
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

  // The status line and header fields of `r` as to_message() and Beast's serializer would
  // write them, in one string: an answer is sent as this and its body in one gathered write.
  // `body_bytes` is the Content-Length (for HEAD, the GET body's).
  static std::string response_head(const Response& r, unsigned version, bool keep_alive,
                                   size_t body_bytes) {
    std::string head;
    head.reserve(512);
    head += version >= 11 ? "HTTP/1.1 " : "HTTP/1.0 ";
    head += std::to_string(r.status);
    head += ' ';
    head += bhttp::obsolete_reason(static_cast<bhttp::status>(r.status));
    head += "\r\nServer: Publius\r\nContent-Type: ";
    head += r.content_type;
    head += "\r\n";
    for (const auto& [name, value] : r.headers) {
      head += name;
      head += ": ";
      head += value;
      head += "\r\n";
    }
    // As Beast's prepare_payload(): these answers carry no body and no length.
    const bool bodiless = r.status / 100 == 1 || r.status == 204 || r.status == 304;
    if (!bodiless) {
      head += "Content-Length: ";
      head += std::to_string(body_bytes);
      head += "\r\n";
    }
    if (version >= 11 && !keep_alive) head += "Connection: close\r\n";
    if (version < 11 && keep_alive) head += "Connection: keep-alive\r\n";
    head += "\r\n";
    return head;
  }

  // Writes the answer `r` (its head, then its body unless `head_only`) within transfer_timeout
  // plus the time its size takes at min_transfer_rate.
  template <typename Stream>
  asio::awaitable<beast::error_code> write_answer(Stream& stream, const Response& r,
                                                  unsigned version, bool keep_alive,
                                                  bool head_only) {
    const std::string head = response_head(r, version, keep_alive, r.body.size());
    const std::string_view body = head_only ? std::string_view() : std::string_view(r.body);
    stream.expires_after(transfer_allowance(head.size() + body.size()));
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(body)};
    beast::error_code ec;
    co_await asio::async_write(stream, buffers, asio::redirect_error(asio::use_awaitable, ec));
    co_return ec;
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
  asio::awaitable<void> session(Stream stream, std::string address, Counted connection) {
    beast::flat_buffer pending;
    ClientKeyer::ClientKey client_key;
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
      keyer.refresh(client_key, address);
      req.client_key = client_key.key;
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
        co_await serve_stream(stream, connection, req, std::move(response), version);
        co_return;
      }
      const std::string route = response.route;
      const int status = response.status;
      refuse_unsendable_headers(response);
      const bool keep = keep_alive && !stopping.load();
      // Counted before the answer goes out, so that a client that has its answer finds it
      // counted (a scrape right after sees it); the time is the server's, not the
      // client's network's.
      const auto elapsed = Clock::now() - started;
      if (options.request_metrics)
        options.request_metrics->record(req.method, route, status, elapsed);
      // A HEAD answer keeps the Content-Length of the GET body but sends none.
      const beast::error_code ec = co_await write_answer(stream, response, version, keep, head);
      give_back(std::move(response.body));
      if (options.access_log) {
        const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
        spdlog::info("{} {} status={} latency_us={}", req.method, route, status, micros);
      }
      if (ec || !keep) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(asio::socket_base::shutdown_both, ignored);
  }

  static bool only_reads(std::string_view method) {
    return method == "GET" || method == "HEAD" || method == "OPTIONS";
  }
  // On the write pool: the application answering a request that may write.
  asio::awaitable<Response> call_app(Request& req) { co_return app(req); }

  // Keeps the connection of `response` as the stream it opens. An event stream is served here,
  // until it ends: the connection is borrowed from the session, which awaits this (Beast's
  // streams allocate a new state on every move). A WebSocket takes the socket and the
  // connection's count into a connection object of its own, and the session ends at once:
  // the coroutine frames of a session would cost each open socket several KB for nothing.
  template <typename Stream>
  asio::awaitable<void> serve_stream(Stream& stream, Counted& connection, const Request& req,
                                     Response response, unsigned version) {
    const auto opening = response.stream;
    if (opening->kind == StreamKind::kEventStream) {
      Counted counted(open_streams);
      co_await asio::co_spawn(asio::make_strand(ioc),
                              serve_events(stream, std::move(response), version),
                              asio::use_awaitable);
      co_return;
    }
    std::variant<std::string, Response> handshake =
        Response::error(400, "Expected a WebSocket upgrade");
    if (is_websocket_upgrade(req)) handshake = check_websocket_handshake(req, version);
    if (auto* refusal = std::get_if<Response>(&handshake)) {
      opening->handler->on_close();
      auto res = to_message(std::move(*refusal), version, false);
      co_await write(stream, res);
      co_return;
    }
    std::string answer =
        "HTTP/1.1 101 Switching Protocols\r\nServer: Publius\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
        std::get<std::string>(handshake) + "\r\n";
    if (!opening->subprotocol.empty()) {
      auto subprotocol = header_value(opening->subprotocol);
      if (subprotocol.ok()) answer += "Sec-WebSocket-Protocol: " + *subprotocol + "\r\n";
    }
    answer += "\r\n";
    using Socket = typename Stream::socket_type;
    struct Lease {
      Counted connection, stream;
    };
    auto strand = asio::make_strand(stream.socket().get_executor());
    // Open before the answer goes out: whatever happens once the client has it (an event it
    // may be waiting for) is already queued for it.
    auto sink = open_sink(strand);
    opening->handler->on_open(sink);
    WebSocketSettings settings;
    settings.max_message_bytes = options.max_stream_message_bytes;
    settings.idle_timeout = options.stream_idle_timeout;
    settings.close_grace = options.transfer_timeout;
    std::make_shared<WebSocketConnection<Socket, Lease>>(
        stream.release_socket(), std::move(strand), std::move(sink), opening->handler, settings,
        std::move(answer), Lease{std::move(connection), Counted(open_streams)})
        ->start();
  }

  std::shared_ptr<QueuedSink> open_sink(const asio::any_io_executor& strand) {
    auto sink = std::make_shared<QueuedSink>(strand, options.stream_queue_bytes);
    std::lock_guard lock(streams_mu);
    // Pruned when the list has doubled since: each opening costs the same however many are open.
    if (streams.size() >= streams_pruned_at) {
      std::erase_if(streams, [](const auto& weak) { return weak.expired(); });
      streams_pruned_at = std::max<size_t>(64, 2 * streams.size());
    }
    streams.push_back(sink);
    if (stopping) sink->close(1001, "server stopping");
    return sink;
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
    sink->set_wake([&wake] { wake.cancel(); });
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
    end_stream(*sink);
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
    if (!co_await put(":)\n")) co_return end_stream(*sink);
    for (;;) {
      auto work = sink->take();
      if (work.ended) co_return;
      for (auto& message : work.messages)
        if (!co_await put(*message)) co_return end_stream(*sink);
      if (work.closing) {
        if (chunked) {
          stream.expires_after(options.transfer_timeout);
          co_await asio::async_write(stream, bhttp::make_chunk_last(),
                                     asio::redirect_error(asio::use_awaitable, ec));
        }
        co_return end_stream(*sink);
      }
      if (work.messages.empty()) {
        wake.expires_after(options.event_stream_heartbeat);
        co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        // Timed out: nothing was sent for a heartbeat's time.
        if (!ec && !co_await put(":thump\n")) co_return end_stream(*sink);
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
