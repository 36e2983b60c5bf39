// publius_seed: a benchmark tool, never for a real instance. Fills a fresh data
// directory and writes access tokens (one per line) so a load generator can act
// as the seeded accounts. Three shapes:
//   --followers N   one author followed by N readers (the author's token first);
//   --surge N       one target ("surge_target", token first) and N accounts with
//                   tokens following nobody, for a follow surge (bench/follow_surge.sh);
//   --scale F       F times issue 14's instance: 200,000 accounts, 10,000,000 follows
//                   and 2,000,000 posts (bench/scale_load.sh), with tokens for the
//                   first --tokens accounts in id order (account 1, the most followed, first).
// The surge and scale shapes write through the store's bulk paths
// (SqliteStore::create_accounts and the like: one transaction per batch).
// With --followers and --remote-followers, the author is also followed by that many remote
// actors spread over --remote-servers servers (bench/delivery_load.sh): server n's actors live
// at BASE/s/n/users/NAME with the shared inbox BASE/s/n/inbox, BASE taking the
// --remote-base URLs in turn, so a few receiver processes play thousands of servers.
// They are written with SQL as the store writes remote actors and follows, without any
// Accept being queued.
//
// Every seeded account has the same password ("benchmark-password") and the same
// key pair, both computed once: registering through the domain costs two Argon2id
// runs per account (the password hash and the key wrapped under it), which would
// make 10,000 accounts take many minutes. Follows and tokens go through the domain
// (Relationships::follow, Credentials::issue_token) as the API's do.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <numeric>
#include <random>

#include "cli/exit_status.h"
#include "domain/microblog.h"
#include "domain/text_format.h"
#include "domain/visibility.h"
#include "shield/sealing.h"
#include "store/sqlite/sqlite_store.h"
#include "timeline/home_feeds.h"
#include "util/crypto.h"
#include "util/ids.h"
#include "util/time.h"

namespace publius {
namespace {

constexpr std::string_view kPassword = "benchmark-password";
constexpr std::string_view kScopes = "read write follow";
// Rows per bulk write: one transaction each.
constexpr size_t kBatchRows = 50'000;
// Issue 14's instance at --scale 1.
constexpr double kFullAccounts = 200'000, kFullFollows = 10'000'000, kFullPosts = 2'000'000;

struct SeedOptions {
  std::string data_dir;
  int64_t followers = 10'000;
  int64_t surge = 0;
  double scale = 0;
  int64_t tokens = 50'001;
  std::string tokens_file;
  int64_t remote_followers = 0;
  int64_t remote_servers = 1;
  std::vector<std::string> remote_bases;
};

// The shared credentials of every seeded account.
struct SharedCredentials {
  std::string password_hash;
  shield::KeyPair key_pair;
  std::string password_wrapped_key;
};

Result<SharedCredentials> shared_credentials() {
  SharedCredentials out;
  PUBLIUS_ASSIGN_OR_RETURN(out.password_hash, password_hash(kPassword));
  out.key_pair = shield::generate_key_pair();
  PUBLIUS_ASSIGN_OR_RETURN(out.password_wrapped_key,
                           shield::wrap_for_password(out.key_pair.secret_key, kPassword));
  return out;
}

store::NewAccount new_account(const SharedCredentials& credentials, std::string username) {
  store::NewAccount account;
  account.username = std::move(username);
  account.password_hash = credentials.password_hash;
  account.public_key = credentials.key_pair.public_key;
  account.password_wrapped_key = credentials.password_wrapped_key;
  return account;
}

// A long step's progress on one stderr line: done, total, rate, elapsed.
class Progress {
 public:
  Progress(std::string what, int64_t total)
      : what_(std::move(what)), total_(total), start_(std::chrono::steady_clock::now()) {
    show();
  }
  void advance(int64_t n) {
    done_ += n;
    if (done_ == total_ ||
        std::chrono::steady_clock::now() - shown_ > std::chrono::milliseconds(250))
      show();
  }
  ~Progress() { std::cerr << '\n'; }

 private:
  void show() {
    shown_ = std::chrono::steady_clock::now();
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::cerr << "\r" << what_ << ": " << done_ << " of " << total_ << " ("
              << (total_ ? 100 * done_ / total_ : 100) << "%), "
              << static_cast<int64_t>(s > 0 ? done_ / s : 0) << "/s, " << static_cast<int64_t>(s)
              << " s" << std::flush;
  }
  std::string what_;
  int64_t total_;
  int64_t done_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point shown_;
};

// Calls `flush(batch)` for every kBatchRows rows `add` collects, and for the rest at the end.
template <typename Row>
class Batcher {
 public:
  Batcher(Progress& progress, std::function<Status(const std::vector<Row>&)> flush)
      : progress_(progress), flush_(std::move(flush)) {}
  Status add(Row row) {
    rows_.push_back(std::move(row));
    return rows_.size() >= kBatchRows ? finish() : ok_status();
  }
  Status finish() {
    if (rows_.empty()) return ok_status();
    PUBLIUS_TRY(flush_(rows_));
    progress_.advance(static_cast<int64_t>(rows_.size()));
    rows_.clear();
    return ok_status();
  }

 private:
  Progress& progress_;
  std::function<Status(const std::vector<Row>&)> flush_;
  std::vector<Row> rows_;
};

// Creates `count` accounts named name(1..count) in bulk; returns their ids in order.
Result<std::vector<int64_t>> create_accounts(sqlite::SqliteStore& store,
                                             const SharedCredentials& credentials, int64_t count,
                                             const std::function<std::string(int64_t)>& name) {
  std::vector<int64_t> ids;
  ids.reserve(count);
  Progress progress("accounts", count);
  Batcher<store::NewAccount> batch(
      progress, [&](const std::vector<store::NewAccount>& rows) -> Status {
        PUBLIUS_ASSIGN_OR_RETURN(auto created, store.create_accounts(rows));
        for (const auto& a : created) ids.push_back(a.id);
        return ok_status();
      });
  for (int64_t i = 1; i <= count; ++i) PUBLIUS_TRY(batch.add(new_account(credentials, name(i))));
  PUBLIUS_TRY(batch.finish());
  return ids;
}

// Issues a token (as Credentials::issue_token would) for each account, in bulk, and
// writes the secrets to `out` in that order.
Status create_tokens(sqlite::SqliteStore& store, domain::Microblog& microblog,
                     const SharedCredentials& credentials, int64_t app_id,
                     const std::vector<int64_t>& account_ids, std::ostream& out) {
  Progress progress("tokens", static_cast<int64_t>(account_ids.size()));
  std::vector<std::string> secrets;
  Batcher<sqlite::SqliteStore::NewToken> batch(
      progress, [&](const std::vector<sqlite::SqliteStore::NewToken>& rows) -> Status {
        PUBLIUS_TRY(store.create_tokens(rows));
        for (const auto& secret : secrets) out << secret << '\n';
        secrets.clear();
        return ok_status();
      });
  for (int64_t account_id : account_ids) {
    sqlite::SqliteStore::NewToken row;
    std::string secret = random_token(32);
    PUBLIUS_ASSIGN_OR_RETURN(row.wrapped_key,
                             microblog.keys().wrap_for(shield::Credential::kAccessToken, secret,
                                                       credentials.key_pair.secret_key));
    row.token_hash = sha256_hex(secret);
    row.token.app_id = app_id;
    row.token.account_id = account_id;
    row.token.scopes = std::string(kScopes);
    secrets.push_back(std::move(secret));
    PUBLIUS_TRY(batch.add(std::move(row)));
  }
  return batch.finish();
}

// Followers of each account by id (index 0 is account 1): three accounts followed by
// 80%, 77.5% and 75% of all accounts (160,000, 155,000 and 150,000 at full size), the
// rest falling off as 1 / (id + 10), Zipf-like, at most a quarter of all accounts
// each, scaled so that all together come to about `follows`.
std::vector<int64_t> follower_counts(int64_t accounts, int64_t follows) {
  std::vector<int64_t> counts(accounts, 0);
  const double big[] = {0.8, 0.775, 0.75};
  int64_t rest = follows;
  for (int64_t i = 0; i < 3 && i < accounts; ++i) {
    counts[i] = std::min<int64_t>(accounts - 1, std::llround(big[i] * accounts));
    rest -= counts[i];
  }
  const double cap = accounts / 4.0;
  auto total_for = [&](double k) {
    double sum = 0;
    for (int64_t id = 4; id <= accounts; ++id) sum += std::min(cap, std::floor(k / (id + 10.0)));
    return sum;
  };
  double low = 0, high = static_cast<double>(follows) * 10;
  for (int i = 0; i < 60; ++i) {
    const double mid = (low + high) / 2;
    (total_for(mid) < static_cast<double>(rest) ? low : high) = mid;
  }
  for (int64_t id = 4; id <= accounts; ++id)
    counts[id - 1] = static_cast<int64_t>(std::min(cap, std::floor(high / (id + 10.0))));
  return counts;
}

// The scale shape: accounts, skewed follows, posts spread over the last 30 days.
Status seed_scale(const SeedOptions& o, sqlite::SqliteStore& store, domain::Microblog& microblog,
                  const SharedCredentials& credentials, int64_t app_id, std::ostream& tokens) {
  const int64_t accounts = std::max<int64_t>(4, std::llround(kFullAccounts * o.scale));
  const int64_t follows = std::llround(kFullFollows * o.scale);
  const int64_t posts = std::llround(kFullPosts * o.scale);
  std::mt19937_64 random(14);

  PUBLIUS_ASSIGN_OR_RETURN(auto ids, create_accounts(store, credentials, accounts, [](int64_t i) {
                             return "user" + std::to_string(i);
                           }));
  if (ids.front() != 1 || ids.back() != accounts)
    return bad_request("--data-dir must be a new data directory (account ids start at 1)");
  PUBLIUS_TRY(create_tokens(
      store, microblog, credentials, app_id,
      std::vector<int64_t>(ids.begin(), ids.begin() + std::min(o.tokens, accounts)), tokens));

  const std::vector<int64_t> counts = follower_counts(accounts, follows);
  {
    Progress progress("follows", std::accumulate(counts.begin(), counts.end(), int64_t{0}));
    Batcher<std::pair<int64_t, int64_t>> batch(
        progress, [&](const std::vector<std::pair<int64_t, int64_t>>& rows) {
          return store.insert_follows(rows);
        });
    // An account's followers: a stride through all ids from a random start, the stride a
    // prime that does not divide the number of accounts, so no id comes twice.
    const int64_t strides[] = {7919, 104729, 15485863, 2038074743};
    for (int64_t target = 1; target <= accounts; ++target) {
      int64_t stride = strides[random() % 4] % accounts;
      while (stride == 0 || std::gcd(stride, accounts) != 1) ++stride;
      const int64_t start = static_cast<int64_t>(random() % accounts);
      int64_t taken = 0;
      for (int64_t step = 0; taken < counts[target - 1] && step < accounts; ++step) {
        const int64_t follower = (start + step * stride) % accounts + 1;
        if (follower == target) continue;
        PUBLIUS_TRY(batch.add({follower, target}));
        ++taken;
      }
    }
    PUBLIUS_TRY(batch.finish());
  }

  Progress progress("posts", posts);
  Batcher<std::pair<store::Post, store::NewPostEffects>> batch(
      progress, [&](const auto& rows) { return store.insert_statuses(rows); });
  const int64_t span_ms = 30LL * 24 * 3600 * 1000;
  const int64_t first_ms = now_ms() - span_ms;
  const std::string base = microblog.config().base_url();
  for (int64_t i = 0; i < posts; ++i) {
    store::Post post;
    post.id = id_floor_for_ms(first_ms + span_ms * i / posts);
    post.created_ms = ms_of_id(post.id);
    post.account_id = static_cast<int64_t>(random() % accounts) + 1;
    post.language = "en";
    post.text = "Seeded post " + std::to_string(i) + " about #topic" + std::to_string(i % 100) +
                ", see https://example.org/report/" + std::to_string(i);
    auto formatted = domain::format_status_text(
        post.text, [](std::string_view) { return std::optional<domain::MentionTarget>(); }, base);
    post.html = std::move(formatted.html);
    post.tags = std::move(formatted.tags);
    store::NewPostEffects effects;
    effects.listing = domain::listing_of(post);
    effects.tag_keys = domain::listed_tag_keys(post);
    PUBLIUS_TRY(batch.add({std::move(post), std::move(effects)}));
  }
  return batch.finish();
}

// The surge shape: a target and `o.surge` accounts that follow nobody yet.
Status seed_surge(const SeedOptions& o, sqlite::SqliteStore& store, domain::Microblog& microblog,
                  const SharedCredentials& credentials, int64_t app_id, std::ostream& tokens) {
  PUBLIUS_ASSIGN_OR_RETURN(
      auto ids, create_accounts(store, credentials, o.surge + 1, [](int64_t i) {
        return i == 1 ? std::string("surge_target") : "surge" + std::to_string(i - 1);
      }));
  return create_tokens(store, microblog, credentials, app_id, ids, tokens);
}

// `o.remote_followers` remote actors following `author`, as the header comment says,
// written as the store writes them (SqliteStore::save_remote_actor, then follow) but in one
// transaction of plain SQL: one store write each would take this tool most of an hour for
// 158,000 on a busy 2-core machine. The store caches nothing of what is written here that
// this process reads again.
Status seed_remote_followers(sqlite::SqliteStore& store, const SeedOptions& o, int64_t author) {
  return store.with_connection([&](sqlite::Db& db) -> Status {
    PUBLIUS_ASSIGN_OR_RETURN(auto tx, sqlite::Transaction::begin(db));
    PUBLIUS_ASSIGN_OR_RETURN(auto next_id,
                             db.prepare("UPDATE account_id_high_water SET last_id = last_id + 1 "
                                        "RETURNING last_id"));
    PUBLIUS_ASSIGN_OR_RETURN(auto account,
                             db.prepare("INSERT INTO accounts (id, username, password_hash, role, "
                                        "created_day) VALUES (?, ?, '', 0, ?)"));
    PUBLIUS_ASSIGN_OR_RETURN(auto actor,
                             db.prepare("INSERT INTO remote_actors (account_id, uri, inbox, "
                                        "shared_inbox, key_id, public_pem) VALUES (?, ?, ?, ?, ?, "
                                        "'unused: these actors never sign')"));
    PUBLIUS_ASSIGN_OR_RETURN(
        auto follow, db.prepare("INSERT INTO follows (account_id, target_id) VALUES (?, ?)"));
    const int64_t today = now_day_ms();
    for (int64_t i = 0; i < o.remote_followers; ++i) {
      const int64_t server = i % o.remote_servers;
      const std::string& origin =
          o.remote_bases[static_cast<size_t>(server) % o.remote_bases.size()];
      const std::string base = origin + "/s/" + std::to_string(server);
      // user@host, the host with its port, as Federation::save_remote_actor names it.
      const std::string name = "s" + std::to_string(server) + "u" + std::to_string(i);
      const std::string acct = name + "@" + origin.substr(origin.find("://") + 3);
      const std::string uri = base + "/users/" + name;
      if (!next_id.step()) return next_id.status();
      const int64_t id = next_id.int64(0);
      next_id.reset();
      account.bind(1, id).bind(2, acct).bind(3, today);
      PUBLIUS_TRY(account.run());
      account.reset();
      actor.bind(1, id).bind(2, uri).bind(3, uri + "/inbox").bind(4, base + "/inbox");
      actor.bind(5, uri + "#main-key");
      PUBLIUS_TRY(actor.run());
      actor.reset();
      follow.bind(1, id).bind(2, author);
      PUBLIUS_TRY(follow.run());
      follow.reset();
    }
    return tx.commit();
  });
}

// The followers shape: one author followed by `o.followers` readers, through the domain.
Status seed_followers(const SeedOptions& o, sqlite::SqliteStore& store,
                      domain::Microblog& microblog, const SharedCredentials& credentials,
                      int64_t app_id, std::ostream& tokens) {
  auto token_for = [&](int64_t account_id) -> Status {
    PUBLIUS_ASSIGN_OR_RETURN(
        auto issued, microblog.credentials().issue_token(app_id, account_id, std::string(kScopes),
                                                         &credentials.key_pair.secret_key));
    tokens << issued.secret << '\n';
    return ok_status();
  };
  PUBLIUS_ASSIGN_OR_RETURN(auto author, store.create_account(new_account(credentials, "author")));
  PUBLIUS_TRY(token_for(author.id));
  Progress progress("followers", o.followers);
  for (int64_t i = 1; i <= o.followers; ++i) {
    PUBLIUS_ASSIGN_OR_RETURN(
        auto reader, store.create_account(new_account(credentials, "reader" + std::to_string(i))));
    PUBLIUS_TRY(microblog.relationships().follow(reader.id, author.id, /*show_reblogs=*/true,
                                                 /*notify=*/false));
    PUBLIUS_TRY(token_for(reader.id));
    progress.advance(1);
  }
  PUBLIUS_TRY(seed_remote_followers(store, o, author.id));
  if (o.remote_followers > 0) std::cerr << "seeded " << o.remote_followers << " remote followers\n";
  return ok_status();
}

Status seed(const SeedOptions& o) {
  if (o.remote_followers > 0 && o.remote_bases.empty())
    return bad_request("--remote-followers needs at least one --remote-base");
  PUBLIUS_ASSIGN_OR_RETURN(auto store, sqlite::SqliteStore::open(o.data_dir));
  // A large page cache for this process's connection only: bulk inserts into big
  // indexes stay in memory between batches. Nothing of it is stored.
  PUBLIUS_TRY(store->with_connection(
      [](sqlite::Db& db) { return db.exec("PRAGMA cache_size = -1048576"); }));
  timeline::HomeFeeds feeds;
  domain::Microblog microblog(*store, feeds, {});
  PUBLIUS_ASSIGN_OR_RETURN(auto credentials, shared_credentials());
  PUBLIUS_ASSIGN_OR_RETURN(
      auto app, microblog.credentials().register_app(
                    {"publius_seed", "", {"urn:ietf:wg:oauth:2.0:oob"}, std::string(kScopes)}));
  std::ofstream tokens(o.tokens_file, std::ios::trunc);
  if (!tokens) return bad_request("--tokens-file: cannot write " + o.tokens_file);
  if (o.scale > 0) {
    PUBLIUS_TRY(seed_scale(o, *store, microblog, credentials, app.app.id, tokens));
  } else if (o.surge > 0) {
    PUBLIUS_TRY(seed_surge(o, *store, microblog, credentials, app.app.id, tokens));
  } else {
    PUBLIUS_TRY(seed_followers(o, *store, microblog, credentials, app.app.id, tokens));
  }
  tokens.flush();
  if (!tokens) return internal_error("--tokens-file: cannot write " + o.tokens_file);
  return ok_status();
}

}  // namespace
}  // namespace publius

int main(int argc, char** argv) {
  publius::SeedOptions o;
  CLI::App app{"Benchmark data with access tokens (a benchmark tool, never for a real instance)"};
  app.add_option("--data-dir", o.data_dir, "A new data directory")->required();
  app.add_option("--followers", o.followers, "Readers following one author")
      ->check(CLI::Range(int64_t{0}, int64_t{10'000'000}))
      ->capture_default_str();
  auto* surge = app.add_option("--surge", o.surge,
                               "Instead: a target and this many accounts following nobody")
                    ->check(CLI::Range(int64_t{1}, int64_t{10'000'000}));
  app.add_option("--scale", o.scale,
                 "Instead: this fraction of 200,000 accounts, 10,000,000 follows and "
                 "2,000,000 posts")
      ->check(CLI::Range(0.0001, 10.0))
      ->excludes(surge);
  app.add_option("--tokens", o.tokens, "With --scale: tokens for this many accounts, from id 1")
      ->check(CLI::Range(int64_t{1}, int64_t{100'000'000}))
      ->capture_default_str();
  app.add_option("--tokens-file", o.tokens_file, "Where to write the access tokens, one a line")
      ->required();
  app.add_option("--remote-followers", o.remote_followers, "Remote actors following the author")
      ->check(CLI::Range(int64_t{0}, int64_t{10'000'000}))
      ->capture_default_str();
  app.add_option("--remote-servers", o.remote_servers, "Servers the remote actors live on")
      ->check(CLI::Range(int64_t{1}, int64_t{10'000'000}))
      ->capture_default_str();
  app.add_option("--remote-base", o.remote_bases,
                 "Origin (http://127.0.0.1:PORT) of the remote servers; repeat to spread them");
  CLI11_PARSE(app, argc, argv);
  if (auto s = publius::seed(o); !s.ok()) return publius::cli::report(s.error());
  return 0;
}
