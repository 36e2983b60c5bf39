// The moderators' reports in the web UI (admins only): the list of open or resolved
// reports with their posts, and resolving, reopening and taking one. Everything goes
// through domain::Reports, as the admin API's reports do.
#include "input/readers.h"
#include "web/web_ui.h"

namespace publius::web {

void WebUi::add_report_routes(http::Router& r) {
  admin_nav_.push_back({"/admin/reports", "Reports"});

  add_page(r, "GET", "/admin/reports", http::Policy::admin("admin:read:reports"),
           [this](http::Request& req, Visit& v) -> Result<http::Response> {
             PUBLIUS_ASSIGN_OR_RETURN(auto resolved, v.params.get_bool("resolved"));
             PUBLIUS_ASSIGN_OR_RETURN(auto paging, input::page_from(v.params, 20, 40));
             domain::ReportFilter filter;
             filter.resolved = resolved.value_or(false);
             PUBLIUS_ASSIGN_OR_RETURN(auto reports, microblog_.reports().reports(filter, paging));
             const auto& rules = microblog_.config().rules;
             std::vector<ReportView> shown;
             for (auto& report : reports) {
               ReportView view;
               PUBLIUS_ASSIGN_OR_RETURN(view.target,
                                        microblog_.accounts().account(report.target_id));
               for (auto [id, into] : {std::pair{report.reporter_id, &view.reporter},
                                       std::pair{report.assigned_id, &view.assigned}}) {
                 if (!id) continue;
                 PUBLIUS_ASSIGN_OR_RETURN(auto found, microblog_.accounts().accounts({*id}));
                 if (!found.empty()) *into = std::move(found.front());
               }
               for (int position : report.rule_ids)
                 if (position >= 1 && static_cast<size_t>(position) <= rules.size())
                   view.rules.push_back(rules[static_cast<size_t>(position) - 1]);
               PUBLIUS_ASSIGN_OR_RETURN(auto posts, microblog_.reports().reported_posts(report));
               PUBLIUS_ASSIGN_OR_RETURN(view.posts, views(v, posts));
               view.report = std::move(report);
               shown.push_back(std::move(view));
             }
             Pager pages;
             const std::string also = filter.resolved ? "&resolved=true" : "";
             if (static_cast<int>(shown.size()) >= paging.limit)
               pages.older = req.path + "?max_id=" + std::to_string(shown.back().report.id) + also;
             if (v.params.has("max_id") && !shown.empty())
               pages.newer = req.path + "?min_id=" + std::to_string(shown.front().report.id) + also;
             return page(v, reports_page(v.frame, shown, filter.resolved, pages));
           });

  // Each action at /admin/reports/:id/<its Mastodon name>, as the admin API names it.
  for (domain::ReportAction action : domain::kReportActions) {
    add_page(r, "POST", "/admin/reports/:id/" + std::string(domain::report_action_name(action)),
             http::Policy::admin("admin:write:reports"),
             [this, action](http::Request& req, Visit& v) -> Result<http::Response> {
               PUBLIUS_ASSIGN_OR_RETURN(int64_t id, http::path_id(req));
               PUBLIUS_TRY(microblog_.reports().act(id, v.account->id, action));
               return back(v, "/admin/reports");
             });
  }
}

}  // namespace publius::web
