// LiveObservers: several LiveObservers behind the one the domain tells (the
// streaming hub and the Web Push sender), each told everything in the order added.
// listening() is true when any of them listens. Add every observer before the
// domain starts telling; the observers are not owned and must outlive this.
#pragma once

#include <algorithm>
#include <vector>

#include "domain/live_observer.h"

namespace publius::domain {

class LiveObservers final : public LiveObserver {
 public:
  void add(LiveObserver& observer) { observers_.push_back(&observer); }

  bool listening() const override {
    return std::any_of(observers_.begin(), observers_.end(),
                       [](const LiveObserver* o) { return o->listening(); });
  }
  void published(const Post& post, const std::vector<int64_t>& homes) override {
    for (auto* o : observers_) o->published(post, homes);
  }
  void edited(const Post& post, const std::vector<int64_t>& homes) override {
    for (auto* o : observers_) o->edited(post, homes);
  }
  void deleted(const Post& post, const std::vector<int64_t>& homes) override {
    for (auto* o : observers_) o->deleted(post, homes);
  }
  void notified(const std::vector<Notification>& notifications) override {
    for (auto* o : observers_) o->notified(notifications);
  }
  void filters_changed(int64_t account_id) override {
    for (auto* o : observers_) o->filters_changed(account_id);
  }
  void notifications_merged(int64_t account_id) override {
    for (auto* o : observers_) o->notifications_merged(account_id);
  }
  void token_revoked(int64_t token_id) override {
    for (auto* o : observers_) o->token_revoked(token_id);
  }
  void tokens_of_account_revoked(int64_t account_id) override {
    for (auto* o : observers_) o->tokens_of_account_revoked(account_id);
  }

 private:
  std::vector<LiveObserver*> observers_;
};

}  // namespace publius::domain
