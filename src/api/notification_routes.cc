// Notifications and read markers.
#include "api/api.h"
#include "util/ids.h"
#include "util/json_writer.h"
#include "util/time.h"

namespace publius::api {
namespace {

Result<std::vector<domain::NotificationType>> types_param(const http::Params& p, std::string_view key) {
  std::vector<domain::NotificationType> out;
  for (const auto& name : p.get_all(key)) {
    auto t = domain::parse_notification_type(name);
    // Types this server never sends (poll, admin.sign_up, ...) simply match nothing.
    if (t) out.push_back(*t);
  }
  return out;
}

}  // namespace

void Api::add_notification_routes(http::Router& r) {
  r.add("GET", "/api/v1/notifications", [this](http::Request& req) {
    auto c = require_user(req, "read:notifications");
    if (!c.ok()) return error_response(c.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto page = page_from(*p, 40, 80);
    if (!page.ok()) return error_response(page.error());
    store::NotificationQuery q;
    auto types = types_param(*p, "types");
    auto excluded = types_param(*p, "exclude_types");
    q.types = *types;
    q.exclude_types = *excluded;
    // Asked only for types we never send: nothing matches.
    if (q.types.empty() && !p->get_all("types").empty()) return http::Response::json("[]");
    if (auto from = p->get("account_id"); from && !from->empty()) {
      q.from_account_id = parse_id(*from);
      if (!q.from_account_id) return http::Response::json("[]");
    }
    auto list = store_.notifications(c->account->id, q, *page);
    if (!list.ok()) return error_response(list.error());
    auto response = json_or_error(renderer_.notifications(c->account->id, *list, c->reader));
    if (!list->empty() && response.status == 200)
      response.with_header("Link", link_header(req, list->front().id, list->back().id));
    return response;
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
    if (auto s = store_.clear_notifications(c->account->id); !s.ok()) return error_response(s.error());
    return http::Response::json("{}");
  });

  auto markers_json = [](const std::vector<domain::Marker>& markers, const std::vector<std::string>& wanted) {
    std::string out;
    JsonWriter w(out);
    w.begin_object();
    for (const auto& m : markers) {
      if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), m.timeline) == wanted.end()) continue;
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
      if (!id) return http::Response::error(422, std::string(timeline) + "[last_read_id] must be an id");
      auto m = store_.save_marker(c->account->id, timeline, *id);
      if (!m.ok()) return error_response(m.error());
      saved.push_back(*m);
    }
    if (saved.empty()) return http::Response::error(422, "home[last_read_id] or notifications[last_read_id] is required");
    return http::Response::json(markers_json(saved, {}));
  });
}

}  // namespace publius::api
