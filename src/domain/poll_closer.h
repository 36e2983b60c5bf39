// PollCloser: the serve process's thread that announces ended polls. It calls
// Posts::end_expired_polls() with the wall clock when the next poll ends,
// and at least every `max_wait` (a poll made meanwhile, or by another process,
// ends no sooner than PollLimits::min_expiration_s after it was made).
//
// Why a thread and not at read time: a poll's end notifies its voters, who may
// never look at the poll again; checking at each notifications read would put
// a store write and a scan of every open poll on a hot read path of every
// account. The thread costs one indexed query per wake. Durable by the store:
// a poll's end is marked in the transaction that writes its notifications, so
// polls that ended while the server was down are announced at start-up, once.
//
// Ownership: `microblog` is not owned and must outlive this. Destroying it
// stops and joins the thread. Failures are logged (without data) and retried
// at the next wake.
#pragma once

#include <chrono>

#include "domain/microblog.h"
#include "util/periodic_thread.h"

namespace publius::domain {

class PollCloser {
 public:
  PollCloser(Microblog& microblog, std::chrono::milliseconds max_wait);

 private:
  // One wake: announces what has ended; returns how long to sleep.
  std::chrono::milliseconds close_ended();

  Microblog& microblog_;
  const std::chrono::milliseconds max_wait_;
  PeriodicThread thread_;  // last: runs close_ended() once the above are set
};

}  // namespace publius::domain
