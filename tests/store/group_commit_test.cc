// The group committer's contract on a bare connection: the writes waiting
// together share one transaction, a write's own failure takes back only its own
// statements, and a batch lost at COMMIT fails every write in it and tells the
// owner to drop what they cached.
#include "store/sqlite/group_commit.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.h"

namespace publius::sqlite {
namespace {

class GroupCommitterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Db::open(dir_.path() + "/test.db");
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::make_unique<Db>(std::move(db).value());
    ASSERT_TRUE(db_->exec("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT UNIQUE);"
                          "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT "
                          "NULL REFERENCES parent(id));")
                    .ok());
    committer_ = std::make_unique<GroupCommitter>(*db_, mu_, [this] { ++lost_batches_; });
  }

  // Runs each write on a thread of its own while the test holds the connection,
  // and lets go once all of them wait: they then form one batch. Returns each
  // write's outcome, in order.
  std::vector<Status> run_as_one_batch(const std::vector<GroupCommitter::Write>& writes) {
    std::vector<Status> outcomes(writes.size(), ok_status());
    std::vector<std::thread> threads;
    {
      std::lock_guard hold(mu_);
      for (size_t i = 0; i < writes.size(); ++i)
        threads.emplace_back([&, i] { outcomes[i] = committer_->run(writes[i]); });
      while (committer_->stats().waiting < writes.size()) std::this_thread::yield();
    }
    for (auto& t : threads) t.join();
    return outcomes;
  }

  static GroupCommitter::Write insert_parent(std::string name) {
    return [name](Db& db) -> Status {
      PUBLIUS_ASSIGN_OR_RETURN(auto s, db.prepare("INSERT INTO parent (name) VALUES (?)"));
      s.bind(1, name);
      return s.run();
    };
  }

  int64_t count(const std::string& table) {
    auto s = db_->prepare("SELECT count(*) FROM " + table);
    EXPECT_TRUE(s.ok() && s->step());
    return s.ok() ? s->int64(0) : -1;
  }

  testing::TempDir dir_;
  std::unique_ptr<Db> db_;
  std::mutex mu_;
  int lost_batches_ = 0;
  std::unique_ptr<GroupCommitter> committer_;
};

TEST_F(GroupCommitterTest, WritesWaitingTogetherShareOneTransaction) {
  auto outcomes = run_as_one_batch(
      {insert_parent("a"), insert_parent("b"), insert_parent("c"), insert_parent("d")});
  for (const auto& outcome : outcomes) EXPECT_TRUE(outcome.ok()) << outcome.error().message;
  const auto stats = committer_->stats();
  EXPECT_EQ(stats.writes, 4u);
  EXPECT_EQ(stats.batches, 1u);
  EXPECT_EQ(stats.waiting, 0u);
  EXPECT_EQ(count("parent"), 4);
}

TEST_F(GroupCommitterTest, HistogramsCountEachBatchItsSizeAndItsCommit) {
  run_as_one_batch({insert_parent("a"), insert_parent("b"), insert_parent("c")});
  run_as_one_batch({insert_parent("d")});
  const auto sizes = committer_->batch_sizes().snapshot();
  EXPECT_EQ(sizes.count, 2u);
  EXPECT_EQ(sizes.sum, 4);
  ASSERT_GE(sizes.upper_bounds.size(), 2u);
  EXPECT_EQ(sizes.upper_bounds[0], 1);
  EXPECT_EQ(sizes.cumulative[0], 1u);  // the batch of one
  EXPECT_EQ(committer_->commit_seconds().snapshot().count, 2u);
}

// The failing write ran a statement before the one that failed: both are taken
// back, its neighbours' rows stay.
TEST_F(GroupCommitterTest, AFailingWriteTakesBackOnlyItsOwnStatements) {
  ASSERT_TRUE(db_->exec("INSERT INTO parent (name) VALUES ('taken')").ok());
  const GroupCommitter::Write half_done = [](Db& db) -> Status {
    PUBLIUS_TRY(db.exec("INSERT INTO parent (name) VALUES ('half')"));
    return db.exec("INSERT INTO parent (name) VALUES ('taken')");
  };
  auto outcomes = run_as_one_batch({insert_parent("before"), half_done, insert_parent("after")});
  EXPECT_TRUE(outcomes[0].ok());
  ASSERT_FALSE(outcomes[1].ok());
  EXPECT_EQ(outcomes[1].error().code, ErrorCode::kConflict);
  EXPECT_TRUE(outcomes[2].ok());
  EXPECT_EQ(committer_->stats().batches, 1u);
  EXPECT_EQ(count("parent"), 3);  // taken, before, after
  EXPECT_EQ(count("parent WHERE name = 'half'"), 0);
  EXPECT_EQ(lost_batches_, 0);
}

// A deferred foreign key fails only at COMMIT: then nothing of the batch is
// stored, every write in it fails, and the owner is told to drop its caches.
TEST_F(GroupCommitterTest, ABatchLostAtCommitFailsEveryWriteInIt) {
  const GroupCommitter::Write dangling = [](Db& db) -> Status {
    PUBLIUS_TRY(db.exec("PRAGMA defer_foreign_keys = ON"));
    return db.exec("INSERT INTO child (parent_id) VALUES (999)");
  };
  auto outcomes = run_as_one_batch({insert_parent("kept?"), dangling});
  for (const auto& outcome : outcomes) EXPECT_FALSE(outcome.ok());
  EXPECT_EQ(lost_batches_, 1);
  EXPECT_EQ(count("parent"), 0);
  EXPECT_EQ(count("child"), 0);
  // The connection is usable again: the next batch commits.
  EXPECT_TRUE(committer_->run(insert_parent("next")).ok());
  EXPECT_EQ(count("parent"), 1);
}

// A write alone in its batch runs in the batch's transaction without a savepoint
// (whose sub-journal made a bulk load quadratic in its size), and failing, it
// still leaves nothing and loses no batch.
TEST_F(GroupCommitterTest, AWriteAloneRunsWithoutASavepointAndFailsAlone) {
  std::vector<std::string> statements;
  sqlite3_trace_v2(
      db_->handle(), SQLITE_TRACE_STMT,
      [](unsigned, void* out, void*, void* sql) {
        static_cast<std::vector<std::string>*>(out)->emplace_back(static_cast<const char*>(sql));
        return 0;
      },
      &statements);
  EXPECT_TRUE(committer_->run(insert_parent("alone")).ok());
  const GroupCommitter::Write half_done = [](Db& db) -> Status {
    PUBLIUS_TRY(db.exec("INSERT INTO parent (name) VALUES ('half')"));
    return db.exec("INSERT INTO parent (name) VALUES ('alone')");
  };
  auto failed = committer_->run(half_done);
  sqlite3_trace_v2(db_->handle(), 0, nullptr, nullptr);
  for (const auto& sql : statements) EXPECT_EQ(sql.find("SAVEPOINT"), std::string::npos) << sql;
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kConflict);
  EXPECT_EQ(count("parent"), 1);
  EXPECT_EQ(lost_batches_, 0);
  EXPECT_TRUE(committer_->run(insert_parent("next")).ok());
  EXPECT_EQ(count("parent"), 2);
}

// An enqueue()d write waits, with nobody blocked on it, for the next batch someone
// leads: the next run() commits it in the same transaction as its own write.
TEST_F(GroupCommitterTest, AnEnqueuedWriteCommitsInTheNextRunsBatch) {
  committer_->enqueue(insert_parent("queued"));
  auto stats = committer_->stats();
  EXPECT_EQ(stats.waiting, 1u);
  EXPECT_EQ(stats.enqueued, 1u);
  EXPECT_EQ(count("parent"), 0);
  EXPECT_TRUE(committer_->run(insert_parent("mine")).ok());
  stats = committer_->stats();
  EXPECT_EQ(stats.writes, 2u);
  EXPECT_EQ(stats.batches, 1u);
  EXPECT_EQ(stats.waiting, 0u);
  EXPECT_EQ(stats.enqueued, 0u);
  EXPECT_EQ(count("parent"), 2);
}

// An enqueue()d write that fails is taken back alone, as any write in a batch: the
// run() beside it commits, and the failure is the enqueued write's own to record.
TEST_F(GroupCommitterTest, AnEnqueuedWriteFailingFailsAlone) {
  ASSERT_TRUE(db_->exec("INSERT INTO parent (name) VALUES ('taken')").ok());
  Status queued_outcome = ok_status();
  committer_->enqueue([&](Db& db) -> Status {
    PUBLIUS_TRY(db.exec("INSERT INTO parent (name) VALUES ('half')"));
    queued_outcome = insert_parent("taken")(db);
    return queued_outcome;
  });
  EXPECT_TRUE(committer_->run(insert_parent("mine")).ok());
  ASSERT_FALSE(queued_outcome.ok());
  EXPECT_EQ(queued_outcome.error().code, ErrorCode::kConflict);
  EXPECT_EQ(committer_->stats().batches, 1u);
  EXPECT_EQ(count("parent"), 2);  // taken, mine
  EXPECT_EQ(count("parent WHERE name = 'half'"), 0);
  EXPECT_EQ(lost_batches_, 0);
}

}  // namespace
}  // namespace publius::sqlite
