#include "http/params.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace publius::http {
namespace {

using Strings = std::vector<std::string>;
using namespace std::string_literals;

// Unwraps a parse that must succeed; reports the error message otherwise.
Params Ok(Result<Params> r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : Params();
}

// The message of a parse that must fail with 400; "" if it succeeded.
std::string Err(const Result<Params>& r) {
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code, ErrorCode::kBadRequest);
  return r.error().message;
}

// The value of a getter that must succeed; a default value (after reporting) otherwise.
template <typename T>
T Value(const Result<T>& r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : T{};
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// ---------------------------------------------------------------------------------------------
// Query strings and forms

TEST(ParseQuery, PlusAndPercentTwentyDecodeToSpace) {
  Params p = Ok(parse_query("a=hello+world&b=x%20y&c=%26%3D%2B"));
  EXPECT_EQ(p.get("a"), "hello world");
  EXPECT_EQ(p.get("b"), "x y");
  EXPECT_EQ(p.get("c"), "&=+");
}

TEST(ParseQuery, KeysAreDecodedToo) {
  Params p = Ok(parse_query("media_ids%5B%5D=1&max+id=2"));
  EXPECT_EQ(p.get_all("media_ids"), Strings({"1"}));
  EXPECT_EQ(p.get("max id"), "2");
}

TEST(ParseQuery, InvalidPercentEscapesAreRejected) {
  for (std::string_view q : {"a=%zz", "a=%2", "a=%", "a%=1", "a=%g0", "a=1&b=%0"}) {
    EXPECT_TRUE(Contains(Err(parse_query(q)), "Invalid query string")) << q;
  }
}

TEST(ParseQuery, KeyWithoutEqualsHasEmptyValue) {
  Params p = Ok(parse_query("flag&b="));
  EXPECT_EQ(p.get("flag"), "");
  EXPECT_EQ(p.get("b"), "");
  EXPECT_TRUE(p.has("flag"));
  EXPECT_EQ(p.size(), 2u);
}

TEST(ParseQuery, EmptyKeysAndEmptyPiecesAreDropped) {
  Params p = Ok(parse_query("=x&&a=1&=&"));
  EXPECT_EQ(p.size(), 1u);
  EXPECT_FALSE(p.has(""));
  EXPECT_EQ(p.get("a"), "1");
  EXPECT_TRUE(Ok(parse_query("")).empty());
}

TEST(ParseQuery, RepeatedKeysLastWinsAndAllAreKept) {
  Params p = Ok(parse_query("a=1&b=x&a=2"));
  EXPECT_EQ(p.get("a"), "2");
  EXPECT_EQ(p.get_all("a"), Strings({"1", "2"}));
}

TEST(ParseQuery, BracketArrays) {
  Params p = Ok(parse_query("media_ids[]=1&media_ids[]=2&other=3"));
  EXPECT_EQ(p.get_all("media_ids"), Strings({"1", "2"}));
  EXPECT_FALSE(p.get("media_ids").has_value());  // an array is not a single value
  EXPECT_TRUE(p.has("media_ids"));
  EXPECT_TRUE(p.get_all("missing").empty());
  EXPECT_TRUE(p.get_all("media").empty());  // prefix of a key is not the key
}

TEST(ParseQuery, PairLimit) {
  std::string q;
  for (int i = 0; i < 1000; ++i) q += "a=" + std::to_string(i) + "&";
  EXPECT_EQ(Ok(parse_query(q)).size(), 1000u);
  q += "b=1";
  EXPECT_TRUE(Contains(Err(parse_query(q)), "too many parameters"));
}

TEST(ParseQuery, InvalidUtf8IsRejected) {
  for (std::string_view q :
       {"a=%FF", "a=%C0%AF", "a=%ED%A0%80", "a=%F4%90%80%80", "a=%E2%9C", "%FF=1", "a=\xC3"}) {
    EXPECT_TRUE(Contains(Err(parse_query(q)), "UTF-8")) << q;
  }
  Params p = Ok(parse_query("a=%E2%9C%93&b=%F0%9F%90%98&c=\xC3\xA9"));
  EXPECT_EQ(p.get("a"), "\u2713");
  EXPECT_EQ(p.get("b"), "\U0001F418");
  EXPECT_EQ(p.get("c"), "\u00E9");
}

TEST(ParseForm, NestedArraysAndHashes) {
  Params p = Ok(parse_form(
      "status=hi&poll[options][]=a&poll[options][]=b&poll[expires_in]=60&poll[multiple]=1"));
  EXPECT_EQ(p.get("status"), "hi");
  EXPECT_EQ(p.get_all("poll[options]"), Strings({"a", "b"}));
  EXPECT_EQ(p.get("poll[expires_in]"), "60");
  EXPECT_EQ(Value(p.get_bool("poll[multiple]")), true);
  EXPECT_TRUE(p.has("poll"));
  EXPECT_FALSE(p.has("pol"));
  EXPECT_EQ(p.subkeys("poll"), Strings({"options", "expires_in", "multiple"}));
}

TEST(ParseForm, ErrorsNameTheForm) {
  EXPECT_TRUE(Contains(Err(parse_form("a=%zz")), "Invalid form body"));
}

// ---------------------------------------------------------------------------------------------
// JSON

TEST(ParseJson, ScalarsBecomeText) {
  Params p = Ok(parse_json(R"({"s":"x","t":true,"f":false,"i":42,"neg":-7,"d":0.5,"whole":20.0,)"
                           R"("big":18446744073709551615,"id":"109876543210"})"));
  EXPECT_EQ(p.get("s"), "x");
  EXPECT_EQ(p.get("t"), "true");
  EXPECT_EQ(p.get("f"), "false");
  EXPECT_EQ(p.get("i"), "42");
  EXPECT_EQ(p.get("neg"), "-7");
  EXPECT_EQ(p.get("d"), "0.5");
  EXPECT_EQ(p.get("whole"), "20");
  EXPECT_EQ(p.get("big"), "18446744073709551615");
  EXPECT_EQ(p.get("id"), "109876543210");
  EXPECT_EQ(Value(p.get_bool("t")), true);
  EXPECT_EQ(Value(p.get_bool("f")), false);
}

TEST(ParseJson, StringEscapesAreDecoded) {
  Params p = Ok(parse_json(R"({"a":"line\nbreak \u00e9 \"q\" \ud83d\udc18"})"));
  EXPECT_EQ(p.get("a"), "line\nbreak \u00e9 \"q\" \U0001F418");
}

TEST(ParseJson, EmptyKeysAreDroppedAsInForms) {
  Params p = Ok(parse_json(R"({"":1,"a":2,"b":{"":3}})"));
  EXPECT_FALSE(p.has(""));
  EXPECT_EQ(p.size(), 1u);
  EXPECT_EQ(p.get("a"), "2");
  // A nested empty key must not turn into the array notation "b[]".
  EXPECT_TRUE(p.get_all("b").empty());
  EXPECT_TRUE(p.has("b"));
}

TEST(ParseJson, NullIsAbsent) {
  Params p = Ok(parse_json(R"({"a":null,"b":[null,"x"],"c":{"d":null}})"));
  EXPECT_FALSE(p.has("a"));
  EXPECT_FALSE(p.get("a").has_value());
  EXPECT_EQ(p.get_all("b"), Strings({"x"}));
  EXPECT_FALSE(p.get("c[d]").has_value());
}

TEST(ParseJson, NestedObjectsAndArraysFlattenToBrackets) {
  Params p = Ok(parse_json(R"({"poll":{"options":["a","b"],"expires_in":60},"media_ids":["1"]})"));
  EXPECT_EQ(p.get_all("poll[options]"), Strings({"a", "b"}));
  EXPECT_EQ(p.get("poll[expires_in]"), "60");
  EXPECT_EQ(p.get_all("media_ids"), Strings({"1"}));
  EXPECT_EQ(p.size(), 4u);
  // Identical to the form encoding of the same request.
  Params f =
      Ok(parse_form("poll[options][]=a&poll[options][]=b&poll[expires_in]=60&media_ids[]=1"));
  EXPECT_EQ(f.get_all("poll[options]"), p.get_all("poll[options]"));
  EXPECT_EQ(f.subkeys("poll"), p.subkeys("poll"));
}

TEST(ParseJson, ArraysOfObjectsGetIndices) {
  Params p = Ok(
      parse_json(R"({"fields_attributes":[{"name":"x","value":"y"},{"name":"z","value":"w"}]})"));
  EXPECT_EQ(p.get("fields_attributes[0][name]"), "x");
  EXPECT_EQ(p.get("fields_attributes[0][value]"), "y");
  EXPECT_EQ(p.get("fields_attributes[1][name]"), "z");
  EXPECT_EQ(p.subkeys("fields_attributes"), Strings({"0", "1"}));
  EXPECT_TRUE(p.get_all("fields_attributes").empty());
}

TEST(ParseJson, NestedArraysGetIndices) {
  Params p = Ok(parse_json(R"({"a":[[1,2],[3],"s"]})"));
  EXPECT_EQ(p.get_all("a[0]"), Strings({"1", "2"}));
  EXPECT_EQ(p.get_all("a[1]"), Strings({"3"}));
  EXPECT_EQ(p.get_all("a"), Strings({"s"}));
  EXPECT_EQ(p.subkeys("a"), Strings({"0", "1"}));
}

TEST(ParseJson, EmptyContainersArePresentButHoldNothing) {
  Params p = Ok(parse_json(R"({"media_ids":[],"poll":{},"x":[null]})"));
  EXPECT_TRUE(p.has("media_ids"));
  EXPECT_TRUE(p.get_all("media_ids").empty());
  EXPECT_FALSE(p.get("media_ids").has_value());
  EXPECT_TRUE(p.has("poll"));
  EXPECT_TRUE(p.has("x"));
  EXPECT_TRUE(p.subkeys("poll").empty());
  EXPECT_EQ(p.size(), 0u);
  // An empty object inside a hash still shows up as a subkey.
  Params q = Ok(parse_json(R"({"f":{"0":{},"1":{"name":"b"}}})"));
  EXPECT_EQ(q.subkeys("f"), Strings({"0", "1"}));
}

TEST(ParseJson, TopLevelMustBeAnObject) {
  for (std::string_view body : {"[1]", "\"x\"", "1", "null", "true", "[]"}) {
    EXPECT_EQ(Err(parse_json(body)), "JSON body must be an object") << body;
  }
  EXPECT_TRUE(Ok(parse_json(" {} ")).empty());
}

TEST(ParseJson, InvalidJsonIsRejected) {
  for (std::string_view body :
       {"", "{", R"({"a":1,})", "{'a':1}", R"({"a":1} x)", R"({"a":01})", R"({"a":"\x"})",
        "{\"a\":\"\xFF\"}", "{\"\xC0\xAF\":1}", R"({"a":1 /* c */})"}) {
    EXPECT_TRUE(Contains(Err(parse_json(body)), "Invalid JSON body")) << body;
  }
}

TEST(ParseJson, NestingBeyondLimitIsRejected) {
  auto nested = [](int depth) {
    std::string s = "{\"a\":";
    for (int i = 1; i < depth - 1; ++i) s += "[";
    s += "1";
    for (int i = 1; i < depth - 1; ++i) s += "]";
    return s + "}";
  };
  EXPECT_EQ(Ok(parse_json(nested(20))).size(), 1u);
  EXPECT_TRUE(Contains(Err(parse_json(nested(40))), "nested too deeply"));
  EXPECT_FALSE(parse_json(nested(100000)).ok());  // must not overflow the stack
}

TEST(ParseJson, EntryAndKeyLimits) {
  std::string body = R"({"a":[)";
  for (int i = 0; i < 10000; ++i) body += (i ? ",1" : "1");
  EXPECT_EQ(Ok(parse_json(body + "]}")).size(), 10000u);
  EXPECT_TRUE(Contains(Err(parse_json(body + ",1]}")), "too many entries"));
  const std::string long_key(2000, 'k');
  EXPECT_TRUE(Contains(Err(parse_json("{\"" + long_key + "\":1}")), "key too long"));
  EXPECT_TRUE(Contains(Err(parse_json("{\"a\":{\"" + long_key + "\":1}}")), "key too long"));
}

// ---------------------------------------------------------------------------------------------
// Multipart

constexpr std::string_view kBoundaryType = "multipart/form-data; boundary=XyZ";

TEST(ParseMultipart, TextFieldsAndFileWithoutItsName) {
  const std::string body =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"description\"\r\n"
      "\r\n"
      "a cat\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"secret-name.png\"\r\n"
      "Content-Type: image/png\r\n"
      "\r\n"
      "\x89PNG\r\n\x1a\n\0data\r\n"s
      "--XyZ\r\n"
      "content-disposition: FORM-DATA; name=focus\r\n"
      "\r\n"
      "0.5,0.5\r\n"
      "--XyZ--\r\n";
  Params p = Ok(parse_multipart(body, kBoundaryType));
  EXPECT_EQ(p.get("description"), "a cat");
  EXPECT_EQ(p.get("focus"), "0.5,0.5");
  EXPECT_EQ(p.size(), 2u);
  ASSERT_EQ(p.files().size(), 1u);
  const UploadedFile* f = p.file("file");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->field, "file");
  EXPECT_EQ(f->content_type, "image/png");
  EXPECT_EQ(f->data, std::string("\x89PNG\r\n\x1a\n\0data", 13));
  EXPECT_FALSE(p.has("file"));
  EXPECT_FALSE(p.has("filename"));
  // The file name appears nowhere: not in the file record (which has exactly three strings),
  // not among the params (all of which are accounted for above).
  static_assert(sizeof(UploadedFile) == 3 * sizeof(std::string));
  for (const std::string& s : {f->field, f->content_type, f->data}) {
    EXPECT_FALSE(Contains(s, "secret-name")) << s;
  }
}

TEST(ParseMultipart, QuotedBoundaryAndPreambleEpilogue) {
  const std::string body =
      "preamble to ignore\r\n"
      "--simple boundary  \r\n"  // transport padding after the delimiter
      "Content-Disposition: form-data; name=\"a\"\r\n"
      "\r\n"
      "1\r\n"
      "--simple boundary\r\n"
      "Content-Disposition: form-data; name=\"media_ids[]\"\r\n"
      "\r\n"
      "7\r\n"
      "--simple boundary--\r\n"
      "epilogue to ignore";
  Params p =
      Ok(parse_multipart(body, "multipart/form-data; charset=utf-8; boundary=\"simple boundary\""));
  EXPECT_EQ(p.get("a"), "1");
  EXPECT_EQ(p.get_all("media_ids"), Strings({"7"}));
}

TEST(ParseMultipart, ContentMayContainBoundaryLookalikes) {
  const std::string body =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"t\"\r\n"
      "\r\n"
      "x\r\n--XY\r\n-XyZ\r\n"
      "--XyZ--";
  Params p = Ok(parse_multipart(body, kBoundaryType));
  EXPECT_EQ(p.get("t"), "x\r\n--XY\r\n-XyZ");
}

TEST(ParseMultipart, MalformedBodiesAreRejected) {
  const std::string part =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"a\"\r\n"
      "\r\n"
      "1\r\n";
  EXPECT_TRUE(
      Contains(Err(parse_multipart(part + "--XyZ--", "multipart/form-data")), "missing boundary"));
  EXPECT_TRUE(Contains(Err(parse_multipart(part, kBoundaryType)), "missing closing delimiter"));
  EXPECT_TRUE(Contains(Err(parse_multipart("", kBoundaryType)), "boundary not found"));
  EXPECT_TRUE(Contains(Err(parse_multipart("junk", kBoundaryType)), "boundary not found"));
  // Bare LF line endings.
  EXPECT_FALSE(parse_multipart("--XyZ\nContent-Disposition: form-data; name=\"a\"\n\n1\n--XyZ--\n",
                               kBoundaryType)
                   .ok());
  // No Content-Disposition, no name, wrong disposition type, unterminated headers.
  EXPECT_FALSE(
      parse_multipart("--XyZ\r\nContent-Type: text/plain\r\n\r\n1\r\n--XyZ--", kBoundaryType).ok());
  EXPECT_FALSE(
      parse_multipart("--XyZ\r\nContent-Disposition: form-data\r\n\r\n1\r\n--XyZ--", kBoundaryType)
          .ok());
  EXPECT_FALSE(
      parse_multipart("--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\n1\r\n--XyZ--",
                      kBoundaryType)
          .ok());
  EXPECT_FALSE(parse_multipart("--XyZ\r\nContent-Disposition: form-data; name=a\r\n1\r\n--XyZ--",
                               kBoundaryType)
                   .ok());
  // Unterminated quoted name; junk after a delimiter.
  EXPECT_FALSE(
      parse_multipart("--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n--XyZ--",
                      kBoundaryType)
          .ok());
  EXPECT_FALSE(parse_multipart("--XyZjunk\r\n", kBoundaryType).ok());
  EXPECT_TRUE(Contains(Err(parse_multipart("--XyZab" + part.substr(7) + "--XyZ--", kBoundaryType)),
                       "delimiter"));
  // Invalid boundaries and a non-multipart type.
  EXPECT_FALSE(parse_multipart(part + "--XyZ--", "multipart/form-data; boundary=").ok());
  EXPECT_FALSE(
      parse_multipart(part + "--XyZ--", "multipart/form-data; boundary=" + std::string(71, 'a'))
          .ok());
  EXPECT_FALSE(parse_multipart(part + "--XyZ--", "text/plain; boundary=XyZ").ok());
  EXPECT_TRUE(Contains(Err(parse_multipart(part, kBoundaryType)), "Invalid multipart body"));
}

TEST(ParseMultipart, TextMustBeUtf8ButFilesNeedNot) {
  EXPECT_TRUE(Contains(
      Err(parse_multipart("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n\xFF\r\n--XyZ--",
                          kBoundaryType)),
      "UTF-8"));
  Params p = Ok(parse_multipart(
      "--XyZ\r\nContent-Disposition: form-data; name=a; filename=b\r\n\r\n\xFF\r\n--XyZ--",
      kBoundaryType));
  ASSERT_NE(p.file("a"), nullptr);
  EXPECT_EQ(p.file("a")->data, "\xFF");
  EXPECT_EQ(p.file("a")->content_type, "");
}

TEST(ParseMultipart, EmptyFileInputIsNoFile) {
  Params p = Ok(
      parse_multipart("--XyZ\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"\"\r\n"
                      "Content-Type: application/octet-stream\r\n\r\n\r\n--XyZ--",
                      kBoundaryType));
  EXPECT_TRUE(p.files().empty());
  EXPECT_EQ(p.file("avatar"), nullptr);
  EXPECT_TRUE(Ok(parse_multipart("--XyZ--", kBoundaryType)).empty());
}

TEST(ParseMultipart, PartLimit) {
  std::string body;
  for (int i = 0; i < 1001; ++i)
    body += "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n";
  EXPECT_TRUE(Contains(Err(parse_multipart(body + "--XyZ--", kBoundaryType)), "too many parts"));
}

// ---------------------------------------------------------------------------------------------
// Typed getters

TEST(GetBool, RailsTruthValues) {
  Params p;
  for (std::string_view v : {"1", "true", "TRUE", "on", "On", "t", "T", "yes", "YES"}) {
    p.add("k", std::string(v));
    EXPECT_EQ(Value(p.get_bool("k")), std::optional<bool>(true)) << v;
  }
  for (std::string_view v : {"0", "false", "False", "off", "OFF", "f", "F", "no", "No", ""}) {
    p.add("k", std::string(v));
    EXPECT_EQ(Value(p.get_bool("k")), std::optional<bool>(false)) << v;
  }
  EXPECT_EQ(Value(p.get_bool("absent")), std::nullopt);
}

TEST(GetBool, OtherValuesAreErrors) {
  Params p;
  for (std::string_view v : {"maybe", "2", "tru", " true", "yes!"}) {
    p.add("sensitive", std::string(v));
    auto r = p.get_bool("sensitive");
    ASSERT_FALSE(r.ok()) << v;
    EXPECT_EQ(r.error().code, ErrorCode::kBadRequest);
    EXPECT_EQ(r.error().message, "sensitive must be a boolean");
  }
}

TEST(GetInt, ParsesInt64) {
  Params p = Ok(parse_query("limit=20&neg=-5&max=9223372036854775807&min=-9223372036854775808&e="));
  EXPECT_EQ(Value(p.get_int("limit")), std::optional<int64_t>(20));
  EXPECT_EQ(Value(p.get_int("neg")), std::optional<int64_t>(-5));
  EXPECT_EQ(Value(p.get_int("max")), std::optional<int64_t>(INT64_MAX));
  EXPECT_EQ(Value(p.get_int("min")), std::optional<int64_t>(INT64_MIN));
  EXPECT_EQ(Value(p.get_int("absent")), std::nullopt);
  EXPECT_EQ(Value(p.get_int("e")), std::nullopt);  // empty form field
  EXPECT_EQ(Value(Ok(parse_json(R"({"limit":40})")).get_int("limit")), std::optional<int64_t>(40));
}

TEST(GetInt, RejectsNonNumericAndOverflow) {
  Params p;
  for (std::string_view v : {"abc", "12abc", "1.5", " 5", "5 ", "-", "0x10", "1e3"}) {
    p.add("limit", std::string(v));
    auto r = p.get_int("limit");
    ASSERT_FALSE(r.ok()) << v;
    EXPECT_EQ(r.error().message, "limit must be an integer") << v;
  }
  for (std::string_view v :
       {"9223372036854775808", "-9223372036854775809", "99999999999999999999"}) {
    p.add("limit", std::string(v));
    auto r = p.get_int("limit");
    ASSERT_FALSE(r.ok()) << v;
    EXPECT_EQ(r.error().code, ErrorCode::kBadRequest);
    EXPECT_EQ(r.error().message, "limit is out of range") << v;
  }
}

TEST(Params, GetOrAndHas) {
  Params p;
  p.add("a", "1");
  p.add("poll[expires_in]", "60");
  EXPECT_EQ(p.get_or("a", "x"), "1");
  EXPECT_EQ(p.get_or("b", "x"), "x");
  EXPECT_TRUE(p.has("poll"));
  EXPECT_TRUE(p.has("poll[expires_in]"));
  EXPECT_FALSE(p.has("poll[expires]"));
  EXPECT_FALSE(p.has("b"));
}

// ---------------------------------------------------------------------------------------------
// subkeys

TEST(Subkeys, FormStyleInOrderOfFirstAppearance) {
  Params p = Ok(parse_form(
      "fields_attributes[1][name]=b&fields_attributes[0][name]=a&fields_attributes[1][value]=y"
      "&fields_attributes[]=skip&fields_attributes_x[2][name]=c&fields[3]=d"));
  EXPECT_EQ(p.subkeys("fields_attributes"), Strings({"1", "0"}));
  EXPECT_EQ(p.subkeys("fields"), Strings({"3"}));
  EXPECT_EQ(p.subkeys("fields_attributes[1]"), Strings({"name", "value"}));
  EXPECT_TRUE(p.subkeys("missing").empty());
  // Malformed bracket keys contribute nothing.
  Params odd = Ok(parse_form("a[[1]=x&a[b]c=y&a[ok]=z&a[=w"));
  EXPECT_EQ(odd.subkeys("a"), Strings({"ok"}));
}

TEST(Subkeys, JsonObjectAndArrayForms) {
  Params obj = Ok(parse_json(R"({"fields_attributes":{"0":{"name":"a"},"1":{"name":"b"}}})"));
  Params arr = Ok(parse_json(R"({"fields_attributes":[{"name":"a"},{"name":"b"}]})"));
  EXPECT_EQ(obj.subkeys("fields_attributes"), Strings({"0", "1"}));
  EXPECT_EQ(arr.subkeys("fields_attributes"), Strings({"0", "1"}));
  EXPECT_EQ(obj.get("fields_attributes[1][name]"), "b");
  EXPECT_EQ(arr.get("fields_attributes[1][name]"), "b");
}

// ---------------------------------------------------------------------------------------------
// merge

TEST(Merge, LaterEntriesWin) {
  Params query = Ok(parse_query("a=1&b=2&ids[]=x"));
  Params body = Ok(parse_json(R"({"a":"3","ids":["y"],"n":null})"));
  Params path;
  path.add("id", "99");

  Params all = query;
  all.merge(body);
  all.merge(std::move(path));
  EXPECT_EQ(all.get("a"), "3");
  EXPECT_EQ(all.get("b"), "2");
  EXPECT_EQ(all.get("id"), "99");
  EXPECT_EQ(all.get_all("ids"), Strings({"x", "y"}));
  EXPECT_EQ(all.get_all("a"), Strings({"1", "3"}));
  EXPECT_FALSE(all.has("n"));
  EXPECT_EQ(query.get("a"), "1");  // the copy merged into is independent
}

TEST(Merge, FilesAreMergedAndLastWins) {
  Params a, b;
  a.add_file({"avatar", "image/png", "one"});
  b.add_file({"avatar", "image/jpeg", "two"});
  b.add("x", "1");
  Params empty;
  empty.merge(std::move(a));
  empty.merge(b);
  ASSERT_EQ(empty.files().size(), 2u);
  EXPECT_EQ(empty.file("avatar")->data, "two");
  EXPECT_EQ(empty.get("x"), "1");
}

// ---------------------------------------------------------------------------------------------
// parse_body

TEST(ParseBody, DispatchesOnMediaType) {
  EXPECT_EQ(Ok(parse_body(R"({"a":"j"})", "application/json; charset=utf-8")).get("a"), "j");
  EXPECT_EQ(Ok(parse_body(R"({"a":"j"})", "APPLICATION/JSON")).get("a"), "j");
  EXPECT_EQ(Ok(parse_body(R"({"a":"j"})", " application/activity+json ")).get("a"), "j");
  EXPECT_EQ(Ok(parse_body("a=f", "Application/X-WWW-Form-Urlencoded;charset=UTF-8")).get("a"), "f");
  EXPECT_EQ(Ok(parse_body("--Q\r\nContent-Disposition: form-data; name=a\r\n\r\nm\r\n--Q--",
                          "MULTIPART/FORM-DATA; BOUNDARY=Q"))
                .get("a"),
            "m");
  // The type decides, not the look of the body.
  EXPECT_TRUE(Contains(Err(parse_body("a=f", "application/json")), "Invalid JSON body"));
}

TEST(ParseBody, EmptyAndUnsupported) {
  EXPECT_TRUE(Ok(parse_body("", "text/plain")).empty());
  EXPECT_TRUE(Ok(parse_body("", "")).empty());
  EXPECT_EQ(Err(parse_body("a=1", "text/plain")), "Unsupported content type");
  EXPECT_EQ(Err(parse_body("a=1", "")), "Unsupported content type");
  EXPECT_EQ(Err(parse_body("{}", "+json")), "Unsupported content type");
  EXPECT_EQ(Err(parse_body("{}", "application/jsonx")), "Unsupported content type");
}

// ---------------------------------------------------------------------------------------------
// Encoding helpers

TEST(UrlEncode, KeepsOnlyUnreserved) {
  EXPECT_EQ(url_encode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(url_encode("a b&c=d/\u00e9+%"), "a%20b%26c%3Dd%2F%C3%A9%2B%25");
  EXPECT_EQ(url_encode(std::string_view("\0", 1)), "%00");
  EXPECT_EQ(url_encode(""), "");
}

TEST(PercentDecode, PlusHandlingAndErrors) {
  EXPECT_EQ(percent_decode("a+b%2Fc", false), "a+b/c");
  EXPECT_EQ(percent_decode("a+b%2fc", true), "a b/c");
  EXPECT_EQ(percent_decode("%zz", true), std::nullopt);
  const std::string s = "x y/\u00e9?&=+%";
  EXPECT_EQ(percent_decode(url_encode(s), false), s);
}

}  // namespace
}  // namespace publius::http
