// A demand for "the person who posted X" on a collective account: the disclosure
// inventory says which member performed any action is not held, and the review
// finds the attribution not held, whatever category the demand names it by.
#include <gtest/gtest.h>

#include "legal/default_rules.h"
#include "legal/review.h"
#include "shield/inventory.h"
#include "util/time.h"

namespace publius::legal {
namespace {

store::AccountInventoryCounts counts_of(std::vector<int64_t> member_join_days) {
  store::AccountInventoryCounts c;
  c.account_id = 7;
  c.username = "alt_agency";
  c.created_day_ms = *parse_rfc3339_ms("2026-01-20T00:00:00Z");
  c.member_join_days_ms = std::move(member_join_days);
  return c;
}

Demand demand_for(std::vector<std::string> categories) {
  Demand d;
  d.agency = "Department of Homeland Security";
  d.instrument = "administrative_summons";
  d.authority = "19 U.S.C. § 1509";
  d.targets = {"alt_agency"};
  d.categories_requested = std::move(categories);
  d.received_ms = *parse_rfc3339_ms("2026-03-01T00:00:00Z");
  return d;
}

const Finding* find(const Review& review, std::string_view code) {
  for (const auto& f : review.findings)
    if (f.code == code) return &f;
  return nullptr;
}

TEST(CollectiveInventory, StatesTheMembersAndThatWhoActedIsNotHeld) {
  const int64_t day = *parse_rfc3339_ms("2026-02-01T00:00:00Z");
  auto inv = shield::build_inventory(counts_of({day, day, day + kDayMs}));
  const auto* attribution = inv.holding("member_attribution");
  ASSERT_NE(attribution, nullptr);
  EXPECT_FALSE(attribution->held);
  EXPECT_NE(attribution->what.find("3 members"), std::string::npos) << attribution->what;
  EXPECT_NE(attribution->what.find("recorded nowhere"), std::string::npos);
  const shield::InventoryGroup* group = nullptr;
  for (const auto& g : inv.groups)
    if (g.name == "collective_account") group = &g;
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->items.front().count, 3);
  EXPECT_NE(group->items.front().detail.find("2026-02-01, 2026-02-01, 2026-02-02"),
            std::string::npos);
}

TEST(CollectiveInventory, AOnePersonAccountHasNoMembersToList) {
  auto inv = shield::build_inventory(counts_of({}));
  for (const auto& g : inv.groups) EXPECT_NE(g.name, "collective_account");
  ASSERT_NE(inv.holding("member_attribution"), nullptr);
  EXPECT_NE(inv.holding("member_attribution")->what.find("one-person"), std::string::npos);
}

TEST(CollectiveReview, AskingWhoPostedOnACollectiveAccountFindsTheAttributionNotHeld) {
  auto rules = Rules::parse(kDefaultRulesJson);
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  const int64_t day = *parse_rfc3339_ms("2026-02-01T00:00:00Z");
  std::map<std::string, std::optional<shield::AccountInventory>> targets = {
      {"alt_agency", shield::build_inventory(counts_of({day, day}))}};
  for (const auto& categories : std::vector<std::vector<std::string>>{
           {"member_attribution"}, {"subscriber_name"}, {"login_records"}}) {
    const Review review = review_demand(*rules, demand_for(categories), targets);
    const Finding* f = find(review, "collective_attribution_not_held");
    ASSERT_NE(f, nullptr) << categories.front();
    EXPECT_EQ(f->target, "alt_agency");
    EXPECT_NE(f->explanation.find("2 members"), std::string::npos) << f->explanation;
  }
  // A one-person account gets no such finding, and nothing of this kind is held either.
  targets["alt_agency"] = shield::build_inventory(counts_of({}));
  const Review single = review_demand(*rules, demand_for({"member_attribution"}), targets);
  EXPECT_EQ(find(single, "collective_attribution_not_held"), nullptr);
  EXPECT_NE(find(single, "category_not_held"), nullptr);
}

TEST(CollectiveReview, AnOperatorsOlderRulesFileStillGetsTheFinding) {
  auto rules = Rules::parse(kDefaultRulesJson);
  ASSERT_TRUE(rules.ok());
  rules->findings.erase(std::string("collective_attribution_not_held"));
  const int64_t day = *parse_rfc3339_ms("2026-02-01T00:00:00Z");
  const Review review =
      review_demand(*rules, demand_for({"member_attribution"}),
                    {{"alt_agency", shield::build_inventory(counts_of({day, day, day}))}});
  const Finding* f = find(review, "collective_attribution_not_held");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->explanation.find("3 members"), std::string::npos);
}

}  // namespace
}  // namespace publius::legal
