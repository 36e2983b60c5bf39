#include "shield/rate_limiter.h"

#include "util/time.h"

namespace publius::shield {

RateLimiter::Decision RateLimiter::hit(const std::string& key) {
  const int64_t now = now_ms();
  const int64_t window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(window_).count();
  std::lock_guard lock(mu_);
  // Forget expired windows now and then so memory tracks active clients only.
  if (now - last_sweep_ms_ > window_ms) {
    std::erase_if(windows_, [&](const auto& kv) { return now - kv.second.start_ms >= window_ms; });
    last_sweep_ms_ = now;
  }
  Window& w = windows_[key];
  if (w.count == 0 || now - w.start_ms >= window_ms) w = {now - now % window_ms, 0};
  ++w.count;
  return {w.count <= limit_, limit_, std::max<int64_t>(0, limit_ - w.count),
          w.start_ms + window_ms};
}

}  // namespace publius::shield
