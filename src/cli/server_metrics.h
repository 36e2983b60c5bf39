// The serve process's metrics (`publius serve --metrics-listen ADDR:PORT`):
// which of the subsystems' instruments a scrape reads (util/metrics.h), and the
// small second HTTP server that answers `GET /metrics` on that address.
//
// Every metric describes the whole server (requests per route group, write
// batches, fan-out, open streams, home feed memory); none has a label naming an
// account, a token or an address (util/metrics.h states the rule).
//
// Ownership: borrows every source, which must outlive the registry and the
// metrics server. Thread-safety: a scrape may run while the sources are in use.
#pragma once

#include <memory>
#include <string>

#include "domain/delivery.h"
#include "http/request_metrics.h"
#include "http/server.h"
#include "store/sqlite/sqlite_store.h"
#include "streaming/hub.h"
#include "timeline/home_feeds.h"
#include "util/metrics.h"

namespace publius::cli {

struct MetricsSources {
  const http::RequestMetrics& requests;
  const sqlite::SqliteStore& store;
  const domain::Delivery& delivery;
  const timeline::HomeFeeds& feeds;
  const streaming::Hub& hub;
};

metrics::Registry server_metrics(const MetricsSources& sources);

// A server on `listen` answering GET (and HEAD) /metrics with `registry`'s
// exposition and 404 to anything else; one thread, no access log, no signal
// handling (the main server's stop stops it). Not bound yet.
std::unique_ptr<http::Server> metrics_server(const std::string& listen,
                                             const metrics::Registry& registry);

}  // namespace publius::cli
