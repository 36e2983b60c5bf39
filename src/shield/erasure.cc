#include "shield/erasure.h"

#include <spdlog/spdlog.h>

namespace publius::shield {

ErasurePass::ErasurePass(store::Store& store, std::chrono::seconds interval,
                         std::function<Status()> sweep)
    : store_(store), interval_(interval), sweep_(std::move(sweep)), thread_([this] { run(); }) {}

ErasurePass::~ErasurePass() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  erase_once();
}

void ErasurePass::erase_once() {
  if (sweep_) {
    if (auto swept = sweep_(); !swept.ok())
      spdlog::warn("sweep before the erasure pass failed, retried at the next: {}",
                   swept.error().message);
  }
  if (auto erased = store_.erase_deleted(); !erased.ok())
    spdlog::warn("erasure pass failed, retried at the next: {}", erased.error().message);
}

void ErasurePass::run() {
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    erase_once();
    lock.lock();
  }
}

}  // namespace publius::shield
