// domain::Federation: remote actors kept only when they speak for their own host,
// remote follows (accepted at once, or held for a locked account and answered when
// the owner decides), and the delivery queue: one delivery per remote server, none
// for direct posts, each claimed once, retried with growing delays. Remote Notes:
// stored as posts of their author's account (visibility from their addressing, once
// per id, direct ones and others' refused), edited, deleted, and gone with their actor.
#include "domain/federation.h"

#include <gtest/gtest.h>

#include "support/microblog_fixture.h"
#include "util/time.h"

namespace publius::domain {
namespace {

class FederationTest : public testing::MicroblogFixture {
 protected:
  static RemoteActorDocument remote(const std::string& host, const std::string& name,
                                    bool shared = true) {
    const std::string uri = "https://" + host + "/users/" + name;
    RemoteActorDocument d;
    d.uri = uri;
    d.preferred_username = name;
    d.name = "Remote " + name;
    d.summary_text = "hello";
    d.inbox = uri + "/inbox";
    if (shared) d.shared_inbox = "https://" + host + "/inbox";
    d.key_id = uri + "#main-key";
    d.key_owner = uri;
    d.public_pem = "-----BEGIN PUBLIC KEY-----\n...";
    return d;
  }
  Federation& federation() { return microblog_->federation(); }
  // A public Note by `author` (a remote() actor) with id .../statuses/<n>.
  static RemoteNote note(const RemoteActorDocument& author, const std::string& n,
                         const std::string& html = "<p>hello</p>") {
    RemoteNote d;
    d.uri = author.uri + "/statuses/" + n;
    d.url = "https://" + author.uri.substr(8, author.uri.find('/', 8) - 8) + "/@x/" + n;
    d.attributed_to = author.uri;
    d.html = html;
    d.text = "hello";
    d.to = {"https://www.w3.org/ns/activitystreams#Public"};
    d.cc = {author.uri + "/followers"};
    return d;
  }
  std::vector<int64_t> home_ids(int64_t account_id) {
    auto home = microblog_->timelines().home_timeline(account_id, Page{});
    EXPECT_TRUE(home.ok());
    std::vector<int64_t> ids;
    if (home.ok())
      for (const auto& p : *home) ids.push_back(p.id);
    return ids;
  }
  std::vector<store::FederationDelivery> claim_all() {
    auto claimed = federation().claim_deliveries(now_ms() + 1, 1000);
    EXPECT_TRUE(claimed.ok());
    return claimed.ok() ? *claimed : std::vector<store::FederationDelivery>{};
  }
};

TEST_F(FederationTest, RemoteActorBecomesAnAccountNamedUserAtHost) {
  auto id = federation().save_remote_actor(remote("social.example", "alice"));
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto account = microblog_->accounts().account(*id);
  ASSERT_TRUE(account.ok());
  EXPECT_EQ(account->username, "alice@social.example");
  EXPECT_EQ(account->display_name, "Remote alice");
  auto by_key = federation().remote_actor_by_key_id("https://social.example/users/alice#main-key");
  ASSERT_TRUE(by_key.ok() && by_key->has_value());
  EXPECT_EQ((*by_key)->account_id, *id);
  // Saving again updates the same account (a rotated key is kept).
  auto again = remote("social.example", "alice");
  again.public_pem = "rotated";
  again.name = "Alice";
  auto same = federation().save_remote_actor(again);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, *id);
  EXPECT_EQ((*federation().remote_actor(*id))->public_pem, "rotated");
  EXPECT_EQ(microblog_->accounts().account(*id)->display_name, "Alice");
  // Remote accounts are not this server's users.
  EXPECT_EQ(microblog_->accounts().instance_stats()->users, 0);
}

TEST_F(FederationTest, ActorSpeakingForAnotherHostIsRefused) {
  auto key_elsewhere = remote("social.example", "bob");
  key_elsewhere.key_id = "https://evil.example/users/bob#main-key";
  auto owner_elsewhere = remote("social.example", "bob");
  owner_elsewhere.key_owner = "https://evil.example/users/bob";
  auto inbox_elsewhere = remote("social.example", "bob");
  inbox_elsewhere.inbox = "https://evil.example/inbox";
  auto shared_elsewhere = remote("social.example", "bob");
  shared_elsewhere.shared_inbox = "https://evil.example/inbox";
  auto ours = remote("localhost", "bob");
  auto bad_name = remote("social.example", "bob");
  bad_name.preferred_username = "bob<script>";
  for (const auto& d :
       {key_elsewhere, owner_elsewhere, inbox_elsewhere, shared_elsewhere, ours, bad_name}) {
    auto r = federation().save_remote_actor(d);
    ASSERT_FALSE(r.ok()) << d.key_id << " " << d.inbox;
    EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable);
  }
  EXPECT_EQ(count_rows("remote_actors"), 0);
  EXPECT_EQ(count_rows("accounts"), 0);
}

TEST_F(FederationTest, FollowOfUnlockedAccountIsAcceptedAtOnceAndCounted) {
  const int64_t local = account("speaker");
  auto remote_id = *federation().save_remote_actor(remote("social.example", "alice"));
  ASSERT_TRUE(federation().receive_follow(remote_id, local, "https://social.example/f/1").ok());
  EXPECT_EQ(microblog_->accounts().account(local)->followers_count, 1);
  auto sent = claim_all();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].kind, store::DeliveryKind::kAcceptFollow);
  EXPECT_EQ(sent[0].inbox, "https://social.example/users/alice/inbox");
  EXPECT_EQ(sent[0].account_id, local);
  EXPECT_EQ(sent[0].object_id, remote_id);
  EXPECT_EQ(sent[0].object_uri, "https://social.example/f/1");
  // Undo ends it.
  ASSERT_TRUE(federation().receive_undo_follow(remote_id, local).ok());
  EXPECT_EQ(microblog_->accounts().account(local)->followers_count, 0);
}

TEST_F(FederationTest, FollowOfLockedAccountWaitsForTheOwner) {
  const int64_t accepting = account("accepting");
  const int64_t rejecting = account("rejecting");
  for (int64_t id : {accepting, rejecting}) {
    ProfileChange locked;
    locked.locked = true;
    ASSERT_TRUE(microblog_->accounts().update_profile(id, locked).ok());
  }
  auto remote_id = *federation().save_remote_actor(remote("social.example", "alice"));
  ASSERT_TRUE(federation().receive_follow(remote_id, accepting, "https://social.example/f/2").ok());
  ASSERT_TRUE(federation().receive_follow(remote_id, rejecting, "https://social.example/f/3").ok());
  EXPECT_TRUE(claim_all().empty()) << "nothing is answered before the owner decides";
  EXPECT_EQ(microblog_->accounts().account(accepting)->followers_count, 0);
  ASSERT_TRUE(microblog_->relationships().resolve_follow_request(accepting, remote_id, true).ok());
  ASSERT_TRUE(microblog_->relationships().resolve_follow_request(rejecting, remote_id, false).ok());
  EXPECT_EQ(microblog_->accounts().account(accepting)->followers_count, 1);
  auto sent = claim_all();
  ASSERT_EQ(sent.size(), 2u);
  std::sort(sent.begin(), sent.end(), [](auto& a, auto& b) { return a.id < b.id; });
  EXPECT_EQ(sent[0].kind, store::DeliveryKind::kAcceptFollow);
  EXPECT_EQ(sent[0].object_uri, "https://social.example/f/2");
  EXPECT_EQ(sent[1].kind, store::DeliveryKind::kRejectFollow);
  EXPECT_EQ(sent[1].object_uri, "https://social.example/f/3");
  EXPECT_EQ(count_rows("follow_activities"), 0);
}

TEST_F(FederationTest, PostsGoOncePerRemoteServerAndDirectOnesNever) {
  const int64_t author = account("author");
  const int64_t local_follower = account("reader");
  ASSERT_TRUE(microblog_->relationships().follow(local_follower, author, true, false).ok());
  // Two followers on one server with a shared inbox, one on a server without.
  for (auto d : {remote("a.example", "one"), remote("a.example", "two"),
                 remote("b.example", "three", false)}) {
    auto id = *federation().save_remote_actor(d);
    ASSERT_TRUE(federation().receive_follow(id, author, d.uri + "/follow").ok());
  }
  claim_all();  // the Accepts
  post(author, "secret", Visibility::kDirect);
  EXPECT_TRUE(claim_all().empty()) << "a direct post is never queued";
  for (auto v : {Visibility::kPublic, Visibility::kUnlisted, Visibility::kPrivate}) {
    const int64_t id = post(author, "hello", v);
    auto sent = claim_all();
    ASSERT_EQ(sent.size(), 2u);
    std::sort(sent.begin(), sent.end(), [](auto& a, auto& b) { return a.inbox < b.inbox; });
    EXPECT_EQ(sent[0].inbox, "https://a.example/inbox");
    EXPECT_EQ(sent[1].inbox, "https://b.example/users/three/inbox");
    for (const auto& d : sent) {
      EXPECT_EQ(d.kind, store::DeliveryKind::kCreateNote);
      EXPECT_EQ(d.object_id, id);
      EXPECT_TRUE(federation().delivered(d.id).ok());
    }
    ASSERT_TRUE(microblog_->posts().delete_status(author, id).ok());
    auto deletions = claim_all();
    ASSERT_EQ(deletions.size(), 2u);
    EXPECT_EQ(deletions[0].kind, store::DeliveryKind::kDeleteNote);
    auto gone = federation().post_to_deliver(id);
    ASSERT_TRUE(gone.ok());
    EXPECT_FALSE(gone->has_value()) << "a deleted post's Create is not sent";
    for (const auto& d : deletions) ASSERT_TRUE(federation().delivered(d.id).ok());
  }
}

TEST_F(FederationTest, ClaimsAreExclusiveAndFailuresBackOff) {
  const int64_t author = account("author");
  auto id = *federation().save_remote_actor(remote("a.example", "one"));
  ASSERT_TRUE(federation().receive_follow(id, author, "https://a.example/f").ok());
  const int64_t now = now_ms() + 1;
  auto first = federation().claim_deliveries(now, 10);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_TRUE(federation().claim_deliveries(now, 10)->empty()) << "claimed once";
  ASSERT_TRUE(federation().delivery_failed(first->front(), now).ok());
  EXPECT_TRUE(federation().claim_deliveries(now, 10)->empty()) << "not due yet";
  EXPECT_EQ(federation().next_delivery_ms()->value(), now + Federation::kFirstRetryDelayMs);
  auto retried = federation().claim_deliveries(now + Federation::kFirstRetryDelayMs, 10);
  ASSERT_EQ(retried->size(), 1u);
  EXPECT_EQ(retried->front().attempts, 1);
  ASSERT_TRUE(federation().delivery_failed(retried->front(), now).ok());
  EXPECT_EQ(federation().next_delivery_ms()->value(), now + 2 * Federation::kFirstRetryDelayMs);
  // After the last attempt the delivery is dropped.
  auto last = retried->front();
  last.attempts = Federation::kMaxAttempts - 1;
  ASSERT_TRUE(federation().delivery_failed(last, now).ok());
  EXPECT_EQ(count_rows("federation_deliveries"), 0);
}

TEST_F(FederationTest, RemoteNoteIsAPostOfItsAuthorInFollowersHomesAndPublic) {
  const int64_t reader = account("reader");
  const int64_t mentioned = account("mentioned");
  const auto alice = remote("social.example", "alice");
  const int64_t alice_id = *federation().save_remote_actor(alice);
  ASSERT_TRUE(microblog_->relationships().follow(reader, alice_id, true, false).ok());
  ASSERT_TRUE(federation().receive_follow_answer(alice_id, reader, true).ok());
  claim_all();  // the Follow

  auto n = note(alice, "1");
  n.summary_text = "cw";
  n.language = "en";
  n.hashtags = {"cats", "not a tag"};
  n.mentioned_local_ids = {mentioned};
  auto id = federation().receive_note(alice_id, n);
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto post = *microblog_->visibility().status(std::nullopt, *id);
  EXPECT_EQ(post.account_id, alice_id);
  EXPECT_EQ(post.uri, n.uri);
  EXPECT_EQ(post.url, n.url);
  EXPECT_EQ(post.html, "<p>hello</p>");
  EXPECT_EQ(post.spoiler_text, "cw");
  EXPECT_TRUE(post.sensitive) << "a content warning makes it sensitive";
  EXPECT_EQ(post.language, "en");
  EXPECT_EQ(post.visibility, Visibility::kPublic);
  EXPECT_EQ(post.tags, std::vector<std::string>{"cats"});
  EXPECT_EQ(post.mention_account_ids, std::vector<int64_t>{mentioned});
  EXPECT_EQ(home_ids(reader), std::vector<int64_t>{*id}) << "in the local follower's home";
  auto remote_only =
      microblog_->timelines().public_timeline(std::nullopt, Page{}, false, PostOrigin::kRemote);
  ASSERT_EQ(remote_only->size(), 1u);
  EXPECT_TRUE(microblog_->timelines()
                  .public_timeline(std::nullopt, Page{}, false, PostOrigin::kLocal)
                  ->empty());
  auto mentions = microblog_->notifications().list(mentioned, {}, Page{});
  ASSERT_EQ(mentions->size(), 1u);
  EXPECT_EQ(mentions->front().notification.type, NotificationType::kMention);
  EXPECT_EQ(mentions->front().notification.from_account_id, alice_id);
  EXPECT_TRUE(claim_all().empty()) << "a remote post is never sent on";

  // The same Note again is the same post.
  EXPECT_EQ(*federation().receive_note(alice_id, n), *id);
  EXPECT_EQ(count_rows("statuses"), 1);

  // A local reply, and a remote reply to it, make one thread.
  NewPost reply{.author_id = reader, .text = "hi back", .in_reply_to_id = *id};
  auto local_reply = microblog_->posts().create_status(reply);
  ASSERT_TRUE(local_reply.ok());
  auto answer = note(alice, "2");
  answer.in_reply_to_local_id = local_reply->id;
  auto answer_id = federation().receive_note(alice_id, answer);
  ASSERT_TRUE(answer_id.ok());
  auto thread = microblog_->posts().context(reader, *id);
  ASSERT_EQ(thread->descendants.size(), 2u);
  EXPECT_EQ(thread->descendants[1].id, *answer_id);
  auto by_uri = note(alice, "3");
  by_uri.in_reply_to_uri = n.uri;
  EXPECT_EQ(microblog_->visibility()
                .status(std::nullopt, *federation().receive_note(alice_id, by_uri))
                ->in_reply_to_id,
            *id);
}

TEST_F(FederationTest, RemoteNoteVisibilityComesFromItsAddressing) {
  const auto alice = remote("social.example", "alice");
  const int64_t alice_id = *federation().save_remote_actor(alice);
  const std::string followers = alice.uri + "/followers";
  const std::string pub = "https://www.w3.org/ns/activitystreams#Public";
  struct Case {
    std::vector<std::string> to, cc;
    Visibility expected;
  };
  int n = 0;
  for (const Case& c :
       {Case{{pub}, {followers}, Visibility::kPublic}, Case{{"as:Public"}, {}, Visibility::kPublic},
        Case{{followers}, {pub}, Visibility::kUnlisted},
        Case{{followers}, {}, Visibility::kPrivate}, Case{{}, {followers}, Visibility::kPrivate}}) {
    auto d = note(alice, std::to_string(++n));
    d.to = c.to;
    d.cc = c.cc;
    auto id = federation().receive_note(alice_id, d);
    ASSERT_TRUE(id.ok()) << id.error().message;
    EXPECT_EQ(microblog_->visibility().status(alice_id, *id)->visibility, c.expected) << n;
  }
  // Addressed to its mentions only (or to a collection not its followers): a direct
  // message, not kept unsealed.
  for (const auto& to : {std::vector<std::string>{"https://localhost/users/someone"},
                         std::vector<std::string>{"https://social.example/users/bob/followers"}}) {
    auto d = note(alice, std::to_string(++n));
    d.to = to;
    d.cc = {};
    auto refused = federation().receive_note(alice_id, d);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kUnprocessable);
  }
  EXPECT_EQ(count_rows("statuses"), 5);
}

TEST_F(FederationTest, RemoteNoteOfAnotherActorOrHostIsRefused) {
  const auto alice = remote("social.example", "alice");
  const int64_t alice_id = *federation().save_remote_actor(alice);
  auto other_author = note(alice, "1");
  other_author.attributed_to = "https://evil.example/users/alice";
  auto other_host = note(alice, "2");
  other_host.uri = "https://evil.example/users/alice/statuses/2";
  auto same_host_other_actor = note(alice, "3");
  same_host_other_actor.attributed_to = "https://social.example/users/bob";
  for (const auto& d : {other_author, other_host, same_host_other_actor}) {
    auto r = federation().receive_note(alice_id, d);
    ASSERT_FALSE(r.ok()) << d.uri;
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthorized);
  }
  EXPECT_EQ(count_rows("statuses"), 0);
}

TEST_F(FederationTest, RemoteNoteIsEditedAndDeletedOnlyByItsAuthor) {
  const auto alice = remote("social.example", "alice");
  const auto mallory = remote("social.example", "mallory");
  const int64_t alice_id = *federation().save_remote_actor(alice);
  const int64_t mallory_id = *federation().save_remote_actor(mallory);
  const int64_t mentioned = account("mentioned");
  auto d = note(alice, "1");
  const int64_t id = *federation().receive_note(alice_id, d);

  auto edited = d;
  edited.html = "<p>edited</p>";
  edited.mentioned_local_ids = {mentioned};
  auto forged = edited;
  forged.attributed_to = mallory.uri;
  EXPECT_EQ(federation().receive_note_update(mallory_id, forged).error().code,
            ErrorCode::kUnauthorized);
  ASSERT_TRUE(federation().receive_note_update(alice_id, edited).ok());
  auto post = *microblog_->visibility().status(std::nullopt, id);
  EXPECT_EQ(post.html, "<p>edited</p>");
  EXPECT_TRUE(post.edited_ms.has_value());
  EXPECT_EQ(microblog_->posts().history(std::nullopt, id)->size(), 2u);
  EXPECT_EQ(microblog_->notifications().list(mentioned, {}, Page{})->size(), 1u)
      << "an account an edit mentions first hears of it";

  ASSERT_TRUE(federation().receive_note_delete(mallory_id, d.uri).ok());
  EXPECT_TRUE(microblog_->visibility().status(std::nullopt, id).ok()) << "not mallory's to delete";
  ASSERT_TRUE(federation().receive_note_delete(alice_id, d.uri).ok());
  EXPECT_FALSE(microblog_->visibility().status(std::nullopt, id).ok());
  ASSERT_TRUE(federation().receive_note_delete(alice_id, d.uri).ok()) << "twice is no error";

  // Delete of the actor: its account goes with its posts.
  const int64_t second = *federation().receive_note(alice_id, note(alice, "2"));
  ASSERT_TRUE(federation().receive_actor_delete(alice_id).ok());
  EXPECT_FALSE(microblog_->visibility().status(std::nullopt, second).ok());
  EXPECT_FALSE(microblog_->accounts().account(alice_id).ok());
  EXPECT_FALSE(federation().remote_actor_by_uri(alice.uri)->has_value());
}

}  // namespace
}  // namespace publius::domain
