// The moderators' page of reports (pages.h: reports_page).
#include "util/time.h"
#include "web/page_parts.h"
#include "web/pages.h"

namespace publius::web {
namespace {

std::string_view category_label(domain::ReportCategory c) {
  switch (c) {
    case domain::ReportCategory::kSpam:
      return "Spam";
    case domain::ReportCategory::kLegal:
      return "Illegal content";
    case domain::ReportCategory::kViolation:
      return "Breaks the server's rules";
    case domain::ReportCategory::kOther:
      return "Other";
  }
  return "";
}

void render_report(Html& h, const Frame& f, const ReportView& v) {
  const domain::Report& r = v.report;
  const std::string actions = "/admin/reports/" + std::to_string(r.id);
  h.open("section", {{"class", "report"}, {"aria-labelledby", "report-" + std::to_string(r.id)}});
  h.element("h2", "Report " + std::to_string(r.id) + ": " + std::string(category_label(r.category)),
            {{"id", "report-" + std::to_string(r.id)}});
  h.open("dl");
  h.element("dt", "Reported account").open("dd");
  account_line(h, v.target);
  h.close("dd");
  h.element("dt", "Filed by").open("dd");
  if (v.reporter)
    account_line(h, *v.reporter);
  else
    h.text(r.resolved() ? "not kept: erased when the report was resolved" : "an erased account");
  h.close("dd");
  h.element("dt", "Filed on").element("dd", format_day(r.created_day_ms));
  if (r.action_taken_day_ms)
    h.element("dt", "Resolved on").element("dd", format_day(*r.action_taken_day_ms));
  h.element("dt", "Handled by").open("dd");
  if (v.assigned)
    account_line(h, *v.assigned);
  else
    h.text("nobody yet");
  h.close("dd");
  if (!v.rules.empty()) {
    h.element("dt", "Rules cited").open("dd").open("ol");
    for (const auto& rule : v.rules) h.element("li", rule);
    h.close("ol").close("dd");
  }
  h.element("dt", "Comment").element("dd", r.comment.empty() ? "none" : r.comment);
  h.close("dl");
  if (r.status_ids.empty()) {
    h.element("p", "No posts attached.", {{"class", "muted"}});
  } else {
    h.element("h3", "Attached posts");
    if (v.posts.size() < r.status_ids.size())
      h.element("p", "Some attached posts have been deleted since.", {{"class", "muted"}});
    render_posts(h, f, v.posts);
  }
  h.open("div", {{"class", "actions"}});
  if (r.resolved()) {
    button_form(h, f, actions + "/reopen", "Reopen");
  } else {
    button_form(h, f, actions + "/resolve", "Resolve", "primary");
    if (!v.assigned || !f.viewer || v.assigned->id != f.viewer->id)
      button_form(h, f, actions + "/assign_to_self", "Take it");
  }
  if (v.assigned) button_form(h, f, actions + "/unassign", "Unassign");
  h.close("div").close("section");
}

}  // namespace

std::string reports_page(const Frame& f, const std::vector<ReportView>& reports, bool resolved,
                         const Pager& pager) {
  Html h;
  h.element("h1", resolved ? "Resolved reports" : "Open reports");
  h.element("p",
            "Reports name an account and its posts, never who filed them beyond the account, and "
            "that link is erased when a report is resolved.",
            {{"class", "muted"}});
  h.open("p").element("a", resolved ? "Show open reports" : "Show resolved reports",
                      {{"href", resolved ? "/admin/reports" : "/admin/reports?resolved=true"}});
  h.close("p");
  if (reports.empty())
    h.element("p", resolved ? "No resolved reports." : "No open reports.", {{"class", "muted"}});
  for (const auto& report : reports) render_report(h, f, report);
  render_pager(h, pager);
  return render_page(f, resolved ? "Resolved reports" : "Open reports", h.str());
}

}  // namespace publius::web
