// Writing a direct message to 10 recipients, durably, through the domain
// (Microblog::create_status on a SQLite store with synchronous=FULL): sealing,
// the post, its mention notifications and its place in 11 conversations. The
// reference, in the same run, is a public post of the very same text (the same
// mentions and notifications, no sealing, no conversations).
//
//   build/direct_message_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <string>

#include "domain/microblog.h"
#include "store/sqlite/sqlite_store.h"
#include "timeline/home_feeds.h"
#include "util/crypto.h"

namespace publius {
namespace {

constexpr int kRecipients = 10;

// A data directory with an author and kRecipients accounts, each with a key
// pair, registered through the domain as the server would.
struct Instance {
  std::string dir;
  std::unique_ptr<sqlite::SqliteStore> store;
  timeline::HomeFeeds feeds;
  std::unique_ptr<domain::Microblog> microblog;
  int64_t author_id = 0;
  std::string text;  // mentions every recipient

  Instance() {
    char pattern[] = "/tmp/publius-bench-XXXXXX";
    dir = mkdtemp(pattern);
    store = std::move(sqlite::SqliteStore::open(dir)).value();
    domain::InstanceConfig config;
    config.domain = "bench.example";
    config.media_dir = dir + "/media";
    microblog = std::make_unique<domain::Microblog>(*store, feeds, config);
    author_id =
        microblog->accounts().register_account("author", "correct horse battery")->account.id;
    for (int i = 0; i < kRecipients; ++i) {
      const std::string name = "reader" + std::to_string(i);
      (void)microblog->accounts().register_account(name, "correct horse battery");
      text += "@" + name + " ";
    }
    text += "the meeting moved to Thursday";
  }
  ~Instance() {
    microblog.reset();
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  void post(benchmark::State& state, domain::Visibility visibility) {
    domain::NewPost request;
    request.author_id = author_id;
    request.text = text;
    request.visibility = visibility;
    for (auto _ : state) {
      auto posted = microblog->posts().create_status(request);
      if (!posted.ok()) state.SkipWithError(posted.error().message.c_str());
    }
    state.counters["recipients"] = kRecipients;
  }
};

void BM_PublicPostSameText(benchmark::State& state) {
  Instance instance;
  instance.post(state, domain::Visibility::kPublic);
}
BENCHMARK(BM_PublicPostSameText)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_DirectMessageTo10(benchmark::State& state) {
  Instance instance;
  instance.post(state, domain::Visibility::kDirect);
}
BENCHMARK(BM_DirectMessageTo10)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace publius

int main(int argc, char** argv) {
  (void)publius::crypto_init();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
