#include "util/metrics.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace publius::metrics {

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      buckets_(new std::atomic<uint64_t>[upper_bounds_.size() + 1]) {
  for (size_t i = 0; i < upper_bounds_.size(); ++i) {
    if (!std::isfinite(upper_bounds_[i]) || (i > 0 && upper_bounds_[i] <= upper_bounds_[i - 1]))
      throw std::logic_error("histogram bounds must be finite and ascending");
  }
  for (size_t i = 0; i <= upper_bounds_.size(); ++i) buckets_[i] = 0;
}

void Histogram::observe(double value) {
  const auto bound = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value);
  buckets_[static_cast<size_t>(bound - upper_bounds_.begin())].fetch_add(1,
                                                                         std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot out;
  out.upper_bounds = upper_bounds_;
  out.cumulative.reserve(upper_bounds_.size());
  uint64_t running = 0;
  for (size_t i = 0; i < upper_bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out.cumulative.push_back(running);
  }
  out.count = running + buckets_[upper_bounds_.size()].load(std::memory_order_relaxed);
  out.sum = sum_.load(std::memory_order_relaxed);
  return out;
}

std::vector<double> latency_buckets() {
  return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,    0.1,    0.25,    0.5,    1,     2.5,    5,     10};
}

std::vector<double> power_of_two_buckets(double largest) {
  std::vector<double> bounds;
  for (int exponent = 0; std::ldexp(1.0, exponent) <= largest; ++exponent)
    bounds.push_back(std::ldexp(1.0, exponent));
  return bounds;
}

namespace {

// Go's float syntax, as Prometheus parses it.
std::string number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

// Escapes a label value (`\`, `"` and newline) or, with `quotes` false, a HELP text
// (`\` and newline).
void escape(std::string& out, std::string_view text, bool quotes) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

std::string_view type_name(Type type) {
  switch (type) {
    case Type::kCounter:
      return "counter";
    case Type::kGauge:
      return "gauge";
    case Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

void TextWriter::family(std::string_view name, std::string_view help, Type type) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  escape(out_, help, false);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type_name(type);
  out_ += '\n';
}

void TextWriter::labels(const Labels& labels, std::string_view le) {
  if (labels.empty() && le.empty()) return;
  out_ += '{';
  bool first = true;
  const auto add = [&](std::string_view name, std::string_view value) {
    if (!std::exchange(first, false)) out_ += ',';
    out_ += name;
    out_ += "=\"";
    escape(out_, value, true);
    out_ += '"';
  };
  for (const auto& [name, value] : labels) add(name, value);
  if (!le.empty()) add("le", le);
  out_ += '}';
}

void TextWriter::sample(std::string_view name, const Labels& labels, double value) {
  out_ += name;
  this->labels(labels);
  out_ += ' ';
  out_ += number(value);
  out_ += '\n';
}

void TextWriter::histogram(std::string_view name, const Labels& labels,
                           const Histogram::Snapshot& h) {
  const std::string bucket = std::string(name) + "_bucket";
  const auto line = [&](std::string_view le, uint64_t count) {
    out_ += bucket;
    this->labels(labels, le);
    out_ += ' ';
    out_ += std::to_string(count);
    out_ += '\n';
  };
  for (size_t i = 0; i < h.upper_bounds.size(); ++i)
    line(number(h.upper_bounds[i]), h.cumulative[i]);
  line("+Inf", h.count);
  sample(std::string(name) + "_sum", labels, h.sum);
  sample(std::string(name) + "_count", labels, static_cast<double>(h.count));
}

void Registry::add(Collector collector) { collectors_.push_back(std::move(collector)); }

std::string Registry::render() const {
  TextWriter writer;
  for (const auto& collect : collectors_) collect(writer);
  return writer.text();
}

}  // namespace publius::metrics
