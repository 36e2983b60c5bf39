// Router maps (method, path) to a handler using patterns such as
// "/api/v1/accounts/:id/follow"; ":name" segments match one path segment and
// are passed in Request::path_params. "prefix:name" segments (e.g. "@:acct" for
// "/@alice") match only segments that start with the literal prefix, and pass
// the rest ("alice").
//
// Every route is added with its Policy: who may call it and with which scope.
// The router does not authenticate (it knows no credentials); the layer that
// registers a route wraps its handler in the check of that same policy, and
// describe() exports the table so tests read the policy from the source.
//
// When several patterns match a path, the most specific wins whatever the order
// they were added in: comparing segment by segment from the left, a literal
// beats "prefix:name", which beats ":name". add() refuses (std::logic_error, a
// start-up programming error) a route that repeats another's method and shape,
// and a route whose policy is not well formed.
//
// Routes are added at start-up, then the router is only read: concurrent
// dispatch is safe once configuration is done.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/message.h"

namespace publius::http {

using Handler = std::function<Response(Request&)>;

// Who may call a route.
enum class Access {
  kPublic,    // anyone; credentials are not read
  kOptional,  // anyone; credentials, when presented, must be valid and carry the scope
  kApp,       // valid credentials (an app's or an account's) carrying the scope
  kUser,      // an account's credentials carrying the scope
  kAdmin,     // an admin account's credentials carrying the scope
};
std::string_view access_name(Access access);

struct Policy {
  Access access = Access::kPublic;
  // OAuth scopes, any one of which admits (space-separated: "read:accounts profile").
  // Required for every access but kPublic, which takes none.
  std::string scope;
  // The credentials may also come as the `access_token` query parameter or the
  // Sec-WebSocket-Protocol header: browsers set no Authorization header on a
  // WebSocket or an EventSource (the streaming API).
  bool credentials_in_query = false;

  static Policy anyone() { return {Access::kPublic, ""}; }
  static Policy optional(std::string scope) { return {Access::kOptional, std::move(scope)}; }
  static Policy app(std::string scope) { return {Access::kApp, std::move(scope)}; }
  static Policy user(std::string scope) { return {Access::kUser, std::move(scope)}; }
  static Policy admin(std::string scope) { return {Access::kAdmin, std::move(scope)}; }
};

// One row of the route table.
struct RouteInfo {
  std::string method;
  std::string pattern;
  Policy policy;
};

class Router {
 public:
  void add(std::string method, std::string pattern, Policy policy, Handler handler);
  // Runs the most specific matching handler; 404 (or 405 when only the method
  // differs) otherwise. Sets Request::route to the matched pattern before the
  // handler runs, and the response's `route` after.
  Response dispatch(Request& request) const;
  // Every route with its policy, in the order added.
  std::vector<RouteInfo> describe() const;

 private:
  struct Route {
    RouteInfo info;
    std::vector<std::string> segments;
    Handler handler;
  };
  // The routes a path may match, by position in routes_, so dispatch() tries a few
  // rather than the whole table: a route whose first kIndexedSegments segments are
  // literals is found by them and its segment count (index_key()); any other, by its
  // segment count alone.
  static constexpr size_t kIndexedSegments = 3;
  template <typename Segments>
  static std::string index_key(const Segments& segments);
  std::vector<Route> routes_;
  std::unordered_map<std::string, std::vector<size_t>> by_literal_head_;
  std::unordered_map<size_t, std::vector<size_t>> by_segment_count_;
};

}  // namespace publius::http
