// PushSender: sends Web Push messages for new notifications. It is a
// domain::LiveObserver (beside the streaming hub): told of each notification
// as it is written, it queues it and returns; one worker thread then, for each
// subscription of the recipient whose alerts and policy ask for it
// (push/subscriptions.h), renders Mastodon's push payload
//   {access_token, preferred_locale, notification_id, notification_type, icon, title, body}
// (the notification as the recipient may see it: Notifications::entries, a sealed
// post opened with the subscription's own token), encrypts it in memory
// (aes128gcm for standard subscriptions, else aesgcm) and POSTs it with libcurl,
// signed with the instance's VAPID key, with TTL and Urgency headers.
//
// Bounded: at most max_queued notifications and deliveries wait; beyond that new
// ones are dropped (a push is a hint, the notification stays in the app). A
// delivery the push service refuses for a while (a network error, 429, 5xx) is
// tried again later, max_attempts in all, then dropped; a 404 or 410 means the
// endpoint is gone and its subscription is forgotten. Nothing is written to disk
// or to the log about a subscription: no endpoint, no status of a delivery.
//
// A revoked token forgets its subscription; an account whose tokens all end
// (recovery, erasure) forgets all of its.
//
// Thread-safe. The destructor stops the worker, dropping what is queued.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/render.h"
#include "domain/live_observer.h"
#include "domain/microblog.h"
#include "push/subscriptions.h"
#include "push/vapid.h"

namespace publius::push {

struct PushSenderOptions {
  // The VAPID `sub`: how a push service reaches the sender (an https: URL of the instance).
  std::string subject;
  size_t max_queued = 1024;
  int max_attempts = 3;
  std::chrono::milliseconds first_retry_delay{2000};  // doubled after each failure
  std::chrono::seconds request_timeout{15};
  // Whether plain http:// endpoints may be posted to (loopback only; tests).
  bool allow_http = false;
};

class PushSender final : public domain::LiveObserver {
 public:
  // `microblog`, `renderer`, `subscriptions` and `vapid` are not owned and must outlive this.
  PushSender(domain::Microblog& microblog, api::Renderer& renderer,
             PushSubscriptions& subscriptions, const VapidKey& vapid, PushSenderOptions options);
  ~PushSender() override;
  PushSender(const PushSender&) = delete;
  PushSender& operator=(const PushSender&) = delete;

  // domain::LiveObserver: only notifications and ended tokens concern pushes.
  bool listening() const override { return false; }
  void published(const domain::Post&, const std::vector<int64_t>&) override {}
  void edited(const domain::Post&, const std::vector<int64_t>&) override {}
  void deleted(const domain::Post&, const std::vector<int64_t>&) override {}
  void notified(const std::vector<domain::Notification>& notifications) override;
  void filters_changed(int64_t) override {}
  void token_revoked(int64_t token_id) override;
  void tokens_of_account_revoked(int64_t account_id) override;

 private:
  using Clock = std::chrono::steady_clock;
  // One encrypted message for one subscription, ready to POST.
  struct Delivery {
    int64_t token_id = 0;
    int64_t subscription_id = 0;
    std::string endpoint;
    std::vector<std::string> headers;
    std::string body;
    int attempts = 0;
    Clock::time_point due;
  };
  enum class Outcome { kDelivered, kGone, kRetry, kDropped };

  void run();
  // The deliveries `n` causes, one per subscription that asks for it.
  std::vector<Delivery> deliveries_for(const domain::Notification& n);
  Result<Delivery> delivery(const PushSubscription& s, const std::string& payload);
  std::string payload_json(const PushSubscription& s, const domain::NotificationEntry& entry,
                           const domain::Account& recipient, const domain::Account& from);
  Outcome post(const Delivery& d) const;

  domain::Microblog& microblog_;
  api::Renderer& renderer_;
  PushSubscriptions& subscriptions_;
  const VapidKey& vapid_;
  const PushSenderOptions options_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_ = false;
  std::deque<domain::Notification> notifications_;
  std::vector<Delivery> retries_;
  std::thread worker_;  // last: starts after everything it uses
};

}  // namespace publius::push
