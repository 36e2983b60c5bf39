#include "streaming/routes.h"

#include "util/ids.h"

namespace publius::streaming {

namespace {

// The subscription a request names by query (?stream=, ?tag=, ?list=), if any.
Result<std::optional<Subscription>> requested_subscription(const http::Params& params,
                                                           std::optional<Channel> channel) {
  if (!channel) {
    const auto name = params.get("stream");
    if (!name) return std::optional<Subscription>();
    channel = parse_channel(*name);
    if (!channel) return bad_request("Unknown stream type");
  }
  Subscription sub{.channel = *channel};
  if (sub.channel == Channel::kHashtag || sub.channel == Channel::kHashtagLocal)
    sub.tag = std::string(params.get("tag").value_or(""));
  if (sub.channel == Channel::kList) {
    const auto id = parse_id(params.get("list").value_or(""));
    if (!id) return bad_request("Missing list name parameter");
    sub.list_id = *id;
  }
  return std::optional<Subscription>(std::move(sub));
}

StreamReader reader_of(const api::Call& c) {
  StreamReader reader;
  reader.viewer = c.viewer();
  if (c.token) {
    reader.token_id = c.token->id;
    reader.scopes = c.token->scopes;
  }
  return reader;
}

http::Policy streaming_policy(http::Policy policy) {
  policy.credentials_in_query = true;
  return policy;
}

}  // namespace

void register_routes(api::Api& api, http::Router& router, Hub& hub) {
  api.add_route(router, "GET", "/api/v1/streaming/health", http::Policy::anyone(),
                [](api::Call&) -> Result<http::Response> {
                  auto response = http::Response::json("OK");
                  response.content_type = "text/plain; charset=utf-8";
                  return response;
                });

  api.add_route(
      router, "GET", "/api/v1/streaming",
      streaming_policy(http::Policy::optional("read:statuses read:notifications read:lists")),
      [&hub](api::Call& c) -> Result<http::Response> {
        if (!http::is_websocket_upgrade(c.request))
          return bad_request("This endpoint takes WebSocket connections only");
        const StreamReader reader = reader_of(c);
        PUBLIUS_ASSIGN_OR_RETURN(auto first, requested_subscription(c.params, std::nullopt));
        if (first) PUBLIUS_TRY(hub.check(reader, *first));
        PUBLIUS_ASSIGN_OR_RETURN(auto handler,
                                 hub.open(reader, std::move(c.reader), true, std::move(first)));
        // A token sent as the subprotocol is selected, or the browser drops the socket.
        return http::Response::websocket(std::move(handler),
                                         std::string(c.request.header("sec-websocket-protocol")));
      });

  struct EventRoute {
    const char* path;
    Channel channel;
    http::Policy policy;
  };
  const EventRoute event_routes[] = {
      {"/api/v1/streaming/user", Channel::kUser, http::Policy::user("read:statuses")},
      {"/api/v1/streaming/user/notification", Channel::kUserNotification,
       http::Policy::user("read:notifications")},
      {"/api/v1/streaming/public", Channel::kPublic, http::Policy::optional("read:statuses")},
      {"/api/v1/streaming/public/local", Channel::kPublicLocal,
       http::Policy::optional("read:statuses")},
      {"/api/v1/streaming/public/remote", Channel::kPublicRemote,
       http::Policy::optional("read:statuses")},
      {"/api/v1/streaming/hashtag", Channel::kHashtag, http::Policy::optional("read:statuses")},
      {"/api/v1/streaming/hashtag/local", Channel::kHashtagLocal,
       http::Policy::optional("read:statuses")},
      {"/api/v1/streaming/list", Channel::kList, http::Policy::user("read:lists")},
      {"/api/v1/streaming/direct", Channel::kDirect, http::Policy::user("read:statuses")},
  };
  for (const auto& route : event_routes) {
    api.add_route(router, "GET", route.path, streaming_policy(route.policy),
                  [&hub, channel = route.channel](api::Call& c) -> Result<http::Response> {
                    const StreamReader reader = reader_of(c);
                    PUBLIUS_ASSIGN_OR_RETURN(auto sub, requested_subscription(c.params, channel));
                    PUBLIUS_TRY(hub.check(reader, *sub));
                    PUBLIUS_ASSIGN_OR_RETURN(
                        auto handler, hub.open(reader, std::move(c.reader), false, std::move(sub)));
                    return http::Response::event_stream(std::move(handler));
                  });
  }
}

}  // namespace publius::streaming
