#include "http/server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
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
// The most a connection reads at once.
constexpr size_t kReadChunkBytes = 64 * 1024;

}  // namespace

struct Server::Impl {
  using Clock = std::chrono::steady_clock;

  ServerOptions options;
  App app;
  // Before ioc: sessions still in ioc when it is destroyed give back their counts.
  std::atomic<int> active_requests{0};
  std::atomic<int> open_connections{0};
  asio::io_context ioc;
  std::optional<tcp::acceptor> tcp_acceptor;
  std::optional<unix_socket::acceptor> unix_acceptor;
  asio::signal_set signals{ioc};
  std::atomic<bool> stopping{false};
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
      const size_t n = co_await stream.async_read_some(
          pending.prepare(kReadChunkBytes), asio::redirect_error(asio::use_awaitable, ec));
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
        co_await write(stream, res);
        break;
      }
      const bool keep_alive = reader.keep_alive();
      const unsigned version = reader.version();
      const auto started = Clock::now();
      Request req = reader.take_request();
      req.client_key = keyer.key_for(address);
      const bool head = req.method == "HEAD";
      Response response = app(req);
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
      if (options.access_log) {
        const auto micros =
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count();
        spdlog::info("{} {} status={} latency_us={}", req.method, route, status, micros);
      }
      if (ec || !res.keep_alive()) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(asio::socket_base::shutdown_both, ignored);
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
      beast::error_code ec;
      if (tcp_acceptor) tcp_acceptor->close(ec);
      if (unix_acceptor) unix_acceptor->close(ec);
      signals.cancel(ec);
      // Let in-flight requests finish, then stop; idle keep-alive sessions end with the loop.
      auto deadline = std::chrono::steady_clock::now() + options.drain_timeout;
      auto timer = std::make_shared<asio::steady_timer>(ioc);
      drain_poll(timer, deadline);
    });
  }

  void drain_poll(std::shared_ptr<asio::steady_timer> timer,
                  std::chrono::steady_clock::time_point deadline) {
    if (active_requests.load() == 0 || std::chrono::steady_clock::now() >= deadline) {
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
}

void Server::stop() { impl_->begin_stop(); }

}  // namespace publius::http
