// The operator's domain blocks under /api/v1/admin/domain_blocks (admins, with the
// admin:read:domain_blocks and admin:write:domain_blocks scopes declared with each
// route), Mastodon's Admin::DomainBlock entities, and their public list at
// /api/v1/instance/domain_blocks (Mastodon's DomainBlock). Handlers parse and call
// domain::DomainBlocks, as the command line and the web UI's admin pages do.
#include "api/api.h"
#include "input/readers.h"
#include "util/crypto.h"
#include "util/json_writer.h"
#include "util/time.h"

namespace publius::api {
namespace {

void write_domain_block(JsonWriter& w, const domain::DomainBlock& b) {
  w.begin_object()
      .field("id", std::to_string(b.id))
      .field("domain", b.domain)
      .field("digest", sha256_hex(b.domain))
      .field("created_at", format_iso8601_ms(b.created_day_ms))
      .field("severity", domain::domain_block_severity_name(b.severity))
      .field("reject_media", b.reject_media)
      .field("reject_reports", b.reject_reports);
  w.field_or_null("private_comment", b.private_comment)
      .field_or_null("public_comment", b.public_comment)
      .field("obfuscate", false)
      .end_object();
}

std::string domain_block_json(const domain::DomainBlock& b) {
  std::string out;
  JsonWriter w(out);
  write_domain_block(w, b);
  return out;
}

}  // namespace

void Api::add_domain_block_routes(http::Router& r) {
  auto& blocks = microblog_.domain_blocks();

  // The servers this one limits or suspends, with the operator's public comment, as
  // Mastodon lists them for anyone (its show_domain_blocks: "all"): which servers an
  // instance keeps away is what a reader choosing a server needs, and names no one.
  // Blocks that limit nothing (noop) are not listed.
  route(r, "GET", "/api/v1/instance/domain_blocks", http::Policy::anyone(),
        [&blocks](Call&) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto all, blocks.blocks());
          std::string out;
          JsonWriter w(out);
          w.begin_array();
          for (const auto& b : all) {
            if (b.severity == domain::DomainBlockSeverity::kNoop) continue;
            w.begin_object()
                .field("domain", b.domain)
                .field("digest", sha256_hex(b.domain))
                .field("severity", domain::domain_block_severity_name(b.severity))
                .field_or_null("comment", b.public_comment)
                .end_object();
          }
          w.end_array();
          return http::Response::json(std::move(out));
        });

  route(r, "GET", "/api/v1/admin/domain_blocks", http::Policy::admin("admin:read:domain_blocks"),
        [&blocks](Call&) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto all, blocks.blocks());
          std::string out;
          JsonWriter w(out);
          w.begin_array();
          for (const auto& b : all) write_domain_block(w, b);
          w.end_array();
          return http::Response::json(std::move(out));
        });

  route(r, "GET", "/api/v1/admin/domain_blocks/:id",
        http::Policy::admin("admin:read:domain_blocks"),
        [&blocks](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto block, blocks.block_by_id(id));
          return http::Response::json(domain_block_json(block));
        });

  route(r, "POST", "/api/v1/admin/domain_blocks", http::Policy::admin("admin:write:domain_blocks"),
        [&blocks](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto domain, input::single_value(c.params, "domain"));
          if (!domain || domain->empty())
            return unprocessable("Validation failed: Domain can't be blank");
          PUBLIUS_ASSIGN_OR_RETURN(auto change, input::domain_block_change(c.params));
          PUBLIUS_ASSIGN_OR_RETURN(auto block, blocks.block(*domain, change));
          return http::Response::json(domain_block_json(block));
        });

  route(r, "PUT", "/api/v1/admin/domain_blocks/:id",
        http::Policy::admin("admin:write:domain_blocks"),
        [&blocks](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto change, input::domain_block_change(c.params));
          PUBLIUS_ASSIGN_OR_RETURN(auto block, blocks.update(id, change));
          return http::Response::json(domain_block_json(block));
        });

  route(r, "DELETE", "/api/v1/admin/domain_blocks/:id",
        http::Policy::admin("admin:write:domain_blocks"),
        [&blocks](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_TRY(blocks.unblock(id));
          return http::Response::json("{}");
        });
}

}  // namespace publius::api
