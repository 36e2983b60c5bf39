#include "http/router.h"

#include <algorithm>
#include <stdexcept>

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

// How specific a pattern segment is: a literal (2) beats "prefix:name" (1), which
// beats ":name" (0).
int specificity(std::string_view segment) {
  const auto colon = segment.find(':');
  if (colon == std::string_view::npos) return 2;
  return colon > 0 ? 1 : 0;
}

bool segment_matches(std::string_view want, std::string_view got) {
  const auto colon = want.find(':');
  if (colon == std::string_view::npos) return want == got;
  return got.size() > colon && got.substr(0, colon) == want.substr(0, colon);
}

// Whether pattern `a` is more specific than `b` (both matching the same path).
bool more_specific(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (size_t i = 0; i < a.size(); ++i) {
    const int sa = specificity(a[i]), sb = specificity(b[i]);
    if (sa != sb) return sa > sb;
  }
  return false;
}

// The segments with parameter names dropped: two patterns of one shape match the same paths.
std::string shape_of(const std::vector<std::string>& segments) {
  std::string out;
  for (const auto& s : segments) {
    const auto colon = s.find(':');
    out += '/';
    out += colon == std::string::npos ? s : s.substr(0, colon + 1);
  }
  return out;
}

}  // namespace

std::string_view access_name(Access access) {
  switch (access) {
    case Access::kPublic:
      return "public";
    case Access::kOptional:
      return "optional";
    case Access::kApp:
      return "app";
    case Access::kUser:
      return "user";
    case Access::kAdmin:
      return "admin";
  }
  return "unknown";
}

void Router::add(std::string method, std::string pattern, Policy policy, Handler handler) {
  const std::string where = method + " " + pattern;
  if (policy.access == Access::kPublic && !policy.scope.empty())
    throw std::logic_error(where + ": a public route takes no scope");
  if (policy.access != Access::kPublic && policy.scope.empty())
    throw std::logic_error(where + ": a route that reads credentials must name its scope");
  Route route{{std::move(method), std::move(pattern), std::move(policy)}, {}, std::move(handler)};
  for (auto s : split_path(route.info.pattern)) route.segments.emplace_back(s);
  const std::string shape = shape_of(route.segments);
  for (const auto& other : routes_) {
    if (other.info.method == route.info.method && shape_of(other.segments) == shape)
      throw std::logic_error(where + ": the same route as " + other.info.pattern);
  }
  const bool literal_head = std::none_of(
      route.segments.begin(),
      route.segments.begin() +
          static_cast<std::ptrdiff_t>(std::min(kIndexedSegments, route.segments.size())),
      [](const std::string& s) { return s.find(':') != std::string::npos; });
  if (literal_head)
    by_literal_head_[index_key(route.segments)].push_back(routes_.size());
  else
    by_segment_count_[route.segments.size()].push_back(routes_.size());
  routes_.push_back(std::move(route));
}

template <typename Segments>
std::string Router::index_key(const Segments& segments) {
  std::string key = std::to_string(segments.size());
  for (size_t i = 0; i < std::min(kIndexedSegments, segments.size()); ++i) {
    key += '/';
    key += segments[i];
  }
  return key;
}

std::vector<RouteInfo> Router::describe() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const auto& route : routes_) out.push_back(route.info);
  return out;
}

Response Router::dispatch(Request& request) const {
  const auto segments = split_path(request.path);
  const bool head = request.method == "HEAD";
  bool path_matched = false;
  const Route* best = nullptr;
  const auto consider = [&](const Route& route) {
    bool match = true;
    for (size_t i = 0; i < segments.size() && match; ++i)
      match = segment_matches(route.segments[i], segments[i]);
    if (!match) return;
    path_matched = true;
    if (route.info.method != request.method && !(head && route.info.method == "GET")) return;
    if (!best || more_specific(route.segments, best->segments)) best = &route;
  };
  if (auto it = by_literal_head_.find(index_key(segments)); it != by_literal_head_.end())
    for (size_t i : it->second) consider(routes_[i]);
  if (auto it = by_segment_count_.find(segments.size()); it != by_segment_count_.end())
    for (size_t i : it->second) consider(routes_[i]);
  if (!best) {
    Response response = path_matched ? Response::error(405, "Method not allowed")
                                     : Response::error(404, "Record not found");
    response.route = path_matched ? "(method not allowed)" : "(no route)";
    return response;
  }
  request.path_params.clear();
  for (size_t i = 0; i < segments.size(); ++i) {
    const auto colon = best->segments[i].find(':');
    if (colon != std::string::npos)
      request.path_params.emplace_back(best->segments[i].substr(colon + 1),
                                       std::string(segments[i].substr(colon)));
  }
  request.route = best->info.pattern;
  Response response = best->handler(request);
  response.route = best->info.pattern;
  return response;
}

}  // namespace publius::http
