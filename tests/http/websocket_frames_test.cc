// The server's WebSocket framing (src/http/websocket_frames.cc): the handshake's answer
// (RFC 6455's own example), frame headers at each length boundary, and the reader's
// refusal of every frame a server must refuse, with the close code RFC 6455 gives it.
#include "http/websocket_frames.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace publius::http {
namespace {

using Kind = WebSocketEvent::Kind;

// A frame as a client sends it: masked with `mask`.
std::string client_frame(uint8_t first_byte, std::string_view payload,
                         std::string_view mask = "\x12\x34\x56\x78") {
  std::string frame(1, static_cast<char>(first_byte));
  if (payload.size() <= 125) {
    frame += static_cast<char>(0x80 | payload.size());
  } else if (payload.size() <= 0xFFFF) {
    frame += static_cast<char>(0x80 | 126);
    frame += static_cast<char>(payload.size() >> 8);
    frame += static_cast<char>(payload.size() & 0xFF);
  } else {
    frame += static_cast<char>(0x80 | 127);
    for (int i = 7; i >= 0; --i) frame += static_cast<char>(payload.size() >> (8 * i));
  }
  frame += mask;
  for (size_t i = 0; i < payload.size(); ++i) frame += static_cast<char>(payload[i] ^ mask[i % 4]);
  return frame;
}

constexpr uint8_t kFinText = 0x81, kFinBinary = 0x82, kText = 0x01, kFinContinuation = 0x80,
                  kContinuation = 0x00, kClose = 0x88, kPing = 0x89, kPong = 0x8A;

std::vector<WebSocketEvent> read_all(std::string_view bytes, size_t max_message = 4096) {
  WebSocketReader reader(max_message);
  std::vector<WebSocketEvent> events;
  reader.feed(bytes, events);
  return events;
}

// The one event a failing input ends with, and its close code.
int failure_code(std::string_view bytes, size_t max_message = 4096) {
  const auto events = read_all(bytes, max_message);
  if (events.empty() || events.back().kind != Kind::kFailed) return 0;
  return events.back().code;
}

TEST(WebSocketHandshake, AnswersRfc6455sExampleKey) {
  // RFC 6455 section 1.3.
  EXPECT_EQ(websocket_accept_value("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WebSocketHandshake, RefusesAWrongVersionKeyOrHttpVersion) {
  Request request;
  request.method = "GET";
  request.headers = {{"sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="},
                     {"sec-websocket-version", "13"}};
  ASSERT_TRUE(std::holds_alternative<std::string>(check_websocket_handshake(request, 11)));

  const auto old_http = check_websocket_handshake(request, 10);
  ASSERT_TRUE(std::holds_alternative<Response>(old_http));
  EXPECT_EQ(std::get<Response>(old_http).status, 400);

  request.headers[1].second = "8";
  const auto old_version = check_websocket_handshake(request, 11);
  ASSERT_TRUE(std::holds_alternative<Response>(old_version));
  EXPECT_EQ(std::get<Response>(old_version).status, 426);
  const auto& headers = std::get<Response>(old_version).headers;
  EXPECT_NE(std::find(headers.begin(), headers.end(),
                      std::pair<std::string, std::string>("Sec-WebSocket-Version", "13")),
            headers.end());

  request.headers[1].second = "13";
  for (const char* key : {"", "short==", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25j!Q=="}) {
    request.headers[0].second = key;
    const auto bad_key = check_websocket_handshake(request, 11);
    ASSERT_TRUE(std::holds_alternative<Response>(bad_key)) << key;
    EXPECT_EQ(std::get<Response>(bad_key).status, 400) << key;
  }
}

TEST(WebSocketFrames, HeadersUseTheShortestLengthForm) {
  FrameHeader header;
  EXPECT_EQ(write_frame_header(WebSocketOpcode::kText, 125, header), 2u);
  EXPECT_EQ(header[0], '\x81');
  EXPECT_EQ(header[1], 125);
  EXPECT_EQ(write_frame_header(WebSocketOpcode::kText, 126, header), 4u);
  EXPECT_EQ(static_cast<uint8_t>(header[1]), 126);
  EXPECT_EQ(static_cast<uint8_t>(header[2]), 0);
  EXPECT_EQ(static_cast<uint8_t>(header[3]), 126);
  EXPECT_EQ(write_frame_header(WebSocketOpcode::kText, 0xFFFF, header), 4u);
  EXPECT_EQ(write_frame_header(WebSocketOpcode::kText, 0x10000, header), 10u);
  EXPECT_EQ(static_cast<uint8_t>(header[1]), 127);
  EXPECT_EQ(static_cast<uint8_t>(header[7]), 1);
  EXPECT_EQ(static_cast<uint8_t>(header[9]), 0);
}

TEST(WebSocketFrames, ACloseFrameKeepsItsReasonWithinAControlFrameOnACharacterBoundary) {
  std::string text;  // "é" (C3 A9) 70 times: 140 bytes, over the 123 a reason may take
  for (int i = 0; i < 70; ++i) text += "\xC3\xA9";
  const std::string frame = close_frame(1001, text);
  ASSERT_LE(frame.size(), 2u + 125u);
  EXPECT_EQ(frame[0], '\x88');
  EXPECT_EQ(static_cast<uint8_t>(frame[2]), 0x03);
  EXPECT_EQ(static_cast<uint8_t>(frame[3]), 0xE9);
  EXPECT_EQ((frame.size() - 4) % 2, 0u) << "a character was cut";
}

TEST(WebSocketReader, ReadsTextPingPongAndCloseFromOneRead) {
  const auto events = read_all(client_frame(kFinText, "hello") + client_frame(kPing, "p") +
                               client_frame(kPong, "") +
                               client_frame(kClose,
                                            "\x03\xE8"
                                            "bye"));
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].kind, Kind::kText);
  EXPECT_EQ(events[0].payload, "hello");
  EXPECT_EQ(events[1].kind, Kind::kPing);
  EXPECT_EQ(events[1].payload, "p");
  EXPECT_EQ(events[2].kind, Kind::kPong);
  EXPECT_EQ(events[3].kind, Kind::kClose);
  EXPECT_EQ(events[3].code, 1000);
}

TEST(WebSocketReader, GivesTheSameEventsWhateverWayTheBytesAreSplit) {
  const std::string long_text(300, 'x');
  const std::string bytes = client_frame(kText, "frag") + client_frame(kPing, "between") +
                            client_frame(kFinContinuation, "mented") +
                            client_frame(kFinText, long_text) + client_frame(kFinBinary, "b");
  const auto whole = read_all(bytes);
  ASSERT_EQ(whole.size(), 4u);
  EXPECT_EQ(whole[0].kind, Kind::kPing);
  EXPECT_EQ(whole[1].payload, "fragmented");
  EXPECT_EQ(whole[2].payload, long_text);
  EXPECT_EQ(whole[3].kind, Kind::kBinary);
  for (size_t piece = 1; piece <= 7; ++piece) {
    WebSocketReader reader(4096);
    std::vector<WebSocketEvent> events;
    for (size_t at = 0; at < bytes.size(); at += piece)
      reader.feed(std::string_view(bytes).substr(at, piece), events);
    ASSERT_EQ(events.size(), whole.size()) << "pieces of " << piece;
    for (size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(events[i].kind, whole[i].kind);
      EXPECT_EQ(events[i].payload, whole[i].payload);
    }
  }
}

TEST(WebSocketReader, ACloseWithoutACodeIs1005AndNothingAfterItIsRead) {
  const auto events = read_all(client_frame(kClose, "") + client_frame(kFinText, "late"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::kClose);
  EXPECT_EQ(events[0].code, 1005);
}

TEST(WebSocketReader, RefusesWhatAServerMustRefuseWithTheRightCode) {
  EXPECT_EQ(failure_code(std::string("\x81\x02hi", 4)), 1002) << "unmasked";
  EXPECT_EQ(failure_code(client_frame(0xC1, "hi")), 1002) << "reserved bit (compression)";
  EXPECT_EQ(failure_code(client_frame(0x83, "hi")), 1002) << "reserved opcode";
  EXPECT_EQ(failure_code(client_frame(0x09, "p")), 1002) << "fragmented ping";
  EXPECT_EQ(failure_code(client_frame(kPing, std::string(126, 'p'))), 1002) << "long ping";
  EXPECT_EQ(failure_code(client_frame(kFinContinuation, "x")), 1002) << "nothing to continue";
  EXPECT_EQ(failure_code(client_frame(kText, "a") + client_frame(kFinText, "b")), 1002)
      << "a new message inside a fragmented one";
  EXPECT_EQ(failure_code(client_frame(kClose, "\x03")), 1002) << "one-byte close";
  EXPECT_EQ(failure_code(client_frame(kClose, "\x03\xED")), 1002) << "close code 1005";
  EXPECT_EQ(failure_code(client_frame(kClose, "\x03\xE8\xFF")), 1007) << "close reason not UTF-8";
  EXPECT_EQ(failure_code(client_frame(kFinText, "\xC3\x28")), 1007) << "text not UTF-8";
  EXPECT_EQ(failure_code(client_frame(kText, "\xC3") + client_frame(kFinContinuation, "\xA9")), 0)
      << "a character split across fragments is whole in the message";
}

TEST(WebSocketReader, RefusesAnOversizedMessageBeforeItsBytesArrive) {
  EXPECT_EQ(failure_code(client_frame(kFinText, std::string(4096, 'x'))), 0);
  EXPECT_EQ(failure_code(client_frame(kFinText, std::string(4097, 'x'))), 1009);
  // Only the header of a frame announcing 2^62 bytes has arrived.
  std::string huge("\x81\xFF\x40\x00\x00\x00\x00\x00\x00\x00", 10);
  EXPECT_EQ(failure_code(huge), 1009);
  // Fragments count together.
  EXPECT_EQ(failure_code(client_frame(kText, std::string(3000, 'x')) +
                         client_frame(kContinuation, std::string(1000, 'x')) +
                         client_frame(kFinContinuation, std::string(97, 'x'))),
            1009);
}

TEST(WebSocketReader, ReadsNothingAfterAFailure) {
  WebSocketReader reader(4096);
  std::vector<WebSocketEvent> events;
  reader.feed(client_frame(0xC1, "x"), events);
  reader.feed(client_frame(kFinText, "after"), events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::kFailed);
  EXPECT_TRUE(reader.ended());
}

}  // namespace
}  // namespace publius::http
