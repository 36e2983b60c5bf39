// ParallelLoop: runs the iterations of one loop on several threads at once, the
// calling thread and helper threads of its own, and returns when every iteration
// has run. The streaming hub sends one event to thousands of sockets with it: each
// send is a system call that runs the loopback receiver's TCP path too, so on N
// cores the sockets are written N at a time.
//
// run() splits [0, count) into chunks that the calling thread and the helpers take
// in turn until none is left. Only one loop runs on the helpers at a time: a run()
// that finds them busy with another caller's loop runs its own on its calling
// thread alone, as it would without a pool, rather than wait. Loops too short to
// be worth waking a thread (below min_parallel) also run on the calling thread.
//
// Ownership: the pool owns its helper threads; the destructor stops and joins
// them, and must not run while run() does.
// Thread-safety: run() may be called from any number of threads at once. `body`
// runs on several threads at once, on disjoint ranges, so what it touches must be
// safe for that. Errors: none; an exception from `body` terminates the process
// (the hub's bodies do not throw).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace publius {

class ParallelLoop {
 public:
  // `helpers` threads besides each caller (0: every loop runs on its caller).
  explicit ParallelLoop(size_t helpers, size_t min_parallel = 256);
  ~ParallelLoop();
  ParallelLoop(const ParallelLoop&) = delete;
  ParallelLoop& operator=(const ParallelLoop&) = delete;

  // Calls body(begin, end) for disjoint ranges that together cover [0, count),
  // each exactly once, and returns after the last has returned.
  void run(size_t count, const std::function<void(size_t begin, size_t end)>& body);

  size_t helpers() const { return threads_.size(); }

 private:
  struct Loop;
  void help();
  // Runs chunks of `loop` until none is left to take.
  static void take_chunks(Loop& loop);

  const size_t min_parallel_;
  std::mutex running_;  // held by the caller whose loop the helpers serve
  std::mutex mu_;       // guards loop_, generation_ and stopping_
  std::condition_variable wake_;
  std::condition_variable done_;
  Loop* loop_ = nullptr;
  uint64_t generation_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // last: they start once everything above is ready
};

}  // namespace publius
