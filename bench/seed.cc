// publius_seed: a benchmark tool, never for a real instance. Fills a fresh data
// directory with one author followed by N readers, and writes an access token for
// each (the author's first, one per line) so a load generator can act as them.
// With --remote-followers, the author is also followed by that many remote actors
// spread over --remote-servers servers (bench/delivery_load.sh): server n's actors live
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
#include <fstream>
#include <iostream>

#include "cli/exit_status.h"
#include "domain/microblog.h"
#include "shield/sealing.h"
#include "store/sqlite/sqlite_store.h"
#include "timeline/home_feeds.h"
#include "util/crypto.h"
#include "util/time.h"

namespace publius {
namespace {

constexpr std::string_view kPassword = "benchmark-password";

struct SeedOptions {
  std::string data_dir;
  int64_t followers = 10'000;
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

Result<int64_t> create_account(store::Store& store, const SharedCredentials& credentials,
                               std::string username) {
  store::NewAccount account;
  account.username = std::move(username);
  account.password_hash = credentials.password_hash;
  account.public_key = credentials.key_pair.public_key;
  account.password_wrapped_key = credentials.password_wrapped_key;
  PUBLIUS_ASSIGN_OR_RETURN(auto created, store.create_account(account));
  return created.id;
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

Status seed(const SeedOptions& o) {
  if (o.remote_followers > 0 && o.remote_bases.empty())
    return bad_request("--remote-followers needs at least one --remote-base");
  PUBLIUS_ASSIGN_OR_RETURN(auto store, sqlite::SqliteStore::open(o.data_dir));
  timeline::HomeFeeds feeds;
  domain::Microblog microblog(*store, feeds, {});
  PUBLIUS_ASSIGN_OR_RETURN(auto credentials, shared_credentials());
  PUBLIUS_ASSIGN_OR_RETURN(
      auto app, microblog.credentials().register_app(
                    {"publius_seed", "", {"urn:ietf:wg:oauth:2.0:oob"}, "read write follow"}));
  std::ofstream tokens(o.tokens_file, std::ios::trunc);
  if (!tokens) return bad_request("--tokens-file: cannot write " + o.tokens_file);
  auto token_for = [&](int64_t account_id) -> Status {
    PUBLIUS_ASSIGN_OR_RETURN(auto issued, microblog.credentials().issue_token(
                                              app.app.id, account_id, "read write follow",
                                              &credentials.key_pair.secret_key));
    tokens << issued.secret << '\n';
    return ok_status();
  };
  PUBLIUS_ASSIGN_OR_RETURN(const int64_t author, create_account(*store, credentials, "author"));
  PUBLIUS_TRY(token_for(author));
  for (int64_t i = 1; i <= o.followers; ++i) {
    PUBLIUS_ASSIGN_OR_RETURN(const int64_t reader,
                             create_account(*store, credentials, "reader" + std::to_string(i)));
    PUBLIUS_TRY(microblog.relationships().follow(reader, author, /*show_reblogs=*/true,
                                                 /*notify=*/false));
    PUBLIUS_TRY(token_for(reader));
    if (i % 1000 == 0 || i == o.followers)
      std::cerr << "\rseeded " << i << " of " << o.followers << " followers" << std::flush;
  }
  std::cerr << '\n';
  PUBLIUS_TRY(seed_remote_followers(*store, o, author));
  if (o.remote_followers > 0) std::cerr << "seeded " << o.remote_followers << " remote followers\n";
  tokens.flush();
  if (!tokens) return internal_error("--tokens-file: cannot write " + o.tokens_file);
  return ok_status();
}

}  // namespace
}  // namespace publius

int main(int argc, char** argv) {
  publius::SeedOptions o;
  CLI::App app{"Benchmark data: one author followed by N readers, with their access tokens"};
  app.add_option("--data-dir", o.data_dir, "A new data directory")->required();
  app.add_option("--followers", o.followers, "Readers following the author")
      ->check(CLI::Range(int64_t{0}, int64_t{10'000'000}))
      ->capture_default_str();
  app.add_option("--tokens-file", o.tokens_file,
                 "Where to write the access tokens: the author's, then one per reader")
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
