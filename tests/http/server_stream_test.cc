// Streams over real sockets (http/stream.h): a WebSocket echoes through the
// application's handler, selects the subprotocol asked for, closes a socket that
// sends an oversized message without touching another, drops a client too slow
// to read; an event stream sends queued events and heartbeats; stopping the
// server closes every stream.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "http/server.h"
#include "integration/server_harness.h"

namespace publius::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using integration::Clock;
using namespace std::chrono_literals;

// Echoes each message as "echo:<text>", closes on "bye", and records how it ended.
class EchoHandler final : public StreamHandler {
 public:
  void on_open(std::shared_ptr<StreamSink> sink) override {
    std::lock_guard lock(mu_);
    sink_ = std::move(sink);
    opened_ = true;
    changed_.notify_all();
  }
  void on_message(std::string_view text) override {
    if (text == "bye") return sink()->close(1000, "bye");
    sink()->send("echo:" + std::string(text));
  }
  void on_close() override {
    std::lock_guard lock(mu_);
    closed_ = true;
    changed_.notify_all();
  }
  std::shared_ptr<StreamSink> sink() {
    std::lock_guard lock(mu_);
    return sink_;
  }
  bool wait_opened() {
    return wait([&] { return opened_; });
  }
  bool wait_closed() {
    return wait([&] { return closed_; });
  }

 private:
  template <typename Predicate>
  bool wait(Predicate done) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, 10s, done);
  }
  std::mutex mu_;
  std::condition_variable changed_;
  std::shared_ptr<StreamSink> sink_;
  bool opened_ = false, closed_ = false;
};

class ServerStreamTest : public ::testing::Test {
 protected:
  void TearDown() override { stop(); }

  void start(ServerOptions options = {}) {
    options.listen = "127.0.0.1:0";
    options.threads = 2;
    options.handle_signals = false;
    options.access_log = false;
    server_ = std::make_unique<Server>(options, [this](Request& req) {
      auto handler = std::make_shared<EchoHandler>();
      {
        std::lock_guard lock(mu_);
        handlers_.push_back(handler);
      }
      if (req.path == "/events") return Response::event_stream(handler);
      return Response::websocket(handler, std::string(req.header("sec-websocket-protocol")));
    });
    ASSERT_TRUE(server_->bind().ok());
    runner_ = std::thread([this] { server_->run(); });
  }

  void stop() {
    if (!server_) return;
    server_->stop();
    runner_.join();
    server_.reset();
  }

  std::shared_ptr<EchoHandler> handler(size_t i) {
    std::lock_guard lock(mu_);
    return i < handlers_.size() ? handlers_[i] : nullptr;
  }

  // A WebSocket client whose reads give up after 10 s.
  struct Client {
    asio::io_context ioc;
    websocket::stream<asio::ip::tcp::socket> ws{ioc};
    beast::error_code connect(int port, const std::string& subprotocol = "") {
      beast::error_code ec;
      ws.next_layer().connect(
          {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
      if (ec) return ec;
      timeval timeout{10, 0};
      setsockopt(ws.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout,
                 sizeof timeout);
      if (!subprotocol.empty())
        ws.set_option(websocket::stream_base::decorator([subprotocol](websocket::request_type& r) {
          r.set(beast::http::field::sec_websocket_protocol, subprotocol);
        }));
      ws.handshake(response, "127.0.0.1", "/ws", ec);
      return ec;
    }
    std::string read(beast::error_code& ec) {
      beast::flat_buffer buffer;
      ws.read(buffer, ec);
      return beast::buffers_to_string(buffer.data());
    }
    websocket::response_type response;
  };

  std::unique_ptr<Server> server_;
  std::thread runner_;
  std::mutex mu_;
  std::vector<std::shared_ptr<EchoHandler>> handlers_;
};

TEST_F(ServerStreamTest, AWebSocketEchoesThroughItsHandlerAndSelectsTheSubprotocol) {
  start();
  Client client;
  ASSERT_FALSE(client.connect(server_->port(), "a-token"));
  EXPECT_EQ(client.response[beast::http::field::sec_websocket_protocol], "a-token");
  ASSERT_TRUE(handler(0)->wait_opened());
  client.ws.write(asio::buffer(std::string("hello")));
  beast::error_code ec;
  EXPECT_EQ(client.read(ec), "echo:hello");
  ASSERT_FALSE(ec) << ec.message();
  // Sent from another thread than the server's.
  std::thread([h = handler(0)] { h->sink()->send("from elsewhere"); }).join();
  EXPECT_EQ(client.read(ec), "from elsewhere");
  client.ws.write(asio::buffer(std::string("bye")));
  client.read(ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(client.ws.reason().code, 1000);
  EXPECT_TRUE(handler(0)->wait_closed());
}

TEST_F(ServerStreamTest, AnOversizedMessageClosesThatSocketAlone) {
  ServerOptions options;
  options.max_stream_message_bytes = 1024;
  start(options);
  Client big, other;
  ASSERT_FALSE(big.connect(server_->port()));
  ASSERT_FALSE(other.connect(server_->port()));
  big.ws.write(asio::buffer(std::string(4096, 'x')));
  beast::error_code ec;
  big.read(ec);
  EXPECT_TRUE(ec) << "the socket stays open";
  EXPECT_EQ(big.ws.reason().code, websocket::close_code::too_big);
  other.ws.write(asio::buffer(std::string("still here")));
  EXPECT_EQ(other.read(ec), "echo:still here");
  EXPECT_FALSE(ec) << ec.message();
}

TEST_F(ServerStreamTest, AClientTooSlowToReadIsDroppedNotBuffered) {
  ServerOptions options;
  options.stream_queue_bytes = 64 * 1024;
  start(options);
  Client slow;
  ASSERT_FALSE(slow.connect(server_->port()));
  ASSERT_TRUE(handler(0)->wait_opened());
  // The client reads nothing: socket buffers fill, then the queue, then the client goes.
  const std::string chunk(16 * 1024, 'y');
  bool refused = false;
  for (int i = 0; i < 10'000 && !refused; ++i) refused = !handler(0)->sink()->send(chunk);
  EXPECT_TRUE(refused) << "the queue took everything sent to a client that reads nothing";
  EXPECT_TRUE(handler(0)->wait_closed());
  EXPECT_FALSE(handler(0)->sink()->send("after the end"));
}

TEST_F(ServerStreamTest, ARequestThatIsNoUpgradeGetsA400) {
  start();
  auto r = integration::send_raw(
      server_->port(), "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.status, 400) << r.body;
  ASSERT_TRUE(handler(0));
  EXPECT_TRUE(handler(0)->wait_closed()) << "the handler hears the end of a stream never opened";
}

TEST_F(ServerStreamTest, AnEventStreamSendsEventsAndHeartbeats) {
  ServerOptions options;
  options.event_stream_heartbeat = 200ms;
  start(options);
  auto c = std::make_unique<integration::Connection>();
  ASSERT_TRUE(c->open(server_->port()));
  const auto deadline = Clock::now() + 10s;
  ASSERT_TRUE(c->send("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", deadline));
  const std::string head = c->read_until("\r\n\r\n", deadline);
  EXPECT_NE(head.find("200"), std::string::npos) << head;
  EXPECT_NE(head.find("text/event-stream"), std::string::npos) << head;
  EXPECT_NE(head.find("chunked"), std::string::npos) << head;
  ASSERT_TRUE(handler(0)->wait_opened());
  handler(0)->sink()->send("event: update\ndata: {}\n\n");
  EXPECT_FALSE(c->read_until("event: update\ndata: {}\n\n", deadline).empty());
  EXPECT_FALSE(c->read_until(":thump\n", deadline).empty());
  // The client leaving ends the stream.
  c.reset();
  EXPECT_TRUE(handler(0)->wait_closed());
}

TEST_F(ServerStreamTest, ClosingAnEventStreamEndsItsResponse) {
  start();
  integration::Connection c;
  ASSERT_TRUE(c.open(server_->port()));
  const auto deadline = Clock::now() + 10s;
  ASSERT_TRUE(c.send("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", deadline));
  ASSERT_FALSE(c.read_until("\r\n\r\n", deadline).empty());
  ASSERT_TRUE(handler(0)->wait_opened());
  handler(0)->sink()->close();
  // The last chunk, then the end of the connection.
  EXPECT_FALSE(c.read_until("0\r\n\r\n", deadline).empty());
  EXPECT_TRUE(c.wait_closed(deadline));
  EXPECT_TRUE(handler(0)->wait_closed());
}

TEST_F(ServerStreamTest, StoppingTheServerClosesEveryStream) {
  start();
  Client client;
  ASSERT_FALSE(client.connect(server_->port()));
  integration::Connection events;
  ASSERT_TRUE(events.open(server_->port()));
  const auto deadline = Clock::now() + 10s;
  ASSERT_TRUE(events.send("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", deadline));
  ASSERT_FALSE(events.read_until("\r\n\r\n", deadline).empty());
  ASSERT_TRUE(handler(0)->wait_opened());
  ASSERT_TRUE(handler(1)->wait_opened());
  const auto stopping = Clock::now();
  stop();
  EXPECT_LT(Clock::now() - stopping, 5s) << "streams held the server past its stop";
  beast::error_code ec;
  client.read(ec);
  EXPECT_TRUE(ec) << "the socket stays open";
  EXPECT_EQ(client.ws.reason().code, websocket::close_code::going_away);
  EXPECT_TRUE(events.wait_closed(Clock::now() + 10s));
  EXPECT_TRUE(handler(0)->wait_closed());
  EXPECT_TRUE(handler(1)->wait_closed());
}

}  // namespace
}  // namespace publius::http
