#include "cli/legal_commands.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/exit_status.h"
#include "legal/desk.h"
#include "shield/inventory.h"
#include "store/sqlite/legal_store.h"
#include "store/sqlite/sqlite_store.h"

namespace publius::cli {
namespace {

struct LegalFlags {
  std::string data_dir, domain = "localhost", account, file, id, to, reason, approve, out, period,
                        format = "json";
  bool json = false, band = false;
};

// The stores, the microblog (which sends notices) and the desk one legal command works with.
struct Desk {
  std::unique_ptr<sqlite::SqliteStore> store;
  std::unique_ptr<sqlite::SqliteLegalStore> legal;
  std::unique_ptr<timeline::HomeFeeds> feeds;
  std::unique_ptr<domain::Microblog> microblog;
  std::unique_ptr<legal::LegalDesk> desk;
};

Result<Desk> open_desk(const LegalFlags& f) {
  Desk d;
  PUBLIUS_ASSIGN_OR_RETURN(d.store, sqlite::SqliteStore::open(f.data_dir));
  d.legal = std::make_unique<sqlite::SqliteLegalStore>(*d.store);
  d.feeds = std::make_unique<timeline::HomeFeeds>();
  domain::InstanceConfig config;
  config.domain = f.domain;
  d.microblog = std::make_unique<domain::Microblog>(*d.store, *d.feeds, std::move(config));
  legal::DeskOptions options;
  options.data_dir = f.data_dir;
  options.domain = f.domain;
  PUBLIUS_ASSIGN_OR_RETURN(d.desk,
                           legal::LegalDesk::open(*d.microblog, *d.store, *d.legal, options));
  return d;
}

int print(Result<std::string> text) {
  if (!text.ok()) return report(text.error());
  std::cout << *text;
  if (!text->empty() && text->back() != '\n') std::cout << "\n";
  return 0;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

int run_inventory(const LegalFlags& f) {
  auto store = sqlite::SqliteStore::open(f.data_dir);
  if (!store.ok()) return report(store.error());
  shield::StoreDisclosureInventory inventory(**store);
  auto inv = inventory.for_username(f.account);
  if (!inv.ok()) {
    if (inv.error().code == ErrorCode::kNotFound)
      return report(bad_request("--account: " + inv.error().message));
    return report(inv.error());
  }
  std::cout << (f.json ? shield::inventory_to_json(*inv) + "\n" : shield::inventory_to_text(*inv));
  return 0;
}

}  // namespace

std::function<std::optional<int>()> add_legal_commands(CLI::App& app) {
  auto f = std::make_shared<LegalFlags>();
  auto data_dir = [f](CLI::App* cmd) {
    cmd->add_option("--data-dir", f->data_dir, "The server's data directory")
        ->envname("PUBLIUS_DATA_DIR")
        ->required();
  };
  auto* inventory = app.add_subcommand(
      "inventory", "Print every datum held about an account and what a legal demand could reach.");
  data_dir(inventory);
  inventory->add_option("--account", f->account, "Username (with or without @)")->required();
  inventory->add_flag("--json", f->json, "Print JSON");

  auto* legal = app.add_subcommand("legal", "The legal desk: government demands for user data.");
  legal->require_subcommand(1);
  auto desk_cmd = [&](const char* name, const char* help) {
    auto* cmd = legal->add_subcommand(name, help);
    data_dir(cmd);
    cmd->add_option("--domain", f->domain, "This server's public host name (named in notices)")
        ->envname("PUBLIUS_DOMAIN");
    return cmd;
  };
  auto* intake = desk_cmd("intake", "Record a demand from a JSON file and review it.");
  intake->add_option("--file", f->file, "The demand as JSON ('-' for stdin)")->required();
  auto* show = desk_cmd("show", "Show a demand with its review, history and notice.");
  show->add_option("ID", f->id, "Demand id")->required();
  show->add_flag("--json", f->json, "Print JSON");
  auto* list = desk_cmd("list", "List demands.");
  list->add_flag("--json", f->json, "Print JSON");
  auto* transition = desk_cmd("transition", "Move a demand to another state.");
  transition->add_option("ID", f->id, "Demand id")->required();
  transition->add_option("--to", f->to, "The new state")->required();
  transition->add_option("--reason", f->reason, "Why (recorded in the history and audit log)")
      ->required();
  auto* produce = desk_cmd("produce", "Build a production package of approved, existing data.");
  produce->add_option("ID", f->id, "Demand id")->required();
  produce->add_option("--approve", f->approve, "CATEGORY[,CATEGORY] the operator approves")
      ->required();
  produce->add_option("--out", f->out, "Output directory (new or empty)")->required();
  auto* verify = desk_cmd("verify", "Check the audit log's hash chain and signatures.");
  auto* transparency = desk_cmd("transparency", "Print the transparency report for a period.");
  transparency->add_option("--period", f->period, "2017H1 | 2017 | 2017-01..2017-06")->required();
  transparency->add_option("--format", f->format, "json | csv | html")->capture_default_str();
  transparency->add_flag("--band", f->band, "Report counts from 1 to 9 as \"<10\"");

  return [=]() -> std::optional<int> {
    if (inventory->parsed()) return run_inventory(*f);
    if (!legal->parsed()) return std::nullopt;
    auto d = open_desk(*f);
    if (!d.ok()) return report(d.error());
    legal::LegalDesk& desk = *d->desk;
    if (intake->parsed()) {
      std::string text;
      if (f->file == "-") {
        std::ostringstream in;
        in << std::cin.rdbuf();
        text = in.str();
      } else {
        std::ifstream in(f->file, std::ios::binary);
        if (!in) return report(bad_request("--file: cannot read " + f->file));
        std::ostringstream all;
        all << in.rdbuf();
        text = all.str();
      }
      return print(desk.intake(text));
    }
    if (show->parsed()) return print(f->json ? desk.show_json(f->id) : desk.show_text(f->id));
    if (list->parsed()) return print(f->json ? desk.list_json() : desk.list_text());
    if (transition->parsed()) return print(desk.transition(f->id, f->to, f->reason));
    if (produce->parsed()) {
      auto manifest = desk.produce(f->id, split_commas(f->approve), f->out);
      if (!manifest.ok()) return report(manifest.error());
      std::cout << "production package written to " << f->out << "\n" << *manifest << "\n";
      return 0;
    }
    if (verify->parsed()) {
      auto r = desk.verify();
      if (!r.ok()) return report(r.error());
      if (r->intact) {
        std::cout << "audit log intact: " << r->entries << " entries\n";
        return 0;
      }
      std::cout << "audit log BROKEN at entry " << r->first_broken_seq << ": " << r->problem
                << "\n";
      return 1;
    }
    if (transparency->parsed()) {
      legal::TransparencyOptions options;
      options.period = f->period;
      options.format = f->format;
      options.band = f->band;
      return print(desk.transparency(options));
    }
    return 2;
  };
}

}  // namespace publius::cli
