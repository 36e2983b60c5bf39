// Why the renderer writes JSON by appending instead of building a DOM: the same
// Mastodon Status entity produced with util/json_writer.h and with a Boost.JSON
// object serialized afterwards. Also the parse side (request bodies), where
// Boost.JSON is what http/params.cc uses.
//
//   build/json_bench
#include <benchmark/benchmark.h>

#include <boost/json.hpp>

#include "util/json_writer.h"

namespace publius {
namespace {

constexpr std::string_view kContent =
    "<p>Post about <a href=\"https://example.org/tags/immigration\" class=\"mention hashtag\" "
    "rel=\"tag\">#<span>immigration</span></a> policy, see <a href=\"https://example.org/report\" "
    "target=\"_blank\" rel=\"nofollow noopener noreferrer\">example.org/report</a></p>";

void BM_RenderStatusWithJsonWriter(benchmark::State& state) {
  for (auto _ : state) {
    std::string out;
    JsonWriter w(out);
    w.begin_object()
        .field_id("id", 117664951953457152)
        .field("created_at", "2026-11-23T09:04:41.907Z")
        .field_null("in_reply_to_id")
        .field("sensitive", false)
        .field("spoiler_text", "")
        .field("visibility", "public")
        .field("uri", "https://example.org/users/alt_uscis/statuses/117664951953457152")
        .field("url", "https://example.org/@alt_uscis/117664951953457152")
        .field("replies_count", int64_t{12})
        .field("reblogs_count", int64_t{1580})
        .field("favourites_count", int64_t{4410})
        .field("content", kContent);
    w.key("tags").begin_array();
    w.begin_object()
        .field("name", "immigration")
        .field("url", "https://example.org/tags/immigration")
        .end_object();
    w.end_array().end_object();
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_RenderStatusWithJsonWriter);

void BM_RenderStatusWithBoostJsonDom(benchmark::State& state) {
  for (auto _ : state) {
    boost::json::object o;
    o["id"] = "117664951953457152";
    o["created_at"] = "2026-11-23T09:04:41.907Z";
    o["in_reply_to_id"] = nullptr;
    o["sensitive"] = false;
    o["spoiler_text"] = "";
    o["visibility"] = "public";
    o["uri"] = "https://example.org/users/alt_uscis/statuses/117664951953457152";
    o["url"] = "https://example.org/@alt_uscis/117664951953457152";
    o["replies_count"] = 12;
    o["reblogs_count"] = 1580;
    o["favourites_count"] = 4410;
    o["content"] = kContent;
    o["tags"] = boost::json::array{boost::json::object{
        {"name", "immigration"}, {"url", "https://example.org/tags/immigration"}}};
    std::string out = boost::json::serialize(o);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_RenderStatusWithBoostJsonDom);

void BM_ParseStatusRequestWithBoostJson(benchmark::State& state) {
  const std::string body =
      R"({"status":"Post about #immigration policy","visibility":"public","spoiler_text":"",)"
      R"("sensitive":false,"language":"en","media_ids":[],"poll":null})";
  for (auto _ : state) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_ParseStatusRequestWithBoostJson);

}  // namespace
}  // namespace publius

BENCHMARK_MAIN();
