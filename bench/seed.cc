// publius_seed: a benchmark tool, never for a real instance. Fills a fresh data
// directory with one author followed by N readers, and writes an access token for
// each (the author's first, one per line) so a load generator can act as them.
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

namespace publius {
namespace {

constexpr std::string_view kPassword = "benchmark-password";

struct SeedOptions {
  std::string data_dir;
  int64_t followers = 10'000;
  std::string tokens_file;
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

Status seed(const SeedOptions& o) {
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
  CLI11_PARSE(app, argc, argv);
  if (auto s = publius::seed(o); !s.ok()) return publius::cli::report(s.error());
  return 0;
}
