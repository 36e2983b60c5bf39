// Reports: filing one (any signed-in account), and the moderators' side under
// /api/v1/admin/reports (admins, with the admin:*:reports scopes declared with each
// route). Handlers parse and call domain::Reports.
#include "api/api.h"
#include "input/readers.h"
#include "util/ids.h"

namespace publius::api {
namespace {

// The record id in parameter `key`: kNotFound when absent or not an id, as Mastodon finds
// records.
Result<int64_t> record_id(const http::Params& p, std::string_view key) {
  PUBLIUS_ASSIGN_OR_RETURN(auto value, input::single_value(p, key));
  if (!value) return not_found();
  auto id = parse_id(*value);
  if (!id) return not_found();
  return *id;
}

// An optional id filter in parameter `key`: 400 when it is not an id.
Result<std::optional<int64_t>> id_filter(const http::Params& p, std::string_view key) {
  PUBLIUS_ASSIGN_OR_RETURN(auto value, input::single_value(p, key));
  if (!value || value->empty()) return std::optional<int64_t>();
  auto id = parse_id(*value);
  if (!id) return bad_request(std::string(key) + " must be an id");
  return id;
}

// The report category in `category`, unset when absent or empty; 422 for one Mastodon
// does not have.
Result<std::optional<domain::ReportCategory>> report_category(const http::Params& p) {
  PUBLIUS_ASSIGN_OR_RETURN(auto name, input::single_value(p, "category"));
  if (!name || name->empty()) return std::optional<domain::ReportCategory>();
  auto category = domain::parse_report_category(*name);
  if (!category)
    return unprocessable("Validation failed: Category must be spam, legal, violation or other");
  return category;
}

// The rule positions in `rule_ids[]`; 422 for one that is not a position (whether the
// operator has that rule is the domain's to say).
Result<std::vector<int>> rule_ids(const http::Params& p) {
  std::vector<int> positions;
  for (const auto& value : p.get_all("rule_ids[]")) {
    auto position = parse_id(value);
    if (!position || *position > 1000)
      return unprocessable("Validation failed: Rule ids does not reference valid rules");
    positions.push_back(static_cast<int>(*position));
  }
  return positions;
}

Result<domain::NewReport> new_report(const http::Params& p) {
  domain::NewReport report;
  PUBLIUS_ASSIGN_OR_RETURN(report.target_id, record_id(p, "account_id"));
  for (const auto& value : p.get_all("status_ids[]")) {
    auto id = parse_id(value);
    if (!id) return not_found();
    report.status_ids.push_back(*id);
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto comment, input::single_value(p, "comment"));
  report.comment = std::string(comment.value_or(""));
  PUBLIUS_ASSIGN_OR_RETURN(report.category, report_category(p));
  PUBLIUS_ASSIGN_OR_RETURN(report.rule_ids, rule_ids(p));
  PUBLIUS_ASSIGN_OR_RETURN(auto forward, p.get_bool("forward"));
  report.forward = forward.value_or(false);
  return report;
}

// A moderator's change (PUT /api/v1/admin/reports/:id): `rule_ids[]` given empty cites
// no rule; absent keeps the report's.
Result<domain::ReportChange> report_change(const http::Params& p) {
  domain::ReportChange change;
  PUBLIUS_ASSIGN_OR_RETURN(change.category, report_category(p));
  if (p.has("rule_ids")) {
    PUBLIUS_ASSIGN_OR_RETURN(change.rule_ids, rule_ids(p));
  }
  return change;
}

}  // namespace

void Api::add_report_routes(http::Router& r) {
  route(r, "POST", "/api/v1/reports", http::Policy::user("write:reports"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto in, new_report(c.params));
          PUBLIUS_ASSIGN_OR_RETURN(auto filed, microblog_.reports().file_report(c.user_id(), in));
          return json(renderer_.report(filed));
        });

  // The moderators' side: Admin::Report entities.
  auto admin_report = [this](Call& c, const domain::Report& report) -> Result<http::Response> {
    PUBLIUS_ASSIGN_OR_RETURN(auto posts, microblog_.reports().reported_posts(report));
    return json(renderer_.admin_report(report, posts, c.user_id(), c.reader));
  };

  route(r, "GET", "/api/v1/admin/reports", http::Policy::admin("admin:read:reports"),
        [this, admin_report](Call& c) -> Result<http::Response> {
          const auto& p = c.params;
          domain::ReportFilter filter;
          PUBLIUS_ASSIGN_OR_RETURN(auto resolved, p.get_bool("resolved"));
          filter.resolved = resolved.value_or(false);
          PUBLIUS_ASSIGN_OR_RETURN(filter.reporter_id, id_filter(p, "account_id"));
          PUBLIUS_ASSIGN_OR_RETURN(filter.target_id, id_filter(p, "target_account_id"));
          // Mastodon's page size for reports: 100 unless asked, at most 200.
          PUBLIUS_ASSIGN_OR_RETURN(auto page, input::page_from(p, 100, 200));
          PUBLIUS_ASSIGN_OR_RETURN(auto reports, microblog_.reports().reports(filter, page));
          std::string out = "[";
          for (const auto& report : reports) {
            PUBLIUS_ASSIGN_OR_RETURN(auto one, admin_report(c, report));
            if (out.size() > 1) out += ',';
            out += one.body;
          }
          return paged(http::Response::json(out + "]"), c.request, reports,
                       [](const domain::Report& report) { return report.id; });
        });

  route(r, "GET", "/api/v1/admin/reports/:id", http::Policy::admin("admin:read:reports"),
        [this, admin_report](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto report, microblog_.reports().report(id));
          return admin_report(c, report);
        });

  route(r, "PUT", "/api/v1/admin/reports/:id", http::Policy::admin("admin:write:reports"),
        [this, admin_report](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto change, report_change(c.params));
          PUBLIUS_ASSIGN_OR_RETURN(auto report, microblog_.reports().update(id, change));
          return admin_report(c, report);
        });

  for (domain::ReportAction action : domain::kReportActions) {
    route(r, "POST", "/api/v1/admin/reports/:id/" + std::string(domain::report_action_name(action)),
          http::Policy::admin("admin:write:reports"),
          [this, admin_report, action](Call& c) -> Result<http::Response> {
            PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
            PUBLIUS_ASSIGN_OR_RETURN(auto report,
                                     microblog_.reports().act(id, c.user_id(), action));
            return admin_report(c, report);
          });
  }
}

}  // namespace publius::api
