#include "http/websocket_frames.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>

#include "util/utf8.h"

namespace publius::http {

namespace {

constexpr std::string_view kAcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr size_t kMaxControlPayload = 125;

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

// 16 bytes in base64 are 22 characters and "==".
bool is_websocket_key(std::string_view key) {
  return key.size() == 24 && key.substr(22) == "==" &&
         std::all_of(key.begin(), key.begin() + 22, is_base64_char);
}

// Close codes a client may send (RFC 6455 7.4): 1004, 1005, 1006 and 1015 are reserved
// for other uses, and 1012-2999 are not assigned to anyone.
bool is_sendable_close_code(int code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) ||
         (code >= 3000 && code <= 4999);
}

bool is_control(WebSocketOpcode opcode) { return static_cast<uint8_t>(opcode) >= 0x8; }

bool is_known(uint8_t opcode) { return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xA); }

// `text` cut to at most `bytes`, never inside a UTF-8 character.
std::string_view cut_utf8(std::string_view text, size_t bytes) {
  if (text.size() <= bytes) return text;
  size_t end = bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

std::string websocket_accept_value(std::string_view key) {
  std::string input(key);
  input += kAcceptGuid;
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data());
  std::array<unsigned char, 4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1> encoded{};
  const int length = EVP_EncodeBlock(encoded.data(), digest.data(), SHA_DIGEST_LENGTH);
  return {reinterpret_cast<const char*>(encoded.data()), static_cast<size_t>(length)};
}

std::variant<std::string, Response> check_websocket_handshake(const Request& request,
                                                              unsigned http_version) {
  if (http_version < 11) return Response::error(400, "A WebSocket needs HTTP/1.1");
  if (request.header("sec-websocket-version") != "13") {
    auto refusal = Response::error(426, "Only WebSocket version 13 is spoken here");
    refusal.headers.emplace_back("Sec-WebSocket-Version", "13");
    return refusal;
  }
  const std::string_view key = request.header("sec-websocket-key");
  if (!is_websocket_key(key))
    return Response::error(400, "Sec-WebSocket-Key must be 16 bytes in base64");
  return websocket_accept_value(key);
}

size_t write_frame_header(WebSocketOpcode opcode, uint64_t payload_bytes, FrameHeader& out) {
  out[0] = static_cast<char>(0x80 | static_cast<uint8_t>(opcode));  // FIN: never fragmented
  if (payload_bytes <= 125) {
    out[1] = static_cast<char>(payload_bytes);
    return 2;
  }
  if (payload_bytes <= 0xFFFF) {
    out[1] = 126;
    out[2] = static_cast<char>(payload_bytes >> 8);
    out[3] = static_cast<char>(payload_bytes & 0xFF);
    return 4;
  }
  out[1] = 127;
  for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<char>(payload_bytes >> (8 * (7 - i)));
  return 10;
}

std::string control_frame(WebSocketOpcode opcode, std::string_view payload) {
  payload = payload.substr(0, kMaxControlPayload);
  FrameHeader header;
  const size_t header_bytes = write_frame_header(opcode, payload.size(), header);
  std::string frame(header.data(), header_bytes);
  frame += payload;
  return frame;
}

std::string close_frame(int code, std::string_view reason) {
  std::string payload;
  payload += static_cast<char>((code >> 8) & 0xFF);
  payload += static_cast<char>(code & 0xFF);
  payload += cut_utf8(reason, kMaxControlPayload - 2);
  return control_frame(WebSocketOpcode::kClose, payload);
}

void WebSocketReader::feed(std::string_view bytes, std::vector<WebSocketEvent>& events) {
  if (ended_) return;
  if (partial_frame_.empty()) {
    // The usual case: whole frames, read straight from what arrived.
    while (!ended_ && !bytes.empty()) {
      const size_t used = read_frame(bytes, events);
      if (used == 0) break;
      bytes.remove_prefix(used);
    }
    if (!ended_) partial_frame_.assign(bytes);
    return;
  }
  partial_frame_ += bytes;
  std::string_view rest = partial_frame_;
  while (!ended_ && !rest.empty()) {
    const size_t used = read_frame(rest, events);
    if (used == 0) break;
    rest.remove_prefix(used);
  }
  // Released, not only cleared, once nothing is pending: idle connections hold no buffer.
  partial_frame_ = ended_ || rest.empty() ? std::string() : std::string(rest);
}

size_t WebSocketReader::read_frame(std::string_view bytes, std::vector<WebSocketEvent>& events) {
  if (bytes.size() < 2) return 0;
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(bytes[i]); };
  const bool fin = (byte(0) & 0x80) != 0;
  const uint8_t opcode_bits = byte(0) & 0x0F;
  if ((byte(0) & 0x70) != 0 || !is_known(opcode_bits)) {
    fail(1002, events);
    return 0;
  }
  const auto opcode = static_cast<WebSocketOpcode>(opcode_bits);
  if ((byte(1) & 0x80) == 0) {  // every client frame is masked (RFC 6455 5.1)
    fail(1002, events);
    return 0;
  }
  uint64_t length = byte(1) & 0x7F;
  size_t header_bytes = 2;
  if (length == 126) {
    if (bytes.size() < 4) return 0;
    length = (uint64_t{byte(2)} << 8) | byte(3);
    header_bytes = 4;
  } else if (length == 127) {
    if (bytes.size() < 10) return 0;
    length = 0;
    for (size_t i = 2; i < 10; ++i) length = (length << 8) | byte(i);
    header_bytes = 10;
  }
  if (is_control(opcode)) {
    if (!fin || length > kMaxControlPayload) {
      fail(1002, events);
      return 0;
    }
  } else {
    const bool continues = opcode == WebSocketOpcode::kContinuation;
    const bool under_way = message_opcode_ != WebSocketOpcode::kContinuation;
    if (continues != under_way) {
      fail(1002, events);
      return 0;
    }
    // Refused before its bytes arrive: nobody buffers a message over the limit.
    if (length > max_message_bytes_ - std::min(message_.size(), max_message_bytes_)) {
      fail(1009, events);
      return 0;
    }
  }
  const size_t mask_at = header_bytes;
  const size_t payload_at = mask_at + 4;
  if (bytes.size() < payload_at || bytes.size() - payload_at < length) return 0;
  std::string payload(bytes.substr(payload_at, length));
  for (size_t i = 0; i < payload.size(); ++i)
    payload[i] = static_cast<char>(payload[i] ^ bytes[mask_at + i % 4]);
  const size_t used = payload_at + length;

  switch (opcode) {
    case WebSocketOpcode::kPing:
      events.push_back({WebSocketEvent::Kind::kPing, std::move(payload)});
      return used;
    case WebSocketOpcode::kPong:
      events.push_back({WebSocketEvent::Kind::kPong, std::move(payload)});
      return used;
    case WebSocketOpcode::kClose: {
      int code = 1005;  // no status code given
      if (payload.size() == 1) {
        fail(1002, events);
        return 0;
      }
      if (payload.size() >= 2) {
        code = static_cast<uint8_t>(payload[0]) << 8 | static_cast<uint8_t>(payload[1]);
        if (!is_sendable_close_code(code)) {
          fail(1002, events);
          return 0;
        }
        if (!is_valid_utf8(std::string_view(payload).substr(2))) {
          fail(1007, events);
          return 0;
        }
      }
      events.push_back({WebSocketEvent::Kind::kClose, {}, code});
      ended_ = true;
      return used;
    }
    default:
      break;
  }
  if (opcode != WebSocketOpcode::kContinuation) message_opcode_ = opcode;
  if (message_.empty() && fin) {
    message_ = std::move(payload);
  } else {
    message_ += payload;
  }
  if (!fin) return used;
  const bool text = message_opcode_ == WebSocketOpcode::kText;
  message_opcode_ = WebSocketOpcode::kContinuation;
  if (text && !is_valid_utf8(message_)) {
    fail(1007, events);
    return 0;
  }
  events.push_back({text ? WebSocketEvent::Kind::kText : WebSocketEvent::Kind::kBinary,
                    std::exchange(message_, std::string())});
  return used;
}

void WebSocketReader::fail(int code, std::vector<WebSocketEvent>& events) {
  events.push_back({WebSocketEvent::Kind::kFailed, {}, code});
  ended_ = true;
  partial_frame_ = std::string();
  message_ = std::string();
}

}  // namespace publius::http
