// DomainBlocks: the operator's blocks of other servers (domain_blocks.h).
#include "domain/domain_blocks.h"

#include <algorithm>

#include "domain/microblog.h"
#include "domain/store_errors.h"
#include "domain/text_format.h"
#include "util/ascii.h"
#include "util/time.h"

namespace publius::domain {
namespace {

// `domain` as blocks keep it, or the reason it is not a host or host:port.
Result<std::string> normalized_domain(std::string_view domain, std::string_view own_domain) {
  while (!domain.empty() && std::isspace(static_cast<unsigned char>(domain.front())))
    domain.remove_prefix(1);
  while (!domain.empty() && std::isspace(static_cast<unsigned char>(domain.back())))
    domain.remove_suffix(1);
  std::string d = ascii_lowercase(domain);
  if (d.starts_with("*.")) d.erase(0, 2);  // Mastodon's wildcard: subdomains are covered anyway
  const auto colon = d.find(':');
  std::string host = d.substr(0, colon);
  if (!host.empty() && host.back() == '.') host.pop_back();
  const std::string_view port =
      colon == std::string::npos ? std::string_view() : std::string_view(d).substr(colon + 1);
  const auto invalid = unprocessable("Validation failed: Domain is not a valid domain name");
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.front() == '-' ||
      host.find("..") != std::string::npos)
    return invalid;
  if (!std::all_of(host.begin(), host.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
      }))
    return invalid;
  if (colon != std::string::npos) {
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) ||
        std::stoi(std::string(port)) == 0 || std::stoi(std::string(port)) > 65535)
      return invalid;
    host += ":" + std::string(port);
  }
  if (host == ascii_lowercase(own_domain))
    return unprocessable("Validation failed: Domain is this server's own");
  return host;
}

// Whether block domain `domain` covers `host`: the same host or a subdomain, with the
// port or, for a block naming no port, any port.
bool covers(std::string_view domain, std::string_view host) {
  const auto same_or_sub = [&](std::string_view h) {
    return h == domain || (h.size() > domain.size() && h.ends_with(domain) &&
                           h[h.size() - domain.size() - 1] == '.');
  };
  if (same_or_sub(host)) return true;
  const auto colon = host.rfind(':');
  return colon != std::string_view::npos && domain.find(':') == std::string_view::npos &&
         same_or_sub(host.substr(0, colon));
}

Status check_comment(const std::optional<std::string>& comment, std::string_view field) {
  if (comment && code_points(*comment) > kMaxDomainBlockComment)
    return unprocessable("Validation failed: " + std::string(field) + " is too long (maximum is " +
                         std::to_string(kMaxDomainBlockComment) + " characters)");
  return ok_status();
}

void change_block(DomainBlock& block, const DomainBlockChange& change) {
  if (change.severity) block.severity = *change.severity;
  if (change.reject_media) block.reject_media = *change.reject_media;
  if (change.reject_reports) block.reject_reports = *change.reject_reports;
  if (change.private_comment) block.private_comment = *change.private_comment;
  if (change.public_comment) block.public_comment = *change.public_comment;
}

}  // namespace

std::string_view domain_block_severity_name(DomainBlockSeverity severity) {
  switch (severity) {
    case DomainBlockSeverity::kNoop:
      return "noop";
    case DomainBlockSeverity::kSilence:
      return "silence";
    case DomainBlockSeverity::kSuspend:
      return "suspend";
  }
  return "";
}

std::optional<DomainBlockSeverity> parse_domain_block_severity(std::string_view name) {
  for (auto s :
       {DomainBlockSeverity::kNoop, DomainBlockSeverity::kSilence, DomainBlockSeverity::kSuspend})
    if (name == domain_block_severity_name(s)) return s;
  return std::nullopt;
}

std::string url_authority(std::string_view url) {
  const std::string origin = url_origin(url);
  return origin.empty() ? origin : origin.substr(origin.find("://") + 3);
}

std::string_view acct_host(std::string_view acct) {
  const auto at = acct.find('@', acct.starts_with('@') ? 1 : 0);
  return at == std::string_view::npos ? std::string_view() : acct.substr(at + 1);
}

Result<DomainBlock> DomainBlocks::block(std::string_view domain, const DomainBlockChange& change) {
  PUBLIUS_ASSIGN_OR_RETURN(auto normalized, normalized_domain(domain, config_.domain));
  PUBLIUS_TRY(check_comment(change.private_comment, "Private comment"));
  PUBLIUS_TRY(check_comment(change.public_comment, "Public comment"));
  DomainBlock block{.domain = std::move(normalized), .created_day_ms = now_day_ms()};
  change_block(block, change);
  auto kept = store_.insert_domain_block(block);
  forget();
  if (!kept.ok() && kept.error().code == ErrorCode::kConflict)
    return unprocessable("Validation failed: Domain is already blocked");
  PUBLIUS_ASSIGN_OR_RETURN(auto stored, phrase_store_error(std::move(kept)));
  PUBLIUS_TRY(apply(stored));
  return stored;
}

Result<DomainBlock> DomainBlocks::update(int64_t id, const DomainBlockChange& change) {
  PUBLIUS_TRY(check_comment(change.private_comment, "Private comment"));
  PUBLIUS_TRY(check_comment(change.public_comment, "Public comment"));
  PUBLIUS_ASSIGN_OR_RETURN(auto block, block_by_id(id));
  change_block(block, change);
  auto written = store_.update_domain_block(block);
  forget();
  PUBLIUS_TRY(phrase_store_error(std::move(written)));
  PUBLIUS_TRY(apply(block));
  return block;
}

Status DomainBlocks::unblock(int64_t id) {
  auto removed = store_.delete_domain_block(id);
  forget();
  PUBLIUS_ASSIGN_OR_RETURN(bool gone, phrase_store_error(std::move(removed)));
  return gone ? ok_status() : Status(not_found());
}

Result<std::vector<DomainBlock>> DomainBlocks::blocks() {
  PUBLIUS_ASSIGN_OR_RETURN(auto all, cached());
  return *all;
}

Result<DomainBlock> DomainBlocks::block_by_id(int64_t id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto all, cached());
  for (const auto& b : *all)
    if (b.id == id) return b;
  return not_found();
}

Result<std::optional<DomainBlock>> DomainBlocks::block_of_domain(std::string_view domain) {
  PUBLIUS_ASSIGN_OR_RETURN(auto normalized, normalized_domain(domain, config_.domain));
  PUBLIUS_ASSIGN_OR_RETURN(auto all, cached());
  for (const auto& b : *all)
    if (b.domain == normalized) return std::optional(b);
  return std::optional<DomainBlock>();
}

const DomainBlock* DomainBlocks::covering(const std::vector<DomainBlock>& all,
                                          std::string_view host) {
  const std::string h = ascii_lowercase(host);
  const DomainBlock* found = nullptr;
  for (const auto& b : all)
    if (covers(b.domain, h) && (!found || b.domain.size() > found->domain.size())) found = &b;
  return found;
}

Result<bool> DomainBlocks::covered_by(std::string_view host,
                                      bool (*rule)(const DomainBlock& block)) {
  PUBLIUS_ASSIGN_OR_RETURN(auto all, cached());
  const DomainBlock* b = covering(*all, host);
  return b && rule(*b);
}

Result<bool> DomainBlocks::suspends(std::string_view host) {
  return covered_by(
      host, [](const DomainBlock& b) { return b.severity == DomainBlockSeverity::kSuspend; });
}

namespace {
// A silence, or a suspension, which silences too.
bool silencing(const DomainBlock& b) { return b.severity != DomainBlockSeverity::kNoop; }
}  // namespace

Result<bool> DomainBlocks::silences(std::string_view host) { return covered_by(host, silencing); }

Result<bool> DomainBlocks::rejects_media(std::string_view host) {
  return covered_by(host, [](const DomainBlock& b) {
    return b.reject_media || b.severity == DomainBlockSeverity::kSuspend;
  });
}

Result<bool> DomainBlocks::rejects_reports(std::string_view host) {
  return covered_by(host, [](const DomainBlock& b) {
    return b.reject_reports || b.severity == DomainBlockSeverity::kSuspend;
  });
}

Result<bool> DomainBlocks::silences_account(int64_t account_id) {
  // Asked on every follow: with no block at all, no account is read.
  PUBLIUS_ASSIGN_OR_RETURN(auto all, cached());
  if (all->empty()) return false;
  PUBLIUS_ASSIGN_OR_RETURN(auto remote, store_.remote_actor(account_id));
  if (!remote) return false;
  return silences(url_authority(remote->uri));
}

bool DomainBlocks::silenced_by(const std::vector<DomainBlock>& all, const Post& post) {
  if (!post.remote()) return false;
  const DomainBlock* b = covering(all, url_authority(post.uri));
  return b && silencing(*b);
}

Result<bool> DomainBlocks::silences_post(const Post& post) {
  if (!post.remote()) return false;  // without reading the blocks
  PUBLIUS_ASSIGN_OR_RETURN(auto all, cached());
  return silenced_by(*all, post);
}

Status DomainBlocks::drop_silenced(std::vector<Post>& posts) {
  // The blocks are read once for the whole page, not once per post.
  PUBLIUS_ASSIGN_OR_RETURN(auto all, cached());
  if (all->empty()) return ok_status();
  std::erase_if(posts, [&](const Post& post) { return silenced_by(*all, post); });
  return ok_status();
}

Result<DomainBlocks::Blocks> DomainBlocks::cached() {
  PUBLIUS_ASSIGN_OR_RETURN(uint64_t commits, store_.external_commits());
  uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    if (cache_ && cache_commits_ == commits) return cache_;
    generation = generation_;
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto read, store_.domain_blocks());
  Blocks all = std::make_shared<const std::vector<DomainBlock>>(std::move(read));
  std::lock_guard lock(mu_);
  // A write since the read began makes what was read stale: it is not kept.
  if (generation == generation_) {
    cache_ = all;
    cache_commits_ = commits;
  }
  return all;
}

void DomainBlocks::forget() {
  std::lock_guard lock(mu_);
  cache_.reset();
  ++generation_;
}

Status DomainBlocks::apply(const DomainBlock& block) {
  if (block.severity != DomainBlockSeverity::kSuspend) return ok_status();
  const std::string_view domain = block.domain;
  const std::string_view host_part = domain.substr(0, domain.find(':'));
  PUBLIUS_ASSIGN_OR_RETURN(auto candidates, store_.remote_accounts_containing(host_part));
  for (const auto& candidate : candidates) {
    if (!covers(domain, ascii_lowercase(acct_host(candidate.second)))) continue;
    auto erased = mb_.accounts().delete_account(candidate.first);
    if (!erased.ok() && erased.error().code != ErrorCode::kNotFound) return erased;
  }
  return ok_status();
}

}  // namespace publius::domain
