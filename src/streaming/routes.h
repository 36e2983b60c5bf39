// The streaming API's routes (Mastodon's), served by the server itself:
//   GET /api/v1/streaming                a WebSocket; subscriptions by message
//                                        ({"type":"subscribe","stream":...}) and by
//                                        ?stream= (with ?tag= / ?list=) on connecting
//   GET /api/v1/streaming/health         "OK"
//   GET /api/v1/streaming/user, /user/notification, /public, /public/local,
//       /public/remote, /hashtag (?tag=), /hashtag/local, /list (?list=), /direct
//                                        server-sent events of one stream
// Each declares its policy in the route table like every API route; the access
// token may come as the Authorization header, the `access_token` query parameter
// or the Sec-WebSocket-Protocol header (which the answer then echoes, as browsers
// require). Bad requests (an unknown stream, a missing tag, a list not one's own,
// a token without the scope) are refused before any upgrade, with Mastodon's
// {"error": ...} and status.
#pragma once

#include "api/api.h"
#include "http/router.h"
#include "streaming/hub.h"

namespace publius::streaming {

// Adds the routes to `router` through `api` (its policy checks); `hub` serves them
// and must outlive the router's use.
void register_routes(api::Api& api, http::Router& router, Hub& hub);

}  // namespace publius::streaming
