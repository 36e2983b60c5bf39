// ScheduledPublisher: the serve process's thread that publishes scheduled posts
// when they are due. It calls Posts::publish_due_statuses() with the wall
// clock when the next one is due, and at least every `max_wait` (a post
// scheduled meanwhile is due no sooner than kMinScheduleAheadMs after, and one
// scheduled by another process is seen at the next wake).
//
// Durable by the store: a scheduled post is deleted in the transaction that
// stores its post, so a crash neither loses nor repeats one, and posts that fell
// due while the server was down are published at start-up (the first pass runs
// at once).
//
// Ownership: `microblog` is not owned and must outlive this. Destroying it
// stops and joins the thread. Failures are logged (without data) and retried at
// the next wake.
#pragma once

#include <chrono>

#include "domain/microblog.h"
#include "util/periodic_thread.h"

namespace publius::domain {

class ScheduledPublisher {
 public:
  ScheduledPublisher(Microblog& microblog, std::chrono::milliseconds max_wait);

 private:
  // One wake: publishes what is due; returns how long to sleep.
  std::chrono::milliseconds publish_due();

  Microblog& microblog_;
  const std::chrono::milliseconds max_wait_;
  PeriodicThread thread_;  // last: runs publish_due() once the above are set
};

}  // namespace publius::domain
