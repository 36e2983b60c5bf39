// Scheduled posts over a real store: the rules at scheduling (the same as a
// post's, plus the time, the limits and no direct messages), publishing with the
// clock passed in (exactly once, even when two passes race), privacy to the
// owner, and what deleting the account and the erasure pass do to them.
#include <gtest/gtest.h>

#include <thread>

#include "shield/inventory.h"
#include "shield/needle_scan.h"
#include "support/microblog_fixture.h"
#include "util/time.h"

namespace publius::domain {
namespace {

constexpr int64_t kMinute = 60 * 1000;

class ScheduledTest : public testing::MicroblogFixture {
 protected:
  NewPost request(int64_t author, std::string text) {
    NewPost p;
    p.author_id = author;
    p.text = std::move(text);
    return p;
  }

  ScheduledPost schedule(const NewPost& p, int64_t at_ms) {
    auto r = microblog_->posts().schedule_status(p, at_ms, now_);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : ScheduledPost{};
  }

  ErrorCode refusal(const NewPost& p, int64_t at_ms) {
    auto r = microblog_->posts().schedule_status(p, at_ms, now_);
    EXPECT_FALSE(r.ok());
    return r.ok() ? ErrorCode::kInternal : r.error().code;
  }

  std::vector<Post> own_posts(int64_t author) {
    auto r = microblog_->timelines().account_statuses(author, author, {}, Page{.limit = 40});
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::vector<Post>{};
  }

  size_t waiting(int64_t author) {
    auto r = microblog_->posts().scheduled_statuses(author, Page{.limit = 40});
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->size() : 0;
  }

  const int64_t now_ = now_ms();
};

TEST_F(ScheduledTest, SchedulingChecksEveryRuleOfAPostAndTheTime) {
  const int64_t alice = account("alice"), bob = account("bob");
  const int64_t later = now_ + 10 * kMinute;
  EXPECT_EQ(refusal(request(alice, "soon"), now_ + 4 * kMinute), ErrorCode::kUnprocessable);
  EXPECT_EQ(refusal(request(alice, "past"), now_ - kMinute), ErrorCode::kUnprocessable);
  EXPECT_EQ(refusal(request(alice, "   "), later), ErrorCode::kUnprocessable);
  EXPECT_EQ(refusal(request(alice, std::string(501, 'x')), later), ErrorCode::kUnprocessable);
  NewPost poll = request(alice, "poll");
  poll.poll = NewPoll{{"only one"}, 300, false, false};
  EXPECT_EQ(refusal(poll, later), ErrorCode::kUnprocessable);
  NewPost dm = request(alice, "@bob secret");
  dm.visibility = Visibility::kDirect;
  EXPECT_EQ(refusal(dm, later), ErrorCode::kUnprocessable) << "its text would wait unsealed";
  const int64_t hidden = post(bob, "followers only", Visibility::kPrivate);
  NewPost reply = request(alice, "re");
  reply.in_reply_to_id = hidden;
  EXPECT_EQ(refusal(reply, later), ErrorCode::kNotFound);
  EXPECT_EQ(waiting(alice), 0u);

  // Exactly five minutes ahead is enough; nothing is posted yet.
  const ScheduledPost s = schedule(request(alice, "in five"), now_ + 5 * kMinute);
  EXPECT_EQ(s.scheduled_ms, now_ + 5 * kMinute);
  EXPECT_EQ(s.request.text, "in five");
  EXPECT_EQ(s.request.visibility, Visibility::kPublic) << "the default is fixed when scheduled";
  EXPECT_EQ(waiting(alice), 1u);
  EXPECT_TRUE(own_posts(alice).empty());
}

TEST_F(ScheduledTest, AnAuthorsDefaultOfDirectIsRefusedToo) {
  const int64_t alice = account("alice");
  domain::ProfileChange defaults;
  defaults.default_visibility = Visibility::kDirect;
  ASSERT_TRUE(microblog_->accounts().update_profile(alice, defaults).ok());
  EXPECT_EQ(refusal(request(alice, "hello"), now_ + 10 * kMinute), ErrorCode::kUnprocessable);
}

TEST_F(ScheduledTest, PublishingIsExactlyOnceThroughThePostPath) {
  const int64_t alice = account("alice"), bob = account("bob"), carol = account("carol");
  ASSERT_TRUE(
      microblog_->relationships().follow(bob, alice, true, true).ok());  // bob rang the bell
  ASSERT_TRUE(microblog_->timelines().home_timeline(bob, {}).ok());      // his feed is warm
  NewPost p = request(alice, "hello @carol #later");
  p.poll = NewPoll{{"yes", "no"}, 3600, false, false};
  const ScheduledPost s = schedule(p, now_ + 10 * kMinute);

  auto early = microblog_->posts().publish_due_statuses(now_ + 9 * kMinute);
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(*early, 0u);
  EXPECT_TRUE(own_posts(alice).empty());

  const int64_t at = now_ + 10 * kMinute;
  auto published = microblog_->posts().publish_due_statuses(at);
  ASSERT_TRUE(published.ok()) << published.error().message;
  EXPECT_EQ(*published, 1u);
  const auto posts = own_posts(alice);
  ASSERT_EQ(posts.size(), 1u);
  const Post& made = posts.front();
  EXPECT_EQ(made.text, "hello @carol #later");
  EXPECT_EQ(made.tags, std::vector<std::string>{"later"});
  ASSERT_TRUE(made.poll);
  EXPECT_GE(made.poll->expires_ms, now_ms() + 3600 * 1000 - kMinute)
      << "the poll runs from publishing, not from scheduling";
  EXPECT_EQ(waiting(alice), 0u);
  EXPECT_EQ(microblog_->posts().own_scheduled_status(alice, s.id).error().code,
            ErrorCode::kNotFound);
  auto home = microblog_->timelines().home_timeline(bob, {});
  ASSERT_TRUE(home.ok());
  ASSERT_FALSE(home->empty());
  EXPECT_EQ(home->front().id, made.id) << "fanned out to followers";
  auto mentioned = store_->notifications(carol, {}, Page{.limit = 10});
  ASSERT_TRUE(mentioned.ok());
  ASSERT_EQ(mentioned->size(), 1u);
  EXPECT_EQ(mentioned->front().type, NotificationType::kMention);
  auto belled = store_->notifications(bob, {}, Page{.limit = 10});
  ASSERT_TRUE(belled.ok());
  ASSERT_EQ(belled->size(), 1u);
  EXPECT_EQ(belled->front().type, NotificationType::kStatus);

  // Again, or later: nothing more.
  auto again = microblog_->posts().publish_due_statuses(at + 60 * kMinute);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
  EXPECT_EQ(own_posts(alice).size(), 1u);
}

TEST_F(ScheduledTest, TwoPassesRacingPublishEachPostOnce) {
  const int64_t alice = account("alice");
  constexpr int kPosts = 20;
  for (int i = 0; i < kPosts; ++i)
    schedule(request(alice, "post " + std::to_string(i)), now_ + 10 * kMinute + i);
  const int64_t at = now_ + 20 * kMinute;
  Result<size_t> first = size_t{0}, second = size_t{0};
  std::thread a([&] { first = microblog_->posts().publish_due_statuses(at); });
  std::thread b([&] { second = microblog_->posts().publish_due_statuses(at); });
  a.join();
  b.join();
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first + *second, static_cast<size_t>(kPosts));
  EXPECT_EQ(own_posts(alice).size(), static_cast<size_t>(kPosts));
  auto me = microblog_->accounts().account(alice);
  ASSERT_TRUE(me.ok());
  EXPECT_EQ(me->statuses_count, kPosts);
}

TEST_F(ScheduledTest, APostThatNoLongerPassesIsDroppedAtPublishing) {
  const int64_t alice = account("alice"), bob = account("bob");
  const int64_t target = post(bob, "reply to me");
  NewPost reply = request(alice, "a reply");
  reply.in_reply_to_id = target;
  schedule(reply, now_ + 10 * kMinute);
  schedule(request(alice, "fine"), now_ + 11 * kMinute);
  ASSERT_TRUE(microblog_->posts().delete_status(bob, target).ok());
  auto published = microblog_->posts().publish_due_statuses(now_ + 20 * kMinute);
  ASSERT_TRUE(published.ok());
  EXPECT_EQ(*published, 1u);
  const auto posts = own_posts(alice);
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts.front().text, "fine");
  EXPECT_EQ(waiting(alice), 0u) << "the one that cannot be made is not retried forever";
}

TEST_F(ScheduledTest, OnlyTheOwnerSeesReschedulesOrDeletes) {
  const int64_t alice = account("alice"), mallory = account("mallory");
  const ScheduledPost s = schedule(request(alice, "mine"), now_ + 10 * kMinute);
  EXPECT_EQ(microblog_->posts().own_scheduled_status(mallory, s.id).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(
      microblog_->posts().reschedule_status(mallory, s.id, now_ + 60 * kMinute, now_).error().code,
      ErrorCode::kNotFound);
  EXPECT_EQ(microblog_->posts().delete_scheduled_status(mallory, s.id).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(waiting(mallory), 0u);

  EXPECT_EQ(microblog_->posts().reschedule_status(alice, s.id, now_ + kMinute, now_).error().code,
            ErrorCode::kUnprocessable);
  auto moved = microblog_->posts().reschedule_status(alice, s.id, now_ + 60 * kMinute, now_);
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(moved->scheduled_ms, now_ + 60 * kMinute);
  EXPECT_EQ(moved->request.text, "mine");
  auto none = microblog_->posts().publish_due_statuses(now_ + 30 * kMinute);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0u) << "it moved to later";

  ASSERT_TRUE(microblog_->posts().delete_scheduled_status(alice, s.id).ok());
  EXPECT_EQ(waiting(alice), 0u);
  EXPECT_EQ(microblog_->posts().delete_scheduled_status(alice, s.id).error().code,
            ErrorCode::kNotFound);
  auto still_none = microblog_->posts().publish_due_statuses(now_ + 120 * kMinute);
  ASSERT_TRUE(still_none.ok());
  EXPECT_EQ(*still_none, 0u);
}

TEST_F(ScheduledTest, MastodonsLimitsPerDayAndInAll) {
  const int64_t alice = account("alice");
  // Midnight UTC two days ahead, so every post of that day is ahead too.
  const int64_t day = day_floor_ms(now_) + 2 * kDayMs;
  for (int64_t i = 0; i < kMaxScheduledPostsPerDay; ++i)
    schedule(request(alice, "day one"), day + i * kMinute);
  EXPECT_EQ(refusal(request(alice, "one too many"), day + 23 * 60 * kMinute),
            ErrorCode::kUnprocessable);
  const ScheduledPost next_day = schedule(request(alice, "day two"), day + kDayMs);
  // Rescheduling onto the full day is refused; within it (not counting itself) is not.
  EXPECT_EQ(
      microblog_->posts().reschedule_status(alice, next_day.id, day + kMinute, now_).error().code,
      ErrorCode::kUnprocessable);
  auto first = microblog_->posts().scheduled_statuses(alice, Page{.limit = 1});
  ASSERT_TRUE(first.ok() && !first->empty());
  EXPECT_TRUE(
      microblog_->posts()
          .reschedule_status(alice, first->front().id, first->front().scheduled_ms + 1, now_)
          .ok());

  for (int64_t i = 1 + kMaxScheduledPostsPerDay; i < kMaxScheduledPosts; ++i)
    schedule(request(alice, "more"), day + (1 + i / kMaxScheduledPostsPerDay) * kDayMs + i);
  EXPECT_EQ(refusal(request(alice, "the 301st"), day + 100 * kDayMs), ErrorCode::kUnprocessable);
  auto counts = store_->scheduled_counts(alice, day, 0);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->total, kMaxScheduledPosts);
}

TEST_F(ScheduledTest, TheSameIdempotencyKeySchedulesOnce) {
  const int64_t alice = account("alice");
  NewPost p = request(alice, "once");
  p.idempotency_key = "key-1";
  const ScheduledPost first = schedule(p, now_ + 10 * kMinute);
  const ScheduledPost again = schedule(p, now_ + 20 * kMinute);
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.scheduled_ms, first.scheduled_ms);
  EXPECT_EQ(waiting(alice), 1u);
  // Published, the key names the post: the same request again finds it.
  ASSERT_TRUE(microblog_->posts().publish_due_statuses(now_ + 30 * kMinute).ok());
  auto created = microblog_->posts().create_status(p);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(own_posts(alice).size(), 1u);
}

TEST_F(ScheduledTest, ListsPageNewestIdFirst) {
  const int64_t alice = account("alice");
  for (int i = 0; i < 5; ++i) schedule(request(alice, std::to_string(i)), now_ + 10 * kMinute);
  auto page1 = microblog_->posts().scheduled_statuses(alice, Page{.limit = 3});
  ASSERT_TRUE(page1.ok());
  ASSERT_EQ(page1->size(), 3u);
  EXPECT_GT(page1->front().id, page1->back().id);
  auto page2 =
      microblog_->posts().scheduled_statuses(alice, Page{.max_id = page1->back().id, .limit = 3});
  ASSERT_TRUE(page2.ok());
  ASSERT_EQ(page2->size(), 2u);
  EXPECT_LT(page2->front().id, page1->back().id);
}

TEST_F(ScheduledTest, TheInventoryCountsThemAndDeletingTheAccountErasesThem) {
  const int64_t alice = account("alice");
  const std::string needle = "scheduledwordsquokkaneedle";
  schedule(request(alice, "for later: " + needle), now_ + 10 * kMinute);
  auto counts = store_->inventory_counts(alice);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->scheduled_posts, 1);
  const auto built = shield::build_inventory(*counts);
  const auto* content = built.holding("content");
  ASSERT_NE(content, nullptr);
  EXPECT_TRUE(content->held);
  EXPECT_NE(content->what.find("1 scheduled posts"), std::string::npos) << content->what;

  shield_test::NeedleScanner scanner;
  scanner.add(needle);
  ASSERT_FALSE(scanner.scan_path(dir_.path()).empty()) << "the scan cannot see the live row";
  ASSERT_TRUE(microblog_->accounts().delete_account(alice).ok());
  const auto hits = scanner.scan_path(dir_.path());
  EXPECT_TRUE(hits.empty()) << shield_test::describe(hits);
  EXPECT_EQ(count_rows("scheduled_statuses"), 0);
}

TEST_F(ScheduledTest, ADeletedScheduledPostLeavesTheFilesAtTheNextErasurePass) {
  const int64_t alice = account("alice");
  const std::string needle = "regrettedschedulezebraneedle";
  const ScheduledPost s = schedule(request(alice, needle), now_ + 10 * kMinute);
  ASSERT_TRUE(store_->erase_deleted().ok());
  shield_test::NeedleScanner scanner;
  scanner.add(needle);
  ASSERT_FALSE(scanner.scan_path(dir_.path()).empty());
  ASSERT_TRUE(microblog_->posts().delete_scheduled_status(alice, s.id).ok());
  auto erased = store_->erase_deleted();
  ASSERT_TRUE(erased.ok()) << erased.error().message;
  EXPECT_TRUE(*erased) << "the erasure pass saw the deleted row";
  const auto hits = scanner.scan_path(dir_.path());
  EXPECT_TRUE(hits.empty()) << shield_test::describe(hits);
}

}  // namespace
}  // namespace publius::domain
