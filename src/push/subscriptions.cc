#include "push/subscriptions.h"

#include <limits>

#include "util/name_table.h"

namespace publius::push {

const std::vector<std::string_view>& alert_names() {
  static const std::vector<std::string_view> kNames = {
      "mention",   "status", "reblog", "follow",        "follow_request",
      "favourite", "poll",   "update", "admin.sign_up", "admin.report"};
  return kNames;
}

std::optional<Alerts> alert_bit(std::string_view name) {
  const auto& names = alert_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return Alerts{1} << i;
  return std::nullopt;
}

Alerts alert_for(domain::NotificationType type) {
  // Mastodon names each alert after its notification type.
  return *alert_bit(domain::notification_type_name(type));
}

namespace {
constexpr NameTable<PushPolicy, 4> kPolicies = {{{PushPolicy::kAll, "all"},
                                                 {PushPolicy::kFollowed, "followed"},
                                                 {PushPolicy::kFollower, "follower"},
                                                 {PushPolicy::kNone, "none"}}};
}  // namespace

std::string_view push_policy_name(PushPolicy policy) { return name_of(kPolicies, policy); }
std::optional<PushPolicy> parse_push_policy(std::string_view name) {
  return find_by_name(kPolicies, name);
}

bool policy_needs_relation(PushPolicy policy) {
  return policy == PushPolicy::kFollowed || policy == PushPolicy::kFollower;
}

bool push_wanted(Alerts alerts, PushPolicy policy, domain::NotificationType type,
                 const SenderRelation& relation) {
  if ((alerts & alert_for(type)) == 0) return false;
  switch (policy) {
    case PushPolicy::kAll:
      return true;
    case PushPolicy::kFollowed:
      return relation.followed_by_recipient;
    case PushPolicy::kFollower:
      return relation.follows_recipient;
    case PushPolicy::kNone:
      return false;
  }
  return false;
}

PushSubscription PushSubscriptions::put(PushSubscription subscription) {
  std::lock_guard lock(mu_);
  if (auto old = account_of_token_.find(subscription.token_id); old != account_of_token_.end())
    by_account_.erase({old->second, subscription.token_id});
  subscription.id = next_id_++;
  account_of_token_[subscription.token_id] = subscription.account_id;
  by_account_[{subscription.account_id, subscription.token_id}] = subscription;
  return subscription;
}

std::optional<PushSubscription> PushSubscriptions::of_token(int64_t token_id) const {
  std::lock_guard lock(mu_);
  auto account = account_of_token_.find(token_id);
  if (account == account_of_token_.end()) return std::nullopt;
  return by_account_.at({account->second, token_id});
}

std::optional<PushSubscription> PushSubscriptions::update(int64_t token_id, Alerts mask,
                                                          Alerts values,
                                                          std::optional<PushPolicy> policy) {
  std::lock_guard lock(mu_);
  auto account = account_of_token_.find(token_id);
  if (account == account_of_token_.end()) return std::nullopt;
  PushSubscription& s = by_account_.at({account->second, token_id});
  s.alerts = (s.alerts & ~mask) | (values & mask);
  if (policy) s.policy = *policy;
  return s;
}

void PushSubscriptions::remove_token(int64_t token_id) {
  std::lock_guard lock(mu_);
  auto account = account_of_token_.find(token_id);
  if (account == account_of_token_.end()) return;
  by_account_.erase({account->second, token_id});
  account_of_token_.erase(account);
}

void PushSubscriptions::remove_account(int64_t account_id) {
  std::lock_guard lock(mu_);
  auto first = by_account_.lower_bound({account_id, std::numeric_limits<int64_t>::min()});
  auto last = by_account_.upper_bound({account_id, std::numeric_limits<int64_t>::max()});
  for (auto it = first; it != last; ++it) account_of_token_.erase(it->first.second);
  by_account_.erase(first, last);
}

void PushSubscriptions::remove_gone(int64_t token_id, int64_t id) {
  std::lock_guard lock(mu_);
  auto account = account_of_token_.find(token_id);
  if (account == account_of_token_.end()) return;
  auto it = by_account_.find({account->second, token_id});
  if (it->second.id != id) return;
  by_account_.erase(it);
  account_of_token_.erase(account);
}

std::vector<PushSubscription> PushSubscriptions::of_account(int64_t account_id) const {
  std::lock_guard lock(mu_);
  std::vector<PushSubscription> out;
  for (auto it = by_account_.lower_bound({account_id, std::numeric_limits<int64_t>::min()});
       it != by_account_.end() && it->first.first == account_id; ++it)
    out.push_back(it->second);
  return out;
}

size_t PushSubscriptions::size() const {
  std::lock_guard lock(mu_);
  return account_of_token_.size();
}

}  // namespace publius::push
