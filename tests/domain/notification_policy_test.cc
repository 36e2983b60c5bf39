// The notification policy rule (domain/notification_policy.h), case by case.
#include "domain/notification_policy.h"

#include <gtest/gtest.h>

namespace publius::domain {
namespace {

constexpr PolicyAction kAccept = PolicyAction::kAccept;
constexpr PolicyAction kFilter = PolicyAction::kFilter;
constexpr PolicyAction kDrop = PolicyAction::kDrop;

// A favourite from someone the recipient follows and who follows back: nothing holds it.
NotificationFacts from_a_friend() {
  return {.type = NotificationType::kFavourite, .follows_sender = true, .followed_by_sender = true};
}

TEST(NotificationPolicy, TheDefaultFiltersOnlyUnsolicitedPrivateMentionsFromStrangers) {
  const NotificationPolicy defaults;
  EXPECT_EQ(notification_outcome(defaults, from_a_friend()), kAccept);
  NotificationFacts stranger{.type = NotificationType::kMention};
  EXPECT_EQ(notification_outcome(defaults, stranger), kAccept);
  stranger.unsolicited_private_mention = true;
  EXPECT_EQ(notification_outcome(defaults, stranger), kFilter);
  // From someone the recipient follows, a private mention is welcome.
  NotificationFacts followed = stranger;
  followed.follows_sender = true;
  EXPECT_EQ(notification_outcome(defaults, followed), kAccept);
}

TEST(NotificationPolicy, EachConditionAppliesItsActionAndTheStrongestWins) {
  NotificationPolicy policy;
  policy.for_not_following = kFilter;
  NotificationFacts facts = from_a_friend();
  EXPECT_EQ(notification_outcome(policy, facts), kAccept);
  facts.follows_sender = false;
  EXPECT_EQ(notification_outcome(policy, facts), kFilter);
  policy.for_not_followers = kDrop;
  EXPECT_EQ(notification_outcome(policy, facts), kFilter) << "the sender follows the recipient";
  facts.followed_by_sender = false;
  EXPECT_EQ(notification_outcome(policy, facts), kDrop);

  NotificationPolicy new_accounts;
  new_accounts.for_new_accounts = kFilter;
  facts = from_a_friend();
  EXPECT_EQ(notification_outcome(new_accounts, facts), kAccept);
  facts.sender_is_new = true;
  EXPECT_EQ(notification_outcome(new_accounts, facts), kFilter);
}

TEST(NotificationPolicy, AnAcceptedSenderAndUnfilterableTypesPassMutedThreadsDoNot) {
  NotificationPolicy strict{kDrop, kDrop, kDrop, kDrop};
  NotificationFacts facts{.type = NotificationType::kMention, .unsolicited_private_mention = true};
  EXPECT_EQ(notification_outcome(strict, facts), kDrop);
  facts.sender_accepted = true;
  EXPECT_EQ(notification_outcome(strict, facts), kAccept);
  for (NotificationType type : {NotificationType::kPoll, NotificationType::kUpdate}) {
    EXPECT_FALSE(is_filterable(type));
    EXPECT_EQ(notification_outcome(strict, {.type = type}), kAccept);
    EXPECT_EQ(notification_outcome(NotificationPolicy{}, {.type = type, .thread_muted = true}),
              kDrop);
  }
  facts.thread_muted = true;
  EXPECT_EQ(notification_outcome(NotificationPolicy{}, facts), kDrop)
      << "a muted thread is silent even from an accepted sender";
  // The operator's messages always arrive.
  NotificationFacts notice{.type = NotificationType::kMention,
                           .from_staff = true,
                           .thread_muted = true,
                           .unsolicited_private_mention = true};
  EXPECT_EQ(notification_outcome(strict, notice), kAccept);
  notice.type = NotificationType::kFavourite;
  EXPECT_EQ(notification_outcome(strict, notice), kDrop) << "only their messages";
}

}  // namespace
}  // namespace publius::domain
