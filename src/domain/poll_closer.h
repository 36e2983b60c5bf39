// PollCloser: the serve process's thread that announces ended polls. It calls
// Microblog::end_expired_polls() with the wall clock when the next poll ends,
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
// Ownership: `microblog` is not owned and must outlive this. The destructor
// stops and joins the thread. Failures are logged (without data) and retried
// at the next wake.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "domain/microblog.h"

namespace publius::domain {

class PollCloser {
 public:
  PollCloser(Microblog& microblog, std::chrono::milliseconds max_wait);
  ~PollCloser();
  PollCloser(const PollCloser&) = delete;
  PollCloser& operator=(const PollCloser&) = delete;

 private:
  void run();

  Microblog& microblog_;
  const std::chrono::milliseconds max_wait_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace publius::domain
