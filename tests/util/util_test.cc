#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <random>
#include <set>

#include "util/ascii.h"
#include "util/crypto.h"
#include "util/ids.h"
#include "util/json_writer.h"
#include "util/time.h"

namespace publius {
namespace {

TEST(AsciiTest, LowercasesAsciiLettersOnly) {
  EXPECT_EQ(ascii_lowercase("Example.COM:8443"), "example.com:8443");
  // Bytes outside ASCII (UTF-8 here) are left as they are, not folded by any locale.
  EXPECT_EQ(ascii_lowercase("\xC3\x89T\xC3\xA9"), "\xC3\x89t\xC3\xA9");
  EXPECT_EQ(ascii_lowercase(""), "");
}

TEST(TimeTest, FormatsIsoAndDay) {
  EXPECT_EQ(format_iso8601_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601_ms(1489483800123), "2017-03-14T09:30:00.123Z");
  EXPECT_EQ(format_day(1489483800123), "2017-03-14");
  EXPECT_EQ(day_floor_ms(1489483800123), 1489449600000);
}

// The four-digit years are written digit by digit: they must agree with the C library's
// calendar everywhere, before 1970 and after 2038 too.
TEST(TimeTest, FormatsAsTheCLibraryDoes) {
  std::mt19937_64 random(42);
  std::uniform_int_distribution<int64_t> any_ms(-62167219200000, 253402300799999);  // 0000-9999
  for (int i = 0; i < 5000; ++i) {
    const int64_t ms =
        i < 3 ? std::array<int64_t, 3>{-1, 951782400000, 253402300799999}[i] : any_ms(random);
    const int64_t seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    const time_t t = seconds;
    tm parts{};
    ASSERT_NE(gmtime_r(&t, &parts), nullptr);
    char expected[64];
    std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ",
                  parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
                  parts.tm_min, parts.tm_sec, static_cast<long long>(ms - seconds * 1000));
    ASSERT_EQ(format_iso8601_ms(ms), expected) << ms;
  }
}

TEST(TimeTest, ParsesRfc3339) {
  EXPECT_EQ(parse_rfc3339_ms("2017-03-14T09:30:00Z"), 1489483800000);
  EXPECT_EQ(parse_rfc3339_ms("2017-03-14T09:30:00.5Z"), 1489483800500);
  EXPECT_EQ(parse_rfc3339_ms("2017-03-14T11:30:00+02:00"), 1489483800000);
  EXPECT_EQ(parse_rfc3339_ms("2017-03-14T04:30:00-05:00"), 1489483800000);
  EXPECT_FALSE(parse_rfc3339_ms("2017-03-14"));
  EXPECT_FALSE(parse_rfc3339_ms("2017-13-14T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339_ms("2017-03-14T25:00:00Z"));
  EXPECT_FALSE(parse_rfc3339_ms("2017-03-14T09:30:00"));
  EXPECT_FALSE(parse_rfc3339_ms("garbage"));
  EXPECT_FALSE(parse_rfc3339_ms(""));
}

// Found by fuzz/demand_fuzz (corpus/demand_fuzz/year_before_zero, year_after_9999): an offset
// moved a time out of the four-digit years, so a demand was stored in a form it cannot be read
// back from.
TEST(TimeTest, ReadsBackEveryTimeItAccepts) {
  EXPECT_FALSE(parse_rfc3339_ms("0000-01-01T00:00:00+01:00"));
  EXPECT_FALSE(parse_rfc3339_ms("9999-12-31T23:30:00-01:00"));
  EXPECT_FALSE(parse_rfc3339_ms("9999-12-31T23:59:60Z"));
  for (std::string_view text : {"0000-01-01T00:00:00Z", "0000-01-01T00:30:00+00:30",
                                "9999-12-31T23:59:59.999Z", "9999-12-31T22:00:00-01:00"}) {
    const auto ms = parse_rfc3339_ms(text);
    ASSERT_TRUE(ms) << text;
    EXPECT_EQ(parse_rfc3339_ms(format_iso8601_ms(*ms)), ms) << text;
  }
}

TEST(IdsTest, IncreaseStrictlyAndEncodeTime) {
  std::set<int64_t> seen;
  int64_t prev = 0;
  for (int i = 0; i < 10000; ++i) {
    const int64_t id = next_id();
    EXPECT_GT(id, prev);
    prev = id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 10000u);
  EXPECT_LE(std::abs(ms_of_id(next_id()) - now_ms()), 5000);
}

TEST(IdsTest, ParsesOnlyPlainNonNegativeDecimals) {
  EXPECT_EQ(parse_id("123"), 123);
  EXPECT_FALSE(parse_id("-1"));
  EXPECT_FALSE(parse_id("12a"));
  EXPECT_FALSE(parse_id(""));
  EXPECT_FALSE(parse_id("99999999999999999999"));
  EXPECT_FALSE(parse_id(" 1"));
}

// The escape skips eight bytes at a time: each byte value, at each place of a text longer
// than two words, is escaped as a plain byte-by-byte escape does it.
TEST(JsonWriterTest, EveryByteAtEveryPlaceIsEscapedAlike) {
  const auto plain = [](std::string_view s) {
    std::string out;
    for (const char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      if (c == '"')
        out += "\\\"";
      else if (c == '\\')
        out += "\\\\";
      else if (c == '\n')
        out += "\\n";
      else if (c == '\r')
        out += "\\r";
      else if (c == '\t')
        out += "\\t";
      else if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else
        out.push_back(ch);
    }
    return out;
  };
  for (int byte = 0; byte < 256; ++byte) {
    for (size_t place = 0; place < 21; ++place) {
      std::string text(21, 'a');
      text[place] = static_cast<char>(byte);
      std::string out;
      JsonWriter::escape_into(out, text);
      ASSERT_EQ(out, plain(text)) << "byte " << byte << " at " << place;
    }
  }
}

TEST(JsonWriterTest, EscapesAndSeparates) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("a", "x\"y\\z\n\x01")
      .field("b", int64_t{-5})
      .field("c", true)
      .field_null("d")
      .field_id("e", 42);
  w.key("f").begin_array().string("1").integer(2).begin_object().end_object().end_array();
  w.end_object();
  EXPECT_EQ(out, R"({"a":"x\"y\\z\n\u0001","b":-5,"c":true,"d":null,"e":"42","f":["1",2,{}]})");
}

TEST(CryptoTest, PasswordHashVerifies) {
  ASSERT_TRUE(crypto_init().ok());
  auto hash = password_hash("correct horse battery staple");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(password_verify(*hash, "correct horse battery staple"));
  EXPECT_FALSE(password_verify(*hash, "wrong"));
  auto fast = fast_secret_hash("abcd-efgh");
  ASSERT_TRUE(fast.ok());
  EXPECT_TRUE(password_verify(*fast, "abcd-efgh"));
}

TEST(CryptoTest, OnlyTheExactTestValueSelectsTheCheapWorkFactors) {
  EXPECT_EQ(&work_factors_for("1"), &kInsecureTestWorkFactors);
  for (const char* other : {static_cast<const char*>(nullptr), "", "0", "true", "1 ", "yes"})
    EXPECT_EQ(&work_factors_for(other), &kProductionWorkFactors) << (other ? other : "unset");
}

TEST(CryptoTest, ProductionWorkFactorsHashPasswordsWithInteractiveArgon2id) {
  ASSERT_TRUE(crypto_init().ok());
  EXPECT_EQ(kProductionWorkFactors.rsa_bits, 2048);
  auto hash = password_hash("correct horse battery staple", kProductionWorkFactors);
  ASSERT_TRUE(hash.ok());
  // 64 MiB and two passes, written into the hash itself.
  EXPECT_EQ(hash->rfind("$argon2id$v=19$m=65536,t=2,", 0), 0u) << *hash;
  EXPECT_TRUE(password_verify(*hash, "correct horse battery staple"));
  auto cheap = password_hash("correct horse battery staple", kInsecureTestWorkFactors);
  ASSERT_TRUE(cheap.ok());
  EXPECT_EQ(cheap->rfind("$argon2id$v=19$m=8,t=1,", 0), 0u) << *cheap;
}

TEST(CryptoTest, TokensAreRandomAndUrlSafe) {
  ASSERT_TRUE(crypto_init().ok());
  const auto a = random_token(32), b = random_token(32);
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace publius
