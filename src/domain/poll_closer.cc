#include "domain/poll_closer.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "util/time.h"

namespace publius::domain {

PollCloser::PollCloser(Microblog& microblog, std::chrono::milliseconds max_wait)
    : microblog_(microblog), max_wait_(max_wait), thread_([this] { return close_ended(); }) {}

std::chrono::milliseconds PollCloser::close_ended() {
  if (auto ended = microblog_.posts().end_expired_polls(now_ms()); !ended.ok()) {
    // Retried at the next wake, not at once: a failing store would spin here.
    spdlog::error("polls: announcing ended polls failed: {}", ended.error().message);
    return max_wait_;
  }
  auto next = microblog_.posts().next_poll_end();
  if (!next.ok() || !*next) return max_wait_;
  return std::min(max_wait_, std::chrono::milliseconds(**next - now_ms()));
}

}  // namespace publius::domain
