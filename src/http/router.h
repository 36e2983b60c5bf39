// Router maps (method, path) to a handler using patterns such as
// "/api/v1/accounts/:id/follow"; ":name" segments match one path segment and
// are passed in Request::path_params. "prefix:name" segments (e.g. "@:acct" for
// "/@alice") match only segments that start with the literal prefix, and pass
// the rest ("alice"). Routes are added at start-up, then the
// router is only read: concurrent dispatch is safe once configuration is done.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/message.h"

namespace publius::http {

using Handler = std::function<Response(Request&)>;

class Router {
 public:
  void add(std::string method, std::string pattern, Handler handler);
  // Runs the matching handler; 404 (or 405 when only the method differs) otherwise.
  // The response's `route` names the matched pattern.
  Response dispatch(Request& request) const;
  // "METHOD pattern" of every route, in the order added: lets tests check that a table of
  // routes covers all of them.
  std::vector<std::string> describe() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace publius::http
