// The server's side of the WebSocket protocol (RFC 6455) as pure functions over
// bytes, with no I/O: the opening handshake's answer, the header of a frame the
// server sends, and a reader that turns the bytes a client sends into messages and
// control frames. The server's connections (server.cc) do the I/O around them, and
// fuzz/websocket_fuzz.cc feeds the reader arbitrary bytes.
//
// No extension is negotiated (no permessage-deflate): every frame with a reserved
// bit set is a protocol error.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "http/message.h"

namespace publius::http {

// The Sec-WebSocket-Accept value for a request's Sec-WebSocket-Key (RFC 6455 4.2.2).
std::string websocket_accept_value(std::string_view key);

// Checks the opening handshake of a request for which is_websocket_upgrade() holds
// (RFC 6455 4.2.1): HTTP/1.1 or later, a Sec-WebSocket-Key of 16 base64-encoded
// bytes and Sec-WebSocket-Version 13. Returns the Sec-WebSocket-Accept value, or the
// response that refuses the upgrade: a 400 naming what is wrong, or a 426 listing
// the version the server speaks.
std::variant<std::string, Response> check_websocket_handshake(const Request& request,
                                                              unsigned http_version);

enum class WebSocketOpcode : uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

// The longest header of an unmasked frame: 2 bytes plus a 64-bit length.
inline constexpr size_t kMaxFrameHeaderBytes = 10;
using FrameHeader = std::array<char, kMaxFrameHeaderBytes>;

// Writes the header of an unmasked final frame (what a server sends) carrying
// `payload_bytes` into `out`; returns its length (2, 4 or 10 bytes).
size_t write_frame_header(WebSocketOpcode opcode, uint64_t payload_bytes, FrameHeader& out);

// A whole control frame (close, ping or pong; payload at most 125 bytes, longer is
// cut) as the server sends it.
std::string control_frame(WebSocketOpcode opcode, std::string_view payload);
// A close frame with `code` and `reason` (cut to fit the 125 bytes of a control frame
// on a UTF-8 character boundary).
std::string close_frame(int code, std::string_view reason);

// What a client sent, one frame or reassembled message at a time.
struct WebSocketEvent {
  enum class Kind {
    kText,    // a whole text message (its fragments joined), valid UTF-8
    kBinary,  // a whole binary message
    kPing,    // payload: what the pong must carry
    kPong,
    kClose,   // the client closes: `code` is its close code, 1005 when it gave none
    kFailed,  // the client broke the protocol: close with `code`, read nothing more
  };
  Kind kind;
  std::string payload;
  int code = 0;
};

// Reads the frames a client sends. Not thread-safe; one per connection. It holds
// bytes only while a frame or a fragmented message is incomplete, so an idle
// connection's reader holds no buffer.
//
// Refused, each ending the reader with a kFailed event and the close code RFC 6455
// gives it: an unmasked frame, a reserved bit or opcode, a fragmented or oversized
// (over 125 bytes) control frame, a continuation with no message to continue, a new
// message before the last one's final fragment, an invalid close frame (1002); text
// that is not UTF-8 (1007); a message longer than `max_message_bytes` (1009).
class WebSocketReader {
 public:
  explicit WebSocketReader(size_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}

  // Reads `bytes` (the next received, in order) and appends what they complete to
  // `events`. After a kFailed or kClose event, further bytes are ignored.
  void feed(std::string_view bytes, std::vector<WebSocketEvent>& events);

  bool ended() const { return ended_; }

 private:
  // Reads one frame from the front of `bytes`: how many bytes it took, 0 when the frame
  // is not complete yet.
  size_t read_frame(std::string_view bytes, std::vector<WebSocketEvent>& events);
  void fail(int code, std::vector<WebSocketEvent>& events);

  const size_t max_message_bytes_;
  std::string partial_frame_;  // received bytes of a frame not complete yet
  std::string message_;        // the fragments so far of a message not finished yet
  WebSocketOpcode message_opcode_ = WebSocketOpcode::kContinuation;  // none under way
  bool ended_ = false;
};

}  // namespace publius::http
