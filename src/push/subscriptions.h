// Web Push subscriptions (Mastodon's WebPushSubscription), one per access token,
// held in memory only (docs/decisions/0007-web-push-subscriptions.md): a push
// endpoint is an identifier at Apple's, Google's or Mozilla's push service, so none
// is ever written to disk, a log or an error message. A restart forgets them all;
// clients subscribe again when they open (Mastodon apps POST on every launch).
//
// Also the rule of which notifications a subscription asks for: its alerts (one
// per notification type, plus the admin ones) and its policy (all, followed,
// follower, none), as Mastodon decides them.
//
// PushSubscriptions is thread-safe: routes change it on request threads, the
// sender reads it on its worker. It hands out copies.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/model.h"

namespace publius::push {

// Mastodon's alert names, in the order the entity lists them: mention, status,
// reblog, follow, follow_request, favourite, poll, update, admin.sign_up, admin.report.
const std::vector<std::string_view>& alert_names();
// A set of alerts: bit i stands for alert_names()[i].
using Alerts = uint32_t;
std::optional<Alerts> alert_bit(std::string_view name);
// The alert that asks for notifications of `type`.
Alerts alert_for(domain::NotificationType type);

// Whose notifications reach the device: everyone's, only of accounts the recipient
// follows, only of its followers, or nobody's.
enum class PushPolicy { kAll, kFollowed, kFollower, kNone };
std::string_view push_policy_name(PushPolicy policy);
std::optional<PushPolicy> parse_push_policy(std::string_view name);

// What the policy needs to know of the notification's sender.
struct SenderRelation {
  bool followed_by_recipient = false;  // the recipient follows the sender
  bool follows_recipient = false;      // the sender follows the recipient
};
// Whether `policy` needs SenderRelation at all (followed, follower).
bool policy_needs_relation(PushPolicy policy);
// Whether a subscription with `alerts` and `policy` asks for a notification of
// `type` from a sender so related to the recipient.
bool push_wanted(Alerts alerts, PushPolicy policy, domain::NotificationType type,
                 const SenderRelation& relation);

struct PushSubscription {
  int64_t id = 0;
  int64_t token_id = 0;
  int64_t account_id = 0;
  // The bearer token the client subscribed with: Mastodon's payload carries it so the
  // app knows which of its accounts a push is for, and it opens the account's sealed
  // posts for the push's body. Memory only, like everything here.
  std::string access_token;
  std::string token_scopes;
  std::string endpoint;
  std::string receiver_public_key;  // p256dh, 65 bytes
  std::string auth_secret;          // 16 bytes
  bool standard = false;            // aes128gcm (RFC 8291); else the legacy aesgcm
  Alerts alerts = 0;
  PushPolicy policy = PushPolicy::kAll;
};

class PushSubscriptions {
 public:
  // Stores `subscription` as its token's, replacing any earlier one, under a new id
  // (returned in the copy).
  PushSubscription put(PushSubscription subscription);
  std::optional<PushSubscription> of_token(int64_t token_id) const;
  // Changes the token's subscription's alerts (those in `mask` take their bit from
  // `values`) and policy, where given; nullopt when the token has none.
  std::optional<PushSubscription> update(int64_t token_id, Alerts mask, Alerts values,
                                         std::optional<PushPolicy> policy);
  // Forgets the token's subscription (if any).
  void remove_token(int64_t token_id);
  // Forgets every subscription of the account.
  void remove_account(int64_t account_id);
  // Forgets subscription `id` of the token if it is still the token's: its push
  // service answered that the endpoint is gone (404, 410).
  void remove_gone(int64_t token_id, int64_t id);
  std::vector<PushSubscription> of_account(int64_t account_id) const;
  size_t size() const;

 private:
  mutable std::mutex mu_;
  int64_t next_id_ = 1;
  // (account, token) -> subscription: an account's are one range.
  std::map<std::pair<int64_t, int64_t>, PushSubscription> by_account_;
  std::unordered_map<int64_t, int64_t> account_of_token_;
};

}  // namespace publius::push
