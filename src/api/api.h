// Api serves the Mastodon client REST API (and the OAuth endpoints) over the
// domain. Every route is registered through route() with its policy (who may
// call it, with which scope: http::Policy), and route() wraps the handler in the
// one check of that policy: the handler runs only for an admitted caller, gets a
// Call (api/call.h) and returns Result<Response>; an error becomes Mastodon's
// {"error": ...} with the status of http/errors.h. Handlers parse, call
// domain::Microblog and render; they hold no rules of their own.
//
// Construct once, call register_routes() on the router, then handle() from any
// thread. Nothing thrown escapes handle(): an unexpected exception becomes a
// 500 with a generic message (never request data).
#pragma once

#include <memory>

#include "api/call.h"
#include "api/render.h"
#include "domain/microblog.h"
#include "domain/notification_groups.h"
#include "http/message.h"
#include "http/params.h"
#include "http/router.h"
#include "legal/desk.h"
#include "shield/inventory.h"
#include "shield/rate_limiter.h"

namespace publius::api {

// Maps a domain error to its HTTP status and Mastodon's {"error": ...} body.
http::Response error_response(const Error& e);

struct ApiOptions {
  int64_t requests_per_window = 300;  // per token and per client, as Mastodon
  std::chrono::seconds window{300};
  // The legal desk behind /api/v1/admin/legal/*; not owned. Null: those routes answer 404.
  legal::LegalDesk* legal_desk = nullptr;
  // The disclosure inventory behind /api/v1/admin/accounts/:id/inventory; not owned.
  // Null: that route answers 404.
  shield::DisclosureInventory* inventory = nullptr;
  // The instance's VAPID public key (base64url), advertised in the app and instance
  // entities for Web Push (push/vapid.h); empty: none.
  std::string vapid_public_key;
};

class Api {
 public:
  Api(domain::Microblog& microblog, ApiOptions options);
  void register_routes(http::Router& router);
  http::Response handle(const http::Router& router, http::Request& request);

  using Handler = std::function<Result<http::Response>(Call&)>;
  // Adds a route served like the API's own (its policy checked, errors in Mastodon's
  // shape), for subsystems above the API (the streaming API). Call before serving.
  void add_route(http::Router& r, std::string method, std::string pattern, http::Policy policy,
                 Handler handler) {
    route(r, std::move(method), std::move(pattern), std::move(policy), std::move(handler));
  }
  // The renderer of every entity the API sends; thread-safe.
  Renderer& renderer() { return renderer_; }

 private:
  // How an error becomes a response: Mastodon's {"error": ...} (error_response) by
  // default; the OAuth endpoints answer in RFC 6749's shape.
  using ErrorRenderer = http::Response (*)(const Error&);
  // Adds a route with its policy; `handler` runs only once admit() let the caller in.
  void route(http::Router& r, std::string method, std::string pattern, http::Policy policy,
             Handler handler, ErrorRenderer render_error = &error_response);
  // The Call for `request` under `policy`: the bearer token verified (401 when it is
  // not one we issued), its scope checked (403), an account required for kUser and
  // kAdmin (422 for an app token, as Mastodon), the admin role for kAdmin (403);
  // then the parameters parsed (400 when malformed).
  Result<Call> admit(http::Request& request, const http::Policy& policy);
  // Route groups, one file each.
  void add_oauth_routes(http::Router& r);
  void add_account_routes(http::Router& r);
  void add_status_routes(http::Router& r);
  void add_timeline_routes(http::Router& r);
  void add_notification_routes(http::Router& r);
  void add_conversation_routes(http::Router& r);
  void add_instance_routes(http::Router& r);
  void add_list_routes(http::Router& r);
  void add_filter_routes(http::Router& r);
  void add_tag_routes(http::Router& r);
  void add_scheduled_routes(http::Router& r);     // /api/v1/scheduled_statuses
  void add_legal_routes(http::Router& r);         // admin: legal desk and disclosure inventory
  void add_media_routes(http::Router& r);         // uploads and /system/media files
  void add_report_routes(http::Router& r);        // filing reports, and the moderators' side
  void add_domain_block_routes(http::Router& r);  // admin: the operator's domain blocks
  // Accounts run by several members (docs/collective-accounts.md).
  void add_collective_routes(http::Router& r);
  // Account aliases and moving away (ActivityPub Move).
  void add_migration_routes(http::Router& r);

  // Mastodon's GroupedNotificationsResults for these groups of the account's notifications;
  // groups about posts the account may not see are left out (`shown` counts the rest).
  Result<std::string> grouped_notifications_json(
      int64_t account_id, std::vector<domain::NotificationGroupOnPage> groups,
      domain::ReaderKey& reader, size_t* shown = nullptr);

  domain::Microblog& microblog_;
  Renderer renderer_;
  shield::RateLimiter limiter_;
  ApiOptions options_;
};

// 200 with the JSON, or the error.
Result<http::Response> json(Result<std::string> json);
// The secret of an "Authorization: Bearer <token>" header; nullopt for any other header.
std::optional<std::string_view> bearer_secret(std::string_view authorization);
// Query, body and path parameters of a request in one list.
Result<http::Params> request_params(const http::Request& req);
// A page of accounts from rows of (row id, account id), with the Link header for the rows.
Result<http::Response> account_page(Renderer& renderer, const http::Request& req,
                                    Result<std::vector<std::pair<int64_t, int64_t>>> rows);
// Mastodon's Link header for a page whose items have ids newest..oldest.
std::string link_header(const http::Request& req, int64_t newest, int64_t oldest);
// `response` with Mastodon's Link header for a page of `items`, newest first, whose ids
// `id_of` gives; an empty page gets none.
template <typename Items, typename IdOf>
http::Response paged(http::Response response, const http::Request& req, const Items& items,
                     IdOf id_of) {
  if (!items.empty())
    response.with_header("Link", link_header(req, id_of(items.front()), id_of(items.back())));
  return response;
}
// A page of rows (row id, item id), paged by row id.
http::Response paged(http::Response response, const http::Request& req,
                     const std::vector<std::pair<int64_t, int64_t>>& rows);
// A page of posts, paged by post id.
http::Response paged(http::Response response, const http::Request& req,
                     const std::vector<domain::Post>& posts);

}  // namespace publius::api
