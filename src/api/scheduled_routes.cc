// Scheduled statuses (Mastodon's /api/v1/scheduled_statuses): the signed-in
// account's posts waiting for their time. They are made by POST /api/v1/statuses
// with scheduled_at (status_routes.cc); the rules are in domain/scheduled.cc.
#include "api/api.h"
#include "util/time.h"

namespace publius::api {

Result<std::optional<int64_t>> scheduled_at_from(const http::Params& p) {
  PUBLIUS_ASSIGN_OR_RETURN(auto value, single_value(p, "scheduled_at"));
  if (!value || value->empty()) return std::optional<int64_t>();
  std::string text(*value);
  auto parsed = parse_rfc3339_ms(text);
  // Without a zone (an HTML datetime-local field): UTC, as the form says.
  if (!parsed && text.size() == 16) parsed = parse_rfc3339_ms(text + ":00Z");
  if (!parsed && text.size() == 19) parsed = parse_rfc3339_ms(text + "Z");
  if (!parsed)
    return unprocessable("Validation failed: Scheduled at must be an ISO 8601 date and time");
  return std::optional<int64_t>(*parsed);
}

void Api::add_scheduled_routes(http::Router& r) {
  r.add("GET", "/api/v1/scheduled_statuses", [this](http::Request& req) {
    auto c = require_user(req, "read:statuses");
    if (!c.ok()) return error_response(c.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto page = page_from(*p);
    if (!page.ok()) return error_response(page.error());
    auto list = microblog_.scheduled_statuses(c->account->id, *page);
    if (!list.ok()) return error_response(list.error());
    auto response =
        http::Response::json(Renderer::scheduled_statuses(*list, microblog_.config().base_url()));
    if (!list->empty())
      response.with_header("Link", link_header(req, list->front().id, list->back().id));
    return response;
  });

  r.add("GET", "/api/v1/scheduled_statuses/:id", [this](http::Request& req) {
    auto c = require_user(req, "read:statuses");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    auto found = microblog_.own_scheduled_status(c->account->id, *id);
    if (!found.ok()) return error_response(found.error());
    return http::Response::json(Renderer::scheduled_status(*found, microblog_.config().base_url()));
  });

  // As Mastodon: only the time changes.
  r.add("PUT", "/api/v1/scheduled_statuses/:id", [this](http::Request& req) {
    auto c = require_user(req, "write:statuses");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    // The record first: another's or an unknown one is 404 whatever the parameters.
    if (auto found = microblog_.own_scheduled_status(c->account->id, *id); !found.ok())
      return error_response(found.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto scheduled_at = scheduled_at_from(*p);
    if (!scheduled_at.ok()) return error_response(scheduled_at.error());
    if (!*scheduled_at)
      return http::Response::error(422, "Validation failed: Scheduled at can't be blank");
    auto changed = microblog_.reschedule_status(c->account->id, *id, **scheduled_at, now_ms());
    if (!changed.ok()) return error_response(changed.error());
    return http::Response::json(
        Renderer::scheduled_status(*changed, microblog_.config().base_url()));
  });

  r.add("DELETE", "/api/v1/scheduled_statuses/:id", [this](http::Request& req) {
    auto c = require_user(req, "write:statuses");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    if (auto deleted = microblog_.delete_scheduled_status(c->account->id, *id); !deleted.ok())
      return error_response(deleted.error());
    return http::Response::json("{}");
  });
}

}  // namespace publius::api
