// Streams over real sockets (http/stream.h): a WebSocket echoes through the
// application's handler, selects the subprotocol asked for, closes a socket that
// sends an oversized message without touching another, drops a client too slow
// to read, answers pings and closes, pings a silent client and cuts it, and closes
// with RFC 6455's code a client that breaks the protocol (a raw client, which sends
// what a library would refuse to); an event stream sends queued events and
// heartbeats; stopping the server closes every stream.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "http/server.h"
#include "http/websocket_frames.h"
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
    {
      std::lock_guard lock(mu_);
      ++messages_;
      changed_.notify_all();
    }
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
  // Until the handler has had `count` messages from the client.
  bool wait_messages(int count) {
    return wait([&] { return messages_ >= count; });
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
  int messages_ = 0;
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

  // A WebSocket client on a plain socket, which sends any bytes at all.
  struct RawClient {
    integration::Connection connection;
    Clock::time_point deadline = Clock::now() + 10s;
    // The status line of the server's answer to the upgrade.
    std::string connect(int port, std::string_view version = "13") {
      if (!connection.open(port)) return {};
      connection.send(
          "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          "Sec-WebSocket-Version: " +
              std::string(version) + "\r\n\r\n",
          deadline);
      const std::string head = connection.read_until("\r\n\r\n", deadline);
      return head.substr(0, head.find("\r\n"));
    }
    // Sends one frame, masked as a client must, unless `masked` is false.
    void send(uint8_t first_byte, std::string_view payload, bool masked = true) {
      const std::string mask = "\x01\x02\x03\x04";
      std::string frame(1, static_cast<char>(first_byte));
      frame += static_cast<char>((masked ? 0x80 : 0) | payload.size());  // under 126 bytes
      if (masked) frame += mask;
      for (size_t i = 0; i < payload.size(); ++i)
        frame += static_cast<char>(payload[i] ^ (masked ? mask[i % 4] : 0));
      connection.send(frame, deadline);
    }
    // The next frame from the server (its first byte, then its payload); first byte 0 when
    // the connection ended.
    std::pair<uint8_t, std::string> read() {
      const std::string head = connection.read_bytes(2, deadline);
      if (head.size() < 2) return {0, {}};
      size_t length = static_cast<uint8_t>(head[1]) & 0x7F;
      if (length == 126) {
        const std::string extended = connection.read_bytes(2, deadline);
        length = static_cast<uint8_t>(extended[0]) << 8 | static_cast<uint8_t>(extended[1]);
      }
      return {static_cast<uint8_t>(head[0]), connection.read_bytes(length, deadline)};
    }
    // The code of the close frame the server sends next, 0 when something else comes.
    int read_close_code() {
      const auto [first_byte, payload] = read();
      if (first_byte != 0x88 || payload.size() < 2) return 0;
      return static_cast<uint8_t>(payload[0]) << 8 | static_cast<uint8_t>(payload[1]);
    }
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

TEST_F(ServerStreamTest, TheHandshakeAnswerIsRfc6455sAndAWrongVersionGetsA426) {
  start();
  RawClient client;
  EXPECT_EQ(client.connect(server_->port()), "HTTP/1.1 101 Switching Protocols");
  RawClient old;
  EXPECT_EQ(old.connect(server_->port(), "8"), "HTTP/1.1 426 Upgrade Required");
}

TEST_F(ServerStreamTest, APingIsAnsweredWithItsPayloadAndAClientsCloseIsAnswered) {
  start();
  RawClient client;
  ASSERT_EQ(client.connect(server_->port()), "HTTP/1.1 101 Switching Protocols");
  client.send(0x89, "are you there");
  EXPECT_EQ(client.read(), std::make_pair(uint8_t{0x8A}, std::string("are you there")));
  client.send(0x81, "after the ping");
  EXPECT_EQ(client.read(), std::make_pair(uint8_t{0x81}, std::string("echo:after the ping")));
  client.send(0x88, std::string("\x0F\xA0", 2));  // 4000, an application's own code
  EXPECT_EQ(client.read_close_code(), 4000);
  EXPECT_TRUE(client.connection.wait_closed(client.deadline));
  EXPECT_TRUE(handler(0)->wait_closed());
  EXPECT_FALSE(handler(0)->sink()->send("after the end"));
}

TEST_F(ServerStreamTest, AClientThatBreaksTheProtocolIsClosedWithItsCode) {
  start();
  const std::vector<std::tuple<std::string, uint8_t, std::string, bool, int>> cases = {
      {"unmasked", 0x81, "hi", false, 1002},
      {"compressed (no extension agreed)", 0xC1, "hi", true, 1002},
      {"reserved opcode", 0x83, "hi", true, 1002},
      {"text not UTF-8", 0x81, "\xC3\x28", true, 1007},
  };
  for (const auto& [what, first_byte, payload, masked, code] : cases) {
    RawClient client;
    ASSERT_EQ(client.connect(server_->port()), "HTTP/1.1 101 Switching Protocols") << what;
    client.send(first_byte, payload, masked);
    EXPECT_EQ(client.read_close_code(), code) << what;
    EXPECT_TRUE(client.connection.wait_closed(client.deadline)) << what;
  }
  for (size_t i = 0; i < cases.size(); ++i) EXPECT_TRUE(handler(i)->wait_closed());
}

TEST_F(ServerStreamTest, ASilentClientIsPingedThenCut) {
  ServerOptions options;
  options.stream_idle_timeout = 400ms;
  start(options);
  RawClient answers, silent;
  ASSERT_EQ(answers.connect(server_->port()), "HTTP/1.1 101 Switching Protocols");
  ASSERT_EQ(silent.connect(server_->port()), "HTTP/1.1 101 Switching Protocols");
  EXPECT_EQ(silent.read(), std::make_pair(uint8_t{0x89}, std::string()));
  // Three idle timeouts: a client that answers each ping stays.
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(answers.read(), std::make_pair(uint8_t{0x89}, std::string())) << "ping " << i;
    answers.send(0x8A, "");
  }
  EXPECT_TRUE(silent.connection.wait_closed(silent.deadline));
  EXPECT_TRUE(handler(1)->wait_closed());
  answers.send(0x81, "still here");
  EXPECT_EQ(answers.read(), std::make_pair(uint8_t{0x81}, std::string("echo:still here")));
}

TEST_F(ServerStreamTest, PingsFromAClientThatDoesNotReadAreAnsweredOnceNotHeldEach) {
  ServerOptions options;
  options.stream_queue_bytes = 64 * 1024 * 1024;
  start(options);
  RawClient client;
  ASSERT_EQ(client.connect(server_->port()), "HTTP/1.1 101 Switching Protocols");
  ASSERT_TRUE(handler(0)->wait_opened());
  // The client reads nothing: the server's writes stop once the socket buffers are full.
  const std::string chunk(60 * 1024, 'y');
  constexpr int kChunks = 300;
  for (int i = 0; i < kChunks; ++i) ASSERT_TRUE(handler(0)->sink()->send(chunk));
  constexpr int kPings = 5000;
  std::string pings;
  for (int i = 0; i < kPings; ++i) pings += std::string("\x89\x80\x01\x02\x03\x04", 6);
  ASSERT_TRUE(client.connection.send(pings, client.deadline));
  client.send(0x81, "after the pings");  // read after every ping, as the handler tells
  ASSERT_TRUE(handler(0)->wait_messages(1));
  // The echo was queued after every chunk, and after the pings were read: the pongs come
  // before it.
  int pongs = 0, chunks = 0;
  for (;;) {
    const auto [first_byte, payload] = client.read();
    ASSERT_NE(first_byte, 0) << "the connection ended after " << chunks << " chunks";
    if (first_byte == 0x8A) ++pongs;
    if (first_byte == 0x81 && payload == chunk) ++chunks;
    if (first_byte == 0x81 && payload == "echo:after the pings") break;
  }
  EXPECT_EQ(chunks, kChunks);
  EXPECT_EQ(pongs, 1) << "a pong for each ping was held while the client read nothing";
}

}  // namespace
}  // namespace publius::http
