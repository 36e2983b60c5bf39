// PeriodicThread: a thread of its own that runs `pass` at once, then again each
// time the wait the pass returned has gone by, until the object is destroyed.
// The serve process's timed jobs (held legal notices, ended polls) are passes
// that return how long until their next deadline.
//
// The destructor wakes the thread from its wait and joins it; a pass in
// progress finishes first. `pass` runs only on the thread, so what it uses must
// be thread-safe and outlive this object. Not copyable or movable.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace publius {

class PeriodicThread {
 public:
  explicit PeriodicThread(std::function<std::chrono::milliseconds()> pass);
  ~PeriodicThread();
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

 private:
  void run();

  const std::function<std::chrono::milliseconds()> pass_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything above is ready
};

}  // namespace publius
