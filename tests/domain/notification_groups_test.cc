#include "domain/notification_groups.h"

#include <gtest/gtest.h>

namespace publius::domain {
namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

Notification make(int64_t id, NotificationType type, int64_t from, std::optional<int64_t> status,
                  int64_t created_ms) {
  Notification n;
  n.id = id;
  n.account_id = 1;
  n.type = type;
  n.from_account_id = from;
  n.status_id = status;
  n.created_ms = created_ms;
  return n;
}

TEST(NotificationGroupsTest, KeysFoldSameTargetOnTheSameDayOnly) {
  const auto all = groupable_notification_types();
  const int64_t day = 20000;
  EXPECT_EQ(notification_group_key(make(7, NotificationType::kFavourite, 2, 99, day * kDayMs), all),
            "favourite-99-20000");
  EXPECT_EQ(
      notification_group_key(make(8, NotificationType::kReblog, 2, 99, day * kDayMs - 1), all),
      "reblog-99-19999");
  EXPECT_EQ(notification_group_key(make(9, NotificationType::kFollow, 2, {}, day * kDayMs), all),
            "follow-20000");
  EXPECT_EQ(notification_group_key(make(10, NotificationType::kMention, 2, 99, 0), all),
            "ungrouped-10");
  // A type the client did not ask to group stays alone.
  EXPECT_EQ(notification_group_key(make(11, NotificationType::kFollow, 2, {}, 0),
                                   {NotificationType::kFavourite}),
            "ungrouped-11");
}

TEST(NotificationGroupsTest, APageGroupsInOrderOfEachGroupsNewestMember) {
  const auto all = groupable_notification_types();
  const std::vector<Notification> page = {
      make(50, NotificationType::kFavourite, 3, 1, 5000),
      make(40, NotificationType::kMention, 4, 2, 4000),
      make(30, NotificationType::kFavourite, 4, 1, 3000),
      make(20, NotificationType::kFavourite, 3, 1, 2000),
  };
  auto groups = group_notification_page(page, all);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].key, "favourite-1-0");
  EXPECT_EQ(groups[0].page_max_id, 50);
  EXPECT_EQ(groups[0].page_min_id, 20);
  EXPECT_EQ(groups[0].latest_page_ms, 5000);
  EXPECT_EQ(groups[0].page_account_ids, (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(groups[1].key, "ungrouped-40");
  EXPECT_EQ(groups[1].status_id, 2);
}

}  // namespace
}  // namespace publius::domain
