// Filters: keyword matching and the rules that keep filters private to their owner.
#include "domain/filters.h"

#include <gtest/gtest.h>

#include "support/microblog_fixture.h"
#include "util/time.h"

namespace publius::domain {
namespace {

Filter keyword_filter(std::string keyword, bool whole_word) {
  Filter f;
  f.id = 1;
  f.title = "t";
  f.contexts = kFilterHome;
  f.keywords.push_back({1, std::move(keyword), whole_word});
  return f;
}

bool matches(const std::string& keyword, bool whole_word, std::string_view text) {
  FilterMatcher m({keyword_filter(keyword, whole_word)}, 0);
  return !m.match(1, text).empty();
}

TEST(FilterMatcherTest, KeywordsMatchIgnoringCase) {
  EXPECT_TRUE(matches("Election", false, "the ELECTION results"));
  EXPECT_TRUE(matches("straße", false, "STRASSE closed"));    // full Unicode case folding
  EXPECT_TRUE(matches("café", true, "Cafe\u0301 reopened"));  // and normalization
  EXPECT_FALSE(matches("election", false, "the vote results"));
}

TEST(FilterMatcherTest, WholeWordsNeedABoundaryOnBothSides) {
  EXPECT_TRUE(matches("cat", true, "a cat, asleep"));
  EXPECT_TRUE(matches("cat", true, "cat"));
  EXPECT_FALSE(matches("cat", true, "concatenate"));
  EXPECT_FALSE(matches("cat", true, "cats"));
  EXPECT_FALSE(matches("cat", true, "cat_video"));
  EXPECT_FALSE(matches("cat", true, "écat"));            // a letter outside ASCII is a letter too
  EXPECT_TRUE(matches("cat", true, "concatenate cat"));  // a later occurrence still counts
  EXPECT_TRUE(matches("cat", false, "concatenate"));
  // A keyword that begins with punctuation has no boundary to check on that side.
  EXPECT_TRUE(matches("@twitter.com", true, "me@twitter.com"));
}

TEST(FilterMatcherTest, ReportsWhichKeywordsAndWhetherThePostWasPicked) {
  Filter f = keyword_filter("alpha", true);
  f.keywords.push_back({2, "Beta", true});
  f.keywords.push_back({3, "gamma", true});
  f.statuses.push_back({9, 42});
  FilterMatcher m({f}, 0);
  auto found = m.match(42, "beta and alpha");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].keyword_matches, (std::vector<std::string>{"alpha", "Beta"}));
  EXPECT_TRUE(found[0].status_matched);
  found = m.match(43, "nothing here");
  EXPECT_TRUE(found.empty());
}

TEST(FilterMatcherTest, ExpiredFiltersMatchNothing) {
  Filter f = keyword_filter("alpha", false);
  f.expires_day_ms = 2 * kDayMs;
  EXPECT_FALSE(FilterMatcher({f}, 2 * kDayMs - 1).match(1, "alpha").empty());
  EXPECT_TRUE(FilterMatcher({f}, 2 * kDayMs).match(1, "alpha").empty());
}

TEST(FilterMatcherTest, ExpiryIsKeptToTheDay) {
  EXPECT_EQ(filter_expiry_day(kDayMs + 5, 1800), 2 * kDayMs);
  EXPECT_EQ(filter_expiry_day(kDayMs - 1000, 1), kDayMs);
  EXPECT_EQ(filter_expiry_day(kDayMs + 1, 7 * 86400), 9 * kDayMs);
}

TEST(FilterValidationTest, RefusesWhatMastodonRefuses) {
  Filter f = keyword_filter("ok", true);
  EXPECT_TRUE(validate_filter(f).ok());
  Filter blank_title = f;
  blank_title.title = "  ";
  EXPECT_EQ(validate_filter(blank_title).error().code, ErrorCode::kUnprocessable);
  Filter no_context = f;
  no_context.contexts = 0;
  EXPECT_EQ(validate_filter(no_context).error().code, ErrorCode::kUnprocessable);
  Filter blank_keyword = f;
  blank_keyword.keywords[0].keyword = "";
  EXPECT_EQ(validate_filter(blank_keyword).error().code, ErrorCode::kUnprocessable);
  Filter long_keyword = f;
  long_keyword.keywords[0].keyword = std::string(kMaxFilterKeyword + 1, 'k');
  EXPECT_EQ(validate_filter(long_keyword).error().code, ErrorCode::kUnprocessable);
}

// Regression: a filter took any number of picked posts; every save compared each stored one
// against all those kept, and every status rendered for the owner scanned them all.
TEST(FilterValidationTest, RefusesMorePickedPostsThanTheLimit) {
  Filter f = keyword_filter("ok", true);
  for (int64_t i = 1; i <= static_cast<int64_t>(kMaxStatusesPerFilter); ++i)
    f.statuses.push_back({i, i});
  EXPECT_TRUE(validate_filter(f).ok());
  f.statuses.push_back({0, 0});
  EXPECT_EQ(validate_filter(f).error().code, ErrorCode::kUnprocessable);
}

using FilterRulesTest = publius::testing::MicroblogFixture;

TEST_F(FilterRulesTest, FiltersArePrivateToTheirOwnerAndKeepKeywordIds) {
  const int64_t alice = account("alice");
  const int64_t bob = account("bob");
  Filter f = keyword_filter("spoilers", true);
  f.id = 0;
  f.keywords[0].id = 0;
  auto saved = microblog_->filters().save_filter(alice, f);
  ASSERT_TRUE(saved.ok()) << saved.error().message;
  ASSERT_NE(saved->keywords[0].id, 0);
  const int64_t kept_id = saved->keywords[0].id;

  EXPECT_EQ(microblog_->filters().own_filter(bob, saved->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(microblog_->filters().own_filter_with_keyword(bob, kept_id).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(microblog_->filters().delete_filter(bob, saved->id).error().code, ErrorCode::kNotFound);
  Filter stolen = *saved;
  stolen.title = "mine now";
  EXPECT_EQ(microblog_->filters().save_filter(bob, stolen).error().code, ErrorCode::kNotFound);

  Filter changed = *saved;
  changed.keywords.push_back({0, "finale", false});
  auto resaved = microblog_->filters().save_filter(alice, changed);
  ASSERT_TRUE(resaved.ok());
  ASSERT_EQ(resaved->keywords.size(), 2u);
  EXPECT_EQ(resaved->keywords[0].id, kept_id);
  resaved->keywords.erase(resaved->keywords.begin());
  auto trimmed = microblog_->filters().save_filter(alice, *resaved);
  ASSERT_TRUE(trimmed.ok());
  auto stored = microblog_->filters().own_filter(alice, saved->id);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->keywords.size(), 1u);
  EXPECT_EQ(stored->keywords[0].keyword, "finale");
}

TEST_F(FilterRulesTest, OnlyVisiblePostsCanBeFilteredAndOnlyOnce) {
  const int64_t alice = account("alice");
  const int64_t bob = account("bob");
  const int64_t bobs_private = post(bob, "followers only", Visibility::kPrivate);
  const int64_t bobs_public = post(bob, "public");
  Filter f = keyword_filter("x", true);
  f.id = 0;
  f.keywords[0].id = 0;
  f.statuses.push_back({0, bobs_private});
  EXPECT_EQ(microblog_->filters().save_filter(alice, f).error().code, ErrorCode::kNotFound);
  f.statuses = {{0, bobs_public}, {0, bobs_public}};
  EXPECT_EQ(microblog_->filters().save_filter(alice, f).error().code, ErrorCode::kUnprocessable);
  f.statuses.pop_back();
  EXPECT_TRUE(microblog_->filters().save_filter(alice, f).ok());
}

TEST_F(FilterRulesTest, AnAccountHasABoundedNumberOfFilters) {
  const int64_t alice = account("alice");
  Filter f = keyword_filter("x", true);
  f.id = 0;
  f.keywords[0].id = 0;
  for (size_t i = 0; i < kMaxFiltersPerAccount; ++i)
    ASSERT_TRUE(microblog_->filters().save_filter(alice, f).ok());
  EXPECT_EQ(microblog_->filters().save_filter(alice, f).error().code, ErrorCode::kUnprocessable);
}

}  // namespace
}  // namespace publius::domain
