// Metrics: counters and histograms for the operator, and their rendering in the
// Prometheus text exposition format, version 0.0.4 (`publius serve
// --metrics-listen`; docs/performance.md says how to read them).
//
// Each subsystem owns its instruments (a Histogram member, a Family of them, or
// stats it already keeps) and registers a collector with the Registry at
// start-up; a scrape runs every collector, which reads its instruments and
// writes them through a TextWriter. There is no global registry.
//
// The shield: a metric describes the server, never a person. Label values come
// only from fixed, small sets the server defines (a route pattern's leading
// literal segments, an HTTP method name, a status class), never from an
// account, a token, a username, an address or anything else a request carries.
// A Family refuses nothing by itself: whoever picks its label values keeps
// this rule, and tests/integration/metrics_test.cc checks the whole exposition.
//
// Thread-safety: Counter, Histogram and Family may be updated and read from
// any thread (updates are lock-free atomics; a Family locks only to add a new
// label set). Registry::add() is for start-up, before the first render();
// render() may then run on any thread. TextWriter is one scrape's, unshared.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace publius::metrics {

class Counter {
 public:
  void add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Histogram {
 public:
  // `upper_bounds`: the buckets' inclusive upper bounds, ascending and finite;
  // a +Inf bucket is always added. A start-up error (std::logic_error) otherwise.
  explicit Histogram(std::vector<double> upper_bounds);

  void observe(double value);

  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<uint64_t> cumulative;  // per bound: observations <= it (Prometheus' `le`)
    uint64_t count = 0;                // every observation (the +Inf bucket)
    double sum = 0;
  };
  // Not atomic as a whole: a scrape racing an observation may see it in the
  // count and not yet in a bucket, which Prometheus tolerates.
  Snapshot snapshot() const;

 private:
  std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // per bound, then +Inf; not cumulative
  std::atomic<double> sum_{0};
};

// Bucket bounds for durations in seconds, 50 µs to 10 s.
std::vector<double> latency_buckets();
// Powers of two from 1 to `largest` (sizes, counts).
std::vector<double> power_of_two_buckets(double largest);

// Label values, in the order of the family's label names.
using LabelValues = std::vector<std::string>;

// One instrument per set of label values, made on first use.
template <typename Instrument>
class Family {
 public:
  // `make` builds the instrument for a new label set.
  explicit Family(std::function<std::unique_ptr<Instrument>()> make =
                      [] { return std::make_unique<Instrument>(); })
      : make_(std::move(make)) {}

  Instrument& at(const LabelValues& values) {
    {
      std::shared_lock read(mu_);
      if (auto it = members_.find(values); it != members_.end()) return *it->second;
    }
    std::unique_lock write(mu_);
    auto& slot = members_[values];
    if (!slot) slot = make_();
    return *slot;
  }

  // Calls `visit(values, instrument)` for every label set, in label order.
  template <typename Visit>
  void each(Visit&& visit) const {
    std::shared_lock read(mu_);
    for (const auto& [values, instrument] : members_) visit(values, *instrument);
  }

 private:
  std::function<std::unique_ptr<Instrument>()> make_;
  mutable std::shared_mutex mu_;
  std::map<LabelValues, std::unique_ptr<Instrument>> members_;  // instruments never move
};

enum class Type { kCounter, kGauge, kHistogram };

// Writes one exposition. Declare each metric family once with family(), then
// write its samples; `labels` pairs names with values, which are escaped here.
class TextWriter {
 public:
  using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

  void family(std::string_view name, std::string_view help, Type type);
  // One sample line: `name{labels} value`.
  void sample(std::string_view name, const Labels& labels, double value);
  // The lines of one histogram: name_bucket per bound and +Inf (cumulative),
  // name_sum and name_count.
  void histogram(std::string_view name, const Labels& labels, const Histogram::Snapshot& h);

  const std::string& text() const { return out_; }

 private:
  void labels(const Labels& labels, std::string_view le = {});
  std::string out_;
};

// The content type of the exposition.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

class Registry {
 public:
  using Collector = std::function<void(TextWriter&)>;
  void add(Collector collector);
  // Every collector's metrics, in the order they were added.
  std::string render() const;

 private:
  std::vector<Collector> collectors_;
};

}  // namespace publius::metrics
