#include "cli/commands.h"

#include <sodium.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <thread>

#include "api/api.h"
#include "backup/backup.h"
#include "cli/domain_block_commands.h"
#include "cli/exit_status.h"
#include "cli/legal_commands.h"
#include "cli/server_metrics.h"
#include "domain/instance_rules.h"
#include "domain/live_observers.h"
#include "domain/microblog.h"
#include "domain/poll_closer.h"
#include "domain/scheduled_publisher.h"
#include "federation/delivery_worker.h"
#include "federation/fetcher.h"
#include "federation/inbox.h"
#include "federation/instance_signer.h"
#include "federation/media_fetcher.h"
#include "federation/resolver.h"
#include "federation/routes.h"
#include "federation/signed_requests.h"
#include "http/server.h"
#include "legal/desk.h"
#include "push/routes.h"
#include "push/sender.h"
#include "shield/erasure.h"
#include "store/sqlite/legal_store.h"
#include "store/sqlite/sqlite_store.h"
#include "streaming/routes.h"
#include "timeline/home_feeds.h"
#include "util/crypto.h"
#include "util/time.h"
#include "web/legal_web.h"
#include "web/web_ui.h"

namespace publius::cli {
namespace {

struct ServeOptions {
  std::string data_dir;
  std::string listen = "127.0.0.1:8080";
  std::string metrics_listen;  // none: no metrics served
  std::string domain = "localhost";
  std::string public_url;
  std::string title = "Publius";
  std::string description = domain::InstanceConfig{}.description;
  std::string rules_file;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int write_threads = http::ServerOptions{}.write_threads;
  int max_connections = http::ServerOptions{}.max_connections;
  size_t max_streams = streaming::HubOptions{}.max_streams;
  int64_t rate_limit = 300;
  bool access_log = true;
  bool registrations = true;
  int64_t notice_check_seconds = 60;
  int64_t erasure_interval_seconds = 60;
  int64_t poll_check_seconds = 60;
  int64_t schedule_check_seconds = 60;
  std::string onion_location;          // http://<name>.onion, no trailing slash
  bool push_to_loopback_http = false;  // tests: Web Push to http://127.0.0.1
  std::string federation_proxy;        // socks5h://host:port, or none
  bool federation_loopback_testing = false;
  bool federation_onion_only = false;  // reach and hear .onion peers only
  bool authorized_fetch = false;       // actor documents and Notes for signed GETs only
  int delivery_per_host = 4;           // deliveries in flight at once to one server
};

// Whether `listen` (HOST:PORT) is a loopback address, as --federation-loopback-testing needs.
bool listens_on_loopback(const std::string& listen) {
  return listen.starts_with("127.") || listen.starts_with("[::1]:") ||
         listen.starts_with("localhost:");
}

// The shield forbids core dumps: a dump of a running server holds tokens and
// request data in memory.
void forbid_core_dumps() {
  struct rlimit none = {0, 0};
  setrlimit(RLIMIT_CORE, &none);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

// The rules in --rules-file (domain/instance_rules.h); none without one.
Result<std::vector<std::string>> read_rules_file(const std::string& path) {
  if (path.empty()) return std::vector<std::string>();
  std::ifstream in(path, std::ios::binary);
  if (!in) return bad_request("--rules-file: cannot read " + path);
  constexpr size_t kMaxRulesFileBytes = 1 << 20;
  std::string text(kMaxRulesFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxRulesFileBytes)
    return bad_request("--rules-file: " + path + " is larger than 1 MiB");
  auto rules = domain::parse_instance_rules(text);
  if (!rules.ok()) return bad_request("--rules-file: " + path + ": " + rules.error().message);
  return rules;
}

// Tor Browser offers to switch to the onion service of a page that names it
// (Onion-Location); only HTML pages are ever shown to a person.
void add_onion_location(const std::string& onion_base, const http::Request& req,
                        http::Response& res) {
  if (res.content_type.rfind("text/html", 0) != 0) return;
  res.with_header("Onion-Location",
                  onion_base + req.path + (req.query.empty() ? "" : "?" + req.query));
}

// --onion-location without trailing slashes, or why it is not an onion service's base URL.
Result<std::string> onion_base(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  const auto scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https")
    return bad_request("--onion-location must start with http:// or https://");
  const std::string host = url.substr(scheme_end + 3);
  const std::string_view suffix = ".onion";
  if (host.size() <= suffix.size() || host.find('/') != std::string::npos ||
      host.compare(host.size() - suffix.size(), suffix.size(), suffix) != 0)
    return bad_request(
        "--onion-location must name a .onion host and no path, e.g. http://abc...xyz.onion");
  return url;
}

int serve(ServeOptions o) {
  forbid_core_dumps();
  auto rules = read_rules_file(o.rules_file);
  if (!rules.ok()) return report(rules.error());
  if (!o.onion_location.empty()) {
    auto base = onion_base(o.onion_location);
    if (!base.ok()) return report(base.error());
    o.onion_location = *base;
  }
  if (o.federation_loopback_testing && !listens_on_loopback(o.listen))
    return report(bad_request(
        "--federation-loopback-testing needs a loopback --listen (127.0.0.1:PORT or [::1]:PORT)"));
  if (!o.federation_proxy.empty() && !o.federation_proxy.starts_with("socks5h://"))
    return report(
        bad_request("--federation-proxy must be socks5h://HOST:PORT (the proxy resolves names, so "
                    "onion services work and no name is looked up here)"));
  if (o.federation_onion_only && o.federation_proxy.empty())
    return report(bad_request(
        "--federation-onion-only needs --federation-proxy socks5h://HOST:PORT (Tor), through "
        "which onion services are reached"));
  auto store = sqlite::SqliteStore::open(o.data_dir);
  if (!store.ok()) return report(store.error());
  timeline::HomeFeeds feeds;
  domain::InstanceConfig config;
  config.domain = o.domain;
  config.public_url = o.public_url;
  config.title = o.title;
  config.description = o.description;
  config.rules = std::move(rules).value();
  config.registrations_open = o.registrations;
  config.media_dir = o.data_dir + "/media";
  config.max_concurrent_uploads = std::max(1, o.threads / 2);
  domain::Microblog microblog(**store, feeds, config);
  // Deleted rows leave old page images in the write-ahead log until a checkpoint.
  // Each pass first sweeps expired uploads and orphaned media files, so their
  // rows leave the log in the same pass. Declared after the microblog it calls,
  // so it stops (with a last pass) before the microblog goes.
  shield::ErasurePass erasure(
      **store, std::chrono::seconds(o.erasure_interval_seconds), [&microblog]() -> Status {
        PUBLIUS_ASSIGN_OR_RETURN(auto swept, microblog.media().sweep_media(now_ms()));
        if (swept.expired_files + swept.orphaned_files > 0)
          spdlog::info("media sweep erased {} files of unattached uploads and {} orphaned files",
                       swept.expired_files, swept.orphaned_files);
        return ok_status();
      });
  // The legal desk: its admin API, and held user notices whose court order
  // expired while the server was down go out now.
  // Over the store's own connection: the desk's commits are this process's own,
  // so they do not make the home feeds below be dropped as if another process wrote.
  sqlite::SqliteLegalStore legal_store(**store);
  legal::DeskOptions desk_options;
  desk_options.data_dir = o.data_dir;
  desk_options.domain = o.domain;
  // Notices are posts of this microblog: they reach warm home feeds and render caches at once.
  auto desk = legal::LegalDesk::open(microblog, **store, legal_store, desk_options);
  if (!desk.ok()) return report(desk.error());
  // Web Push: the instance's VAPID key, kept with its other secrets.
  auto vapid = push::VapidKey::open(o.data_dir);
  if (!vapid.ok()) return report(vapid.error());
  api::ApiOptions api_options;
  api_options.vapid_public_key = vapid->public_key_base64url();
  api_options.requests_per_window = o.rate_limit;
  api_options.legal_desk = desk->get();
  shield::StoreDisclosureInventory inventory(**store);
  api_options.inventory = &inventory;
  api::Api api(microblog, api_options);
  http::Router router;
  api.register_routes(router);
  // The streaming API: live events for every open stream, from the domain's changes.
  streaming::Hub hub(
      microblog, api.renderer(),
      {.max_streams = o.max_streams, .sending_threads = static_cast<size_t>(o.threads)});
  streaming::register_routes(api, router, hub);
  // Web Push: subscriptions in memory only (docs/decisions/0007), pushes sent off the
  // request threads.
  push::PushSubscriptions push_subscriptions;
  push::register_routes(api, router, push_subscriptions, *vapid,
                        {.allow_loopback_http = o.push_to_loopback_http});
  const std::string base_url = config.base_url();
  push::PushSender push_sender(
      microblog, api.renderer(), push_subscriptions, *vapid,
      {.subject = base_url.starts_with("https://") ? base_url : "https://" + o.domain,
       .allow_http = o.push_to_loopback_http});
  domain::LiveObservers live_observers;
  live_observers.add(hub);
  live_observers.add(push_sender);
  microblog.set_live_observer(&live_observers);
  // The web UI for people, on the same router (it refuses a route registered twice).
  web::WebUi web_ui(microblog);
  web_ui.register_routes(router);
  web::LegalDeskWeb legal_web(web_ui, **desk);
  legal_web.register_routes(router);
  // Federation's public documents: WebFinger, host-meta, NodeInfo, actors (also at the
  // profile page's URL, for an ActivityPub Accept).
  // Every outgoing federation request goes through the one SSRF-safe fetcher, and every
  // GET it makes is signed by the instance actor.
  federation::Fetcher fetcher({.proxy = o.federation_proxy,
                               .allow_loopback = o.federation_loopback_testing,
                               .onion_only = o.federation_onion_only});
  federation::InstanceSigner instance_signer(microblog);
  // Its key is made (on a data directory's first start) before serving, not during the
  // first fetch, which a remote server waits on.
  if (auto key = instance_signer.key(); !key.ok()) return report(key.error());
  fetcher.sign_gets_with([&instance_signer](const federation::ParsedUrl& url) {
    return instance_signer.get_headers(url);
  });
  // --authorized-fetch: actor documents and Notes only for signed requests.
  federation::AuthorizedFetch authorized_fetch(microblog, fetcher);
  const federation::AuthorizedFetch* gate = o.authorized_fetch ? &authorized_fetch : nullptr;
  federation::register_routes(microblog, router, PUBLIUS_VERSION, gate);
  federation::Inbox inbox(microblog, fetcher, {.onion_only = o.federation_onion_only});
  inbox.register_routes(router);
  // Remote accounts not known yet are found by WebFinger (lookup, search?resolve=true),
  // and Notes by their id (boosts, parents of replies, search for a post's URL).
  federation::Resolver resolver(fetcher, &microblog);
  microblog.federation().set_actor_resolver(&resolver);
  // Remote attachments, avatars and headers are fetched, stripped and served from here.
  federation::MediaFetcher media_fetcher(fetcher.options());
  microblog.federation().set_media_fetcher(&media_fetcher);
  web_ui.set_profile_alternative(
      [&microblog, gate](const http::Request& req, const domain::Account& account) {
        return federation::actor_if_asked(microblog, req, account, gate);
      });
  // The background workers change posts, so they start after, and stop before, the
  // observers they tell (the renderer's caches, the streaming hub).
  // Held notices go out when their court order expires, not at the next desk call.
  legal::NoticeReleaser releaser(**desk, o.notice_check_seconds * 1000);
  // Ended polls notify their author and voters (domain/poll_closer.h).
  domain::PollCloser poll_closer(microblog, std::chrono::seconds(o.poll_check_seconds));
  // Scheduled posts are published when due, and those due while the server was
  // down at once (domain/scheduled_publisher.h).
  domain::ScheduledPublisher scheduled_publisher(microblog,
                                                 std::chrono::seconds(o.schedule_check_seconds));
  // The federation delivery queue is sent (domain/federation.h).
  federation::DeliveryWorker delivery_worker(microblog, fetcher,
                                             {.hosts = {.max_in_flight = o.delivery_per_host}});
  // A server heard from again is delivered to again.
  inbox.on_heard_from(
      [&delivery_worker](std::string_view host) { delivery_worker.hosts().heard_from(host); });
  http::ServerOptions server_options;
  server_options.listen = o.listen;
  server_options.threads = o.threads;
  server_options.write_threads = o.write_threads;
  server_options.max_connections = o.max_connections;
  server_options.access_log = o.access_log;
  http::RequestMetrics request_metrics;
  const auto registry =
      server_metrics({request_metrics, **store, microblog.delivery(), feeds, hub});
  std::unique_ptr<http::Server> metrics;
  if (!o.metrics_listen.empty()) {
    server_options.request_metrics = &request_metrics;
    metrics = metrics_server(o.metrics_listen, registry);
    if (auto s = metrics->bind(); !s.ok()) return report(s.error());
    // Before the main port's line, which tells a supervisor (and the tests) the server is up.
    if (metrics->port() != 0) std::cout << "metrics on port " << metrics->port() << std::endl;
  }
  http::Server server(server_options, [&](http::Request& req) {
    auto res = api.handle(router, req);
    if (!o.onion_location.empty()) add_onion_location(o.onion_location, req, res);
    return res;
  });
  if (auto s = server.bind(); !s.ok()) return report(s.error());
  if (&work_factors() == &kInsecureTestWorkFactors)
    spdlog::warn(
        "PUBLIUS_INSECURE_TEST_CRYPTO=1: passwords are hashed and actor keys made with the test "
        "suite's cheap work factors, which anyone holding them can break; never serve people so");
  spdlog::info("publius {} serving {} on {} (data in {})", PUBLIUS_VERSION, o.domain, o.listen,
               o.data_dir);
  if (server.port() != 0) std::cout << "listening on port " << server.port() << std::endl;
  std::jthread metrics_thread;
  if (metrics) metrics_thread = std::jthread([&metrics] { metrics->run(); });
  server.run();
  if (metrics) metrics->stop();
  if (metrics_thread.joinable()) metrics_thread.join();
  spdlog::info("stopped cleanly");
  return 0;
}

// The first line of `path` ('-': stdin); errors name `flag`.
Result<std::string> read_secret_file(const std::string& path, const std::string& flag) {
  std::string text;
  if (path == "-") {
    std::getline(std::cin, text);
  } else {
    std::ifstream in(path);
    if (!in) return bad_request("cannot read " + flag + " " + path);
    std::getline(in, text);
  }
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

int create_account(const std::string& data_dir, const std::string& username,
                   const std::string& role_name, const std::string& password_file) {
  auto role = domain::parse_role(role_name);
  if (!role)
    return report(bad_request("--role must be 'user' or 'admin', got '" + role_name + "'"));
  auto store = sqlite::SqliteStore::open(data_dir);
  if (!store.ok()) return report(store.error());
  timeline::HomeFeeds feeds;
  domain::Microblog microblog(**store, feeds, {});
  std::string password;
  if (password_file.empty()) {
    password = random_token(18);
  } else {
    auto read = read_secret_file(password_file, "--password-file");
    if (!read.ok()) return report(read.error());
    password = *read;
    if (auto s = domain::check_password(password); !s.ok())
      return report(about_flag("--password-file", s.error()));
  }
  auto registered = microblog.accounts().register_account(username, password, *role);
  if (!registered.ok()) return report(about_flag("--username", registered.error()));
  // Operator tokens belong to a built-in app so they can be listed and revoked like any other.
  std::string scopes = "read write follow push profile";
  if (*role == domain::Role::kAdmin) scopes += " admin:read admin:write";
  auto app = microblog.credentials().register_app(
      {"Publius command line",
       "",
       {"urn:ietf:wg:oauth:2.0:oob"},
       "read write follow push profile admin:read admin:write"});
  if (!app.ok()) return report(app.error());
  // The printed token opens the account's sealed messages like any other credential.
  auto issued = microblog.credentials().issue_token(app->app.id, registered->account.id, scopes,
                                                    &registered->key);
  if (!issued.ok()) return report(issued.error());
  const std::string& secret = issued->secret;
  std::cout << "account: " << registered->account.username << " (id " << registered->account.id
            << ", role " << role_name << ")\n";
  if (password_file.empty()) std::cout << "password: " << password << "\n";
  std::cout << "access token: " << secret << "\n";
  std::cout << "recovery codes (shown once; each works one time):\n";
  for (const auto& code : registered->recovery_codes) std::cout << "  " << code << "\n";
  return 0;
}

// Opens the data directory and runs `act` on the account named `username` through a
// Microblog of its own; reports a missing account as the operator's error (NAME).
template <typename Act>
int with_named_account(const std::string& data_dir, const std::string& username, Act act) {
  auto store = sqlite::SqliteStore::open(data_dir);
  if (!store.ok()) return report(store.error());
  timeline::HomeFeeds feeds;
  domain::Microblog microblog(**store, feeds, {});
  auto account = microblog.accounts().account_by_acct(username);
  if (!account.ok() && account.error().code == ErrorCode::kNotFound)
    return report(bad_request("NAME: no account named '" + username + "'"));
  if (!account.ok()) return report(account.error());
  if (auto s = act(microblog, account->id); !s.ok()) return report(s.error());
  return 0;
}

int set_role(const std::string& data_dir, const std::string& username,
             const std::string& role_name) {
  auto role = domain::parse_role(role_name);
  if (!role) return report(bad_request("ROLE must be 'user' or 'admin', got '" + role_name + "'"));
  const int status = with_named_account(data_dir, username, [&](domain::Microblog& mb, int64_t id) {
    return mb.accounts().set_role(id, *role);
  });
  if (status == 0) std::cout << username << " is now " << role_name << "\n";
  return status;
}

int delete_account(const std::string& data_dir, const std::string& username, bool confirmed) {
  if (!confirmed)
    return report(bad_request("admin delete-account erases '" + username +
                              "' and everything of it for good; add --yes to confirm"));
  const int status = with_named_account(data_dir, username, [](domain::Microblog& mb, int64_t id) {
    return mb.accounts().delete_account(id);
  });
  // This process knows nothing of the server's --federation-proxy, so it sends nothing: a
  // Delete sent around the proxy would show other servers this one's address.
  if (status == 0)
    std::cout << username
              << " and everything of it are erased\n"
                 "Other servers were not told: erase accounts through the running server "
                 "(DELETE /api/v1/admin/accounts/:id) for a Delete of its actor to reach them\n";
  return status;
}

// Collective accounts (docs/collective-accounts.md). The operator can make an account
// collective with its password, list its members as numbers and join days, remove one
// or hand the ownership over, but never invite: an invite carries the account's keys,
// which only a signed-in member holds.
int make_collective(const std::string& data_dir, const std::string& username,
                    const std::string& password_file) {
  auto password = read_secret_file(password_file, "--password-file");
  if (!password.ok()) return report(password.error());
  return with_named_account(data_dir, username, [&](domain::Microblog& mb, int64_t id) -> Status {
    PUBLIUS_ASSIGN_OR_RETURN(auto made, mb.collectives().make_collective(id, *password, ""));
    std::cout << username << " is collective; its owner is member 1\n"
              << "member 1's recovery codes (shown once; each works one time):\n";
    for (const auto& code : made.recovery_codes) std::cout << "  " << code << "\n";
    return ok_status();
  });
}

// The id of member `number` (1, 2, 3 in join order) of the account.
Result<int64_t> member_numbered(domain::Microblog& mb, int64_t account_id, int64_t number) {
  PUBLIUS_ASSIGN_OR_RETURN(auto members, mb.collectives().members(account_id, std::nullopt));
  for (const auto& m : members)
    if (m.number == number) return m.id;
  return bad_request("NUMBER: the account has no member " + std::to_string(number));
}

int collective_members(const std::string& data_dir, const std::string& username) {
  return with_named_account(data_dir, username, [&](domain::Microblog& mb, int64_t id) -> Status {
    PUBLIUS_ASSIGN_OR_RETURN(bool collective, mb.collectives().is_collective(id));
    if (!collective) return bad_request("NAME: " + username + " is not a collective account");
    PUBLIUS_ASSIGN_OR_RETURN(auto members, mb.collectives().members(id, std::nullopt));
    for (const auto& m : members)
      std::cout << "member " << m.number << (m.owner ? " (owner)" : "") << ", joined "
                << format_day(m.joined_day_ms) << "\n";
    return ok_status();
  });
}

int change_member(const std::string& data_dir, const std::string& username, int64_t number,
                  bool hand_over) {
  return with_named_account(data_dir, username, [&](domain::Microblog& mb, int64_t id) -> Status {
    PUBLIUS_ASSIGN_OR_RETURN(int64_t member, member_numbered(mb, id, number));
    if (hand_over) {
      PUBLIUS_TRY(mb.collectives().hand_over(id, std::nullopt, member));
      std::cout << "member " << number << " now owns " << username << "\n";
    } else {
      PUBLIUS_TRY(mb.collectives().remove(id, std::nullopt, member));
      std::cout << "member " << number << " is removed from " << username
                << ", and the account has a new key\n";
    }
    return ok_status();
  });
}

// Progress on stderr at most once a second, and the totals at the end.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(std::string verb) : verb_(std::move(verb)) {}
  backup::ProgressFn callback() {
    return [this](const backup::Progress& p) {
      last_ = p;
      const auto now = std::chrono::steady_clock::now();
      if (now - printed_ < std::chrono::seconds(1)) return;
      printed_ = now;
      print();
    };
  }
  void print() const {
    std::cerr << "publius: " << verb_ << " " << last_.entries << " entries, " << last_.bytes
              << " bytes\n";
  }

 private:
  std::string verb_;
  backup::Progress last_;
  std::chrono::steady_clock::time_point printed_{};
};

// Reads the passphrase, runs `operation` with it and a progress printer, wipes
// it, and turns the outcome into the exit status (docs/backup.md).
int with_passphrase(const std::string& passphrase_file, std::string verb,
                    const std::function<Status(std::string_view, backup::ProgressFn)>& operation) {
  auto passphrase = read_secret_file(passphrase_file, "--passphrase-file");
  if (!passphrase.ok()) return report(passphrase.error());
  ProgressPrinter progress(std::move(verb));
  const auto outcome = operation(*passphrase, progress.callback());
  sodium_memzero(passphrase->data(), passphrase->size());
  if (!outcome.ok()) return report(outcome.error());
  progress.print();
  return 0;
}

int make_backup(const std::string& data_dir, const std::string& out,
                const std::string& passphrase_file) {
  return with_passphrase(
      passphrase_file, "backed up", [&](std::string_view passphrase, backup::ProgressFn progress) {
        return backup::create_backup({data_dir, out, passphrase, {}, std::move(progress)});
      });
}

int restore(const std::string& in, const std::string& data_dir,
            const std::string& passphrase_file) {
  return with_passphrase(
      passphrase_file, "restored", [&](std::string_view passphrase, backup::ProgressFn progress) {
        return backup::restore_backup({in, data_dir, passphrase, std::move(progress)});
      });
}

}  // namespace

int run_cli(int argc, char** argv) {
  if (auto s = crypto_init(); !s.ok()) return report(s.error());
  auto logger = spdlog::stderr_color_mt("publius");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);

  CLI::App app{
      "Publius: a Mastodon-compatible microblogging server for pseudonymous speech.\n"
      "Nothing that identifies a speaker is written to disk or logs."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(PUBLIUS_VERSION));

  ServeOptions serve_opts;
  auto* serve_cmd = app.add_subcommand("serve", "Run the server (all state in --data-dir).");
  serve_cmd
      ->add_option("--data-dir", serve_opts.data_dir,
                   "Directory holding all state (SQLite, WAL mode)")
      ->envname("PUBLIUS_DATA_DIR")
      ->required();
  serve_cmd
      ->add_option("--listen", serve_opts.listen, "HOST:PORT, [IPv6]:PORT or unix:/path/to/socket")
      ->envname("PUBLIUS_LISTEN")
      ->capture_default_str();
  serve_cmd
      ->add_option("--domain", serve_opts.domain,
                   "Public host name of this server (used in acct and URLs)")
      ->envname("PUBLIUS_DOMAIN")
      ->capture_default_str();
  serve_cmd
      ->add_option("--public-url", serve_opts.public_url,
                   "Base URL clients reach (default https://DOMAIN; e.g. http://127.0.0.1:8080 for "
                   "local use)")
      ->envname("PUBLIUS_PUBLIC_URL");
  serve_cmd
      ->add_option("--metrics-listen", serve_opts.metrics_listen,
                   "HOST:PORT (or unix:/path) on which to serve GET /metrics in Prometheus' text "
                   "format, apart from --listen; none by default")
      ->envname("PUBLIUS_METRICS_LISTEN");
  serve_cmd->add_option("--title", serve_opts.title, "Instance title")
      ->envname("PUBLIUS_TITLE")
      ->capture_default_str();
  serve_cmd
      ->add_option("--description", serve_opts.description,
                   "What this server is, for its landing page and the instance API")
      ->envname("PUBLIUS_DESCRIPTION")
      ->check(CLI::Validator(
          [](const std::string& text) {
            return text.size() <= 4000 ? std::string() : "at most 4000 bytes";
          },
          "TEXT", "description length"));
  serve_cmd
      ->add_option("--rules-file", serve_opts.rules_file,
                   "The server's rules, one per line (at most 300 characters each; blank lines "
                   "and lines starting with # are skipped)")
      ->envname("PUBLIUS_RULES_FILE");
  serve_cmd
      ->add_option("--threads", serve_opts.threads,
                   "Threads serving connections and the requests that only read, and sending "
                   "each streaming event to its readers (default: one per core)")
      ->envname("PUBLIUS_THREADS")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  serve_cmd
      ->add_option("--write-threads", serve_opts.write_threads,
                   "Threads for the requests that write; writes waiting at once share one "
                   "durable commit")
      ->envname("PUBLIUS_WRITE_THREADS")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  serve_cmd
      ->add_option("--max-connections", serve_opts.max_connections,
                   "Connections served at once; beyond it a new connection is closed unanswered "
                   "(keep it below the open-file limit, ulimit -n)")
      ->envname("PUBLIUS_MAX_CONNECTIONS")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  serve_cmd
      ->add_option("--max-streams", serve_opts.max_streams,
                   "Streaming API connections open at once (they count as connections too); "
                   "beyond it a new one gets 429")
      ->envname("PUBLIUS_MAX_STREAMS")
      ->check(CLI::Range(size_t{1}, size_t{1000000}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--rate-limit", serve_opts.rate_limit,
                   "Requests per 5 minutes per token and per client")
      ->envname("PUBLIUS_RATE_LIMIT")
      ->check(CLI::Range(int64_t{1}, int64_t{1000000000}))
      ->capture_default_str();
  serve_cmd
      ->add_flag("!--no-access-log", serve_opts.access_log,
                 "Do not log requests (the log never holds addresses or user agents anyway)")
      ->envname("PUBLIUS_NO_ACCESS_LOG");
  serve_cmd
      ->add_option("--notice-check-seconds", serve_opts.notice_check_seconds,
                   "How often to look for held legal notices whose court order expired "
                   "(they are also sent at the expiry itself)")
      ->envname("PUBLIUS_NOTICE_CHECK_SECONDS")
      ->check(CLI::Range(int64_t{1}, int64_t{86400}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--poll-check-seconds", serve_opts.poll_check_seconds,
                   "How often at the latest to look for ended polls to announce (they are also "
                   "announced at the end itself)")
      ->envname("PUBLIUS_POLL_CHECK_SECONDS")
      ->check(CLI::Range(int64_t{1}, int64_t{3600}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--schedule-check-seconds", serve_opts.schedule_check_seconds,
                   "How often at the latest to look for scheduled posts to publish (they are "
                   "also published at their time itself)")
      ->envname("PUBLIUS_SCHEDULE_CHECK_SECONDS")
      ->check(CLI::Range(int64_t{1}, int64_t{3600}))
      ->capture_default_str();
  serve_cmd->add_flag("!--closed-registrations", serve_opts.registrations, "Refuse new sign-ups")
      ->envname("PUBLIUS_CLOSED_REGISTRATIONS");
  serve_cmd
      ->add_option("--erasure-interval", serve_opts.erasure_interval_seconds,
                   "Seconds between erasure passes, which checkpoint the write-ahead log so "
                   "deleted data leaves the files (docs/erasure.md)")
      ->envname("PUBLIUS_ERASURE_INTERVAL")
      ->check(CLI::Range(int64_t{1}, int64_t{86400}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--onion-location", serve_opts.onion_location,
                   "http://NAME.onion of this server's Tor onion service: HTML pages then carry "
                   "an Onion-Location header (docs/deploy-onion.md)")
      ->envname("PUBLIUS_ONION_LOCATION");
  serve_cmd->add_flag("--push-to-loopback-http", serve_opts.push_to_loopback_http,
                      "Accept Web Push endpoints at http://127.0.0.1 (tests only: real push "
                      "services are https)");
  serve_cmd
      ->add_option("--federation-proxy", serve_opts.federation_proxy,
                   "socks5h://HOST:PORT through which every outgoing federation request goes "
                   "(Tor: socks5h://127.0.0.1:9050)")
      ->envname("PUBLIUS_FEDERATION_PROXY");
  serve_cmd
      ->add_flag("--federation-onion-only", serve_opts.federation_onion_only,
                 "Federate with onion services only: no other server is fetched from, "
                 "delivered to or heard (needs --federation-proxy)")
      ->envname("PUBLIUS_FEDERATION_ONION_ONLY");
  serve_cmd->add_flag("--federation-loopback-testing", serve_opts.federation_loopback_testing,
                      "Let federation reach http://127.0.0.1 actors (tests only; needs a "
                      "loopback --listen)");
  serve_cmd
      ->add_flag("--authorized-fetch", serve_opts.authorized_fetch,
                 "Serve actor documents and posts to other servers only on signed requests "
                 "(Mastodon's AUTHORIZED_FETCH)")
      ->envname("PUBLIUS_AUTHORIZED_FETCH");
  serve_cmd
      ->add_option("--delivery-per-host", serve_opts.delivery_per_host,
                   "Federation deliveries in flight at once to one server (host and port)")
      ->envname("PUBLIUS_DELIVERY_PER_HOST")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();

  std::string backup_dir, backup_out, backup_in, passphrase_file;
  auto* backup_cmd = app.add_subcommand(
      "backup",
      "Write an encrypted, consistent backup of the data directory (also while serving).");
  backup_cmd->add_option("--data-dir", backup_dir, "The server's data directory")
      ->envname("PUBLIUS_DATA_DIR")
      ->required();
  backup_cmd->add_option("--out", backup_out, "The backup file to write (replaced atomically)")
      ->required();
  backup_cmd
      ->add_option("--passphrase-file", passphrase_file,
                   "Read the passphrase (first line, at least 12 bytes) from this file; '-' for "
                   "stdin")
      ->required();
  auto* restore_cmd = app.add_subcommand(
      "restore", "Restore an encrypted backup into a new data directory (docs/backup.md).");
  restore_cmd->add_option("--in", backup_in, "The backup file")->required();
  restore_cmd
      ->add_option("--data-dir", backup_dir,
                   "The data directory to create; must not exist or be empty")
      ->required();
  restore_cmd
      ->add_option("--passphrase-file", passphrase_file,
                   "Read the passphrase (first line) from this file; '-' for stdin")
      ->required();

  auto* admin = app.add_subcommand("admin", "Operator commands (work while the server runs).");
  admin->require_subcommand(1);
  std::string data_dir, username, role = "user", password_file;
  auto* create = admin->add_subcommand(
      "create-account", "Create an account; prints its recovery codes and an access token.");
  create->add_option("--data-dir", data_dir, "The server's data directory")
      ->envname("PUBLIUS_DATA_DIR")
      ->required();
  create->add_option("--username", username, "Username: letters, digits, underscore; at most 30")
      ->required();
  create->add_option("--role", role, "user or admin")->capture_default_str();
  create->add_option(
      "--password-file", password_file,
      "Read the password from this file ('-' for stdin); default: generate and print one");
  std::string set_name, set_role_value;
  auto* role_cmd = admin->add_subcommand("set-role", "Make an account an admin or a user.");
  role_cmd->add_option("--data-dir", data_dir, "The server's data directory")
      ->envname("PUBLIUS_DATA_DIR")
      ->required();
  role_cmd->add_option("NAME", set_name, "Username")->required();
  role_cmd->add_option("ROLE", set_role_value, "admin or user")->required();
  std::string delete_name;
  bool delete_confirmed = false;
  auto* delete_cmd = admin->add_subcommand(
      "delete-account", "Erase an account and everything of it (posts, messages, follows, keys).");
  delete_cmd->add_option("--data-dir", data_dir, "The server's data directory")
      ->envname("PUBLIUS_DATA_DIR")
      ->required();
  delete_cmd->add_option("NAME", delete_name, "Username")->required();
  delete_cmd->add_flag("--yes", delete_confirmed, "Confirm: the erasure cannot be undone");

  std::string collective_name, collective_password_file;
  int64_t member_number = 0;
  auto* make_collective_cmd = admin->add_subcommand(
      "make-collective", "Make an account collective; its owner becomes member 1.");
  auto* members_cmd =
      admin->add_subcommand("members", "List a collective account's members and join days.");
  auto* remove_member_cmd = admin->add_subcommand(
      "remove-member", "Remove a member of a collective account and re-key the account.");
  auto* hand_over_cmd =
      admin->add_subcommand("hand-over", "Make a member the owner of a collective account.");
  for (auto* cmd : {make_collective_cmd, members_cmd, remove_member_cmd, hand_over_cmd}) {
    cmd->add_option("--data-dir", data_dir, "The server's data directory")
        ->envname("PUBLIUS_DATA_DIR")
        ->required();
    cmd->add_option("NAME", collective_name, "Username")->required();
  }
  make_collective_cmd
      ->add_option("--password-file", collective_password_file,
                   "Read the account's password from this file ('-' for stdin)")
      ->required();
  for (auto* cmd : {remove_member_cmd, hand_over_cmd})
    cmd->add_option("NUMBER", member_number, "The member's number, as `admin members` lists it")
        ->required();

  auto run_domain_block_command = add_domain_block_commands(*admin);
  auto run_legal_command = add_legal_commands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (auto status = run_legal_command()) return *status;
  if (auto status = run_domain_block_command()) return *status;
  if (serve_cmd->parsed()) return serve(serve_opts);
  if (create->parsed()) return create_account(data_dir, username, role, password_file);
  if (role_cmd->parsed()) return set_role(data_dir, set_name, set_role_value);
  if (delete_cmd->parsed()) return delete_account(data_dir, delete_name, delete_confirmed);
  if (make_collective_cmd->parsed())
    return make_collective(data_dir, collective_name, collective_password_file);
  if (members_cmd->parsed()) return collective_members(data_dir, collective_name);
  if (remove_member_cmd->parsed())
    return change_member(data_dir, collective_name, member_number, false);
  if (hand_over_cmd->parsed()) return change_member(data_dir, collective_name, member_number, true);
  if (backup_cmd->parsed()) return make_backup(backup_dir, backup_out, passphrase_file);
  if (restore_cmd->parsed()) return restore(backup_in, backup_dir, passphrase_file);
  return report(bad_request("unknown command"));
}

}  // namespace publius::cli
