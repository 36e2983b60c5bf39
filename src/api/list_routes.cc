// Lists: an account's private groups of followed accounts (the list timeline
// itself is in timeline_routes.cc).
#include <functional>
#include <limits>

#include "api/api.h"
#include "input/readers.h"
#include "util/json_writer.h"

namespace publius::api {
namespace {

void write_list(JsonWriter& w, const domain::List& list) {
  w.begin_object()
      .field("id", std::to_string(list.id))
      .field("title", list.title)
      .field("replies_policy", domain::replies_policy_name(list.replies_policy))
      .field("exclusive", list.exclusive)
      .end_object();
}

http::Response list_response(const domain::List& list) {
  std::string out;
  JsonWriter w(out);
  write_list(w, list);
  return http::Response::json(std::move(out));
}

http::Response lists_response(const std::vector<domain::List>& lists) {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  for (const auto& list : lists) write_list(w, list);
  w.end_array();
  return http::Response::json(std::move(out));
}

}  // namespace

void Api::add_list_routes(http::Router& r) {
  route(r, "GET", "/api/v1/lists", http::Policy::user("read:lists"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto lists, microblog_.lists().lists(c.user_id()));
          return lists_response(lists);
        });

  route(r, "POST", "/api/v1/lists", http::Policy::user("write:lists"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto fields, input::list_fields(c.params));
          PUBLIUS_ASSIGN_OR_RETURN(auto list, microblog_.lists().create_list(c.user_id(), fields));
          return list_response(list);
        });

  route(r, "GET", "/api/v1/lists/:id", http::Policy::user("read:lists"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto list, microblog_.lists().own_list(c.user_id(), id));
          return list_response(list);
        });

  route(r, "PUT", "/api/v1/lists/:id", http::Policy::user("write:lists"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto fields, input::list_fields(c.params));
          PUBLIUS_ASSIGN_OR_RETURN(auto list,
                                   microblog_.lists().update_list(c.user_id(), id, fields));
          return list_response(list);
        });

  route(r, "DELETE", "/api/v1/lists/:id", http::Policy::user("write:lists"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_TRY(microblog_.lists().delete_list(c.user_id(), id));
          return http::Response::json("{}");
        });

  route(r, "GET", "/api/v1/lists/:id/accounts", http::Policy::user("read:lists"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          // Mastodon: limit=0 means every member at once (clients that show a list's
          // members ask for that).
          PUBLIUS_ASSIGN_OR_RETURN(auto limit, c.params.get_int("limit"));
          PUBLIUS_ASSIGN_OR_RETURN(auto page, input::page_from(c.params, 40, 80));
          if (limit.value_or(-1) == 0) page.limit = std::numeric_limits<int>::max();
          return account_page(renderer_, c.request,
                              microblog_.lists().members(c.user_id(), id, page));
        });

  // Adding and removing members share one shape: the list, then account_ids[].
  using Change = std::function<Status(int64_t me, int64_t list, const std::vector<int64_t>&)>;
  auto members = [this, &r](const char* method, Change change) {
    route(r, method, "/api/v1/lists/:id/accounts", http::Policy::user("write:lists"),
          [this, change = std::move(change)](Call& c) -> Result<http::Response> {
            PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
            // Someone else's list is not found, whatever the parameters (as Mastodon).
            PUBLIUS_TRY(microblog_.lists().own_list(c.user_id(), id));
            PUBLIUS_ASSIGN_OR_RETURN(auto ids,
                                     input::bounded_id_list(c.params, 250, "account_ids"));
            if (ids.empty()) return unprocessable("account_ids[] is required");
            PUBLIUS_TRY(change(c.user_id(), id, ids));
            return http::Response::json("{}");
          });
  };
  members("POST", [this](int64_t me, int64_t list, const std::vector<int64_t>& ids) {
    return microblog_.lists().add_to_list(me, list, ids);
  });
  members("DELETE", [this](int64_t me, int64_t list, const std::vector<int64_t>& ids) {
    return microblog_.lists().remove_from_list(me, list, ids);
  });

  route(r, "GET", "/api/v1/accounts/:id/lists", http::Policy::user("read:lists"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto lists,
                                   microblog_.lists().lists_with_member(c.user_id(), id));
          return lists_response(lists);
        });
}

}  // namespace publius::api
