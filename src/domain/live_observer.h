// LiveObserver: how the domain tells live readers (the streaming API) what
// happened, as it happens. Called after each change is durable, on the thread
// that made it, with the facts the domain already decided (who a post reached);
// the observer decides nothing of its own about who may see what, and asks the
// domain's rules (VisibilityRule, Notifications) before it shows anything.
// An observer must not throw and should return quickly.
#pragma once

#include <cstdint>
#include <vector>

#include "domain/model.h"

namespace publius::domain {

class LiveObserver {
 public:
  virtual ~LiveObserver() = default;
  // Whether any live reader is connected. When none is, the domain skips working out
  // who would hear of an edit or a deletion (a read of every follower).
  virtual bool listening() const = 0;
  // A new post or boost, after its fan-out: `homes` are the accounts whose home
  // feeds it reached by reaches_home() (ascending; the author among them).
  virtual void published(const Post& post, const std::vector<int64_t>& homes) = 0;
  // `post` as an edit left it; `homes` as for published().
  virtual void edited(const Post& post, const std::vector<int64_t>& homes) = 0;
  // `post` (a post or a boost) is gone; `homes` the accounts whose home feeds had it.
  virtual void deleted(const Post& post, const std::vector<int64_t>& homes) = 0;
  // New notifications, each its recipient's.
  virtual void notified(const std::vector<Notification>& notifications) = 0;
  // The account's filters changed.
  virtual void filters_changed(int64_t account_id) = 0;
  // Notifications the account's policy held back joined its notifications (it accepted
  // notification requests): its clients should read them again. Only the streams care.
  virtual void notifications_merged(int64_t /*account_id*/) {}
  // An access token was revoked.
  virtual void token_revoked(int64_t token_id) = 0;
  // Every access token of the account ended (recovery, erasure).
  virtual void tokens_of_account_revoked(int64_t account_id) = 0;
};

}  // namespace publius::domain
