// The SQLite layer reports failures by the store's contract (store/store.h), so a
// uniqueness violation, a vanished row and a busy file reach a client as 409, 404
// and 503, never as a 500.
#include "store/sqlite/db.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace publius::sqlite {
namespace {

class DbErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Db::open(path());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::make_unique<Db>(std::move(db).value());
    ASSERT_TRUE(db_->exec("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT UNIQUE);"
                          "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT "
                          "NULL REFERENCES parent(id) ON DELETE CASCADE);"
                          "INSERT INTO parent (id, name) VALUES (1, 'one');")
                    .ok());
  }
  std::string path() const { return dir_.path() + "/test.db"; }

  testing::TempDir dir_;
  std::unique_ptr<Db> db_;
};

TEST_F(DbErrorsTest, UniquenessViolationsAreConflicts) {
  auto same_key = db_->exec("INSERT INTO parent (id, name) VALUES (1, 'other')");
  ASSERT_FALSE(same_key.ok());
  EXPECT_EQ(same_key.error().code, ErrorCode::kConflict) << same_key.error().message;
  auto stmt = db_->prepare("INSERT INTO parent (id, name) VALUES (2, 'one')");
  ASSERT_TRUE(stmt.ok());
  auto same_name = stmt->run();
  ASSERT_FALSE(same_name.ok());
  EXPECT_EQ(same_name.error().code, ErrorCode::kConflict) << same_name.error().message;
}

TEST_F(DbErrorsTest, AReferenceToARowThatIsGoneIsNotFound) {
  auto stmt = db_->prepare("INSERT INTO child (parent_id) VALUES (2)");
  ASSERT_TRUE(stmt.ok());
  auto orphan = stmt->run();
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().code, ErrorCode::kNotFound) << orphan.error().message;
}

TEST_F(DbErrorsTest, AFileStillLockedByAnotherWriterIsUnavailable) {
  auto tx = Transaction::begin(*db_);
  ASSERT_TRUE(tx.ok());
  auto other = Db::open(path());
  ASSERT_TRUE(other.ok());
  sqlite3_busy_timeout(other->handle(), 0);  // the server's 10 s, without the wait
  auto busy = Transaction::begin(*other);
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().code, ErrorCode::kUnavailable) << busy.error().message;
}

TEST_F(DbErrorsTest, OtherFailuresAreInternal) {
  auto missing = db_->exec("INSERT INTO nowhere VALUES (1)");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kInternal) << missing.error().message;
  auto null_key = db_->exec("INSERT INTO child (parent_id) VALUES (NULL)");
  ASSERT_FALSE(null_key.ok());
  EXPECT_EQ(null_key.error().code, ErrorCode::kInternal) << null_key.error().message;
}

// A statement prepared_cached while the same text is still lent out (stepped inside the
// loop of itself) is compiled anew, so neither disturbs the other; once both are gone
// the cached one is lent again, reset and with no bindings left.
TEST_F(DbErrorsTest, ACachedStatementLentOutIsNotLentTwice) {
  ASSERT_TRUE(db_->exec("INSERT INTO parent (id, name) VALUES (2, 'two'), (3, 'three')").ok());
  constexpr std::string_view kNames = "SELECT name FROM parent WHERE id >= ? ORDER BY id";
  std::vector<std::string> pairs;
  {
    auto outer = db_->prepare_cached(kNames);
    ASSERT_TRUE(outer.ok());
    outer->bind(1, int64_t{2});
    while (outer->step()) {
      auto inner = db_->prepare_cached(kNames);
      ASSERT_TRUE(inner.ok());
      inner->bind(1, int64_t{3});
      ASSERT_TRUE(inner->step());
      pairs.push_back(outer->text(0) + "/" + inner->text(0));
    }
    ASSERT_TRUE(outer->status().ok());
  }
  EXPECT_EQ(pairs, (std::vector<std::string>{"two/three", "three/three"}));
  auto again = db_->prepare_cached(kNames);
  ASSERT_TRUE(again.ok());
  again->bind(1, int64_t{1});
  std::vector<std::string> names;
  while (again->step()) names.push_back(again->text(0));
  EXPECT_EQ(names, (std::vector<std::string>{"one", "two", "three"}));
}

}  // namespace
}  // namespace publius::sqlite
