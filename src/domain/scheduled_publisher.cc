#include "domain/scheduled_publisher.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "util/time.h"

namespace publius::domain {

ScheduledPublisher::ScheduledPublisher(Microblog& microblog, std::chrono::milliseconds max_wait)
    : microblog_(microblog), max_wait_(max_wait), thread_([this] { return publish_due(); }) {}

std::chrono::milliseconds ScheduledPublisher::publish_due() {
  auto published = microblog_.posts().publish_due_statuses(now_ms());
  if (!published.ok()) {
    // Retried at the next wake, not at once: a failing store would spin here.
    spdlog::error("scheduled posts: publishing failed: {}", published.error().message);
    return max_wait_;
  }
  if (*published > 0) spdlog::info("scheduled posts: published {}", *published);
  auto next = microblog_.posts().next_scheduled_time();
  if (!next.ok() || !*next) return max_wait_;
  return std::clamp(std::chrono::milliseconds(**next - now_ms()), std::chrono::milliseconds(0),
                    max_wait_);
}

}  // namespace publius::domain
