// Notifications and read markers.
#include "api/api.h"
#include "input/readers.h"
#include "util/ids.h"
#include "util/json_writer.h"
#include "util/time.h"

namespace publius::api {
namespace {

Result<std::vector<domain::NotificationType>> types_param(const http::Params& p,
                                                          std::string_view key) {
  std::vector<domain::NotificationType> out;
  for (const auto& name : p.get_all(key)) {
    auto t = domain::parse_notification_type(name);
    // Types this server never sends (admin.sign_up, ...) simply match nothing.
    if (t) out.push_back(*t);
  }
  return out;
}

// The filters every notification list and count shares; nullopt when they can match
// nothing. Types this server does not know are passed over, as Mastodon does.
Result<std::optional<domain::NotificationFilter>> notification_query(const http::Params& p) {
  using Filter = std::optional<domain::NotificationFilter>;
  domain::NotificationFilter q;
  q.types = *types_param(p, "types");
  q.exclude_types = *types_param(p, "exclude_types");
  PUBLIUS_ASSIGN_OR_RETURN(auto include_filtered, p.get_bool("include_filtered"));
  q.include_filtered = include_filtered.value_or(false);
  // Asked only for types we never send: nothing matches.
  if (q.types.empty() && !p.get_all("types").empty()) return Filter();
  if (auto from = p.get("account_id"); from && !from->empty()) {
    q.from_account_id = parse_id(*from);
    if (!q.from_account_id) return Filter();
  }
  return Filter(std::move(q));
}

// The `id[]` of a bulk action on notification requests: at least one, at most 100.
Result<std::vector<int64_t>> request_ids(const http::Params& p) {
  PUBLIUS_ASSIGN_OR_RETURN(auto ids, input::bounded_id_list(p, 100));
  if (ids.empty()) return unprocessable("id[] is required");
  return ids;
}

// Each of Mastodon's notification policy parameters with the condition it sets.
Result<domain::NotificationPolicyChange> policy_change(const http::Params& p) {
  domain::NotificationPolicyChange change;
  using Field = std::optional<domain::PolicyAction> domain::NotificationPolicyChange::*;
  const std::pair<const char*, Field> fields[] = {
      {"for_not_following", &domain::NotificationPolicyChange::for_not_following},
      {"for_not_followers", &domain::NotificationPolicyChange::for_not_followers},
      {"for_new_accounts", &domain::NotificationPolicyChange::for_new_accounts},
      {"for_private_mentions", &domain::NotificationPolicyChange::for_private_mentions},
      {"for_limited_accounts", &domain::NotificationPolicyChange::for_limited_accounts},
  };
  for (const auto& [key, field] : fields) {
    PUBLIUS_ASSIGN_OR_RETURN(auto value, input::single_value(p, key));
    if (!value || value->empty()) continue;
    auto action = domain::parse_policy_action(*value);
    if (!action) return unprocessable(std::string(key) + " must be accept, filter or drop");
    change.*field = *action;
  }
  return change;
}

std::string policy_json(const domain::NotificationPolicyView& v) {
  std::string out;
  JsonWriter w(out);
  const auto name = [](domain::PolicyAction a) { return domain::policy_action_name(a); };
  w.begin_object()
      .field("for_not_following", name(v.policy.for_not_following))
      .field("for_not_followers", name(v.policy.for_not_followers))
      .field("for_new_accounts", name(v.policy.for_new_accounts))
      .field("for_private_mentions", name(v.policy.for_private_mentions))
      .field("for_limited_accounts", name(v.policy.for_limited_accounts))
      .key("summary")
      .begin_object()
      .field("pending_requests_count", v.pending_requests_count)
      .field("pending_notifications_count", v.pending_notifications_count)
      .end_object()
      .end_object();
  return out;
}

// grouped_types[] narrows which types fold into groups; absent, all groupable types do.
std::vector<domain::NotificationType> grouped_types_param(const http::Params& p) {
  if (!p.has("grouped_types")) return domain::groupable_notification_types();
  return *types_param(p, "grouped_types");
}

// A group with what the whole group holds, not only the page.
struct GroupSummary {
  domain::NotificationGroupOnPage on_page;
  int64_t count = 0;
  int64_t most_recent_id = 0;
  std::vector<int64_t> sample_account_ids;
};

// Appends `id` unless `ids` already holds it (lists here are short: a page, a sample).
void append_distinct(std::vector<int64_t>& ids, int64_t id) {
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
}

constexpr size_t kSampleAccounts = 8;
constexpr int kMaxGroupMembers = domain::kMaxNotificationGroupMembers;

}  // namespace

Result<std::string> Api::grouped_notifications_json(
    int64_t account_id, std::vector<domain::NotificationGroupOnPage> groups,
    domain::ReaderKey& reader, size_t* shown) {
  std::vector<GroupSummary> summaries;
  std::vector<int64_t> status_ids, account_ids;
  for (auto& g : groups) {
    GroupSummary s;
    if (g.key.starts_with("ungrouped-")) {
      // The page already holds the whole group: no need to read it again.
      s.count = 1;
      s.most_recent_id = g.page_max_id;
      s.sample_account_ids = g.page_account_ids;
    } else {
      PUBLIUS_ASSIGN_OR_RETURN(auto members, microblog_.notifications().group_members(
                                                 account_id, g.key, kMaxGroupMembers));
      if (members.empty()) continue;
      s.count = static_cast<int64_t>(members.size());
      s.most_recent_id = members.front().id;
      for (const auto& m : members) {
        if (s.sample_account_ids.size() == kSampleAccounts) break;
        append_distinct(s.sample_account_ids, m.from_account_id);
      }
    }
    for (int64_t id : s.sample_account_ids) append_distinct(account_ids, id);
    if (g.status_id) append_distinct(status_ids, *g.status_id);
    s.on_page = std::move(g);
    summaries.push_back(std::move(s));
  }
  // A group about a post the owner may no longer see (deleted, now hidden) is left out, as in v1.
  PUBLIUS_ASSIGN_OR_RETURN(auto posts,
                           microblog_.notifications().visible_posts(account_id, status_ids));
  std::erase_if(summaries, [&](const GroupSummary& s) {
    return s.on_page.status_id &&
           std::none_of(posts.begin(), posts.end(),
                        [&](const domain::Post& p) { return p.id == *s.on_page.status_id; });
  });
  if (shown) *shown = summaries.size();
  PUBLIUS_ASSIGN_OR_RETURN(auto accounts, renderer_.accounts(account_ids));
  PUBLIUS_ASSIGN_OR_RETURN(auto statuses, renderer_.statuses(account_id, posts, reader));
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("accounts").raw(accounts).key("statuses").raw(statuses);
  w.key("notification_groups").begin_array();
  for (const auto& s : summaries) {
    const auto& g = s.on_page;
    w.begin_object()
        .field("group_key", g.key)
        .field("notifications_count", s.count)
        .field("type", domain::notification_type_name(g.type))
        .field_id("most_recent_notification_id", s.most_recent_id)
        .field_id("page_min_id", g.page_min_id)
        .field_id("page_max_id", g.page_max_id)
        .field("latest_page_notification_at", format_iso8601_ms(g.latest_page_ms))
        .key("sample_account_ids")
        .begin_array();
    for (int64_t id : s.sample_account_ids) w.id(id);
    w.end_array();
    if (g.status_id) w.field_id("status_id", *g.status_id);
    w.end_object();
  }
  w.end_array().end_object();
  return out;
}

void Api::add_notification_routes(http::Router& r) {
  route(r, "GET", "/api/v1/notifications", http::Policy::user("read:notifications"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto page, input::page_from(c.params, 40, 80));
          PUBLIUS_ASSIGN_OR_RETURN(auto q, notification_query(c.params));
          if (!q) return http::Response::json("[]");
          // The page as read decides the Link header; what is shown passes the visibility rule.
          PUBLIUS_ASSIGN_OR_RETURN(auto list,
                                   microblog_.notifications().page(c.user_id(), *q, page));
          PUBLIUS_ASSIGN_OR_RETURN(auto entries,
                                   microblog_.notifications().entries(c.user_id(), list));
          PUBLIUS_ASSIGN_OR_RETURN(auto body,
                                   renderer_.notifications(c.user_id(), entries, c.reader));
          return paged(http::Response::json(std::move(body)), c.request, list,
                       [](const domain::Notification& n) { return n.id; });
        });

  // Grouped notifications (Mastodon 4.3): a page of notifications folded into groups.
  route(r, "GET", "/api/v2/notifications", http::Policy::user("read:notifications"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto page, input::page_from(c.params, 40, 80));
          std::vector<domain::Notification> list;
          PUBLIUS_ASSIGN_OR_RETURN(auto q, notification_query(c.params));
          if (q) {
            PUBLIUS_ASSIGN_OR_RETURN(list, microblog_.notifications().page(c.user_id(), *q, page));
          }
          PUBLIUS_ASSIGN_OR_RETURN(
              auto body,
              grouped_notifications_json(
                  c.user_id(), domain::group_notification_page(list, grouped_types_param(c.params)),
                  c.reader));
          return paged(http::Response::json(std::move(body)), c.request, list,
                       [](const domain::Notification& n) { return n.id; });
        });

  // How many notifications (v1) or groups of them (v2) arrived since the notifications
  // marker, at most `limit` (default 100, at most 1000).
  for (const bool grouped : {false, true}) {
    route(r, "GET",
          grouped ? "/api/v2/notifications/unread_count" : "/api/v1/notifications/unread_count",
          http::Policy::user("read:notifications"),
          [this, grouped](Call& c) -> Result<http::Response> {
            PUBLIUS_ASSIGN_OR_RETURN(auto asked, c.params.get_int("limit"));
            const int limit = static_cast<int>(std::clamp<int64_t>(asked.value_or(100), 1, 1000));
            PUBLIUS_ASSIGN_OR_RETURN(auto q, notification_query(c.params));
            std::vector<domain::Notification> unread;
            if (q) {
              PUBLIUS_ASSIGN_OR_RETURN(unread,
                                       microblog_.notifications().unread(c.user_id(), *q, limit));
            }
            size_t count = unread.size();
            if (grouped)
              count = std::min<size_t>(
                  domain::group_notification_page(unread, grouped_types_param(c.params)).size(),
                  static_cast<size_t>(limit));
            return http::Response::json("{\"count\":" + std::to_string(count) + "}");
          });
  }

  route(r, "GET", "/api/v2/notifications/policy", http::Policy::user("read:notifications"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto policy, microblog_.notifications().policy(c.user_id()));
          return http::Response::json(policy_json(policy));
        });
  // Rails' `resource` takes an update by PATCH or PUT alike (masto.js sends PUT).
  for (const char* method : {"PATCH", "PUT"}) {
    route(r, method, "/api/v2/notifications/policy", http::Policy::user("write:notifications"),
          [this](Call& c) -> Result<http::Response> {
            PUBLIUS_ASSIGN_OR_RETURN(auto change, policy_change(c.params));
            PUBLIUS_ASSIGN_OR_RETURN(auto policy,
                                     microblog_.notifications().update_policy(c.user_id(), change));
            return http::Response::json(policy_json(policy));
          });
  }

  // Notification requests: what the policy held back, one request per sender.
  route(r, "GET", "/api/v1/notifications/requests", http::Policy::user("read:notifications"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto page, input::page_from(c.params, 40, 80));
          PUBLIUS_ASSIGN_OR_RETURN(auto requests,
                                   microblog_.notifications().requests(c.user_id(), page));
          PUBLIUS_ASSIGN_OR_RETURN(
              auto body, renderer_.notification_requests(c.user_id(), requests, c.reader));
          return paged(http::Response::json(std::move(body)), c.request, requests,
                       [](const domain::NotificationRequestEntry& e) { return e.request.id; });
        });
  // Accepting merges at once here, so there is never a merge still to wait for.
  route(r, "GET", "/api/v1/notifications/requests/merged", http::Policy::user("read:notifications"),
        [](Call&) -> Result<http::Response> { return http::Response::json("{\"merged\":true}"); });
  route(r, "GET", "/api/v1/notifications/requests/:id", http::Policy::user("read:notifications"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto request,
                                   microblog_.notifications().request(c.user_id(), id));
          PUBLIUS_ASSIGN_OR_RETURN(
              auto rendered, renderer_.notification_requests(c.user_id(), {request}, c.reader));
          if (rendered == "[]") return not_found();
          return http::Response::json(rendered.substr(1, rendered.size() - 2));
        });
  for (const bool accept : {true, false}) {
    const std::string verb = accept ? "accept" : "dismiss";
    route(r, "POST", "/api/v1/notifications/requests/:id/" + verb,
          http::Policy::user("write:notifications"),
          [this, accept](Call& c) -> Result<http::Response> {
            PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
            PUBLIUS_TRY(microblog_.notifications().resolve_request(c.user_id(), id, accept));
            return http::Response::json("{}");
          });
    route(r, "POST", "/api/v1/notifications/requests/" + verb,
          http::Policy::user("write:notifications"),
          [this, accept](Call& c) -> Result<http::Response> {
            PUBLIUS_ASSIGN_OR_RETURN(auto ids, request_ids(c.params));
            PUBLIUS_TRY(microblog_.notifications().resolve_requests(c.user_id(), ids, accept));
            return http::Response::json("{}");
          });
  }

  route(r, "GET", "/api/v2/notifications/:group_key", http::Policy::user("read:notifications"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(
              auto members, microblog_.notifications().group_members(
                                c.user_id(), c.request.path_param("group_key"), kMaxGroupMembers));
          auto groups =
              domain::group_notification_page(members, domain::groupable_notification_types());
          if (groups.empty()) return not_found();
          size_t shown = 0;
          PUBLIUS_ASSIGN_OR_RETURN(
              auto body,
              grouped_notifications_json(c.user_id(), std::move(groups), c.reader, &shown));
          if (shown == 0) return not_found();
          return http::Response::json(std::move(body));
        });

  route(r, "GET", "/api/v2/notifications/:group_key/accounts",
        http::Policy::user("read:notifications"), [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(
              auto members, microblog_.notifications().group_members(
                                c.user_id(), c.request.path_param("group_key"), kMaxGroupMembers));
          std::vector<int64_t> ids;
          for (const auto& m : members) append_distinct(ids, m.from_account_id);
          return json(renderer_.accounts(ids));
        });

  route(r, "POST", "/api/v2/notifications/:group_key/dismiss",
        http::Policy::user("write:notifications"), [this](Call& c) -> Result<http::Response> {
          PUBLIUS_TRY(microblog_.notifications().dismiss_group(c.user_id(),
                                                               c.request.path_param("group_key")));
          return http::Response::json("{}");
        });

  route(r, "GET", "/api/v1/notifications/:id", http::Policy::user("read:notifications"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto n,
                                   microblog_.notifications().notification(c.user_id(), id));
          PUBLIUS_ASSIGN_OR_RETURN(auto rendered,
                                   renderer_.notifications(c.user_id(), {n}, c.reader));
          if (rendered == "[]") return not_found();
          return http::Response::json(rendered.substr(1, rendered.size() - 2));
        });

  route(r, "POST", "/api/v1/notifications/:id/dismiss", http::Policy::user("write:notifications"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_TRY(microblog_.notifications().dismiss(c.user_id(), id));
          return http::Response::json("{}");
        });

  route(r, "POST", "/api/v1/notifications/clear", http::Policy::user("write:notifications"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_TRY(microblog_.notifications().clear(c.user_id()));
          return http::Response::json("{}");
        });

  auto markers_json = [](const std::vector<domain::Marker>& markers,
                         const std::vector<std::string>& wanted) {
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    for (const auto& m : markers) {
      if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), m.timeline) == wanted.end())
        continue;
      w.key(m.timeline)
          .begin_object()
          .field("last_read_id", std::to_string(m.last_read_id))
          .field("version", m.version)
          .field("updated_at", format_iso8601_ms(m.updated_ms))
          .end_object();
    }
    w.end_object();
    return out;
  };

  route(r, "GET", "/api/v1/markers", http::Policy::user("read:statuses"),
        [this, markers_json](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto markers, microblog_.notifications().markers(c.user_id()));
          return http::Response::json(markers_json(markers, c.params.get_all("timeline")));
        });

  route(r, "POST", "/api/v1/markers", http::Policy::user("write:statuses"),
        [this, markers_json](Call& c) -> Result<http::Response> {
          std::vector<domain::Marker> saved;
          for (const char* timeline : {"home", "notifications"}) {
            const std::string key = std::string(timeline) + "[last_read_id]";
            auto v = c.params.get(key);
            if (!v) continue;
            auto id = parse_id(*v);
            if (!id) return unprocessable(key + " must be an id");
            PUBLIUS_ASSIGN_OR_RETURN(
                auto m, microblog_.notifications().save_marker(c.user_id(), timeline, *id));
            saved.push_back(std::move(m));
          }
          if (saved.empty())
            return unprocessable("home[last_read_id] or notifications[last_read_id] is required");
          return http::Response::json(markers_json(saved, {}));
        });
}

}  // namespace publius::api
