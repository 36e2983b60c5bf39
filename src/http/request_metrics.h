// RequestMetrics: the server's answered requests counted and timed per route
// group (util/metrics.h), for `GET /metrics`.
//
// A route group is the leading literal segments of the route pattern that
// answered (`/api/v1/statuses/:id/favourite` is `/api/v1/statuses`), or the
// router's fixed names for a miss (`(no route)`, `(method not allowed)`), or
// `(refused)` for a request the reader refused: never the path a client sent,
// which may hold ids, names or a query. The method is one of HTTP's own or
// `other`, and the status its class (`2xx`). So every label value comes from
// the route table or a fixed set, and none can name a person.
//
// The time is from the request's header read to its response written. Streams
// (http/stream.h) are not counted here: they are requests that never end.
//
// Thread-safe: record() from every session, collect() from a scrape.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "util/metrics.h"

namespace publius::http {

// The route group of a route pattern or router name (see above).
std::string route_group(std::string_view route);

class RequestMetrics {
 public:
  void record(std::string_view method, std::string_view route, int status,
              std::chrono::steady_clock::duration elapsed);
  // Writes publius_http_requests_total and publius_http_request_duration_seconds.
  void collect(metrics::TextWriter& out) const;

 private:
  metrics::Family<metrics::Counter> requests_;  // group, method, status class
  metrics::Family<metrics::Histogram> durations_{
      // group, method
      [] { return std::make_unique<metrics::Histogram>(metrics::latency_buckets()); }};
};

}  // namespace publius::http
