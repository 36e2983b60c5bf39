// Scheduled statuses (Mastodon's /api/v1/scheduled_statuses): the signed-in
// account's posts waiting for their time. They are made by POST /api/v1/statuses
// with scheduled_at (status_routes.cc); the rules are in domain/scheduled.cc.
#include "api/api.h"
#include "input/readers.h"
#include "util/time.h"

namespace publius::api {

void Api::add_scheduled_routes(http::Router& r) {
  const std::string base_url = microblog_.config().base_url();
  route(r, "GET", "/api/v1/scheduled_statuses", http::Policy::user("read:statuses"),
        [this, base_url](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto page, input::page_from(c.params));
          PUBLIUS_ASSIGN_OR_RETURN(auto list,
                                   microblog_.posts().scheduled_statuses(c.user_id(), page));
          return paged(http::Response::json(Renderer::scheduled_statuses(list, base_url)),
                       c.request, list, [](const domain::ScheduledPost& s) { return s.id; });
        });

  route(r, "GET", "/api/v1/scheduled_statuses/:id", http::Policy::user("read:statuses"),
        [this, base_url](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto found,
                                   microblog_.posts().own_scheduled_status(c.user_id(), id));
          return http::Response::json(Renderer::scheduled_status(found, base_url));
        });

  // As Mastodon: only the time changes.
  route(r, "PUT", "/api/v1/scheduled_statuses/:id", http::Policy::user("write:statuses"),
        [this, base_url](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          // The record first: another's or an unknown one is 404 whatever the parameters.
          PUBLIUS_TRY(microblog_.posts().own_scheduled_status(c.user_id(), id));
          PUBLIUS_ASSIGN_OR_RETURN(auto scheduled_at, input::scheduled_at_from(c.params));
          if (!scheduled_at) return unprocessable("Validation failed: Scheduled at can't be blank");
          PUBLIUS_ASSIGN_OR_RETURN(auto changed, microblog_.posts().reschedule_status(
                                                     c.user_id(), id, *scheduled_at, now_ms()));
          return http::Response::json(Renderer::scheduled_status(changed, base_url));
        });

  route(r, "DELETE", "/api/v1/scheduled_statuses/:id", http::Policy::user("write:statuses"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_TRY(microblog_.posts().delete_scheduled_status(c.user_id(), id));
          return http::Response::json("{}");
        });
}

}  // namespace publius::api
