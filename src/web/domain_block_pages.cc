// The operator's domain blocks page (pages.h: domain_blocks_page).
#include "domain/domain_blocks.h"
#include "util/time.h"
#include "web/page_parts.h"
#include "web/pages.h"

namespace publius::web {
namespace {

using domain::DomainBlockSeverity;

std::string_view severity_label(DomainBlockSeverity s) {
  switch (s) {
    case DomainBlockSeverity::kSuspend:
      return "Suspend: exchange nothing, erase its accounts here";
    case DomainBlockSeverity::kSilence:
      return "Silence: keep its posts out of public timelines, its follows need approval";
    case DomainBlockSeverity::kNoop:
      return "None: only the options below";
  }
  return "";
}

// The fields a block has, shared by the new-block form and each block's form; `id`
// makes the field ids unique on the page.
void block_fields(Html& h, const std::string& id, const domain::DomainBlock& b) {
  h.element("label", "Severity", {{"for", "severity" + id}});
  h.open("select", {{"id", "severity" + id}, {"name", "severity"}});
  for (auto s :
       {DomainBlockSeverity::kSilence, DomainBlockSeverity::kSuspend, DomainBlockSeverity::kNoop}) {
    h.open("option",
           {{"value", domain::domain_block_severity_name(s)}, flag("selected", s == b.severity)});
    h.text(severity_label(s)).close("option");
  }
  h.close("select");
  for (auto [name, label, on] :
       {std::tuple{"reject_media", "Reject media files", b.reject_media},
        std::tuple{"reject_reports", "Ignore reports from there", b.reject_reports}}) {
    h.open("p").open("input", {{"type", "checkbox"},
                               {"id", std::string(name) + id},
                               {"name", name},
                               {"value", "true"},
                               flag("checked", on)});
    h.element("label", label, {{"for", std::string(name) + id}}).close("p");
  }
  for (auto [name, label, value] :
       {std::tuple{"public_comment", "Public comment", &b.public_comment},
        std::tuple{"private_comment", "Private comment (moderators only)", &b.private_comment}}) {
    h.element("label", label, {{"for", std::string(name) + id}});
    h.open("input", {{"type", "text"},
                     {"id", std::string(name) + id},
                     {"name", name},
                     {"value", *value},
                     {"maxlength", "1000"}});
  }
}

}  // namespace

std::string domain_blocks_page(const Frame& f, const std::vector<domain::DomainBlock>& blocks,
                               const FormState& state) {
  Html h;
  h.element("h1", "Domain blocks");
  h.element("p",
            "Blocks name servers, never people, and cover their subdomains. A suspension "
            "erases the server's accounts kept here, with their posts and follows.",
            {{"class", "muted"}});
  form_messages(h, state.error, state.notice);
  h.open("section", {{"class", "card"}, {"aria-labelledby", "new-block"}});
  h.element("h2", "Block a domain", {{"id", "new-block"}});
  form_open(h, f, "/admin/domain_blocks");
  h.element("label", "Domain", {{"for", "domain"}});
  h.open("input", {{"type", "text"},
                   {"id", "domain"},
                   {"name", "domain"},
                   {"value", state.username},
                   {"autocomplete", "off"},
                   flag("required")});
  block_fields(h, "", domain::DomainBlock{});
  h.open("p").element("button", "Block", {{"type", "submit"}, {"class", "primary"}});
  h.close("p").close("form").close("section");

  if (blocks.empty()) h.element("p", "No domain is blocked.", {{"class", "muted"}});
  for (const auto& b : blocks) {
    const std::string id = std::to_string(b.id);
    const std::string base = "/admin/domain_blocks/" + id;
    h.open("section", {{"class", "card"}, {"aria-labelledby", "block-" + id}});
    h.element("h2", b.domain, {{"id", "block-" + id}});
    h.element("p", "Blocked on " + format_day(b.created_day_ms), {{"class", "muted"}});
    form_open(h, f, base);
    block_fields(h, "-" + id, b);
    h.open("p").element("button", "Save", {{"type", "submit"}}).close("p").close("form");
    button_form(h, f, base + "/delete", "Lift the block", "danger",
                "Lift the block of " + b.domain);
    h.close("section");
  }
  return render_page(f, "Domain blocks", h.str());
}

}  // namespace publius::web
