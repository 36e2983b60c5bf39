// DeliveryHosts: at most max_in_flight deliveries to one server (its host and port), a
// waiter taking a slot as soon as one is given back, and a server failing for
// unavailable_after taken for gone until it answers or is heard from.
#include "federation/delivery_hosts.h"

#include <gtest/gtest.h>

#include <thread>

namespace publius::federation {
namespace {

TEST(DeliveryHosts, AtMostMaxInFlightPerServerCountingThePort) {
  DeliveryHosts hosts({.max_in_flight = 2});
  EXPECT_TRUE(hosts.try_take("a.example"));
  EXPECT_TRUE(hosts.try_take("a.example"));
  EXPECT_FALSE(hosts.try_take("a.example"));
  // Another port is another server, as the delivery benchmark's loopback servers are.
  EXPECT_TRUE(hosts.try_take("a.example:8443"));
  EXPECT_TRUE(hosts.try_take("b.example"));
  hosts.give_back("a.example");
  EXPECT_TRUE(hosts.try_take("a.example"));
  EXPECT_FALSE(hosts.try_take("a.example"));
}

TEST(DeliveryHosts, AWaiterTakesTheSlotGivenBackAndStopsWhenWoken) {
  DeliveryHosts hosts({.max_in_flight = 1});
  ASSERT_TRUE(hosts.try_take("a.example"));
  std::atomic<bool> stopping = false;
  std::atomic<bool> taken = false;
  std::thread waiter([&] { taken = hosts.take("a.example", stopping); });
  hosts.give_back("a.example");
  waiter.join();
  EXPECT_TRUE(taken);
  EXPECT_FALSE(hosts.try_take("a.example")) << "the waiter holds it";

  std::thread stopped([&] { taken = hosts.take("a.example", stopping); });
  stopping = true;
  hosts.wake_all();
  stopped.join();
  EXPECT_FALSE(taken);
}

TEST(DeliveryHosts, AServerFailingForLongIsGoneUntilHeardFrom) {
  using std::chrono::hours;
  constexpr int64_t kHour = 3'600'000;
  DeliveryHosts hosts({.unavailable_after = hours(24 * 7)});
  const int64_t start = 1'000 * kHour;
  hosts.failed("dead.example", start);
  hosts.failed("dead.example", start + 100 * kHour);  // the first failure counts
  EXPECT_FALSE(hosts.unavailable("dead.example", start + 167 * kHour));
  EXPECT_TRUE(hosts.unavailable("dead.example", start + 168 * kHour));
  EXPECT_FALSE(hosts.unavailable("dead.example:8443", start + 168 * kHour));
  hosts.heard_from("dead.example");
  EXPECT_FALSE(hosts.unavailable("dead.example", start + 200 * kHour));

  // An answer in between starts the count again.
  hosts.failed("flaky.example", start);
  hosts.answered("flaky.example");
  hosts.failed("flaky.example", start + 100 * kHour);
  EXPECT_FALSE(hosts.unavailable("flaky.example", start + 200 * kHour));
  EXPECT_TRUE(hosts.unavailable("flaky.example", start + 268 * kHour));
}

}  // namespace
}  // namespace publius::federation
