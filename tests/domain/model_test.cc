// The value types' own rules (domain/model.h).
#include "domain/model.h"

#include <gtest/gtest.h>

#include <utility>

namespace publius::domain {
namespace {

Post stamped_post() {
  Post p;
  p.id = 1;
  p.text = "hello";
  p.store_revision = StoreRevision::fresh();
  return p;
}

// A copy may be changed (an edit copies a post, then changes it), so it cannot pass for the
// store's entry: it starts unstamped, unless the store stamps it itself.
TEST(StoreRevisionTest, ACopyIsUnstampedAndAMoveKeepsTheStamp) {
  const Post original = stamped_post();
  ASSERT_NE(original.store_revision.value(), 0u);

  const Post copied = original;
  EXPECT_EQ(copied.store_revision.value(), 0u);
  Post assigned;
  assigned.store_revision = StoreRevision::fresh();
  assigned = original;
  EXPECT_EQ(assigned.store_revision.value(), 0u);

  Post source = stamped_post();
  const uint64_t revision = source.store_revision.value();
  const Post moved = std::move(source);
  EXPECT_EQ(moved.store_revision.value(), revision);

  Post restamped = original;
  restamped.store_revision.stamp_as(original.store_revision);
  EXPECT_EQ(restamped.store_revision.value(), original.store_revision.value());
  restamped.store_revision.clear();
  EXPECT_EQ(restamped.store_revision.value(), 0u);
}

TEST(StoreRevisionTest, IsNotPartOfThePostsValue) {
  const Post a = stamped_post();
  Post b = stamped_post();
  EXPECT_NE(a.store_revision.value(), b.store_revision.value());
  EXPECT_EQ(a, b);
  b.text = "changed";
  EXPECT_NE(a, b);
}

TEST(StoreRevisionTest, IsNotPartOfTheAccountsValue) {
  Account a, b;
  a.id = b.id = 1;
  a.username = b.username = "same";
  a.store_revision = StoreRevision::fresh();
  EXPECT_EQ(a, b);
  const Account copied = a;
  EXPECT_EQ(copied.store_revision.value(), 0u);
  b.followers_count = 1;
  EXPECT_NE(a, b);
}

TEST(StoreRevisionTest, FreshRevisionsAreNeverRepeated) {
  uint64_t last = StoreRevision::fresh().value();
  for (int i = 0; i < 1000; ++i) {
    const uint64_t next = StoreRevision::fresh().value();
    EXPECT_GT(next, last);
    last = next;
  }
}

}  // namespace
}  // namespace publius::domain
