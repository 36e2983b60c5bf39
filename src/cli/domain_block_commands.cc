#include "cli/domain_block_commands.h"

#include <iostream>
#include <memory>

#include "cli/exit_status.h"
#include "domain/microblog.h"
#include "store/sqlite/sqlite_store.h"

namespace publius::cli {
namespace {

struct DomainBlockFlags {
  std::string data_dir, domain, severity = "silence", public_comment, private_comment;
  bool reject_media = false, reject_reports = false;
};

// The argument or flag a refusal of the domain's is about, for the operator to fix.
Error about_input(Error e) {
  if (e.message.find("Public comment") != std::string::npos)
    return about_flag("--public-comment", std::move(e));
  if (e.message.find("Private comment") != std::string::npos)
    return about_flag("--private-comment", std::move(e));
  if (e.code == ErrorCode::kUnprocessable) return about_flag("DOMAIN", std::move(e));
  return e;
}

// Runs `act` with a Microblog over the data directory.
template <typename Act>
int with_blocks(const DomainBlockFlags& f, Act act) {
  auto store = sqlite::SqliteStore::open(f.data_dir);
  if (!store.ok()) return report(store.error());
  timeline::HomeFeeds feeds;
  domain::Microblog microblog(**store, feeds, {});
  if (auto s = act(microblog.domain_blocks()); !s.ok()) return report(about_input(s.error()));
  return 0;
}

int add(const DomainBlockFlags& f) {
  domain::DomainBlockChange change;
  change.severity = domain::parse_domain_block_severity(f.severity);
  if (!change.severity)
    return report(
        bad_request("--severity must be suspend, silence or noop, got '" + f.severity + "'"));
  change.reject_media = f.reject_media;
  change.reject_reports = f.reject_reports;
  change.public_comment = f.public_comment;
  change.private_comment = f.private_comment;
  return with_blocks(f, [&](domain::DomainBlocks& blocks) -> Status {
    PUBLIUS_ASSIGN_OR_RETURN(auto block, blocks.block(f.domain, change));
    std::cout << block.domain << " is blocked ("
              << domain::domain_block_severity_name(block.severity) << ")\n";
    return ok_status();
  });
}

int remove(const DomainBlockFlags& f) {
  return with_blocks(f, [&](domain::DomainBlocks& blocks) -> Status {
    PUBLIUS_ASSIGN_OR_RETURN(auto block, blocks.block_of_domain(f.domain));
    if (!block) return bad_request("DOMAIN: '" + f.domain + "' is not blocked");
    PUBLIUS_TRY(blocks.unblock(block->id));
    std::cout << block->domain << " is no longer blocked\n";
    return ok_status();
  });
}

int list(const DomainBlockFlags& f) {
  return with_blocks(f, [&](domain::DomainBlocks& blocks) -> Status {
    PUBLIUS_ASSIGN_OR_RETURN(auto all, blocks.blocks());
    for (const auto& b : all) {
      std::cout << b.domain << "\t" << domain::domain_block_severity_name(b.severity);
      if (b.reject_media) std::cout << "\treject-media";
      if (b.reject_reports) std::cout << "\treject-reports";
      if (!b.public_comment.empty()) std::cout << "\tpublic: " << b.public_comment;
      if (!b.private_comment.empty()) std::cout << "\tprivate: " << b.private_comment;
      std::cout << "\n";
    }
    return ok_status();
  });
}

}  // namespace

std::function<std::optional<int>()> add_domain_block_commands(CLI::App& admin) {
  auto flags = std::make_shared<DomainBlockFlags>();
  auto* group = admin.add_subcommand(
      "domain-block", "Block other servers (suspend, silence), as Mastodon's domain blocks.");
  group->require_subcommand(1);
  auto* add_cmd = group->add_subcommand("add", "Block a domain (and its subdomains).");
  auto* remove_cmd = group->add_subcommand("remove", "Lift the block of a domain.");
  auto* list_cmd = group->add_subcommand("list", "List the blocked domains.");
  for (auto* cmd : {add_cmd, remove_cmd, list_cmd})
    cmd->add_option("--data-dir", flags->data_dir, "The server's data directory")
        ->envname("PUBLIUS_DATA_DIR")
        ->required();
  for (auto* cmd : {add_cmd, remove_cmd})
    cmd->add_option("DOMAIN", flags->domain, "The domain: a host, or host:port")->required();
  add_cmd->add_option("--severity", flags->severity, "suspend, silence or noop")
      ->capture_default_str();
  add_cmd->add_flag("--reject-media", flags->reject_media, "Fetch no media from there");
  add_cmd->add_flag("--reject-reports", flags->reject_reports, "Ignore reports from there");
  add_cmd->add_option("--public-comment", flags->public_comment, "Shown to everyone");
  add_cmd->add_option("--private-comment", flags->private_comment, "For moderators only");
  return [flags, add_cmd, remove_cmd, list_cmd]() -> std::optional<int> {
    if (add_cmd->parsed()) return add(*flags);
    if (remove_cmd->parsed()) return remove(*flags);
    if (list_cmd->parsed()) return list(*flags);
    return std::nullopt;
  };
}

}  // namespace publius::cli
