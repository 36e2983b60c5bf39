#include "util/metrics.h"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <thread>

namespace publius::metrics {
namespace {

TEST(MetricsText, FamilyWritesHelpAndTypeWithHelpEscaped) {
  TextWriter out;
  out.family("publius_things_total", "Things \\ counted\nper day", Type::kCounter);
  out.sample("publius_things_total", {}, 3);
  EXPECT_EQ(out.text(),
            "# HELP publius_things_total Things \\\\ counted\\nper day\n"
            "# TYPE publius_things_total counter\n"
            "publius_things_total 3\n");
}

TEST(MetricsText, LabelValuesEscapeBackslashQuoteAndNewline) {
  TextWriter out;
  out.sample("m", {{"a", "x\\y"}, {"b", "say \"hi\"\nbye"}}, 1.5);
  EXPECT_EQ(out.text(), "m{a=\"x\\\\y\",b=\"say \\\"hi\\\"\\nbye\"} 1.5\n");
}

TEST(MetricsText, NumbersInGoSyntax) {
  TextWriter out;
  out.sample("a", {}, 0.25);
  out.sample("b", {}, 1e-05);
  out.sample("c", {}, 12345678);
  out.sample("d", {}, std::numeric_limits<double>::infinity());
  out.sample("e", {}, std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(out.text(), "a 0.25\nb 1e-05\nc 12345678\nd +Inf\ne NaN\n");
}

TEST(MetricsText, HistogramBucketsAreCumulativeWithSumAndCount) {
  Histogram h({0.25, 1, 10});
  for (double v : {0.125, 0.25, 0.5, 2.0, 2.0, 50.0}) h.observe(v);
  TextWriter out;
  out.histogram("t_seconds", {{"route_group", "/x"}}, h.snapshot());
  EXPECT_EQ(out.text(),
            "t_seconds_bucket{route_group=\"/x\",le=\"0.25\"} 2\n"
            "t_seconds_bucket{route_group=\"/x\",le=\"1\"} 3\n"
            "t_seconds_bucket{route_group=\"/x\",le=\"10\"} 5\n"
            "t_seconds_bucket{route_group=\"/x\",le=\"+Inf\"} 6\n"
            "t_seconds_sum{route_group=\"/x\"} 54.875\n"
            "t_seconds_count{route_group=\"/x\"} 6\n");
}

TEST(MetricsText, HistogramWithoutLabelsHasOnlyLe) {
  Histogram h({1});
  TextWriter out;
  out.histogram("n", {}, h.snapshot());
  EXPECT_EQ(out.text(), "n_bucket{le=\"1\"} 0\nn_bucket{le=\"+Inf\"} 0\nn_sum 0\nn_count 0\n");
}

TEST(MetricsHistogram, RefusesBoundsNotAscendingOrNotFinite) {
  EXPECT_THROW(Histogram({1, 1}), std::logic_error);
  EXPECT_THROW(Histogram({2, 1}), std::logic_error);
  EXPECT_THROW(Histogram({1, std::numeric_limits<double>::infinity()}), std::logic_error);
}

TEST(MetricsHistogram, ConcurrentObservationsAreAllCounted) {
  Histogram h(power_of_two_buckets(8));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&h] {
      for (int i = 0; i < 10000; ++i) h.observe(3);
    });
  for (auto& t : threads) t.join();
  const auto s = h.snapshot();
  EXPECT_EQ(s.count, 40000u);
  EXPECT_EQ(s.sum, 120000);
  EXPECT_EQ(s.upper_bounds, (std::vector<double>{1, 2, 4, 8}));
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{0, 0, 40000, 40000}));
}

TEST(MetricsFamily, OneInstrumentPerLabelSetVisitedInOrder) {
  Family<Counter> family;
  family.at({"b", "GET"}).add();
  family.at({"a", "POST"}).add(2);
  family.at({"b", "GET"}).add();
  std::vector<std::pair<LabelValues, uint64_t>> seen;
  family.each([&](const LabelValues& v, const Counter& c) { seen.emplace_back(v, c.value()); });
  EXPECT_EQ(seen,
            (std::vector<std::pair<LabelValues, uint64_t>>{{{"a", "POST"}, 2}, {{"b", "GET"}, 2}}));
}

TEST(MetricsRegistry, RendersEveryCollectorInOrder) {
  Registry registry;
  registry.add([](TextWriter& out) { out.sample("first", {}, 1); });
  registry.add([](TextWriter& out) { out.sample("second", {}, 2); });
  EXPECT_EQ(registry.render(), "first 1\nsecond 2\n");
  EXPECT_EQ(registry.render(), "first 1\nsecond 2\n");
}

}  // namespace
}  // namespace publius::metrics
