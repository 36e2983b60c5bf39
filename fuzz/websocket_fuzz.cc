// libFuzzer target for the bytes a WebSocket client sends: they go through
// http::WebSocketReader (src/http/websocket_frames.cc), the reader every open
// socket of the server uses. Build and run: see fuzz/README.md.
//
// Beyond "no crash, no sanitizer report" it traps when one of these breaks:
// - the same bytes give the same events whether they arrive at once or in pieces
//   of 1 to 64 bytes (a network may split them anywhere);
// - a text message is UTF-8, and no message is longer than the limit;
// - a ping's payload fits a control frame (125 bytes), so its pong does too;
// - a close carries a code a client may send, or 1005 for none;
// - a refusal is 1002, 1007 or 1009, and nothing follows a refusal or a close.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/websocket_frames.h"
#include "util/utf8.h"

namespace {

using publius::http::WebSocketEvent;
using publius::http::WebSocketReader;
using Kind = WebSocketEvent::Kind;

constexpr size_t kMaxMessageBytes = 256;  // small, so that the limit is often reached

void check(bool condition) {
  if (!condition) __builtin_trap();
}

std::vector<WebSocketEvent> read(std::string_view input, size_t piece) {
  WebSocketReader reader(kMaxMessageBytes);
  std::vector<WebSocketEvent> events;
  for (size_t at = 0; at < input.size(); at += piece) reader.feed(input.substr(at, piece), events);
  return events;
}

bool same(const std::vector<WebSocketEvent>& a, const std::vector<WebSocketEvent>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].kind != b[i].kind || a[i].payload != b[i].payload || a[i].code != b[i].code)
      return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto events = read(input, input.size() + 1);
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& event = events[i];
    const bool last = i + 1 == events.size();
    switch (event.kind) {
      case Kind::kText:
        check(publius::is_valid_utf8(event.payload));
        check(event.payload.size() <= kMaxMessageBytes);
        break;
      case Kind::kBinary:
        check(event.payload.size() <= kMaxMessageBytes);
        break;
      case Kind::kPing:
      case Kind::kPong:
        check(event.payload.size() <= 125);
        break;
      case Kind::kClose:
        check(last);
        check(event.code == 1005 || (event.code >= 1000 && event.code <= 4999 &&
                                     event.code != 1004 && event.code != 1006));
        break;
      case Kind::kFailed:
        check(last);
        check(event.code == 1002 || event.code == 1007 || event.code == 1009);
        break;
    }
  }
  // However the network splits the bytes, they read the same.
  for (size_t piece : {1, 2, 3, 7, 13, 64}) check(same(read(input, piece), events));
  return 0;
}
