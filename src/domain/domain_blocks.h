// DomainBlocks: the operator's blocks of other servers, as Mastodon's admin domain blocks
// (issue 12, federation safety). The command line, the admin API and the web UI's admin
// pages all call this one service.
//
// A block names a domain (a host, or host:port, lowercase) and covers its subdomains
// too: "example.com" blocks "example.com", "social.example.com" and "example.com:8443".
// Where several blocks cover a host the most specific (the longest domain) rules. Its
// severity:
//   suspend  nothing is exchanged with the server: its inbox POSTs are refused before
//            anything is stored, nothing is delivered there (queued deliveries are
//            dropped when due), its actors are neither resolved nor kept, and the
//            accounts of its actors already kept are erased with their posts and follows
//            (Mastodon deletes a suspended domain's content locally too; here the
//            accounts go as well, since a remote account is only a copy of its server's);
//   silence  its posts stay out of the public and hashtag timelines and streams and the
//            search for posts (silences_post), and its actors' follows of local accounts
//            are follow requests, whether the account is locked or not;
//   noop     only the flags below.
// reject_media: its media is not fetched or proxied (rejects_media(), for the media
// proxy); reject_reports: its Flags (reports) are ignored.
//
// Errors: kUnprocessable ("Validation failed: ...") for a domain that is not a host or
// host:port, this server's own, an unknown severity or a comment over
// kMaxDomainBlockComment characters; kConflict for a domain blocked already (update the
// block instead); kNotFound for an unknown id. The blocks name servers, never people.
//
// Thread-safe. The blocks are read once and kept in memory: the service's own writes
// refresh them, and so does a commit by another process (the admin CLI while the server
// runs), which the store counts (Store::external_commits).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/service.h"

namespace publius::domain {

// What an operator sets on a block. Unset fields keep the block's (update) or take
// Mastodon's defaults (a new block: silence, no flags, no comments).
struct DomainBlockChange {
  std::optional<DomainBlockSeverity> severity;
  std::optional<bool> reject_media;
  std::optional<bool> reject_reports;
  std::optional<std::string> private_comment;
  std::optional<std::string> public_comment;
};

inline constexpr size_t kMaxDomainBlockComment = 1000;

// Mastodon's names: "suspend", "silence", "noop".
std::string_view domain_block_severity_name(DomainBlockSeverity severity);
std::optional<DomainBlockSeverity> parse_domain_block_severity(std::string_view name);

// The host[:port] of an http(s) URL, lowercase; empty when `url` is not one.
std::string url_authority(std::string_view url);
// The host[:port] of a remote acct ("user@host"); empty for a local one.
std::string_view acct_host(std::string_view acct);

class DomainBlocks final : private ServiceBase {
 public:
  explicit DomainBlocks(Microblog& microblog) : ServiceBase(microblog) {}

  // A new block of `domain` (trimmed, lowercased, a trailing dot dropped). A suspension
  // erases the domain's accounts kept here before it returns.
  Result<DomainBlock> block(std::string_view domain, const DomainBlockChange& change);
  // Changes block `id`; a change to suspend erases the domain's accounts as block() does.
  Result<DomainBlock> update(int64_t id, const DomainBlockChange& change);
  // Lifts block `id`: the server is federated with again (what was erased stays erased).
  Status unblock(int64_t id);
  Result<std::vector<DomainBlock>> blocks();
  Result<DomainBlock> block_by_id(int64_t id);
  // The block of exactly `domain` (normalized as block() does), if any.
  Result<std::optional<DomainBlock>> block_of_domain(std::string_view domain);

  // Whether the block that covers `host` (host[:port]), the most specific, suspends,
  // silences (or suspends), rejects its media or its reports.
  Result<bool> suspends(std::string_view host);
  Result<bool> silences(std::string_view host);
  Result<bool> rejects_media(std::string_view host);
  Result<bool> rejects_reports(std::string_view host);
  // Whether account `account_id` is a remote account of a silenced (or suspended) server.
  Result<bool> silences_account(int64_t account_id);
  // Whether `post` comes from a silenced (or suspended) server (a remote post's, or
  // boost's, uri is on its author's host): the public and hashtag timelines and streams
  // and the search for posts leave it out. drop_silenced() takes such posts out of `posts`.
  Result<bool> silences_post(const Post& post);
  Status drop_silenced(std::vector<Post>& posts);

 private:
  // The blocks, read again when this process wrote them or another committed; shared,
  // not copied, since every delivery, inbox POST and public timeline page asks.
  using Blocks = std::shared_ptr<const std::vector<DomainBlock>>;
  Result<Blocks> cached();
  // Whether the most specific block covering `host` holds `rule`; false when none does.
  Result<bool> covered_by(std::string_view host, bool (*rule)(const DomainBlock& block));
  // The most specific block covering `host`; nullptr when none (points into `all`).
  static const DomainBlock* covering(const std::vector<DomainBlock>& all, std::string_view host);
  // Whether a block among `all` silences the server `post` came from (never a local post).
  static bool silenced_by(const std::vector<DomainBlock>& all, const Post& post);
  Status apply(const DomainBlock& block);  // erases a suspended domain's accounts
  void forget();

  std::mutex mu_;
  Blocks cache_;  // null: not read yet, or forgotten
  uint64_t cache_commits_ = 0;
  uint64_t generation_ = 0;  // counts forget(): a read racing a write is not kept
};

}  // namespace publius::domain
