#include "cli/server_metrics.h"

namespace publius::cli {

namespace {

void collect_store(const sqlite::SqliteStore& store, metrics::TextWriter& out) {
  const auto stats = store.write_stats();
  out.family("publius_store_writes_total",
             "Writes run by the store (failed ones included), each in a batch.",
             metrics::Type::kCounter);
  out.sample("publius_store_writes_total", {}, static_cast<double>(stats.writes));
  out.family("publius_store_commits_total",
             "Transactions the writes were committed in: one fsync each.", metrics::Type::kCounter);
  out.sample("publius_store_commits_total", {}, static_cast<double>(stats.batches));
  out.family("publius_store_writes_waiting", "Writes queued now for the next batch.",
             metrics::Type::kGauge);
  out.sample("publius_store_writes_waiting", {}, static_cast<double>(stats.waiting));
  out.family("publius_store_batch_writes", "Writes per committed batch.",
             metrics::Type::kHistogram);
  out.histogram("publius_store_batch_writes", {}, store.committer().batch_sizes().snapshot());
  out.family("publius_store_commit_seconds",
             "Time of each batch's COMMIT, which is mostly its fsync.", metrics::Type::kHistogram);
  out.histogram("publius_store_commit_seconds", {}, store.committer().commit_seconds().snapshot());
}

void collect_delivery(const domain::Delivery& delivery, metrics::TextWriter& out) {
  out.family("publius_fanout_seconds",
             "Time to find a new post's home feeds and append it to the warm ones.",
             metrics::Type::kHistogram);
  out.histogram("publius_fanout_seconds", {}, delivery.fan_out_seconds().snapshot());
  out.family("publius_fanout_recipients", "Home feeds a new post reached, warm or not.",
             metrics::Type::kHistogram);
  out.histogram("publius_fanout_recipients", {}, delivery.fan_out_recipients().snapshot());
}

void collect_feeds(const timeline::HomeFeeds& feeds, metrics::TextWriter& out) {
  const auto usage = feeds.usage();
  out.family("publius_home_feeds_warm", "Home feeds held in memory.", metrics::Type::kGauge);
  out.sample("publius_home_feeds_warm", {}, static_cast<double>(usage.warm_feeds));
  out.family("publius_home_feed_entries", "Status ids held in all home feeds.",
             metrics::Type::kGauge);
  out.sample("publius_home_feed_entries", {}, static_cast<double>(usage.entries));
  out.family("publius_home_feed_bytes", "Memory the home feeds take, allocated capacity included.",
             metrics::Type::kGauge);
  out.sample("publius_home_feed_bytes", {}, static_cast<double>(usage.bytes));
}

}  // namespace

metrics::Registry server_metrics(const MetricsSources& sources) {
  metrics::Registry registry;
  registry.add([&requests = sources.requests](metrics::TextWriter& out) { requests.collect(out); });
  registry.add([&store = sources.store](metrics::TextWriter& out) { collect_store(store, out); });
  registry.add([&delivery = sources.delivery](metrics::TextWriter& out) {
    collect_delivery(delivery, out);
  });
  registry.add([&feeds = sources.feeds](metrics::TextWriter& out) { collect_feeds(feeds, out); });
  registry.add([&hub = sources.hub](metrics::TextWriter& out) {
    out.family("publius_streams_open", "Streaming API connections open now.",
               metrics::Type::kGauge);
    out.sample("publius_streams_open", {}, static_cast<double>(hub.stream_count()));
  });
  return registry;
}

std::unique_ptr<http::Server> metrics_server(const std::string& listen,
                                             const metrics::Registry& registry) {
  http::ServerOptions options;
  options.listen = listen;
  options.threads = 1;
  options.max_connections = 16;
  options.handle_signals = false;
  options.access_log = false;
  return std::make_unique<http::Server>(options, [&registry](http::Request& req) {
    if (req.path != "/metrics") return http::Response::error(404, "Not found");
    if (req.method != "GET" && req.method != "HEAD")
      return http::Response::error(405, "Method not allowed").with_header("Allow", "GET, HEAD");
    http::Response res;
    res.content_type = std::string(metrics::kContentType);
    res.body = registry.render();
    return res;
  });
}

}  // namespace publius::cli
