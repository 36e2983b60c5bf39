// Streams: responses that stay open after their header, for live clients. A
// handler answers with a Response whose `stream` is set (Response::websocket or
// Response::event_stream); the server then keeps the connection as that stream
// instead of reading further requests from it:
// - a WebSocket (RFC 6455): the server completes the upgrade handshake, sends
//   every message the application queues as a text frame, hands each text
//   message the client sends to the application, answers pings and pings an
//   idle client itself;
// - server-sent events (text/event-stream, chunked): the server writes each
//   queued message as it is (an event's full text, "event: ...\ndata: ...\n\n")
//   and a comment line as heartbeat while nothing else is sent.
//
// The application sees a stream through two objects: its StreamHandler (events
// of the stream, called by the server) and the server's StreamSink (what to send,
// called by the application from any thread). Neither side blocks the other:
// messages wait in a bounded queue, and a client too slow to take them is
// dropped when the queue is full, never buffered without bound. A client
// message over ServerOptions::max_stream_message_bytes closes that stream alone.
// When the server stops, every stream is closed (WebSocket close code 1001).
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace publius::http {

// One message for a stream. Immutable and shared, so that one event sent to many
// streams is one buffer however many queues hold it.
using StreamMessage = std::shared_ptr<const std::string>;

// The server's side of one open stream. Thread-safe; every call is valid for the
// sink's lifetime, and does nothing once the stream has ended.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // Queues one message (not null). False when the stream has ended, or when the
  // queue is full: the stream is then ended (the client reads too slowly to keep
  // up). Each queue counts the message's full size against its bound.
  virtual bool send(StreamMessage message) = 0;
  bool send(std::string message) {
    return send(std::make_shared<const std::string>(std::move(message)));
  }
  // Ends the stream once the messages queued before are sent (a WebSocket with a
  // close frame of `code` and `reason`; an event stream with its last chunk).
  virtual void close(int code = 1000, std::string reason = {}) = 0;
};

// The application's side of one stream. The server calls it from one stream's
// strand: calls on one handler never overlap. A handler must not block for long.
class StreamHandler {
 public:
  virtual ~StreamHandler() = default;
  // The stream is open; `sink` sends to it. First call, exactly once.
  virtual void on_open(std::shared_ptr<StreamSink> sink) = 0;
  // A text message from the client (WebSocket only; binary messages are ignored).
  virtual void on_message(std::string_view text) = 0;
  // The stream has ended, whoever ended it. Last call, exactly once (also when the
  // stream never opened: a failed WebSocket handshake).
  virtual void on_close() = 0;
};

enum class StreamKind { kWebSocket, kEventStream };

// How a response opens a stream (Response::stream).
struct StreamOpening {
  StreamKind kind = StreamKind::kEventStream;
  std::shared_ptr<StreamHandler> handler;
  // WebSocket: the subprotocol the server selects (echoed in Sec-WebSocket-Protocol);
  // empty: none.
  std::string subprotocol;
};

}  // namespace publius::http
