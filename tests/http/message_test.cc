// Response headers: every value passes header_value(), so nothing a request
// carries can end a header line (response splitting) or reach Beast's 64 KiB
// field limit, which it enforces by throwing.
#include "http/message.h"

#include <gtest/gtest.h>

namespace publius::http {
namespace {

TEST(HeaderValue, RefusesControlCharactersAndOverlongValues) {
  for (const std::string& bad :
       {std::string("a\r\nSet-Cookie: x=1"), std::string("a\nb"), std::string("a\rb"),
        std::string("a\0b", 3), std::string("a\x01"), std::string("a\x7f"),
        std::string(kMaxHeaderValueBytes + 1, 'a')}) {
    const auto checked = header_value(bad);
    ASSERT_FALSE(checked.ok());
    EXPECT_EQ(checked.error().code, ErrorCode::kBadRequest);
  }
}

// Values are read eight bytes at a time: every byte value, at every place of a word and of
// the tail after the last whole word, is refused exactly when it is a control character.
TEST(HeaderValue, EveryByteAtEveryPlaceIsJudgedAlike) {
  for (size_t length : {1u, 7u, 8u, 9u, 16u, 21u}) {
    for (size_t at = 0; at < length; ++at) {
      for (int byte = 0; byte < 256; ++byte) {
        std::string value(length, 'a');
        value[at] = static_cast<char>(byte);
        const bool control = (byte < 0x20 && byte != '\t') || byte == 0x7f;
        EXPECT_EQ(header_value(value).ok(), !control) << length << " " << at << " " << byte;
      }
    }
  }
}

TEST(HeaderValue, KeepsTabsSpacesAndNonAscii) {
  for (const std::string& good :
       {std::string(""), std::string("attachment; filename=\"a b\tc\""), std::string("caf\xc3\xa9"),
        std::string(kMaxHeaderValueBytes, 'a')}) {
    const auto checked = header_value(good);
    ASSERT_TRUE(checked.ok());
    EXPECT_EQ(*checked, good);
  }
}

TEST(ResponseHeaders, ARefusedValueTurnsTheResponseIntoA400) {
  auto r = Response::html("<p>page</p>")
               .with_header("Cache-Control", "no-store")
               .with_header("Content-Disposition", "attachment; filename=\"x\r\nInjected: 1\"");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, Response::header_refused().body);
  EXPECT_TRUE(r.headers.empty());
  EXPECT_TRUE(r.headers_pass());

  auto redirect = Response::redirect("/back\r\n\r\n<script>");
  EXPECT_EQ(redirect.status, 400);
  EXPECT_TRUE(redirect.headers.empty());
}

TEST(ResponseHeaders, HeadersAppendedPastWithHeaderAreCaught) {
  auto r = Response::html("ok");
  EXPECT_TRUE(r.headers_pass());
  r.headers.emplace_back("Link", "<a>\r\nInjected: 1");
  EXPECT_FALSE(r.headers_pass());
  auto typed = Response::html("ok");
  typed.content_type = "text/html\r\nInjected: 1";
  EXPECT_FALSE(typed.headers_pass());
}

}  // namespace
}  // namespace publius::http
