// Fan-out on write for a viral account: one post delivered into the home feeds of
// 158,000 followers (the @ALT_USCIS case). Measures the in-memory delivery alone,
// the follower list from SQLite with it, and the whole path the server takes
// (domain::Delivery::deliver: every store read the rule needs, the rule, the feeds).
// The Redis reference (Mastodon's per-follower ZADD) is bench/redis_fanout.sh.
//
//   build/fanout_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>

#include "domain/microblog.h"
#include "store/sqlite/db.h"
#include "store/sqlite/sqlite_store.h"
#include "timeline/home_feeds.h"
#include "util/crypto.h"
#include "util/ids.h"

namespace publius {
namespace {

constexpr int64_t kStar = 1;  // the account everyone follows

// Every follower has a warm feed already holding `prefill` posts: the worst case,
// where every follower is active and every delivery touches memory.
std::unique_ptr<timeline::HomeFeeds> warm_feeds(int64_t followers, int prefill) {
  auto feeds = std::make_unique<timeline::HomeFeeds>(800);
  std::vector<int64_t> existing;
  for (int i = 0; i < prefill; ++i) existing.insert(existing.begin(), next_id());
  for (int64_t id = 2; id < followers + 2; ++id) {
    (void)feeds->warm(id, [&]() -> Result<std::vector<int64_t>> { return existing; });
  }
  return feeds;
}

void BM_FanOutInMemory(benchmark::State& state) {
  const int64_t followers = state.range(0);
  auto feeds = warm_feeds(followers, 20);
  std::vector<int64_t> recipients;
  for (int64_t id = 2; id < followers + 2; ++id) recipients.push_back(id);
  for (auto _ : state) feeds->fan_out(next_id(), recipients);
  state.counters["followers"] = static_cast<double>(followers);
  state.counters["deliveries/s"] = benchmark::Counter(
      static_cast<double>(followers), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_FanOutInMemory)->Arg(1000)->Arg(38000)->Arg(158000)->Unit(benchmark::kMillisecond);

// A data directory with one star account followed by `followers` accounts,
// written with direct SQL (the API would spend hours on Argon2id alone).
struct SeededStore {
  std::string dir;
  std::unique_ptr<sqlite::SqliteStore> store;

  explicit SeededStore(int64_t followers) {
    char pattern[] = "/tmp/publius-bench-XXXXXX";
    dir = mkdtemp(pattern);
    store = std::move(sqlite::SqliteStore::open(dir)).value();
    auto db = std::move(sqlite::Db::open(dir + "/publius.db")).value();
    (void)db.exec("PRAGMA synchronous=OFF; BEGIN");
    auto account =
        std::move(db.prepare("INSERT INTO accounts (id, username, password_hash, created_day) "
                             "VALUES (?, ?, 'x', 0)"))
            .value();
    auto follow =
        std::move(db.prepare("INSERT INTO follows (account_id, target_id) VALUES (?, 1)")).value();
    for (int64_t id = 1; id < followers + 2; ++id) {
      account.bind(1, id).bind(2, "user" + std::to_string(id));
      (void)account.run();
      account.reset();
      if (id == kStar) continue;
      follow.bind(1, id);
      (void)follow.run();
      follow.reset();
    }
    (void)db.exec("COMMIT");
  }
  ~SeededStore() {
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

void BM_FanOutWithFollowerQuery(benchmark::State& state) {
  const int64_t followers = state.range(0);
  SeededStore seeded(followers);
  auto feeds = warm_feeds(followers, 20);
  for (auto _ : state) {
    auto ids = seeded.store->follower_ids(kStar);
    feeds->fan_out(next_id(), *ids);
  }
  state.counters["followers"] = static_cast<double>(followers);
}
BENCHMARK(BM_FanOutWithFollowerQuery)->Arg(158000)->Unit(benchmark::kMillisecond);

// A new public post of the star, as Posts::create_status stores it.
domain::Post new_post_of_star() {
  domain::Post post;
  post.id = next_id();
  post.account_id = kStar;
  post.created_ms = ms_of_id(post.id);
  return post;
}

// A public post of the star through Delivery::deliver, as Posts::create_status
// hands it over once it is stored.
void BM_DeliverThroughDomain(benchmark::State& state) {
  const int64_t followers = state.range(0);
  SeededStore seeded(followers);
  auto feeds = warm_feeds(followers, 20);
  domain::Microblog microblog(*seeded.store, *feeds, domain::InstanceConfig{});
  for (auto _ : state)
    if (!microblog.delivery().deliver(new_post_of_star()).ok())
      state.SkipWithError("deliver failed");
  state.counters["followers"] = static_cast<double>(followers);
}
BENCHMARK(BM_DeliverThroughDomain)->Arg(158000)->Unit(benchmark::kMillisecond);

// What a post of the star costs federation on top (Federation::published, as
// Posts::create_status calls it after delivery): finding the inboxes of its remote
// followers, of which the star here has none, among 158,000 local ones.
void BM_FederationAfterPost(benchmark::State& state) {
  const int64_t followers = state.range(0);
  SeededStore seeded(followers);
  auto feeds = warm_feeds(followers, 20);
  domain::Microblog microblog(*seeded.store, *feeds, domain::InstanceConfig{});
  for (auto _ : state)
    if (!microblog.federation().published(new_post_of_star()).ok())
      state.SkipWithError("published failed");
  state.counters["followers"] = static_cast<double>(followers);
}
BENCHMARK(BM_FederationAfterPost)->Arg(158000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace publius

int main(int argc, char** argv) {
  (void)publius::crypto_init();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
