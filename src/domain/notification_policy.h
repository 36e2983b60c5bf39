// Notification policies (Mastodon 4.3): what becomes of a notification under
// its recipient's policy, decided from facts Delivery reads about the
// notification, its sender and its post (notification_outcome()). Pure
// functions over values; safe from any thread.
#pragma once

#include <cstdint>

#include "domain/model.h"

namespace publius::domain {

// Accounts younger than this are new to a policy's for_new_accounts (Mastodon's 30 days).
inline constexpr int64_t kNewAccountDays = 30;

// What decides a notification's fate: the notification, and its sender and its post
// as its recipient sees them.
struct NotificationFacts {
  NotificationType type = NotificationType::kMention;
  bool from_staff = false;          // from an admin, or an operator's notice
  bool thread_muted = false;        // about a post in a thread the recipient muted
  bool sender_accepted = false;     // the recipient accepted a request from the sender
  bool follows_sender = false;      // the recipient follows the sender
  bool followed_by_sender = false;  // the sender follows the recipient
  bool sender_is_new = false;       // the sender's account is under kNewAccountDays old
  // A mention in a direct post that answers no direct post of the recipient's to the sender.
  bool unsolicited_private_mention = false;
};

// Whether a policy may hold back notifications of `type`: every type but the end of
// a poll and the edit of a boosted post, as in Mastodon.
bool is_filterable(NotificationType type);

// What becomes of one notification, as Mastodon decides it. A mention from staff:
// accepted, whatever else holds (the operator's legal notices must reach their
// reader). About a thread the recipient muted: dropped. Of a type no policy holds back
// (is_filterable()), or from a sender the recipient accepted: accepted. Otherwise the strongest
// action (drop, then filter, then accept) of the policy's conditions that hold: for_not_following
// (the recipient does not follow the sender), for_not_followers (the sender does not
// follow the recipient: any follow counts, since no follow's age is kept, where
// Mastodon wants it 3 days old), for_new_accounts (a new sender) and
// for_private_mentions (an unsolicited private mention from someone the recipient
// does not follow). for_limited_accounts never applies: no account is limited here
// (NotificationPolicy).
PolicyAction notification_outcome(const NotificationPolicy& policy, const NotificationFacts& facts);

}  // namespace publius::domain
