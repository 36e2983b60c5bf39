// Poll rules over a real store: voting, the end of a poll (with the clock passed
// in, so nothing waits five minutes), the poll-end thread, and what an account's
// deletion does to its votes.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "domain/poll_closer.h"
#include "shield/inventory.h"
#include "support/microblog_fixture.h"
#include "util/time.h"

namespace publius::domain {
namespace {

class PollsTest : public testing::MicroblogFixture {
 protected:
  // A public post with a poll of the minimum duration; returns it.
  Post poll_post(int64_t author, std::vector<std::string> options, bool multiple = false) {
    NewPost p;
    p.author_id = author;
    p.text = "Which?";
    p.poll = NewPoll{std::move(options), 300, multiple, false};
    auto r = microblog_->posts().create_status(p);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : Post{};
  }

  // Ends the poll in the past, written by another connection as a clock jump
  // would (the store sees another connection's commit and drops its caches).
  void end_in_the_past(int64_t poll_id) {
    auto db = sqlite::Db::open(data_dir() + "/publius.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(
        db->exec("UPDATE polls SET expires_ms = 1 WHERE status_id = " + std::to_string(poll_id))
            .ok());
  }

  std::vector<Notification> poll_notifications(int64_t account) {
    store::NotificationQuery q;
    q.types = {NotificationType::kPoll};
    auto r = store_->notifications(account, q, Page{.limit = 40});
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::vector<Notification>{};
  }
};

TEST_F(PollsTest, APollEndsOnceForItsAuthorAndVoters) {
  const int64_t author = account("author"), voter = account("voter"), other = account("other");
  const Post post = poll_post(author, {"a", "b"});
  ASSERT_TRUE(post.poll);
  EXPECT_EQ(post.poll->expires_ms, post.created_ms + 300 * 1000);
  ASSERT_TRUE(microblog_->posts().vote(voter, post.id, {0}).ok());

  // Before its end nothing is announced, however often the check runs.
  auto ended = microblog_->posts().end_expired_polls(post.poll->expires_ms - 1);
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(*ended, 0u);
  auto next = microblog_->posts().next_poll_end();
  ASSERT_TRUE(next.ok() && *next);
  EXPECT_EQ(**next, post.poll->expires_ms);

  ended = microblog_->posts().end_expired_polls(post.poll->expires_ms);
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(*ended, 1u);
  for (int64_t recipient : {author, voter}) {
    auto notes = poll_notifications(recipient);
    ASSERT_EQ(notes.size(), 1u) << recipient;
    EXPECT_EQ(notes[0].from_account_id, author);
    EXPECT_EQ(notes[0].status_id, post.id);
  }
  EXPECT_TRUE(poll_notifications(other).empty());
  // A second run (another wake, a restart) announces nothing again.
  ended = microblog_->posts().end_expired_polls(post.poll->expires_ms + 60 * 1000);
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(*ended, 0u);
  EXPECT_EQ(poll_notifications(voter).size(), 1u);
  next = microblog_->posts().next_poll_end();
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(*next) << "no poll is left to end";
}

TEST_F(PollsTest, TheCloserThreadAnnouncesAPollThatHasEnded) {
  const int64_t author = account("author");
  const Post post = poll_post(author, {"a", "b"});
  end_in_the_past(post.id);
  {
    PollCloser closer(*microblog_, std::chrono::hours(1));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (poll_notifications(author).empty() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(poll_notifications(author).size(), 1u);
}

// Regression: the closer read the due polls, the author then edited the post (a new poll
// running for days), and end_poll() marked the new poll ended: its voters would hear "ended"
// at once and nobody at its real end.
TEST_F(PollsTest, AnEditBetweenReadingAndEndingAPollKeepsTheNewPollRunning) {
  const int64_t author = account("author"), voter = account("voter");
  const Post post = poll_post(author, {"a", "b"});
  ASSERT_TRUE(microblog_->posts().vote(voter, post.id, {0}).ok());
  end_in_the_past(post.id);
  auto due = store_->polls_due(now_ms(), 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);

  PostChange change;
  change.text = "Which, really?";
  change.poll = NewPoll{{"c", "d"}, 86400, false, false};
  auto edited = microblog_->posts().edit_status(author, post.id, change);
  ASSERT_TRUE(edited.ok()) << edited.error().message;

  Notification n;
  n.id = 1;
  n.account_id = voter;
  n.type = NotificationType::kPoll;
  n.from_account_id = author;
  n.status_id = post.id;
  auto marked = store_->end_poll(due->front(), {n});
  ASSERT_TRUE(marked.ok());
  EXPECT_FALSE(*marked) << "the poll read as due is no longer there";
  EXPECT_TRUE(poll_notifications(voter).empty());
  auto next = microblog_->posts().next_poll_end();
  ASSERT_TRUE(next.ok() && *next);
  EXPECT_EQ(**next, edited->poll->expires_ms) << "the new poll still ends at its own time";
}

// Regression: an option of spaces was a poll option, and " yes" another option than "yes".
TEST_F(PollsTest, OptionsAreTrimmedAndABlankOneIsRefused) {
  const int64_t author = account("author");
  NewPost p;
  p.author_id = author;
  p.text = "Which?";
  p.poll = NewPoll{{"yes", " \t "}, 300, false, false};
  EXPECT_EQ(microblog_->posts().create_status(p).error().code, ErrorCode::kUnprocessable);
  p.poll->options = {"yes", " yes "};
  EXPECT_EQ(microblog_->posts().create_status(p).error().code, ErrorCode::kUnprocessable);
  p.poll->options = {" yes", "no\n"};
  auto made = microblog_->posts().create_status(p);
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(poll_titles(*made->poll), (std::vector<std::string>{"yes", "no"}));
}

TEST_F(PollsTest, VotesAreCheckedAndCounted) {
  const int64_t author = account("author"), b = account("bea"), c = account("cal");
  const Post single = poll_post(author, {"a", "b", "c"});
  EXPECT_EQ(microblog_->posts().vote(author, single.id, {0}).error().code,
            ErrorCode::kUnprocessable);
  EXPECT_EQ(microblog_->posts().vote(b, single.id, {0, 1}).error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(microblog_->posts().vote(b, single.id, {3}).error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(microblog_->posts().vote(b, single.id, {}).error().code, ErrorCode::kUnprocessable);
  // Read (and cached) before the vote, the reader's choices still follow it.
  auto before = store_->poll_choices(b, {single.id});
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(before->empty());
  auto voted = microblog_->posts().vote(b, single.id, {2});
  ASSERT_TRUE(voted.ok());
  EXPECT_EQ(voted->poll->options[2].votes_count, 1);
  EXPECT_EQ(voted->poll->voters_count, 1);
  EXPECT_EQ(microblog_->posts().vote(b, single.id, {1}).error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(microblog_->posts().vote(c, post(author, "no poll"), {0}).error().code,
            ErrorCode::kNotFound);

  const Post multiple = poll_post(author, {"x", "y"}, true);
  EXPECT_EQ(microblog_->posts().vote(b, multiple.id, {1, 1}).error().code,
            ErrorCode::kUnprocessable);
  voted = microblog_->posts().vote(b, multiple.id, {1, 0});
  ASSERT_TRUE(voted.ok());
  EXPECT_EQ(voted->poll->votes_count(), 2);
  EXPECT_EQ(voted->poll->voters_count, 1);
  auto choices = store_->poll_choices(b, {single.id, multiple.id});
  ASSERT_TRUE(choices.ok());
  ASSERT_EQ(choices->size(), 2u);
  EXPECT_EQ((*choices)[0].second, std::vector<int>{2});
  EXPECT_EQ((*choices)[1].second, (std::vector<int>{0, 1}));

  // An ended poll takes no more votes.
  end_in_the_past(single.id);
  auto late = microblog_->posts().vote(c, single.id, {0});
  ASSERT_FALSE(late.ok());
  EXPECT_NE(late.error().message.find("ended"), std::string::npos) << late.error().message;
}

TEST_F(PollsTest, DeletingAVoterDeletesTheirVotesAndKeepsTheTallies) {
  const int64_t author = account("author"), voter = account("voter");
  const Post post = poll_post(author, {"a", "b"});
  ASSERT_TRUE(microblog_->posts().vote(voter, post.id, {1}).ok());
  auto inventory = store_->inventory_counts(voter);
  ASSERT_TRUE(inventory.ok());
  EXPECT_EQ(inventory->poll_votes, 1);
  const auto built = shield::build_inventory(*inventory);
  const auto* records = built.holding("non_content_records");
  ASSERT_NE(records, nullptr);
  EXPECT_NE(records->what.find("1 poll choices"), std::string::npos) << records->what;

  ASSERT_TRUE(microblog_->accounts().delete_account(voter).ok());
  auto kept = store_->status_by_id(post.id);
  ASSERT_TRUE(kept.ok() && *kept && (*kept)->poll);
  EXPECT_EQ((*kept)->poll->options[1].votes_count, 1) << "tallies stay, as in Mastodon";
  EXPECT_EQ(count_rows("poll_votes"), 0);
  // The ended poll notifies no deleted account.
  auto ended = microblog_->posts().end_expired_polls(post.poll->expires_ms);
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(*ended, 1u);
  EXPECT_EQ(poll_notifications(author).size(), 1u);
}

}  // namespace
}  // namespace publius::domain
