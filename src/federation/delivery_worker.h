// DeliveryWorker: the serve process's thread that sends the durable delivery queue
// (domain::Federation), on a util/PeriodicThread. It waits until a delivery is due
// (looking at the queue every poll_interval at the latest), claims a batch, and for each renders
// the activity from the rows it names (federation/activities.h: a post deleted
// meanwhile is not sent), signs the POST as its local account (draft-cavage
// rsa-sha256 over (request-target), host, date and digest) and sends it with the
// SSRF-safe Fetcher. A 2xx is done; a refused address, a 4xx other than 408 and 429,
// or an activity with nothing left to send is dropped; anything else is tried again
// later (Federation::delivery_failed).
//
// The shield: the queue holds only inboxes and the ids of what to send; nothing is
// logged about a delivery. The destructor stops the thread after the delivery in
// progress; what is claimed and unsent is claimed by the next start once the claim expires.
#pragma once

#include <atomic>
#include <chrono>

#include "domain/microblog.h"
#include "federation/fetcher.h"
#include "util/periodic_thread.h"

namespace publius::federation {

struct DeliveryWorkerOptions {
  std::chrono::milliseconds poll_interval{1000};
  int batch = 64;
};

class DeliveryWorker {
 public:
  // `microblog` and `fetcher` are not owned and must outlive this. Starts the thread.
  DeliveryWorker(domain::Microblog& microblog, const Fetcher& fetcher,
                 DeliveryWorkerOptions options = {});
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  enum class Outcome { kDone, kRetry };
  // Sends one delivery (what the thread does for each it claims).
  Outcome send(const store::FederationDelivery& delivery);

 private:
  // Sends what is due; returns how long to wait before looking again.
  std::chrono::milliseconds pass();
  // The body to POST for `delivery`; nullopt when there is nothing left to send.
  Result<std::optional<std::string>> render(const store::FederationDelivery& delivery);

  domain::Microblog& microblog_;
  const Fetcher& fetcher_;
  const DeliveryWorkerOptions options_;
  std::atomic<bool> stopping_ = false;
  PeriodicThread thread_;  // last: starts after everything it uses
};

}  // namespace publius::federation
