// Notifications and read markers.
#include "api/api.h"
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

// The filters both notification lists share; nullopt when they can match nothing.
std::optional<store::NotificationQuery> notification_query(const http::Params& p) {
  store::NotificationQuery q;
  q.types = *types_param(p, "types");
  q.exclude_types = *types_param(p, "exclude_types");
  // Asked only for types we never send: nothing matches.
  if (q.types.empty() && !p.get_all("types").empty()) return std::nullopt;
  if (auto from = p.get("account_id"); from && !from->empty()) {
    q.from_account_id = parse_id(*from);
    if (!q.from_account_id) return std::nullopt;
  }
  return q;
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
constexpr int kMaxGroupMembers = 1000;

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
      PUBLIUS_ASSIGN_OR_RETURN(auto members, domain::notification_group_members(
                                                 store_, account_id, g.key, kMaxGroupMembers));
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
  PUBLIUS_ASSIGN_OR_RETURN(auto posts, microblog_.visible_statuses(account_id, status_ids));
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
  r.add("GET", "/api/v1/notifications", [this](http::Request& req) {
    auto c = require_user(req, "read:notifications");
    if (!c.ok()) return error_response(c.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto page = page_from(*p, 40, 80);
    if (!page.ok()) return error_response(page.error());
    auto q = notification_query(*p);
    if (!q) return http::Response::json("[]");
    auto list = store_.notifications(c->account->id, *q, *page);
    if (!list.ok()) return error_response(list.error());
    auto response = json_or_error(renderer_.notifications(c->account->id, *list, c->reader));
    if (!list->empty() && response.status == 200)
      response.with_header("Link", link_header(req, list->front().id, list->back().id));
    return response;
  });

  // Grouped notifications (Mastodon 4.3): a page of notifications folded into groups.
  r.add("GET", "/api/v2/notifications", [this](http::Request& req) {
    auto c = require_user(req, "read:notifications");
    if (!c.ok()) return error_response(c.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto page = page_from(*p, 40, 80);
    if (!page.ok()) return error_response(page.error());
    auto q = notification_query(*p);
    std::vector<domain::Notification> list;
    if (q) {
      auto found = store_.notifications(c->account->id, *q, *page);
      if (!found.ok()) return error_response(found.error());
      list = std::move(*found);
    }
    auto response = json_or_error(grouped_notifications_json(
        c->account->id, domain::group_notification_page(list, grouped_types_param(*p)), c->reader));
    if (!list.empty() && response.status == 200)
      response.with_header("Link", link_header(req, list.front().id, list.back().id));
    return response;
  });

  // How many groups arrived since the notifications marker, capped at `limit` (default 100).
  r.add("GET", "/api/v2/notifications/unread_count", [this](http::Request& req) {
    auto c = require_user(req, "read:notifications");
    if (!c.ok()) return error_response(c.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto limit = p->get_int("limit");
    if (!limit.ok()) return error_response(limit.error());
    domain::Page page;
    page.limit = static_cast<int>(std::clamp<int64_t>(limit->value_or(100), 1, 1000));
    auto markers = store_.markers(c->account->id);
    if (!markers.ok()) return error_response(markers.error());
    for (const auto& m : *markers)
      if (m.timeline == "notifications") page.since_id = m.last_read_id;
    size_t count = 0;
    if (auto q = notification_query(*p)) {
      auto found = store_.notifications(c->account->id, *q, page);
      if (!found.ok()) return error_response(found.error());
      count =
          std::min<size_t>(domain::group_notification_page(*found, grouped_types_param(*p)).size(),
                           static_cast<size_t>(page.limit));
    }
    return http::Response::json("{\"count\":" + std::to_string(count) + "}");
  });

  r.add("GET", "/api/v2/notifications/:group_key", [this](http::Request& req) {
    auto c = require_user(req, "read:notifications");
    if (!c.ok()) return error_response(c.error());
    auto members = domain::notification_group_members(
        store_, c->account->id, req.path_param("group_key"), kMaxGroupMembers);
    if (!members.ok()) return error_response(members.error());
    auto groups = domain::group_notification_page(*members, domain::groupable_notification_types());
    if (groups.empty()) return http::Response::error(404, "Record not found");
    size_t shown = 0;
    auto json = grouped_notifications_json(c->account->id, std::move(groups), c->reader, &shown);
    if (json.ok() && shown == 0) return http::Response::error(404, "Record not found");
    return json_or_error(std::move(json));
  });

  r.add("GET", "/api/v2/notifications/:group_key/accounts", [this](http::Request& req) {
    auto c = require_user(req, "read:notifications");
    if (!c.ok()) return error_response(c.error());
    auto members = domain::notification_group_members(
        store_, c->account->id, req.path_param("group_key"), kMaxGroupMembers);
    if (!members.ok()) return error_response(members.error());
    std::vector<int64_t> ids;
    for (const auto& m : *members) append_distinct(ids, m.from_account_id);
    return json_or_error(renderer_.accounts(ids));
  });

  r.add("POST", "/api/v2/notifications/:group_key/dismiss", [this](http::Request& req) {
    auto c = require_user(req, "write:notifications");
    if (!c.ok()) return error_response(c.error());
    auto members = domain::notification_group_members(
        store_, c->account->id, req.path_param("group_key"), kMaxGroupMembers);
    if (!members.ok()) return error_response(members.error());
    for (const auto& m : *members) {
      if (auto d = store_.dismiss_notification(c->account->id, m.id); !d.ok())
        return error_response(d.error());
    }
    return http::Response::json("{}");
  });

  r.add("GET", "/api/v1/notifications/:id", [this](http::Request& req) {
    auto c = require_user(req, "read:notifications");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    auto n = store_.notification(c->account->id, *id);
    if (!n.ok()) return error_response(n.error());
    if (!*n) return http::Response::error(404, "Record not found");
    auto rendered = renderer_.notifications(c->account->id, {**n}, c->reader);
    if (!rendered.ok()) return error_response(rendered.error());
    if (*rendered == "[]") return http::Response::error(404, "Record not found");
    return http::Response::json(rendered->substr(1, rendered->size() - 2));
  });

  r.add("POST", "/api/v1/notifications/:id/dismiss", [this](http::Request& req) {
    auto c = require_user(req, "write:notifications");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    auto dismissed = store_.dismiss_notification(c->account->id, *id);
    if (!dismissed.ok()) return error_response(dismissed.error());
    if (!*dismissed) return http::Response::error(404, "Record not found");
    return http::Response::json("{}");
  });

  r.add("POST", "/api/v1/notifications/clear", [this](http::Request& req) {
    auto c = require_user(req, "write:notifications");
    if (!c.ok()) return error_response(c.error());
    if (auto s = store_.clear_notifications(c->account->id); !s.ok())
      return error_response(s.error());
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

  r.add("GET", "/api/v1/markers", [this, markers_json](http::Request& req) {
    auto c = require_user(req, "read:statuses");
    if (!c.ok()) return error_response(c.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto markers = store_.markers(c->account->id);
    if (!markers.ok()) return error_response(markers.error());
    return http::Response::json(markers_json(*markers, p->get_all("timeline")));
  });

  r.add("POST", "/api/v1/markers", [this, markers_json](http::Request& req) {
    auto c = require_user(req, "write:statuses");
    if (!c.ok()) return error_response(c.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    std::vector<domain::Marker> saved;
    for (const char* timeline : {"home", "notifications"}) {
      const std::string key = std::string(timeline) + "[last_read_id]";
      auto v = p->get(key);
      if (!v) continue;
      auto id = parse_id(*v);
      if (!id)
        return http::Response::error(422, std::string(timeline) + "[last_read_id] must be an id");
      auto m = store_.save_marker(c->account->id, timeline, *id);
      if (!m.ok()) return error_response(m.error());
      saved.push_back(*m);
    }
    if (saved.empty())
      return http::Response::error(422,
                                   "home[last_read_id] or notifications[last_read_id] is required");
    return http::Response::json(markers_json(saved, {}));
  });
}

}  // namespace publius::api
