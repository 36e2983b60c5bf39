#include "http/router.h"

namespace publius::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = i;
    while (j < path.size() && path[j] != '/') ++j;
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler) {
  Route r{std::move(method), std::move(pattern), {}, std::move(handler)};
  for (auto s : split_path(r.pattern)) r.segments.emplace_back(s);
  routes_.push_back(std::move(r));
}

std::vector<std::string> Router::describe() const {
  std::vector<std::string> out;
  out.reserve(routes_.size());
  for (const auto& route : routes_) out.push_back(route.method + " " + route.pattern);
  return out;
}

Response Router::dispatch(Request& request) const {
  const auto segments = split_path(request.path);
  bool path_matched = false;
  const bool head = request.method == "HEAD";
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    bool match = true;
    for (size_t i = 0; i < segments.size() && match; ++i) {
      const auto& want = route.segments[i];
      const auto colon = want.find(':');
      if (colon == std::string::npos) {
        match = want == segments[i];
      } else {
        // ":name" takes any segment; "prefix:name" only segments starting with prefix.
        match = segments[i].size() > colon && segments[i].substr(0, colon) == want.substr(0, colon);
      }
    }
    if (!match) continue;
    path_matched = true;
    if (route.method != request.method && !(head && route.method == "GET")) continue;
    request.path_params.clear();
    for (size_t i = 0; i < segments.size(); ++i) {
      const auto colon = route.segments[i].find(':');
      if (colon != std::string::npos)
        request.path_params.emplace_back(route.segments[i].substr(colon + 1),
                                         std::string(segments[i].substr(colon)));
    }
    Response response = route.handler(request);
    response.route = route.pattern;
    return response;
  }
  Response response = path_matched ? Response::error(405, "Method not allowed")
                                   : Response::error(404, "Record not found");
  response.route = path_matched ? "(method not allowed)" : "(no route)";
  return response;
}

}  // namespace publius::http
