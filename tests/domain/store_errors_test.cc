// Writes racing the deletion of what they name, and requests racing with one
// Idempotency-Key: each answer is the write done, "not found", or the first
// request's post, never a storage error, and nothing is left half-written.
#include "domain/store_errors.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <set>
#include <thread>

#include "support/microblog_fixture.h"
#include "support/statement_hook.h"
#include "util/time.h"

namespace publius::domain {
namespace {

class StoreRacesTest : public testing::MicroblogFixture {
 protected:
  // Runs the `racers` at once, each on its own thread, released together.
  static void race(const std::vector<std::function<void()>>& racers) {
    std::atomic<size_t> ready{0};
    std::vector<std::thread> threads;
    for (const auto& racer : racers) {
      threads.emplace_back([&ready, &racer, n = racers.size()] {
        ++ready;
        while (ready.load() < n) std::this_thread::yield();
        racer();
      });
    }
    for (auto& t : threads) t.join();
  }

  // An account straight in the store: no password to hash, nothing but the row.
  int64_t bare_account(const std::string& name) {
    auto a = store_->create_account({name, "h", Role::kUser, {}});
    EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error().message);
    return a.ok() ? a->id : 0;
  }

  // Runs `action`, and `vanish` right after the action's checks, before its write: at
  // the first statement of this store's connection that writes, as a deletion
  // committed by another connection (another process, or another request) would land.
  template <typename T>
  Result<T> with_target_vanishing(const std::function<Result<T>()>& action,
                                  const std::function<void()>& vanish) {
    testing::StatementHook midway(*store_, &testing::StatementHook::writes, vanish);
    Result<T> result = action();
    EXPECT_TRUE(midway.fired());
    return result;
  }

  // The same data directory through its own connection and domain, as the admin CLI has it.
  struct OtherConnection {
    std::unique_ptr<sqlite::SqliteStore> store;
    timeline::HomeFeeds feeds;
    std::unique_ptr<Microblog> microblog;
  };
  void open_other(OtherConnection& other) {
    auto store = sqlite::SqliteStore::open(data_dir());
    ASSERT_TRUE(store.ok()) << store.error().message;
    other.store = std::move(store).value();
    other.microblog = std::make_unique<Microblog>(*other.store, other.feeds, InstanceConfig{});
  }

  // Not found, in the domain's words rather than the storage's.
  template <typename T>
  static void expect_not_found(const Result<T>& r, const std::string& what) {
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound) << what << ": " << r.error().message;
    EXPECT_EQ(r.error().message, "Record not found") << what;
  }

  static constexpr int kIdempotencyRounds = 4;
};

// The probe's finding: a favourite, boost or bookmark racing the post's deletion was a 500
// ("FOREIGN KEY constraint failed"). Each action whose post is deleted after the domain
// checked it and before the store writes is a 404 and leaves nothing.
TEST_F(StoreRacesTest, ActionsOnAPostDeletedMidwayAreNotFoundAndLeaveNothing) {
  const int64_t author = account("racedauthor");
  const int64_t reader = account("racedreader");
  OtherConnection other;
  open_other(other);
  using Action = std::function<Result<Post>(int64_t post)>;
  const std::vector<std::pair<std::string, Action>> actions = {
      {"favourite", [&](int64_t p) { return microblog_->posts().set_favourite(reader, p, true); }},
      {"boost", [&](int64_t p) { return microblog_->posts().set_reblog(reader, p, true, std::nullopt); }},
      {"bookmark", [&](int64_t p) { return microblog_->posts().set_bookmark(reader, p, true); }},
      {"pin", [&](int64_t p) { return microblog_->posts().set_pin(author, p, true); }},
      {"vote", [&](int64_t p) { return microblog_->posts().vote(reader, p, {0}); }},
      {"reply",
       [&](int64_t p) {
         NewPost reply;
         reply.author_id = reader;
         reply.text = "a reply";
         reply.in_reply_to_id = p;
         return microblog_->posts().create_status(reply);
       }},
  };
  for (const auto& [name, action] : actions) {
    NewPost target;
    target.author_id = author;
    target.text = name + " target";
    target.visibility = Visibility::kPublic;
    target.poll = NewPoll{{"yes", "no"}, 3600, false, false};
    auto created = microblog_->posts().create_status(target);
    ASSERT_TRUE(created.ok()) << created.error().message;
    const int64_t id = created->id;
    auto acted = with_target_vanishing<Post>(
        [&] { return action(id); },
        [&] {
          auto deleted = other.microblog->posts().delete_status(author, id);
          EXPECT_TRUE(deleted.ok()) << name << ": " << deleted.error().message;
        });
    expect_not_found(acted, name);
    for (const char* table :
         {"statuses", "favourites", "bookmarks", "pins", "poll_votes", "notifications"})
      EXPECT_EQ(count_rows(table), 0) << name << ": " << table;
  }
  auto reader_row = store_->account_by_id(reader);
  ASSERT_TRUE(reader_row.ok() && reader_row->has_value());
  EXPECT_EQ((*reader_row)->statuses_count, 0);
}

TEST_F(StoreRacesTest, ActionsOnAnAccountDeletedMidwayAreNotFoundAndLeaveNothing) {
  const int64_t owner = account("racedowner");  // registered: it seals notes to its key
  auto list = microblog_->lists().create_list(owner, ListFields{"watched", std::nullopt});
  ASSERT_TRUE(list.ok());
  OtherConnection other;
  open_other(other);
  using Action = std::function<Status(int64_t target)>;
  auto as_status = [](const auto& r) { return r.ok() ? ok_status() : Status(r.error()); };
  const std::vector<std::pair<std::string, Action>> actions = {
      {"follow", [&](int64_t t) { return as_status(microblog_->relationships().follow(owner, t, true, false)); }},
      {"block", [&](int64_t t) { return as_status(microblog_->relationships().block(owner, t, true)); }},
      {"mute", [&](int64_t t) { return as_status(microblog_->relationships().mute(owner, t, true, true)); }},
      {"note", [&](int64_t t) { return as_status(microblog_->relationships().set_note(owner, t, "who")); }},
      {"list", [&](int64_t t) { return microblog_->lists().add_to_list(owner, list->id, {t}); }},
  };
  for (const auto& [name, action] : actions) {
    const int64_t target = bare_account("racedtarget_" + name);
    if (name == "list") {
      ASSERT_TRUE(store_->follow(owner, target, false, true, false, {}).ok());
    }
    auto acted = with_target_vanishing<Ok>([&] { return action(target); },
                                           [&] {
                                             auto deleted = other.microblog->accounts().delete_account(target);
                                             EXPECT_TRUE(deleted.ok())
                                                 << name << ": " << deleted.error().message;
                                           });
    expect_not_found(acted, name);
    for (const char* table :
         {"follows", "follow_requests", "blocks", "mutes", "account_notes", "list_members"})
      EXPECT_EQ(count_rows(table), 0) << name << ": " << table;
  }
  auto owner_row = store_->account_by_id(owner);
  ASSERT_TRUE(owner_row.ok() && owner_row->has_value());
  EXPECT_EQ((*owner_row)->following_count, 0);
}

TEST_F(StoreRacesTest, PostsRacingWithOneIdempotencyKeyMakeOnePost) {
  const int64_t author = account("racedretrier");
  constexpr int kRacers = 3;
  for (int round = 0; round < kIdempotencyRounds; ++round) {
    NewPost request;
    request.author_id = author;
    request.text = "once " + std::to_string(round);
    request.idempotency_key = "key-" + std::to_string(round);
    std::vector<Result<Post>> answers(kRacers, not_found());
    std::vector<std::function<void()>> racers;
    for (int i = 0; i < kRacers; ++i)
      racers.emplace_back([&, i] { answers[i] = microblog_->posts().create_status(request); });
    race(racers);
    std::set<int64_t> ids;
    for (const auto& a : answers) {
      ASSERT_TRUE(a.ok()) << a.error().message;
      ids.insert(a->id);
      EXPECT_EQ(a->text, request.text);
    }
    EXPECT_EQ(ids.size(), 1u);
    EXPECT_EQ(count_rows("statuses"), round + 1);
  }
}

TEST_F(StoreRacesTest, ScheduledPostsRacingWithOneIdempotencyKeyScheduleOne) {
  const int64_t author = account("racedplanner");
  constexpr int kRacers = 3;
  const int64_t at = now_ms() + 3600 * 1000;
  for (int round = 0; round < kIdempotencyRounds; ++round) {
    NewPost request;
    request.author_id = author;
    request.text = "later " + std::to_string(round);
    request.idempotency_key = "key-" + std::to_string(round);
    std::vector<Result<ScheduledPost>> answers(kRacers, not_found());
    std::vector<std::function<void()>> racers;
    for (int i = 0; i < kRacers; ++i)
      racers.emplace_back(
          [&, i] { answers[i] = microblog_->posts().schedule_status(request, at + round, now_ms()); });
    race(racers);
    std::set<int64_t> ids;
    for (const auto& a : answers) {
      ASSERT_TRUE(a.ok()) << a.error().message;
      ids.insert(a->id);
    }
    EXPECT_EQ(ids.size(), 1u);
    EXPECT_EQ(count_rows("scheduled_statuses"), round + 1);
  }
}

// A scheduled post claims its Idempotency-Key when published, unless a post made with
// the same key meanwhile has it: that post stays the key's answer, and the scheduled
// one is still published (once), not retried for ever against the claimed key.
TEST_F(StoreRacesTest, APublishedScheduledPostLeavesAClaimedKeyToItsPost) {
  const int64_t author = account("racedboth");
  NewPost request;
  request.author_id = author;
  request.text = "now and later";
  request.idempotency_key = "shared";
  auto now_post = microblog_->posts().create_status(request);
  ASSERT_TRUE(now_post.ok());
  const int64_t at = now_ms() + 3600 * 1000;
  ASSERT_TRUE(microblog_->posts().schedule_status(request, at, now_ms()).ok());
  auto published = microblog_->posts().publish_due_statuses(at);
  ASSERT_TRUE(published.ok()) << published.error().message;
  EXPECT_EQ(*published, 1u);
  EXPECT_EQ(count_rows("scheduled_statuses"), 0);
  auto again = microblog_->posts().create_status(request);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, now_post->id);
}

}  // namespace
}  // namespace publius::domain
