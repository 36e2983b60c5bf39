// DeliveryWorker: the serve process's threads that send the durable delivery queue
// (domain::Federation), each a util/PeriodicThread. A delivery mostly waits on the
// network, so `senders` threads send at once, each on its own: it waits until a delivery
// is due (looking at the queue every poll_interval at the latest), claims a small batch (the
// store's claim keeps two claimants from taking the same row, so one slow server holds up
// only its own thread's batch), and for each renders
// the activity from the rows it names (federation/activities.h: a post deleted
// meanwhile is not sent), signs the POST as its local account (draft-cavage
// rsa-sha256 over (request-target), host, date and digest) and sends it with the
// SSRF-safe Fetcher, at most DeliveryHostOptions::max_in_flight at once to one server (a
// delivery whose server is busy waits for a slot after the rest of its batch), and none to
// a server failing for long (DeliveryHosts: dropped unsent). A 2xx is done; a refused address, a
// 4xx other than 408 and 429, or an activity with nothing left to send is dropped; anything else is
// tried again later (Federation::delivery_failed). A delivery to a suspended server
// (domain::DomainBlocks) is dropped unsent; a forwarded report (kFlag) is signed by
// the instance actor, never by an account.
//
// Direct messages are not in the durable queue: each thread also sends the domain's
// in-memory direct deliveries (Federation::claim_direct_deliveries), rendered from the
// open post they hold, retried on the same schedule.
//
// The shield: the queue holds only inboxes and the ids of what to send; nothing is
// logged about a delivery. The destructor stops the threads after the deliveries in
// progress; what is claimed and unsent is claimed by the next start once the claim expires.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "domain/microblog.h"
#include "federation/delivery_hosts.h"
#include "federation/fetcher.h"
#include "federation/http_signature.h"
#include "federation/instance_signer.h"
#include "util/periodic_thread.h"

namespace publius::federation {

struct DeliveryWorkerOptions {
  std::chrono::milliseconds poll_interval{1000};
  // Deliveries one thread claims at a time.
  int batch = 8;
  // Threads sending at once (at least 1).
  int senders = 16;
  // Per server: deliveries in flight at once, and when a failing one is taken for gone.
  DeliveryHostOptions hosts;
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
  // Sends one delivery (what a thread does for each it claims).
  Outcome send(const store::FederationDelivery& delivery);
  // Sends one direct message held in memory (domain::DirectDelivery).
  Outcome send(const domain::DirectDelivery& delivery);
  // The servers delivered to: the inboxes tell it of servers heard from.
  DeliveryHosts& hosts() { return hosts_; }

 private:
  // Sends what is due, held in memory and queued; returns how long to wait before
  // looking again.
  std::chrono::milliseconds pass();
  std::chrono::milliseconds send_direct();
  std::chrono::milliseconds send_queued();
  // Signs `body` with `key` (named `key_id`) and POSTs it to `inbox`; nothing goes to a
  // suspended server (kDone). post_signed_as() signs as local `account_id` (kDone when
  // the account is gone).
  Outcome post_signed(const std::string& inbox, const SigningKey& key, const std::string& key_id,
                      std::string body);
  Outcome post_signed_as(const std::string& inbox, int64_t account_id, std::string body);
  // The body to POST for `delivery`; nullopt when there is nothing left to send.
  Result<std::optional<std::string>> render(const store::FederationDelivery& delivery);
  // Like, Announce and Block and their Undo (delivery_social.cc).
  Result<std::optional<std::string>> render_social(const store::FederationDelivery& delivery,
                                                   const domain::Account& author);

  // The account's actor key, parsed once and kept by its PEM (read from the store each
  // time, so an account id reused after an erasure never gets the old key): a post to
  // 5,000 servers is 5,000 signatures with one key, and parsing the key costs several
  // signatures. At most kMaxKeys are kept (all are dropped when full); they stay in
  // memory only.
  Result<SigningKey> signing_key(int64_t account_id);
  // The key of `private_pem`, parsed once and kept (also an erased account's, whose Delete
  // goes to each of its servers with the key it came with). Under keys_mu_.
  Result<SigningKey> key_of_pem(const std::string& private_pem);
  static constexpr size_t kMaxKeys = 1024;

  domain::Microblog& microblog_;
  const Fetcher& fetcher_;
  const DeliveryWorkerOptions options_;
  std::mutex keys_mu_;  // guards keys_, and the making of a missing key
  std::unordered_map<std::string, SigningKey> keys_;  // by private PEM
  InstanceSigner instance_;                           // signs forwarded reports
  // Sends one claimed delivery holding a slot of `host`, gives the slot back and records
  // the outcome in the queue.
  void finish(const store::FederationDelivery& delivery, const std::string& host);

  DeliveryHosts hosts_;
  std::atomic<bool> stopping_ = false;
  std::vector<std::unique_ptr<PeriodicThread>> threads_;  // last: start after everything they use
};

}  // namespace publius::federation
