// Conversations: the signed-in user's direct-message threads.
#include "api/api.h"

namespace publius::api {

void Api::add_conversation_routes(http::Router& r) {
  r.add("GET", "/api/v1/conversations", [this](http::Request& req) {
    auto c = require_user(req, "read:statuses");
    if (!c.ok()) return error_response(c.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto page = page_from(*p, 20, 40);
    if (!page.ok()) return error_response(page.error());
    auto entries = microblog_.conversations(c->account->id, *page);
    if (!entries.ok()) return error_response(entries.error());
    auto response = json_or_error(renderer_.conversations(c->account->id, *entries, c->reader));
    // Paged by the id of each conversation's newest post, as Mastodon does.
    if (!entries->empty() && response.status == 200) {
      response.with_header("Link", link_header(req, entries->front().last_status.id,
                                               entries->back().last_status.id));
    }
    return response;
  });

  r.add("POST", "/api/v1/conversations/:id/read", [this](http::Request& req) {
    auto c = require_user(req, "write:conversations");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    auto entry = microblog_.read_conversation(c->account->id, *id);
    if (!entry.ok()) return error_response(entry.error());
    return json_or_error(renderer_.conversation(c->account->id, *entry, c->reader));
  });

  r.add("DELETE", "/api/v1/conversations/:id", [this](http::Request& req) {
    auto c = require_user(req, "write:conversations");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    if (auto s = microblog_.remove_conversation(c->account->id, *id); !s.ok())
      return error_response(s.error());
    return http::Response::json("{}");
  });
}

}  // namespace publius::api
