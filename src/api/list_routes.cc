// Lists: an account's private groups of followed accounts (the list timeline
// itself is in timeline_routes.cc).
#include <limits>

#include "api/api.h"
#include "util/json_writer.h"

namespace publius::api {
namespace {

void write_list(JsonWriter& w, const domain::List& list) {
  w.begin_object()
      .field("id", std::to_string(list.id))
      .field("title", list.title)
      .field("replies_policy", domain::replies_policy_name(list.replies_policy))
      // Exclusive lists (kept off home) are not supported; creating one is refused.
      .field("exclusive", false)
      .end_object();
}

http::Response list_response(const Result<domain::List>& list) {
  if (!list.ok()) return error_response(list.error());
  std::string out;
  JsonWriter w(out);
  write_list(w, *list);
  return http::Response::json(std::move(out));
}

http::Response lists_response(const Result<std::vector<domain::List>>& lists) {
  if (!lists.ok()) return error_response(lists.error());
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  for (const auto& list : *lists) write_list(w, list);
  w.end_array();
  return http::Response::json(std::move(out));
}

}  // namespace

Result<domain::ListFields> list_fields(const http::Params& p) {
  domain::ListFields fields;
  PUBLIUS_ASSIGN_OR_RETURN(auto title, single_value(p, "title"));
  if (title) fields.title = std::string(*title);
  if (auto policy = p.get("replies_policy"); policy && !policy->empty()) {
    fields.replies_policy = domain::parse_replies_policy(*policy);
    if (!fields.replies_policy)
      return unprocessable("replies_policy must be followed, list or none");
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto exclusive, p.get_bool("exclusive"));
  if (exclusive.value_or(false))
    return unprocessable("exclusive lists are not supported on this server");
  return fields;
}

void Api::add_list_routes(http::Router& r) {
  r.add("GET", "/api/v1/lists", [this](http::Request& req) {
    auto c = require_user(req, "read:lists");
    if (!c.ok()) return error_response(c.error());
    return lists_response(microblog_.lists(c->account->id));
  });

  r.add("POST", "/api/v1/lists", [this](http::Request& req) {
    auto c = require_user(req, "write:lists");
    if (!c.ok()) return error_response(c.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto fields = list_fields(*p);
    if (!fields.ok()) return error_response(fields.error());
    return list_response(microblog_.create_list(c->account->id, *fields));
  });

  r.add("GET", "/api/v1/lists/:id", [this](http::Request& req) {
    auto c = require_user(req, "read:lists");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    return list_response(microblog_.own_list(c->account->id, *id));
  });

  r.add("PUT", "/api/v1/lists/:id", [this](http::Request& req) {
    auto c = require_user(req, "write:lists");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto fields = list_fields(*p);
    if (!fields.ok()) return error_response(fields.error());
    return list_response(microblog_.update_list(c->account->id, *id, *fields));
  });

  r.add("DELETE", "/api/v1/lists/:id", [this](http::Request& req) {
    auto c = require_user(req, "write:lists");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    if (auto s = microblog_.delete_list(c->account->id, *id); !s.ok())
      return error_response(s.error());
    return http::Response::json("{}");
  });

  r.add("GET", "/api/v1/lists/:id/accounts", [this](http::Request& req) {
    auto c = require_user(req, "read:lists");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    if (auto list = microblog_.own_list(c->account->id, *id); !list.ok())
      return error_response(list.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    // Mastodon: limit=0 means every member at once (clients that show a list's
    // members ask for that).
    auto limit = p->get_int("limit");
    if (!limit.ok()) return error_response(limit.error());
    auto page = page_from(*p, 40, 80);
    if (!page.ok()) return error_response(page.error());
    if (limit->value_or(-1) == 0) page->limit = std::numeric_limits<int>::max();
    return account_page(renderer_, req, store_.list_members(*id, *page));
  });

  // Adding and removing members share one shape: the list, then account_ids[].
  auto members = [this, &r](const char* method, auto change) {
    r.add(method, "/api/v1/lists/:id/accounts", [this, change](http::Request& req) {
      auto c = require_user(req, "write:lists");
      if (!c.ok()) return error_response(c.error());
      auto id = path_id(req);
      if (!id.ok()) return error_response(id.error());
      // Someone else's list is not found, whatever the parameters (as Mastodon).
      if (auto list = microblog_.own_list(c->account->id, *id); !list.ok())
        return error_response(list.error());
      auto p = params(req);
      if (!p.ok()) return error_response(p.error());
      auto ids = bounded_id_list(*p, 250, "account_ids");
      if (!ids.ok()) return error_response(ids.error());
      if (ids->empty()) return http::Response::error(422, "account_ids[] is required");
      if (auto s = change(c->account->id, *id, *ids); !s.ok()) return error_response(s.error());
      return http::Response::json("{}");
    });
  };
  members("POST", [this](int64_t me, int64_t list, const std::vector<int64_t>& ids) {
    return microblog_.add_to_list(me, list, ids);
  });
  members("DELETE", [this](int64_t me, int64_t list, const std::vector<int64_t>& ids) {
    return microblog_.remove_from_list(me, list, ids);
  });

  r.add("GET", "/api/v1/accounts/:id/lists", [this](http::Request& req) {
    auto c = require_user(req, "read:lists");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    return lists_response(microblog_.lists_with_member(c->account->id, *id));
  });
}

}  // namespace publius::api
