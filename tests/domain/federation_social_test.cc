// domain::Federation's likes, boosts and blocks across servers and Notes fetched by
// their id: a remote Like or Announce of a local post counts as a favourite or boost
// (and its Undo takes it back), one of a post not held or not visible is ignored; a
// local favourite, boost or block of a remote account's post or account queues the
// Like, Announce or Block (and Undo) to the right inboxes; a Block from a remote actor
// ends follows both ways and refuses the blocked account's follow until its Undo; a
// reply reaches a remote author who does not follow its writer; a Note fetched by its
// id is kept only when its id and author are on the host asked, with its parents
// fetched a few hops up at most.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "domain/federation.h"
#include "support/microblog_fixture.h"
#include "util/time.h"

namespace publius::domain {
namespace {

constexpr const char* kPublic = "https://www.w3.org/ns/activitystreams#Public";

// A resolver serving the actors and Notes it is given, counting the Notes asked for.
class FakeResolver final : public ActorResolver {
 public:
  Result<RemoteActorDocument> actor_for_acct(std::string_view, std::string_view) const override {
    return not_found();
  }
  Result<RemoteActorDocument> actor_at(std::string_view uri) const override {
    auto it = actors.find(std::string(uri));
    if (it == actors.end()) return not_found();
    return it->second;
  }
  Result<RemoteNote> note_at(std::string_view uri) const override {
    ++notes_asked;
    auto it = notes.find(std::string(uri));
    if (it == notes.end()) return not_found();
    return it->second;
  }
  std::map<std::string, RemoteActorDocument> actors;
  std::map<std::string, RemoteNote> notes;
  mutable int notes_asked = 0;
};

class FederationSocialTest : public testing::MicroblogFixture {
 protected:
  void SetUp() override {
    MicroblogFixture::SetUp();
    federation().set_actor_resolver(&resolver_);
  }
  Federation& federation() { return microblog_->federation(); }
  static RemoteActorDocument actor(const std::string& host, const std::string& name) {
    const std::string uri = "https://" + host + "/users/" + name;
    return {.uri = uri,
            .preferred_username = name,
            .inbox = uri + "/inbox",
            .shared_inbox = "https://" + host + "/inbox",
            .key_id = uri + "#main-key",
            .key_owner = uri,
            .public_pem = "-----BEGIN PUBLIC KEY-----\n..."};
  }
  int64_t remote(const std::string& host, const std::string& name) {
    auto id = federation().save_remote_actor(actor(host, name));
    EXPECT_TRUE(id.ok());
    return id.ok() ? *id : 0;
  }
  static RemoteNote note(const std::string& author_uri, const std::string& id) {
    RemoteNote n;
    n.uri = id;
    n.attributed_to = author_uri;
    n.html = "<p>hello</p>";
    n.text = "hello";
    n.to = {kPublic};
    return n;
  }
  Post status(int64_t id) {
    auto found = microblog_->visibility().status(std::nullopt, id);
    EXPECT_TRUE(found.ok());
    return found.ok() ? *found : Post{};
  }
  std::vector<store::FederationDelivery> claim_all() {
    auto claimed = federation().claim_deliveries(now_ms() + 1, 1000);
    EXPECT_TRUE(claimed.ok());
    auto out = claimed.ok() ? *claimed : std::vector<store::FederationDelivery>{};
    for (const auto& d : out) EXPECT_TRUE(federation().delivered(d.id).ok());
    std::sort(out.begin(), out.end(), [](auto& x, auto& y) { return x.id < y.id; });
    return out;
  }
  // A remote post by `author_id` (an actor of `host` named `name`), stored as a Create.
  int64_t remote_post(int64_t author_id, const std::string& host, const std::string& name,
                      const std::string& n) {
    auto id = federation().receive_note(
        author_id, note("https://" + host + "/users/" + name,
                        "https://" + host + "/users/" + name + "/statuses/" + n));
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().message);
    return id.ok() ? *id : 0;
  }

  FakeResolver resolver_;
};

TEST_F(FederationSocialTest, RemoteLikesOfLocalPostsAreFavouritesUntilUndone) {
  const int64_t author = account("author");
  const int64_t liker = remote("social.example", "liker");
  const int64_t target = post(author, "hello");
  const int64_t notifications = count_rows("notifications");
  ASSERT_TRUE(federation().receive_like(liker, target, true).ok());
  ASSERT_TRUE(federation().receive_like(liker, target, true).ok()) << "twice: once";
  EXPECT_EQ(status(target).favourites_count, 1);
  EXPECT_EQ(count_rows("notifications"), notifications + 1);
  ASSERT_TRUE(federation().receive_like(liker, target, false).ok());
  EXPECT_EQ(status(target).favourites_count, 0);

  // A post it may not see, one not here, and a remote post held here count nothing.
  const int64_t followers_only = post(author, "mine", Visibility::kPrivate);
  EXPECT_TRUE(federation().receive_like(liker, followers_only, true).ok());
  EXPECT_EQ(microblog_->visibility().status(author, followers_only)->favourites_count, 0);
  EXPECT_TRUE(federation().receive_like(liker, 987654321, true).ok());
  const int64_t other = remote("other.example", "other");
  const int64_t held = remote_post(other, "other.example", "other", "1");
  EXPECT_TRUE(federation().receive_like(liker, held, true).ok());
  EXPECT_EQ(status(held).favourites_count, 0);
  EXPECT_TRUE(claim_all().empty()) << "nothing is sent for a remote like";
}

TEST_F(FederationSocialTest, LocalFavouritesOfRemotePostsSendLikeAndUndoToTheAuthor) {
  const int64_t reader = account("reader");
  const int64_t author = remote("social.example", "author");
  const int64_t held = remote_post(author, "social.example", "author", "1");
  ASSERT_TRUE(microblog_->posts().set_favourite(reader, held, true).ok());
  ASSERT_TRUE(microblog_->posts().set_favourite(reader, held, false).ok());
  const auto sent = claim_all();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].kind, store::DeliveryKind::kLike);
  EXPECT_EQ(sent[1].kind, store::DeliveryKind::kUndoLike);
  for (const auto& d : sent) {
    EXPECT_EQ(d.inbox, "https://social.example/users/author/inbox");
    EXPECT_EQ(d.account_id, reader);
    EXPECT_EQ(d.object_id, held);
  }
  // A local post's favourite stays here.
  const int64_t local = post(account("neighbour"), "hello");
  ASSERT_TRUE(microblog_->posts().set_favourite(reader, local, true).ok());
  EXPECT_TRUE(claim_all().empty());
}

TEST_F(FederationSocialTest, LocalBoostsSendAnnounceToFollowersAndTheRemoteAuthor) {
  const int64_t booster = account("booster");
  const int64_t follower = remote("fans.example", "fan");
  ASSERT_TRUE(federation().receive_follow(follower, booster, "https://fans.example/f/1").ok());
  claim_all();  // its Accept
  const int64_t author = remote("social.example", "author");
  const int64_t held = remote_post(author, "social.example", "author", "1");
  ASSERT_TRUE(microblog_->posts().set_reblog(booster, held, true, std::nullopt).ok());
  auto sent = claim_all();
  ASSERT_EQ(sent.size(), 2u);
  std::vector<std::string> inboxes;
  for (const auto& d : sent) {
    EXPECT_EQ(d.kind, store::DeliveryKind::kAnnounce);
    EXPECT_EQ(d.object_id, held);
    inboxes.push_back(d.inbox);
  }
  std::sort(inboxes.begin(), inboxes.end());
  EXPECT_EQ(inboxes, (std::vector<std::string>{"https://fans.example/inbox",
                                               "https://social.example/inbox"}));
  ASSERT_TRUE(microblog_->posts().set_reblog(booster, held, false, std::nullopt).ok());
  sent = claim_all();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].kind, store::DeliveryKind::kUndoAnnounce);
  // A followers-only post of one's own is boosted here only.
  const int64_t mine = post(booster, "mine", Visibility::kPrivate);
  claim_all();  // its Create
  ASSERT_TRUE(microblog_->posts().set_reblog(booster, mine, true, std::nullopt).ok());
  EXPECT_TRUE(claim_all().empty());
}

TEST_F(FederationSocialTest, RemoteAnnouncesAreBoostsOfLocalPostsAndOfFollowedBoostersPosts) {
  const int64_t author = account("author");
  const int64_t booster = remote("social.example", "booster");
  const int64_t target = post(author, "hello");
  const std::vector<std::string> to{kPublic};
  ASSERT_TRUE(federation().receive_announce(booster, target, "", "", to, {}).ok());
  EXPECT_EQ(status(target).reblogs_count, 1);
  ASSERT_TRUE(federation().receive_undo_announce(booster, target, "").ok());
  EXPECT_EQ(status(target).reblogs_count, 0);
  // Addressed to no one: no boost.
  ASSERT_TRUE(federation().receive_announce(booster, target, "", "", {}, {}).ok());
  EXPECT_EQ(status(target).reblogs_count, 0);

  // Another server's post, boosted by an actor no one here follows: nothing kept or asked.
  const std::string uri = "https://social.example/users/writer/statuses/9";
  resolver_.actors[actor("social.example", "writer").uri] = actor("social.example", "writer");
  resolver_.notes[uri] = note(actor("social.example", "writer").uri, uri);
  const int64_t statuses = count_rows("statuses");
  ASSERT_TRUE(federation().receive_announce(booster, std::nullopt, uri, "", to, {}).ok());
  EXPECT_EQ(count_rows("statuses"), statuses);
  EXPECT_EQ(resolver_.notes_asked, 0);
  // Followed, its boost reaches the follower's home, the post fetched by its id.
  const int64_t reader = account("reader");
  ASSERT_TRUE(microblog_->relationships().follow(reader, booster, true, false).ok());
  ASSERT_TRUE(federation().receive_follow_answer(booster, reader, true).ok());
  ASSERT_TRUE(federation().receive_announce(booster, std::nullopt, uri, "", to, {}).ok());
  EXPECT_EQ(resolver_.notes_asked, 1);
  auto home = microblog_->timelines().home_timeline(reader, Page{});
  ASSERT_TRUE(home.ok());
  ASSERT_EQ(home->size(), 1u);
  EXPECT_EQ(home->front().account_id, booster);
  ASSERT_TRUE(home->front().reblog_of_id.has_value());
  EXPECT_EQ(status(*home->front().reblog_of_id).uri, uri);
  ASSERT_TRUE(federation().receive_undo_announce(booster, std::nullopt, uri).ok());
  EXPECT_TRUE(microblog_->timelines().home_timeline(reader, Page{})->empty());
}

TEST_F(FederationSocialTest, NotesFetchedByIdMustComeFromTheirOwnHost) {
  const std::string author_uri = actor("social.example", "writer").uri;
  resolver_.actors[author_uri] = actor("social.example", "writer");
  // Asked at one host, answered with a Note of another (or by another's actor): refused.
  const std::string elsewhere = "https://social.example/users/writer/statuses/1";
  resolver_.notes[elsewhere] = note(author_uri, "https://evil.example/users/writer/statuses/1");
  const std::string foreign_author = "https://social.example/users/writer/statuses/2";
  resolver_.notes[foreign_author] = note("https://evil.example/users/writer", foreign_author);
  const int64_t statuses = count_rows("statuses");
  EXPECT_EQ(federation().resolve_note(elsewhere).error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(federation().resolve_note(foreign_author).error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(federation().resolve_note("https://social.example/nothing").error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(count_rows("statuses"), statuses) << "nothing stored";

  // A chain of replies is fetched up kMaxParentHops parents, no further.
  std::string parent;
  for (int i = 10; i < 16; ++i) {
    const std::string uri = author_uri + "/statuses/" + std::to_string(i);
    auto n = note(author_uri, uri);
    n.in_reply_to_uri = parent;
    resolver_.notes[uri] = n;
    parent = uri;
  }
  auto last = federation().resolve_note(parent);
  ASSERT_TRUE(last.ok()) << last.error().message;
  EXPECT_EQ(count_rows("statuses"), statuses + 1 + Federation::kMaxParentHops);
  EXPECT_EQ(status(*last).uri, parent);
}

TEST_F(FederationSocialTest, BlocksGoBothWays) {
  const int64_t local = account("local");
  const int64_t other = remote("social.example", "other");
  // A local block of a followed remote account: Undo(Follow), then Block; its lifting
  // Undo(Block).
  ASSERT_TRUE(microblog_->relationships().follow(local, other, true, false).ok());
  ASSERT_TRUE(federation().receive_follow_answer(other, local, true).ok());
  claim_all();
  ASSERT_TRUE(microblog_->relationships().block(local, other, true).ok());
  auto sent = claim_all();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].kind, store::DeliveryKind::kUndoFollow);
  EXPECT_EQ(sent[1].kind, store::DeliveryKind::kBlock);
  EXPECT_EQ(sent[1].object_id, other);
  EXPECT_EQ(sent[1].inbox, "https://social.example/users/other/inbox");
  ASSERT_TRUE(microblog_->relationships().block(local, other, true).ok());
  EXPECT_TRUE(claim_all().empty()) << "blocked already";
  ASSERT_TRUE(microblog_->relationships().block(local, other, false).ok());
  sent = claim_all();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].kind, store::DeliveryKind::kUndoBlock);

  // A remote Block ends the follows both ways and refuses the local follow until undone.
  ASSERT_TRUE(federation().receive_follow(other, local, "https://social.example/f/1").ok());
  ASSERT_TRUE(microblog_->relationships().follow(local, other, true, false).ok());
  ASSERT_TRUE(federation().receive_follow_answer(other, local, true).ok());
  claim_all();
  ASSERT_TRUE(federation().receive_block(other, local, true).ok());
  auto rel = microblog_->relationships().relationship(local, other);
  ASSERT_TRUE(rel.ok());
  EXPECT_TRUE(rel->blocked_by);
  EXPECT_FALSE(rel->following);
  EXPECT_FALSE(rel->followed_by);
  EXPECT_EQ(microblog_->relationships().follow(local, other, true, false).error().code,
            ErrorCode::kForbidden);
  EXPECT_TRUE(claim_all().empty()) << "no Follow sent to the blocker, nothing sent for its Block";
  ASSERT_TRUE(federation().receive_block(other, local, false).ok());
  EXPECT_TRUE(microblog_->relationships().follow(local, other, true, false).ok());
  // A Block naming a remote account is not this server's to keep.
  EXPECT_EQ(federation().receive_block(other, remote("x.example", "x"), true).error().code,
            ErrorCode::kUnprocessable);
}

TEST_F(FederationSocialTest, RepliesReachRemoteAuthorsWhoDoNotFollowTheWriter) {
  const int64_t writer = account("writer");
  const int64_t author = remote("social.example", "author");
  const int64_t held = remote_post(author, "social.example", "author", "1");
  NewPost reply;
  reply.author_id = writer;
  reply.text = "a reply";
  reply.visibility = Visibility::kPublic;
  reply.in_reply_to_id = held;
  ASSERT_TRUE(microblog_->posts().create_status(reply).ok());
  const auto sent = claim_all();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].kind, store::DeliveryKind::kCreateNote);
  EXPECT_EQ(sent[0].inbox, "https://social.example/inbox");
}

}  // namespace
}  // namespace publius::domain
