// PeriodicThread: the first pass runs at once, the next after the wait the pass
// returned, and destruction does not wait out a long sleep.
#include "util/periodic_thread.h"

#include <gtest/gtest.h>

#include <atomic>

namespace publius {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

bool wait_until(const std::function<bool()>& done) {
  const auto deadline = Clock::now() + 10s;
  while (!done() && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
  return done();
}

TEST(PeriodicThreadTest, RunsAtOnceThenAfterTheWaitEachPassReturns) {
  std::atomic<int> passes{0};
  PeriodicThread thread([&] { return ++passes < 3 ? 1ms : 1h; });
  EXPECT_TRUE(wait_until([&] { return passes >= 3; }));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(passes, 3) << "the third pass asked for an hour";
}

TEST(PeriodicThreadTest, StopsWithoutWaitingOutTheSleep) {
  std::atomic<int> passes{0};
  const auto start = Clock::now();
  {
    PeriodicThread thread([&] {
      ++passes;
      return 1h;
    });
    EXPECT_TRUE(wait_until([&] { return passes == 1; }));
  }
  EXPECT_LT(Clock::now() - start, 5s);
  EXPECT_EQ(passes, 1);
}

}  // namespace
}  // namespace publius
