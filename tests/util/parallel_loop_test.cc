// ParallelLoop: every iteration runs exactly once, loops run on helper threads as
// well as on their caller, short loops and loops started while the helpers are busy
// run on their caller alone, and run() returns only after every iteration.
#include "util/parallel_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <set>
#include <thread>

namespace publius {
namespace {

// Runs a loop of `count` that counts each iteration's visits and notes its threads.
struct CountedLoop {
  explicit CountedLoop(size_t count) : visits(count) {}
  std::vector<std::atomic<int>> visits;
  std::mutex mu;
  std::set<std::thread::id> threads;
  std::condition_variable joined;

  // With `wait_for_company`, a chunk waits (up to 10 s) until a second thread has run one,
  // so the caller cannot take every chunk before a helper wakes.
  void run(ParallelLoop& loop, bool wait_for_company = false) {
    loop.run(visits.size(), [&](size_t begin, size_t end) {
      std::unique_lock lock(mu);
      threads.insert(std::this_thread::get_id());
      joined.notify_all();
      if (wait_for_company)
        joined.wait_for(lock, std::chrono::seconds(10), [&] { return threads.size() > 1; });
      lock.unlock();
      for (size_t i = begin; i < end; ++i) visits[i].fetch_add(1);
    });
  }
  bool each_once() const {
    for (const auto& v : visits)
      if (v.load() != 1) return false;
    return true;
  }
};

TEST(ParallelLoopTest, RunsEveryIterationOnceOnSeveralThreads) {
  ParallelLoop loop(3, 16);
  for (size_t count : {16, 17, 100, 1001}) {
    CountedLoop counted(count);
    counted.run(loop, /*wait_for_company=*/true);
    EXPECT_TRUE(counted.each_once()) << count;
    EXPECT_GT(counted.threads.size(), 1u) << count;
  }
}

TEST(ParallelLoopTest, ShortLoopsRunOnTheCaller) {
  ParallelLoop loop(3, 64);
  CountedLoop counted(63);
  counted.run(loop);
  EXPECT_TRUE(counted.each_once());
  EXPECT_EQ(counted.threads, std::set{std::this_thread::get_id()});
}

TEST(ParallelLoopTest, WithoutHelpersEveryLoopRunsOnTheCaller) {
  ParallelLoop loop(0, 1);
  CountedLoop counted(1000);
  counted.run(loop);
  EXPECT_TRUE(counted.each_once());
  EXPECT_EQ(counted.threads.size(), 1u);
  loop.run(0, [](size_t, size_t) { FAIL() << "an empty loop has no iterations"; });
}

TEST(ParallelLoopTest, ALoopStartedWhileTheHelpersAreBusyRunsOnItsCaller) {
  ParallelLoop loop(2, 1);
  std::promise<void> first_started;
  std::promise<void> release_first;
  auto release = release_first.get_future().share();
  std::atomic<bool> signalled{false};
  std::thread first([&] {
    loop.run(1000, [&](size_t, size_t) {
      if (!signalled.exchange(true)) first_started.set_value();
      release.wait();
    });
  });
  first_started.get_future().wait();
  CountedLoop second(500);
  second.run(loop);  // would hang if it waited for the first loop
  EXPECT_TRUE(second.each_once());
  EXPECT_EQ(second.threads, std::set{std::this_thread::get_id()});
  release_first.set_value();
  first.join();
}

TEST(ParallelLoopTest, ManyCallersAtOnceEachGetTheirWholeLoop) {
  ParallelLoop loop(2, 8);
  std::vector<std::unique_ptr<CountedLoop>> loops;
  for (int i = 0; i < 6; ++i) loops.push_back(std::make_unique<CountedLoop>(200 + i));
  std::vector<std::thread> callers;
  for (auto& counted : loops) callers.emplace_back([&] { counted->run(loop); });
  for (auto& caller : callers) caller.join();
  for (const auto& counted : loops) EXPECT_TRUE(counted->each_once());
}

}  // namespace
}  // namespace publius
