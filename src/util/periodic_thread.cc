#include "util/periodic_thread.h"

#include <algorithm>

namespace publius {

PeriodicThread::PeriodicThread(std::function<std::chrono::milliseconds()> pass)
    : pass_(std::move(pass)), thread_([this] { run(); }) {}

PeriodicThread::~PeriodicThread() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void PeriodicThread::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    // At least a millisecond: a pass that keeps finding work due must not spin.
    const auto wait = std::max(pass_(), std::chrono::milliseconds(1));
    lock.lock();
    wake_.wait_for(lock, wait, [this] { return stopping_; });
  }
}

}  // namespace publius
