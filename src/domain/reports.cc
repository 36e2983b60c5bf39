// Reports: filing them, and the moderators' handling.
#include "domain/reports.h"

#include <algorithm>

#include "domain/microblog.h"
#include "domain/store_errors.h"
#include "domain/text_format.h"
#include "util/time.h"

namespace publius::domain {
namespace {

// Gives `report` the rules in `rule_ids` (each once, in the order given) and its category:
// `asked`, or a violation when it cites rules whatever was asked, as Mastodon files
// reports. 422 for a rule that is not among the operator's `rule_count`, or a violation
// citing none.
Status cite_rules(Report& report, ReportCategory asked, const std::vector<int>& rule_ids,
                  size_t rule_count) {
  report.rule_ids.clear();
  for (int rule : rule_ids) {
    if (rule < 1 || static_cast<size_t>(rule) > rule_count)
      return unprocessable("Validation failed: Rule ids does not reference valid rules");
    if (std::find(report.rule_ids.begin(), report.rule_ids.end(), rule) == report.rule_ids.end())
      report.rule_ids.push_back(rule);
  }
  report.category = report.rule_ids.empty() ? asked : ReportCategory::kViolation;
  if (report.category == ReportCategory::kViolation && report.rule_ids.empty())
    return unprocessable("Validation failed: Rule ids does not reference valid rules");
  return ok_status();
}

}  // namespace

Result<Report> Reports::file_report(int64_t reporter_id, const NewReport& in) {
  PUBLIUS_TRY(mb_.accounts().account(in.target_id));
  if (code_points(in.comment) > kMaxReportComment)
    return unprocessable("Validation failed: Comment is too long (maximum is " +
                         std::to_string(kMaxReportComment) + " characters)");
  Report report;
  report.reporter_id = reporter_id;
  report.target_id = in.target_id;
  report.comment = in.comment;
  PUBLIUS_TRY(cite_rules(report, in.category.value_or(ReportCategory::kOther), in.rule_ids,
                         config_.rules.size()));
  for (int64_t id : in.status_ids) {
    PUBLIUS_ASSIGN_OR_RETURN(auto post, mb_.visibility().status(reporter_id, id));
    if (post.account_id != in.target_id) return not_found();
    report.status_ids.push_back(id);
  }
  std::sort(report.status_ids.begin(), report.status_ids.end());
  report.status_ids.erase(std::unique(report.status_ids.begin(), report.status_ids.end()),
                          report.status_ids.end());
  report.created_day_ms = report.updated_day_ms = now_day_ms();
  if (in.forward) {
    // Only a remote account's report goes anywhere.
    PUBLIUS_ASSIGN_OR_RETURN(auto remote, store_.remote_actor(in.target_id));
    report.forwarded = remote.has_value();
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto filed, phrase_store_error(store_.insert_report(report)));
  if (filed.forwarded) PUBLIUS_TRY(mb_.federation().report_forwarded(filed));
  return filed;
}

Result<std::vector<Report>> Reports::reports(const ReportFilter& filter, const Page& page) {
  store::ReportQuery query{.resolved = filter.resolved,
                           .reporter_id = filter.reporter_id,
                           .target_id = filter.target_id};
  return store_.reports(query, page);
}

Result<Report> Reports::report(int64_t id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto found, store_.report(id));
  if (!found) return not_found();
  return std::move(*found);
}

Result<std::vector<Post>> Reports::reported_posts(const Report& report) {
  return mb_.visibility().load(report.status_ids);
}

Result<Report> Reports::act(int64_t id, int64_t moderator_id, ReportAction action) {
  PUBLIUS_ASSIGN_OR_RETURN(auto report, this->report(id));
  Report changed = report;
  const int64_t today = now_day_ms();
  switch (action) {
    case ReportAction::kResolve:
      if (changed.resolved()) break;
      changed.action_taken_day_ms = today;
      changed.action_taken_by_id = moderator_id;
      // The reporter could be told the outcome while the report was open; now the link goes.
      changed.reporter_id.reset();
      break;
    case ReportAction::kReopen:
      changed.action_taken_day_ms.reset();
      changed.action_taken_by_id.reset();
      break;
    case ReportAction::kAssignToSelf:
      changed.assigned_id = moderator_id;
      break;
    case ReportAction::kUnassign:
      changed.assigned_id.reset();
      break;
  }
  if (changed == report) return report;
  changed.updated_day_ms = today;
  PUBLIUS_TRY(phrase_store_error(store_.update_report(changed)));
  return changed;
}

Result<Report> Reports::update(int64_t id, const ReportChange& change) {
  PUBLIUS_ASSIGN_OR_RETURN(auto report, this->report(id));
  Report changed = report;
  const ReportCategory asked = change.category.value_or(report.category);
  // A category given without rules keeps the rules only while it is still a violation.
  const std::vector<int> no_rules;
  const std::vector<int>& rule_ids =
      change.rule_ids ? *change.rule_ids
                      : (asked == ReportCategory::kViolation ? report.rule_ids : no_rules);
  PUBLIUS_TRY(cite_rules(changed, asked, rule_ids, config_.rules.size()));
  if (changed == report) return report;
  changed.updated_day_ms = now_day_ms();
  PUBLIUS_TRY(phrase_store_error(store_.update_report(changed)));
  return changed;
}

Result<int64_t> Reports::receive_remote_report(int64_t remote_id, int64_t target_id,
                                               const std::vector<int64_t>& status_ids,
                                               std::string_view comment) {
  PUBLIUS_TRY(mb_.accounts().account(target_id));
  PUBLIUS_ASSIGN_OR_RETURN(auto remote_target, store_.remote_actor(target_id));
  if (remote_target) return not_found();
  Report report;
  report.reporter_id = remote_id;
  report.target_id = target_id;
  // Another server's comment longer than ours is cut, not refused.
  report.comment = std::string(first_code_points(comment, kMaxReportComment));
  for (int64_t id : status_ids) {
    auto post = mb_.visibility().status(remote_id, id);
    if (post.ok() && post->account_id == target_id) report.status_ids.push_back(id);
  }
  std::sort(report.status_ids.begin(), report.status_ids.end());
  report.status_ids.erase(std::unique(report.status_ids.begin(), report.status_ids.end()),
                          report.status_ids.end());
  report.created_day_ms = report.updated_day_ms = now_day_ms();
  PUBLIUS_ASSIGN_OR_RETURN(auto filed, phrase_store_error(store_.insert_report(report)));
  return filed.id;
}

}  // namespace publius::domain
