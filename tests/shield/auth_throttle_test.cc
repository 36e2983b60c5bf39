// The credential-guessing throttle, on an injected clock: growing bounded
// delays per account and per client, forgiveness, one check at a time past
// the free failures, and a memory bound an attacker cannot use to reset a
// target account.
#include "shield/auth_throttle.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "util/crypto.h"

namespace publius::shield {
namespace {

using namespace std::chrono_literals;

class AuthThrottleTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(crypto_init().ok()); }

  AuthThrottle::Options options() {
    AuthThrottle::Options o;
    o.clock = [this] { return now_; };
    return o;
  }
  // One wrong guess: the seconds to wait when the throttle refused it, else 0.
  static int64_t guess_wrong(AuthThrottle& t, const std::string& account,
                             const std::string& client) {
    auto attempt = t.begin(account, client);
    if (!attempt.ok()) {
      EXPECT_EQ(attempt.error().code, ErrorCode::kTooManyRequests);
      EXPECT_GT(attempt.error().retry_after_s, 0);
      return attempt.error().retry_after_s;
    }
    return 0;  // the attempt ends without succeeded(): a failure
  }
  static bool guess_right(AuthThrottle& t, const std::string& account, const std::string& client) {
    auto attempt = t.begin(account, client);
    if (!attempt.ok()) return false;
    attempt->succeeded();
    return true;
  }
  // A client key never seen before, as a fresh random Authorization header would
  // have bought before the fix: here each guess also comes from a new address.
  std::string fresh_client() { return "client-" + std::to_string(++clients_); }
  void advance(std::chrono::milliseconds d) { now_ += d.count(); }

  int64_t now_ = 1'700'000'000'000;
  int clients_ = 0;
};

TEST_F(AuthThrottleTest, AnAccountGetsFreeFailuresThenDoublingDelaysUpToTheCap) {
  AuthThrottle t(options());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(guess_wrong(t, "victim", fresh_client()), 0) << i;
  // From any client, the account now waits 1 s, then 2, 4, ... up to 15 minutes.
  std::vector<int64_t> waits;
  for (int i = 0; i < 14; ++i) {
    const int64_t wait = guess_wrong(t, "victim", fresh_client());
    ASSERT_GT(wait, 0) << "guess " << i << " after the free ones was not refused";
    waits.push_back(wait);
    advance(std::chrono::seconds(wait));
    EXPECT_EQ(guess_wrong(t, "victim", fresh_client()), 0) << "still refused after the wait";
  }
  EXPECT_EQ(waits[0], 1);
  EXPECT_EQ(waits[1], 2);
  EXPECT_EQ(waits[2], 4);
  EXPECT_EQ(waits[9], 512);
  EXPECT_EQ(waits[10], 900);  // capped: never more than 15 minutes
  EXPECT_EQ(waits.back(), 900);
  // Bounded, never locked: after the wait the owner's right password works.
  advance(900s);
  EXPECT_TRUE(guess_right(t, "victim", fresh_client()));
  // ...and clears the account's count.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(guess_wrong(t, "victim", fresh_client()), 0) << i;
}

TEST_F(AuthThrottleTest, RefusedAttemptsCheckNothingAndDoNotLengthenTheWait) {
  AuthThrottle t(options());
  for (int i = 0; i < 7; ++i) {
    advance(10s);
    guess_wrong(t, "owner", fresh_client());
  }
  const int64_t wait = guess_wrong(t, "owner", fresh_client());
  ASSERT_GT(wait, 0);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(guess_wrong(t, "owner", fresh_client()), wait);
  advance(std::chrono::seconds(wait - 1));
  EXPECT_EQ(guess_wrong(t, "owner", fresh_client()), 1);
  advance(1s);
  EXPECT_TRUE(guess_right(t, "owner", fresh_client()));
}

TEST_F(AuthThrottleTest, OneClientSprayingManyAccountsIsSlowedByTheClientLimit) {
  AuthThrottle t(options());
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(guess_wrong(t, "account" + std::to_string(i), "sprayer"), 0) << i;
  const int64_t wait = guess_wrong(t, "another", "sprayer");
  EXPECT_EQ(wait, 1);
  // The same accounts stay open to everyone else.
  EXPECT_TRUE(guess_right(t, "another", "bystander"));
  // The client's delay grows to its cap, a minute.
  for (int i = 0; i < 12; ++i) {
    advance(std::chrono::seconds(guess_wrong(t, "more" + std::to_string(i), "sprayer")));
    EXPECT_EQ(guess_wrong(t, "more" + std::to_string(i), "sprayer"), 0);
  }
  EXPECT_EQ(guess_wrong(t, "last", "sprayer"), 60);
}

TEST_F(AuthThrottleTest, SigningInToOwnAccountDoesNotResetTheClient) {
  AuthThrottle t(options());
  for (int i = 0; i < 20; ++i) {
    // The guesser's own account, with the right password: clears only that account.
    if (i % 4 == 3) {
      EXPECT_TRUE(guess_right(t, "guessers_own", "guesser"));
    }
    EXPECT_EQ(guess_wrong(t, "target" + std::to_string(i), "guesser"), 0);
  }
  EXPECT_GT(guess_wrong(t, "target99", "guesser"), 0);
}

TEST_F(AuthThrottleTest, AnAttemptWithoutAVerdictCountsAsAFailure) {
  AuthThrottle t(options());
  for (int i = 0; i < 5; ++i) {
    auto attempt = t.begin("quiet", fresh_client());
    ASSERT_TRUE(attempt.ok());
    auto moved = std::move(attempt).value();  // moving it does not count twice, nor lose it
  }
  EXPECT_GT(guess_wrong(t, "quiet", fresh_client()), 0);
}

TEST_F(AuthThrottleTest, PastTheFreeFailuresChecksRunOneAtATime) {
  AuthThrottle t(options());
  // Within the free failures, as many at once as are left...
  {
    std::vector<AuthThrottle::Attempt> parallel;
    for (int i = 0; i < 5; ++i) {
      auto attempt = t.begin("burst", fresh_client());
      ASSERT_TRUE(attempt.ok()) << i;
      parallel.push_back(std::move(attempt).value());
    }
    // ...and no more: a sixth would run before any of the five had failed.
    EXPECT_EQ(guess_wrong(t, "burst", fresh_client()), 1);
    for (auto& a : parallel) a.succeeded();
  }
  for (int i = 0; i < 4; ++i) guess_wrong(t, "burst", fresh_client());
  auto one = t.begin("burst", fresh_client());
  ASSERT_TRUE(one.ok());
  auto refused = t.begin("burst", fresh_client());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kTooManyRequests);
}

TEST_F(AuthThrottleTest, FailuresAreForgivenOverTimeAndEntriesThenGo) {
  AuthThrottle t(options());
  // A long attack: the count stops growing once the delay reached the cap.
  for (int i = 0; i < 200; ++i) {
    advance(std::chrono::seconds(guess_wrong(t, "besieged", "attacker-" + std::to_string(i))));
    guess_wrong(t, "besieged", "attacker-" + std::to_string(i));
  }
  EXPECT_EQ(guess_wrong(t, "besieged", fresh_client()), 900);
  // Within a day of quiet every failure is forgiven, and nothing is kept of the
  // account nor of the attacker's clients.
  advance(24h);
  EXPECT_TRUE(guess_right(t, "besieged", fresh_client()));
  EXPECT_EQ(t.entries(), 0u);
}

TEST_F(AuthThrottleTest, ForgivenessShortensTheDelayHourByHour) {
  AuthThrottle t(options());
  for (int i = 0; i < 60; ++i) {
    advance(std::chrono::seconds(guess_wrong(t, "slow", fresh_client())));
    guess_wrong(t, "slow", fresh_client());
  }
  EXPECT_EQ(guess_wrong(t, "slow", fresh_client()), 900);
  // The count stopped at 15 (the cap's); three quiet hours forgive three, so
  // the next failure makes 13 and costs 256 s, not the cap.
  advance(3h);
  EXPECT_EQ(guess_wrong(t, "slow", fresh_client()), 0);
  EXPECT_EQ(guess_wrong(t, "slow", fresh_client()), 256);
}

TEST_F(AuthThrottleTest, ChecksWithoutFailuresLeaveNothingBehind) {
  AuthThrottle t(options());
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(guess_right(t, "user" + std::to_string(i), "c"));
  EXPECT_EQ(t.entries(), 0u);
}

TEST_F(AuthThrottleTest, AFullTableEvictsTheLeastFailedEntryNeverTheTarget) {
  auto o = options();
  o.max_entries = 16;
  AuthThrottle t(o);
  // The target account is under attack: its delay is in force.
  for (int i = 0; i < 8; ++i) {
    advance(std::chrono::seconds(guess_wrong(t, "target", "a" + std::to_string(i))));
    guess_wrong(t, "target", "a" + std::to_string(i));
  }
  const int64_t wait = guess_wrong(t, "target", fresh_client());
  ASSERT_GT(wait, 0);
  // The attacker floods the table with one-failure entries from many clients.
  for (int i = 0; i < 1000; ++i) guess_wrong(t, "junk" + std::to_string(i), fresh_client());
  EXPECT_LE(t.entries(), 2 * o.max_entries);
  // The target's count survived: still refused, for as long as before.
  EXPECT_EQ(guess_wrong(t, "target", fresh_client()), wait);
}

}  // namespace
}  // namespace publius::shield
