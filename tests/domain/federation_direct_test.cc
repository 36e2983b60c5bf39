// domain::Federation and direct messages across servers: a remote one is sealed as it
// arrives to the local accounts it mentions (the row keeps no text), one mentioning no
// one here is refused; a local one to remote accounts waits in memory only, once per
// server, never in the durable queue, retried on the durable queue's schedule and
// dropped after its last attempt; its edit follows as an Update, its deletion is queued.
#include <gtest/gtest.h>

#include "domain/federation.h"
#include "support/microblog_fixture.h"
#include "util/time.h"

namespace publius::domain {
namespace {

class FederationDirectTest : public testing::MicroblogFixture {
 protected:
  Federation& federation() { return microblog_->federation(); }
  int64_t remote(const std::string& host, const std::string& name) {
    const std::string uri = "https://" + host + "/users/" + name;
    RemoteActorDocument d;
    d.uri = uri;
    d.preferred_username = name;
    d.inbox = uri + "/inbox";
    d.shared_inbox = "https://" + host + "/inbox";
    d.key_id = uri + "#main-key";
    d.key_owner = uri;
    d.public_pem = "-----BEGIN PUBLIC KEY-----\n...";
    auto id = federation().save_remote_actor(d);
    EXPECT_TRUE(id.ok());
    return id.ok() ? *id : 0;
  }
};

TEST_F(FederationDirectTest, RemoteDirectMessageIsSealedToItsLocalReaders) {
  const int64_t reader = account("reader");
  const int64_t alice = remote("social.example", "alice");
  RemoteNote note;
  note.uri = "https://social.example/users/alice/statuses/1";
  note.attributed_to = "https://social.example/users/alice";
  note.html = "<p>Sealedword4471</p>";
  note.text = "Sealedword4471";
  note.to = {"https://localhost/users/reader"};
  note.mentioned_local_ids = {reader};
  auto id = federation().receive_note(alice, note);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(count_rows("statuses WHERE visibility = " +
                       std::to_string(static_cast<int>(Visibility::kDirect)) +
                       " AND text = '' AND html = '' AND length(sealed) > 0"),
            1);
  EXPECT_EQ(count_rows("statuses WHERE text LIKE '%Sealedword%' OR html LIKE '%Sealedword%'"), 0);
  EXPECT_EQ(count_rows("conversations WHERE account_id = " + std::to_string(reader)), 1)
      << "the reader's thread";
  EXPECT_EQ(count_rows("federation_deliveries"), 0) << "never sent on";
  EXPECT_FALSE(federation().next_direct_delivery_ms().has_value());

  // A direct Note that mentions no one here could be opened by no one: refused.
  note.uri = "https://social.example/users/alice/statuses/2";
  note.to = {"https://elsewhere.example/users/bob"};
  note.mentioned_local_ids = {};
  auto refused = federation().receive_note(alice, note);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(count_rows("statuses"), 1);
}

TEST_F(FederationDirectTest, LocalDirectMessageWaitsInMemoryOnlyOncePerServer) {
  const int64_t author = account("author");
  remote("social.example", "bob");
  remote("social.example", "carol");
  remote("other.example", "dave");
  const int64_t dm = post(author,
                          "@bob@social.example @carol@social.example @dave@other.example "
                          "Memoryword9034",
                          Visibility::kDirect);
  ASSERT_NE(dm, 0);
  EXPECT_EQ(count_rows("federation_deliveries"), 0) << "never in the durable queue";
  const int64_t now = now_ms() + 1;
  auto claimed = federation().claim_direct_deliveries(now, 100);
  ASSERT_EQ(claimed.size(), 2u);
  std::sort(claimed.begin(), claimed.end(),
            [](const auto& a, const auto& b) { return a.inbox < b.inbox; });
  EXPECT_EQ(claimed[0].inbox, "https://other.example/inbox");
  EXPECT_EQ(claimed[1].inbox, "https://social.example/inbox");
  for (const auto& d : claimed) {
    EXPECT_EQ(d.kind, store::DeliveryKind::kCreateNote);
    EXPECT_EQ(d.post.id, dm);
    EXPECT_NE(d.post.text.find("Memoryword9034"), std::string::npos) << "held open";
  }
  EXPECT_TRUE(federation().claim_direct_deliveries(now, 100).empty()) << "each claimed once";

  // A failed one comes back after the durable queue's delays, then is dropped.
  federation().direct_delivery_failed(claimed[0], now);
  EXPECT_EQ(federation().next_direct_delivery_ms(), now + Federation::kFirstRetryDelayMs);
  EXPECT_TRUE(federation().claim_direct_deliveries(now + 1, 100).empty());
  int64_t at = now;
  for (int attempt = 1; attempt < Federation::kMaxAttempts; ++attempt) {
    at = *federation().next_direct_delivery_ms();
    auto again = federation().claim_direct_deliveries(at, 100);
    ASSERT_EQ(again.size(), 1u) << attempt;
    EXPECT_EQ(again[0].attempts, attempt);
    federation().direct_delivery_failed(again[0], at);
  }
  EXPECT_FALSE(federation().next_direct_delivery_ms().has_value()) << "dropped after the last";

  // Its edit follows as an Update, in memory too; its deletion names the post only and
  // is queued durably, once per server.
  PostChange change;
  change.text = "@bob@social.example @carol@social.example @dave@other.example Edited";
  ASSERT_TRUE(microblog_->posts().edit_status(author, dm, change).ok());
  auto updates = federation().claim_direct_deliveries(now_ms() + 1, 100);
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0].kind, store::DeliveryKind::kUpdateNote);
  EXPECT_NE(updates[0].post.text.find("Edited"), std::string::npos);
  EXPECT_EQ(count_rows("federation_deliveries"), 0);
  ASSERT_TRUE(microblog_->posts().delete_status(author, dm).ok());
  EXPECT_EQ(count_rows("federation_deliveries WHERE kind = " +
                       std::to_string(static_cast<int>(store::DeliveryKind::kDeleteNote))),
            2);
  EXPECT_EQ(count_rows("federation_deliveries WHERE object_uri LIKE '%word%'"), 0);
}

}  // namespace
}  // namespace publius::domain
