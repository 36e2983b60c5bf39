// The disclosure inventory reports exactly what the store holds about an
// account, and says plainly which demand categories have nothing behind them.
#include "shield/inventory.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/microblog_fixture.h"
#include "util/time.h"

namespace publius::shield {
namespace {

class InventoryTest : public publius::testing::MicroblogFixture {
 protected:
  static int64_t item(const AccountInventory& inv, std::string_view group, std::string_view name) {
    for (const auto& g : inv.groups)
      if (g.name == group)
        for (const auto& i : g.items)
          if (i.name == name) return i.count;
    ADD_FAILURE() << group << "/" << name << " missing";
    return -1;
  }
};

TEST_F(InventoryTest, CountsEveryKindOfDatum) {
  const int64_t alice = account("alice");
  const int64_t bob = account("bob");
  const int64_t carol = account("carol");
  post(alice, "one", domain::Visibility::kPublic);
  post(alice, "two", domain::Visibility::kPublic);
  post(alice, "quiet", domain::Visibility::kUnlisted);
  post(alice, "for followers", domain::Visibility::kPrivate);
  post(alice, "@bob secret", domain::Visibility::kDirect);
  const int64_t bobs = post(bob, "bob speaks", domain::Visibility::kPublic);
  ASSERT_TRUE(microblog_->relationships().follow(alice, bob, true, false).ok());
  ASSERT_TRUE(microblog_->relationships().follow(carol, alice, true, false).ok());
  ASSERT_TRUE(microblog_->relationships().follow(bob, alice, true, false).ok());
  ASSERT_TRUE(microblog_->posts().set_favourite(alice, bobs, true).ok());
  ASSERT_TRUE(microblog_->posts().set_reblog(alice, bobs, true, std::nullopt).ok());
  const int64_t day = *parse_rfc3339_ms("2026-11-23T00:00:00Z");
  ASSERT_TRUE(store_->touch_activity_day(alice, 0, "", day).ok());
  domain::Filter filter;
  filter.title = "quiet please";
  filter.contexts = domain::kFilterHome;
  filter.keywords = {{0, "election", true}, {0, "poll", false}};
  ASSERT_TRUE(microblog_->filters().save_filter(alice, filter).ok());
  ASSERT_TRUE(microblog_->tags().follow_tag(alice, "Privacy").ok());
  ASSERT_TRUE(microblog_->tags().feature_tag(alice, "Federalist").ok());
  ASSERT_TRUE(microblog_->relationships().endorse(alice, bob, true).ok());
  ASSERT_TRUE(microblog_->reports().file_report(alice, {.target_id = carol}).ok());

  StoreDisclosureInventory inventory(*store_);
  auto inv = inventory.for_username("@alice");
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  EXPECT_EQ(item(*inv, "public", "public_posts"), 2);
  EXPECT_EQ(item(*inv, "public", "following"), 1);
  EXPECT_EQ(item(*inv, "public", "followers"), 2);
  EXPECT_EQ(item(*inv, "public", "favourites"), 1);
  EXPECT_EQ(item(*inv, "public", "boosts"), 1);
  EXPECT_EQ(item(*inv, "non_public_content", "followers_only_posts"), 1);
  EXPECT_EQ(item(*inv, "non_public_content", "unlisted_posts"), 1);
  EXPECT_EQ(item(*inv, "non_public_content", "conversations"), 1);
  EXPECT_EQ(item(*inv, "non_public_content", "posting_defaults"), 1);
  EXPECT_EQ(item(*inv, "non_public_content", "filters"), 1);
  EXPECT_EQ(item(*inv, "non_public_content", "filter_keywords"), 2);
  EXPECT_EQ(item(*inv, "non_public_content", "followed_tags"), 1);
  EXPECT_EQ(item(*inv, "public", "featured_tags"), 1);
  EXPECT_EQ(item(*inv, "public", "endorsements"), 1);
  EXPECT_EQ(item(*inv, "non_public_content", "reports_filed"), 1);
  EXPECT_EQ(item(*inv, "non_public_content", "reports_about"), 0);
  EXPECT_NE(inv->holding("non_content_records")->what.find("1 followed hashtags (undated)"),
            std::string::npos);
  EXPECT_EQ(item(*inv, "sealed_content", "direct_messages"), 1);
  EXPECT_EQ(item(*inv, "sealed_content", "direct_messages_received"), 0);
  EXPECT_EQ(item(*inv, "secrets_as_hashes", "public_key"), 1);
  // The password's copy and one per recovery code.
  EXPECT_EQ(item(*inv, "secrets_as_hashes", "wrapped_secret_key_copies"), 11);
  EXPECT_NE(
      inv->holding("content")->what.find("1 direct messages written and 0 received are sealed"),
      std::string::npos);
  EXPECT_EQ(item(*inv, "timestamps", "last_active_day"), 1);
  EXPECT_EQ(item(*inv, "secrets_as_hashes", "password_hash"), 1);
  EXPECT_GT(item(*inv, "secrets_as_hashes", "recovery_code_hashes"), 0);

  for (const char* not_held :
       {"subscriber_name", "login_records", "phone_numbers", "mailing_addresses", "ip_addresses",
        "email_addresses", "payment_records"}) {
    ASSERT_NE(inv->holding(not_held), nullptr) << not_held;
    EXPECT_FALSE(inv->holding(not_held)->held) << not_held;
  }
  EXPECT_TRUE(inv->holding("content")->held);
  EXPECT_TRUE(inv->holding("non_content_records")->held);
  EXPECT_EQ(inv->holding("login_records")->what,
            "no login history is kept; last active day 2026-11-23 and token last-used days "
            "(none) only");
  EXPECT_NE(inv->holding("ip_addresses")->what.find("no column"), std::string::npos);
  // Web Push subscriptions are said to exist in memory only.
  EXPECT_EQ(item(*inv, "non_public_content", "push_subscriptions_on_disk"), 0);
  EXPECT_NE(inv->holding("all_records")
                ->what.find("Web Push subscriptions live in the running "
                            "server's memory only"),
            std::string::npos);

  auto bobs_inventory = inventory.for_account(bob);
  ASSERT_TRUE(bobs_inventory.ok());
  EXPECT_EQ(item(*bobs_inventory, "sealed_content", "direct_messages_received"), 1);
  // The federation key pair is said to exist once made, and its secret half is never shown.
  EXPECT_EQ(item(*bobs_inventory, "secrets_as_hashes", "actor_key"), 0);
  ASSERT_TRUE(store_->add_actor_key(bob, {"PUBLIC-PEM-VALUE", "PRIVATE-PEM-VALUE"}).ok());
  bobs_inventory = inventory.for_account(bob);
  ASSERT_TRUE(bobs_inventory.ok());
  EXPECT_EQ(item(*bobs_inventory, "secrets_as_hashes", "actor_key"), 1);
  EXPECT_EQ(inventory_to_json(*bobs_inventory).find("PRIVATE-PEM-VALUE"), std::string::npos);
  EXPECT_EQ(item(*bobs_inventory, "non_public_content", "conversations"), 1);
  auto carols_inventory = inventory.for_account(carol);
  ASSERT_TRUE(carols_inventory.ok());
  EXPECT_EQ(item(*carols_inventory, "non_public_content", "reports_about"), 1);
  EXPECT_EQ(item(*carols_inventory, "non_public_content", "reports_filed"), 0);

  auto json = boost::json::parse(inventory_to_json(*inv)).as_object();
  EXPECT_EQ(json.at("groups").at("sealed_content").at("direct_messages").at("count").as_int64(), 1);
  EXPECT_FALSE(json.at("demand_categories").at("phone_numbers").at("held").as_bool());
  const std::string text = inventory_to_text(*inv);
  EXPECT_NE(text.find("secrets_as_hashes:"), std::string::npos);
  // Secrets are counted, never shown.
  auto hash = store_->password_hash(alice);
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(text.find(*hash), std::string::npos);
  EXPECT_EQ(inventory_to_json(*inv).find(*hash), std::string::npos);
}

TEST_F(InventoryTest, AnAccountWithoutPostsHoldsNoContent) {
  account("quiet");
  StoreDisclosureInventory inventory(*store_);
  auto inv = inventory.for_username("quiet");
  ASSERT_TRUE(inv.ok());
  EXPECT_FALSE(inv->holding("content")->held);
  EXPECT_EQ(item(*inv, "timestamps", "last_active_day"), 0);
}

TEST_F(InventoryTest, AnAccountOfAnotherServerListsWhatReachedThisOneAndNoLocalRecords) {
  const int64_t alice = account("alice");
  auto remote = store_->save_remote_actor(
      {.uri = "https://remote.example/users/ext",
       .inbox = "https://remote.example/users/ext/inbox",
       .shared_inbox = "https://remote.example/inbox",
       .key_id = "https://remote.example/users/ext#main-key",
       .public_pem = "-----BEGIN PUBLIC KEY-----"},
      {.acct = "ext@remote.example", .display_name = "Ext", .note = "elsewhere"});
  ASSERT_TRUE(remote.ok()) << remote.error().message;
  ASSERT_TRUE(microblog_->relationships().follow(*remote, alice, true, false).ok());
  post(*remote, "from afar", domain::Visibility::kPublic);
  post(*remote, "for its followers", domain::Visibility::kPrivate);
  ASSERT_TRUE(store_
                  ->enqueue_deliveries({{.inbox = "https://remote.example/users/ext/inbox",
                                         .kind = store::DeliveryKind::kAcceptFollow,
                                         .account_id = alice,
                                         .object_id = *remote,
                                         .object_uri = "https://remote.example/follows/1"}},
                                       0)
                  .ok());

  StoreDisclosureInventory inventory(*store_);
  auto inv = inventory.for_username("@ext@remote.example");
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  EXPECT_EQ(item(*inv, "remote_account", "actor"), 1);
  EXPECT_EQ(item(*inv, "remote_account", "queued_deliveries"), 1);
  EXPECT_EQ(item(*inv, "public", "public_posts"), 1);
  EXPECT_EQ(item(*inv, "public", "following"), 1);
  EXPECT_EQ(item(*inv, "non_public_content", "followers_only_posts"), 1);
  for (const auto& group : inv->groups) {
    EXPECT_NE(group.name, "secrets_as_hashes") << "it never signs in here";
    for (const auto& i : group.items) EXPECT_NE(i.name, "token_last_used_days");
  }
  EXPECT_TRUE(inv->holding("content")->held);
  EXPECT_TRUE(inv->holding("non_content_records")->held);
  for (const char* category : {"subscriber_name", "login_records", "ip_addresses",
                               "email_addresses", "member_attribution"})
    EXPECT_FALSE(inv->holding(category)->held) << category;
  EXPECT_NE(inv->holding("non_content_records")->what.find("https://remote.example/users/ext"),
            std::string::npos);
  EXPECT_NE(inventory_to_json(*inv).find("\"remote_account\""), std::string::npos);

  // The local account it follows: one follower, on another server; its queued Accept.
  auto local = inventory.for_account(alice);
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->counts.remote_followers, 1);
  EXPECT_FALSE(local->counts.remote.has_value());
  EXPECT_EQ(item(*local, "non_public_content", "queued_deliveries"), 1);
}

TEST_F(InventoryTest, UnknownAccountIsNotFound) {
  StoreDisclosureInventory inventory(*store_);
  auto inv = inventory.for_username("nobody");
  ASSERT_FALSE(inv.ok());
  EXPECT_EQ(inv.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(inventory.for_account(987654).ok());
}

}  // namespace
}  // namespace publius::shield
