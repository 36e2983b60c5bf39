#include "http/server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast.hpp>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

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

}  // namespace

struct Server::Impl {
  ServerOptions options;
  App app;
  asio::io_context ioc;
  std::optional<tcp::acceptor> tcp_acceptor;
  std::optional<unix_socket::acceptor> unix_acceptor;
  asio::signal_set signals{ioc};
  std::atomic<bool> stopping{false};
  std::atomic<int> active_requests{0};
  std::atomic<int> open_sessions{0};
  ClientKeyer keyer;
  std::mutex sockets_mu;
  std::vector<std::weak_ptr<beast::tcp_stream>> tcp_streams;

  Impl(ServerOptions o, App a) : options(std::move(o)), app(std::move(a)) {}

  Request to_request(bhttp::request<bhttp::string_body>& msg, std::string_view address) {
    Request req;
    req.method = std::string(msg.method_string());
    const std::string_view target = msg.target();
    const auto q = target.find('?');
    req.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    req.body = std::move(msg.body());
    req.client_key = keyer.key_for(address);
    return req;
  }

  bhttp::response<bhttp::string_body> to_message(Response&& r, unsigned version, bool keep_alive) {
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

  static int status_for(const beast::error_code& ec) {
    if (ec == bhttp::error::body_limit) return 413;
    if (ec == bhttp::error::header_limit) return 431;
    return 400;
  }

  // Counts one request in flight for as long as it lives.
  class InFlight {
   public:
    explicit InFlight(std::atomic<int>& count) : count_(count) { ++count_; }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;
    ~InFlight() { --count_; }

   private:
    std::atomic<int>& count_;
  };

  template <typename Stream>
  asio::awaitable<void> session(Stream stream, std::string address) {
    ++open_sessions;
    beast::flat_buffer buffer;
    beast::error_code ec;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
      parser.body_limit(options.max_body_bytes);
      stream.expires_after(options.read_timeout);
      co_await bhttp::async_read_header(stream, buffer, parser,
                                        asio::redirect_error(asio::use_awaitable, ec));
      // From its header on, a request is in flight: a draining server waits for its body too.
      std::optional<InFlight> in_flight;
      if (!ec) in_flight.emplace(active_requests);
      // A client that sent "Expect: 100-continue" waits for this before sending the body
      // (RFC 9110 10.1.1); without it, curl-based clients stall for a second on every post.
      if (!ec && !parser.is_done() && parser.get().version() >= 11 &&
          beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
        bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, 11};
        co_await bhttp::async_write(stream, go_on, asio::redirect_error(asio::use_awaitable, ec));
      }
      if (!ec && !parser.is_done()) {
        co_await bhttp::async_read(stream, buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
      }
      if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
          ec == beast::error::timeout || ec == asio::error::connection_reset ||
          ec == asio::error::eof) {
        break;
      }
      if (ec) {
        // Malformed or oversized: answer once in Mastodon's shape, then close.
        Response r = Response::error(status_for(ec),
                                     status_for(ec) == 413   ? "Request body is too large"
                                     : status_for(ec) == 431 ? "Request headers are too large"
                                                             : "Malformed HTTP request");
        auto res = to_message(std::move(r), 11, false);
        // Logged before the write: once the client has its answer it may stop the server, and a
        // draining server does not wait for sessions that never became a request.
        if (options.access_log) spdlog::info("request rejected status={}", res.result_int());
        stream.expires_after(std::chrono::seconds(5));
        co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        break;
      }
      auto msg = parser.release();
      const bool keep_alive = msg.keep_alive();
      const unsigned version = msg.version();
      const auto started = std::chrono::steady_clock::now();
      Request req = to_request(msg, address);
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
      stream.expires_after(options.read_timeout);
      co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      if (options.access_log) {
        const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count();
        spdlog::info("{} {} status={} latency_us={}", req.method, route, status, micros);
      }
      if (ec || !res.keep_alive()) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(asio::socket_base::shutdown_both, ignored);
    --open_sessions;
  }

  asio::awaitable<void> accept_tcp() {
    while (!stopping) {
      beast::error_code ec;
      tcp::socket socket(ioc);
      co_await tcp_acceptor->async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (stopping) break;
        continue;
      }
      std::string address = socket.remote_endpoint(ec).address().to_string();
      socket.set_option(tcp::no_delay(true), ec);
      asio::co_spawn(ioc, session(beast::tcp_stream(std::move(socket)), std::move(address)),
                     asio::detached);
    }
  }

  asio::awaitable<void> accept_unix() {
    while (!stopping) {
      beast::error_code ec;
      unix_socket::socket socket(ioc);
      co_await unix_acceptor->async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (stopping) break;
        continue;
      }
      // Onion-service deployments connect over a Unix socket: there is no client address at all.
      asio::co_spawn(
          ioc, session(beast::basic_stream<unix_socket>(std::move(socket)), std::string("unix")),
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
  if (im.tcp_acceptor) asio::co_spawn(im.ioc, im.accept_tcp(), asio::detached);
  if (im.unix_acceptor) asio::co_spawn(im.ioc, im.accept_unix(), asio::detached);
  std::vector<std::thread> workers;
  for (int i = 1; i < std::max(1, im.options.threads); ++i)
    workers.emplace_back([&] { im.ioc.run(); });
  im.ioc.run();
  for (auto& t : workers) t.join();
}

void Server::stop() { impl_->begin_stop(); }

}  // namespace publius::http
