// Mastodon's Web Push subscription API, one subscription per access token
// (a user token with the `push` scope, declared in the route table):
//   POST   /api/v1/push/subscription   subscribe (replacing the token's earlier one):
//          subscription[endpoint], subscription[keys][p256dh], subscription[keys][auth],
//          subscription[standard], data[alerts][<type>], data[policy] (or `policy`,
//          as masto.js sends it)
//   GET    /api/v1/push/subscription   the token's subscription (404 without one)
//   PUT    /api/v1/push/subscription   change data[alerts][...] and data[policy]; alerts
//          not named keep their value
//   DELETE /api/v1/push/subscription   unsubscribe ({} whether or not there was one)
// Each answers Mastodon's WebPushSubscription entity (id, endpoint, standard, alerts,
// policy, server_key). Bad input is refused before anything is kept: a missing
// parameter 400, an endpoint that is not an https URL (http to a loopback host only
// when the server allows it, for tests), a p256dh that is not a P-256 point, an auth
// secret that is not 16 bytes, an unknown policy or a non-boolean alert 422. No
// error message repeats the endpoint.
#pragma once

#include "api/api.h"
#include "http/router.h"
#include "push/subscriptions.h"
#include "push/vapid.h"

namespace publius::push {

struct PushRouteOptions {
  // Admit http:// endpoints on a loopback host (127.0.0.1, [::1], localhost): tests only.
  bool allow_loopback_http = false;
};

// Whether `endpoint` may be posted to: kUnprocessable, naming no part of it, if not.
Status check_endpoint(std::string_view endpoint, bool allow_loopback_http);

// Adds the routes to `router` through `api` (its policy checks). `subscriptions` and
// `vapid` are not owned and must outlive the router's use.
void register_routes(api::Api& api, http::Router& router, PushSubscriptions& subscriptions,
                     const VapidKey& vapid, PushRouteOptions options);

}  // namespace publius::push
