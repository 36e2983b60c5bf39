#include "http/request_metrics.h"

#include <array>

namespace publius::http {

namespace {

std::string_view method_label(std::string_view method) {
  static constexpr std::array<std::string_view, 7> kKnown = {"GET",   "HEAD",   "POST",   "PUT",
                                                             "PATCH", "DELETE", "OPTIONS"};
  for (auto known : kKnown)
    if (method == known) return known;
  return "other";
}

std::string status_class(int status) {
  if (status < 100 || status > 599) return "other";
  return std::to_string(status / 100) + "xx";
}

}  // namespace

std::string route_group(std::string_view route) {
  if (route.empty()) return "(none)";
  if (route.front() != '/') return std::string(route);  // the router's names for a miss
  std::string group;
  size_t at = 1;
  while (at <= route.size()) {
    size_t end = route.find('/', at);
    if (end == std::string_view::npos) end = route.size();
    const std::string_view segment = route.substr(at, end - at);
    if (segment.empty() || segment.find(':') != std::string_view::npos) break;
    group += '/';
    group += segment;
    at = end + 1;
  }
  return group.empty() ? "/" : group;
}

void RequestMetrics::record(std::string_view method, std::string_view route, int status,
                            std::chrono::steady_clock::duration elapsed) {
  const std::string group = route_group(route);
  const std::string verb(method_label(method));
  requests_.at({group, verb, status_class(status)}).add();
  durations_.at({group, verb}).observe(std::chrono::duration<double>(elapsed).count());
}

void RequestMetrics::collect(metrics::TextWriter& out) const {
  out.family("publius_http_requests_total",
             "Requests answered, by route group (the route pattern's leading literal segments), "
             "method and status class.",
             metrics::Type::kCounter);
  requests_.each([&](const metrics::LabelValues& v, const metrics::Counter& c) {
    out.sample("publius_http_requests_total",
               {{"route_group", v[0]}, {"method", v[1]}, {"status", v[2]}},
               static_cast<double>(c.value()));
  });
  out.family("publius_http_request_duration_seconds",
             "Time from a request's header read to its response written, by route group and "
             "method.",
             metrics::Type::kHistogram);
  durations_.each([&](const metrics::LabelValues& v, const metrics::Histogram& h) {
    out.histogram("publius_http_request_duration_seconds",
                  {{"route_group", v[0]}, {"method", v[1]}}, h.snapshot());
  });
}

}  // namespace publius::http
