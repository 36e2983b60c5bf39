#include "domain/poll_closer.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "util/time.h"

namespace publius::domain {

PollCloser::PollCloser(Microblog& microblog, std::chrono::milliseconds max_wait)
    : microblog_(microblog),
      max_wait_(std::max(max_wait, std::chrono::milliseconds(1))),
      thread_([this] { run(); }) {}

PollCloser::~PollCloser() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void PollCloser::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto wait = max_wait_;
    if (auto ended = microblog_.end_expired_polls(now_ms()); !ended.ok()) {
      // Retried at the next wake, not at once: a failing store would spin here.
      spdlog::error("polls: announcing ended polls failed: {}", ended.error().message);
    } else if (auto next = microblog_.next_poll_end(); next.ok() && *next) {
      const auto until_next = std::chrono::milliseconds(std::max<int64_t>(1, **next - now_ms()));
      wait = std::min(wait, until_next);
    }
    lock.lock();
    wake_.wait_for(lock, wait, [this] { return stopping_; });
  }
}

}  // namespace publius::domain
