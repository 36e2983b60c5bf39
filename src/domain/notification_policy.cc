// Notification policies: what becomes of a notification.
#include "domain/notification_policy.h"

#include <algorithm>

namespace publius::domain {

bool is_filterable(NotificationType type) {
  return type != NotificationType::kPoll && type != NotificationType::kUpdate;
}

PolicyAction notification_outcome(const NotificationPolicy& policy,
                                  const NotificationFacts& facts) {
  if (facts.from_staff && facts.type == NotificationType::kMention) return PolicyAction::kAccept;
  if (facts.thread_muted) return PolicyAction::kDrop;
  if (!is_filterable(facts.type) || facts.sender_accepted) return PolicyAction::kAccept;
  // The actions are ordered by strength: accept < filter < drop.
  PolicyAction outcome = PolicyAction::kAccept;
  auto apply = [&](bool condition, PolicyAction action) {
    if (condition) outcome = std::max(outcome, action);
  };
  apply(!facts.follows_sender, policy.for_not_following);
  apply(!facts.followed_by_sender, policy.for_not_followers);
  apply(facts.sender_is_new, policy.for_new_accounts);
  apply(facts.unsolicited_private_mention && !facts.follows_sender, policy.for_private_mentions);
  return outcome;
}

}  // namespace publius::domain
