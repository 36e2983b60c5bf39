// Reports: an account asks the server's moderators to look at another account and
// some of its posts (Mastodon's reports), and the moderators (admins) resolve them.
// A report names the reported account and posts, never an address or a user agent;
// who filed it is kept only while it is open, so the moderators can answer, and
// resolving it erases that link (docs/decisions/0006-reports.md). Times are days.
//
// Who may moderate is the route's policy (admins only); the methods for moderators
// take the acting moderator's account where the report records it.
#pragma once

#include <array>
#include <string_view>
#include <vector>

#include "domain/service.h"

namespace publius::domain {

// What a moderator does with a report: resolve it (the day and the moderator are
// recorded, the reporter's link erased), reopen it (the reporter stays unknown), take
// it, or hand it back.
enum class ReportAction { kResolve, kReopen, kAssignToSelf, kUnassign };
inline constexpr std::array<ReportAction, 4> kReportActions = {
    ReportAction::kResolve, ReportAction::kReopen, ReportAction::kAssignToSelf,
    ReportAction::kUnassign};
// Mastodon's name of an action: the last segment of its admin API path.
constexpr std::string_view report_action_name(ReportAction action) {
  switch (action) {
    case ReportAction::kResolve:
      return "resolve";
    case ReportAction::kReopen:
      return "reopen";
    case ReportAction::kAssignToSelf:
      return "assign_to_self";
    case ReportAction::kUnassign:
      return "unassign";
  }
  return "";
}

class Reports final : private ServiceBase {
 public:
  explicit Reports(Microblog& microblog) : ServiceBase(microblog) {}

  // Files a report by `reporter_id`; with `forward`, a report about a remote account
  // also goes to its server (Federation::report_forwarded), from this server itself. kNotFound for
  // an unknown account, or a post that is not the reported account's or that the reporter may not
  // see; 422 for a comment over kMaxReportComment characters, or rules that are not the operator's
  // (a report citing rules is a `violation`, and a `violation` must cite some).
  Result<Report> file_report(int64_t reporter_id, const NewReport& report);

  // A report that remote account `remote_id` filed through its server (a Flag,
  // Federation::receive_flag): about local account `target_id` and those of
  // `status_ids` that are its posts and that the remote account may see (others are
  // left out), with `comment` cut to kMaxReportComment characters. kNotFound when the
  // target is not a local account. Returns the report's id.
  Result<int64_t> receive_remote_report(int64_t remote_id, int64_t target_id,
                                        const std::vector<int64_t>& status_ids,
                                        std::string_view comment);

  // For moderators. reports() pages by id, newest first; report() is kNotFound for
  // an unknown id.
  Result<std::vector<Report>> reports(const ReportFilter& filter, const Page& page);
  Result<Report> report(int64_t id);
  // The posts attached to `report` that still exist, in order. Moderators see them
  // whatever their visibility: the reporter could see each when filing and chose to
  // show it (a direct message stays sealed: nobody but its readers can open it).
  Result<std::vector<Post>> reported_posts(const Report& report);
  // A moderator's action on a report (ReportAction); idempotent. kNotFound for an
  // unknown id.
  Result<Report> act(int64_t id, int64_t moderator_id, ReportAction action);
  // A moderator's change of a report's category and cited rules, under the rules of
  // filing: citing rules makes it a violation, a violation must cite some, and another
  // category given without rules drops the rules cited. kNotFound for an unknown id;
  // 422 for rules that are not the operator's or a violation citing none (nothing is
  // changed then).
  Result<Report> update(int64_t id, const ReportChange& change);
};

// The longest comment a report may carry, as Mastodon.
inline constexpr size_t kMaxReportComment = 1000;

}  // namespace publius::domain
