// Which notifications a push subscription asks for (alerts and policy, as Mastodon),
// and the in-memory registry: one subscription per token, gone with its token or account.
#include "push/subscriptions.h"

#include <gtest/gtest.h>

#include "push/vapid.h"

namespace publius::push {
namespace {

using domain::NotificationType;

TEST(PushRule, AlertsPickTypesAndThePolicyPicksSenders) {
  const Alerts mentions = *alert_bit("mention");
  const Alerts follows = *alert_bit("follow");
  const SenderRelation stranger;
  const SenderRelation followed{.followed_by_recipient = true};
  const SenderRelation follower{.follows_recipient = true};

  EXPECT_TRUE(push_wanted(mentions, PushPolicy::kAll, NotificationType::kMention, stranger));
  EXPECT_FALSE(push_wanted(mentions, PushPolicy::kAll, NotificationType::kFavourite, stranger));
  EXPECT_FALSE(push_wanted(0, PushPolicy::kAll, NotificationType::kMention, followed));
  EXPECT_TRUE(
      push_wanted(mentions | follows, PushPolicy::kAll, NotificationType::kFollow, stranger));

  EXPECT_FALSE(push_wanted(mentions, PushPolicy::kFollowed, NotificationType::kMention, stranger));
  EXPECT_TRUE(push_wanted(mentions, PushPolicy::kFollowed, NotificationType::kMention, followed));
  EXPECT_FALSE(push_wanted(mentions, PushPolicy::kFollowed, NotificationType::kMention, follower));
  EXPECT_TRUE(push_wanted(mentions, PushPolicy::kFollower, NotificationType::kMention, follower));
  EXPECT_FALSE(push_wanted(mentions, PushPolicy::kFollower, NotificationType::kMention, followed));
  EXPECT_FALSE(push_wanted(mentions, PushPolicy::kNone, NotificationType::kMention,
                           {.followed_by_recipient = true, .follows_recipient = true}));

  EXPECT_TRUE(policy_needs_relation(PushPolicy::kFollowed));
  EXPECT_TRUE(policy_needs_relation(PushPolicy::kFollower));
  EXPECT_FALSE(policy_needs_relation(PushPolicy::kAll));
  EXPECT_FALSE(policy_needs_relation(PushPolicy::kNone));
}

TEST(PushRule, EveryNotificationTypeHasItsAlertAndEveryPolicyItsName) {
  for (auto type :
       {NotificationType::kMention, NotificationType::kStatus, NotificationType::kReblog,
        NotificationType::kFollow, NotificationType::kFollowRequest, NotificationType::kFavourite,
        NotificationType::kUpdate, NotificationType::kPoll})
    EXPECT_EQ(alert_for(type), *alert_bit(domain::notification_type_name(type)));
  EXPECT_TRUE(alert_bit("admin.sign_up"));
  EXPECT_FALSE(alert_bit("reblogs"));
  for (auto p : {PushPolicy::kAll, PushPolicy::kFollowed, PushPolicy::kFollower, PushPolicy::kNone})
    EXPECT_EQ(parse_push_policy(push_policy_name(p)), p);
  EXPECT_FALSE(parse_push_policy("friends"));
}

PushSubscription subscription(int64_t token, int64_t account, std::string endpoint) {
  PushSubscription s;
  s.token_id = token;
  s.account_id = account;
  s.endpoint = std::move(endpoint);
  return s;
}

TEST(PushSubscriptions, OnePerTokenReplacedUpdatedAndForgotten) {
  PushSubscriptions subs;
  const auto first = subs.put(subscription(1, 10, "https://a.example/1"));
  const auto second = subs.put(subscription(1, 10, "https://a.example/2"));
  subs.put(subscription(2, 10, "https://b.example/"));
  subs.put(subscription(3, 11, "https://c.example/"));
  EXPECT_NE(first.id, second.id);
  EXPECT_EQ(subs.size(), 3u);
  EXPECT_EQ(subs.of_token(1)->endpoint, "https://a.example/2");
  EXPECT_EQ(subs.of_account(10).size(), 2u);

  const Alerts mention = *alert_bit("mention"), poll = *alert_bit("poll");
  subs.update(1, mention | poll, mention | poll, PushPolicy::kFollower);
  auto changed = subs.update(1, poll, 0, std::nullopt);  // names only poll: mention stays
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->alerts, mention);
  EXPECT_EQ(changed->policy, PushPolicy::kFollower);
  EXPECT_FALSE(subs.update(99, mention, mention, std::nullopt));

  subs.remove_gone(1, first.id);  // an answer about the replaced endpoint removes nothing
  EXPECT_TRUE(subs.of_token(1));
  subs.remove_gone(1, second.id);
  EXPECT_FALSE(subs.of_token(1));

  subs.remove_account(10);
  EXPECT_TRUE(subs.of_account(10).empty());
  EXPECT_EQ(subs.size(), 1u);
  subs.remove_token(3);
  EXPECT_EQ(subs.size(), 0u);
}

TEST(PushVapid, AudienceIsTheEndpointsOrigin) {
  EXPECT_EQ(origin_of("https://fcm.googleapis.com/fcm/send/abc?x=1"), "https://fcm.googleapis.com");
  EXPECT_EQ(origin_of("http://127.0.0.1:4567/push"), "http://127.0.0.1:4567");
  EXPECT_EQ(origin_of("https://push.example"), "https://push.example");
}

}  // namespace
}  // namespace publius::push
