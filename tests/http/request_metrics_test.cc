#include "http/request_metrics.h"

#include <gtest/gtest.h>

namespace publius::http {
namespace {

using namespace std::chrono_literals;

TEST(RouteGroup, IsThePatternsLeadingLiteralSegments) {
  EXPECT_EQ(route_group("/api/v1/statuses"), "/api/v1/statuses");
  EXPECT_EQ(route_group("/api/v1/statuses/:id"), "/api/v1/statuses");
  EXPECT_EQ(route_group("/api/v1/statuses/:id/favourite"), "/api/v1/statuses");
  EXPECT_EQ(route_group("/api/v1/timelines/home"), "/api/v1/timelines/home");
  EXPECT_EQ(route_group("/api/v1/timelines/tag/:hashtag"), "/api/v1/timelines/tag");
  EXPECT_EQ(route_group("/@:acct/:id"), "/");
  EXPECT_EQ(route_group("/"), "/");
  EXPECT_EQ(route_group("(no route)"), "(no route)");
  EXPECT_EQ(route_group(""), "(none)");
}

TEST(RequestMetrics, CountsByGroupMethodAndClassAndTimesByGroupAndMethod) {
  RequestMetrics m;
  m.record("POST", "/api/v1/statuses", 200, 2ms);
  m.record("GET", "/api/v1/statuses/:id", 404, 30ms);
  m.record("BREW", "(no route)", 404, 1ms);
  metrics::TextWriter out;
  m.collect(out);
  const std::string& text = out.text();
  EXPECT_NE(text.find("publius_http_requests_total{route_group=\"/api/v1/statuses\","
                      "method=\"POST\",status=\"2xx\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("publius_http_requests_total{route_group=\"/api/v1/statuses\","
                      "method=\"GET\",status=\"4xx\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("publius_http_requests_total{route_group=\"(no route)\","
                      "method=\"other\",status=\"4xx\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("publius_http_request_duration_seconds_bucket{route_group=\"/api/v1/"
                      "statuses\",method=\"GET\",le=\"0.025\"} 0\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("publius_http_request_duration_seconds_bucket{route_group=\"/api/v1/"
                      "statuses\",method=\"GET\",le=\"0.05\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("publius_http_request_duration_seconds_sum{route_group=\"/api/v1/"
                      "statuses\",method=\"POST\"} 0.002\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("BREW"), std::string::npos) << text;
}

}  // namespace
}  // namespace publius::http
