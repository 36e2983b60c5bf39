// The push sender as the domain's live observer: an erased account's subscriptions
// go with it, and other accounts' stay.
#include "push/sender.h"

#include <gtest/gtest.h>

#include "domain/live_observers.h"
#include "support/microblog_fixture.h"

namespace publius::push {
namespace {

class PushSenderTest : public testing::MicroblogFixture {};

TEST_F(PushSenderTest, AnErasedAccountLosesItsSubscriptions) {
  api::Renderer renderer(*microblog_);
  PushSubscriptions subscriptions;
  auto key = generate_p256_key_pair();
  ASSERT_TRUE(key.ok());
  const VapidKey vapid(*key);
  PushSender sender(*microblog_, renderer, subscriptions, vapid, {.subject = "https://x.example"});
  domain::LiveObservers live;
  live.add(sender);
  microblog_->set_live_observer(&live);

  const int64_t leaver = account("leaver");
  const int64_t stayer = account("stayer");
  for (int64_t token : {1, 2}) {
    PushSubscription s;
    s.token_id = token;
    s.account_id = leaver;
    subscriptions.put(s);
  }
  PushSubscription kept;
  kept.token_id = 3;
  kept.account_id = stayer;
  subscriptions.put(kept);

  ASSERT_TRUE(microblog_->accounts().delete_account(leaver).ok());
  EXPECT_TRUE(subscriptions.of_account(leaver).empty());
  EXPECT_EQ(subscriptions.of_account(stayer).size(), 1u);
  microblog_->set_live_observer(nullptr);
}

}  // namespace
}  // namespace publius::push
