// Probe (issue 10, §1): a client app holding a token of narrow scopes (write, push, profile,
// write:media, follow) must never read a direct message, nor a private note, in clear. Mastodon
// answers 403 when a present token lacks the read scope of a route where a token is optional
// (`authorize_if_got_token! :read, :'read:statuses'`), and Publius only opens sealed content for a
// token whose scopes cover reading it: write actions may succeed but render a sealed DM as
// domain::kSealedPlaceholderHtml.
#include "domain/microblog.h"
#include "integration/server_harness.h"

namespace publius::integration {
namespace {

// Narrow scopes a user may grant an app that must not read direct messages.
const std::vector<std::string> kNarrowScopes = {"write", "push", "profile", "write:media",
                                                "follow"};

class ProbeScopesTest : public ApiIntegrationTest {
 protected:
  void SetUp() override {
    ApiIntegrationTest::SetUp();
    app_all_ = api().create_app("read write follow push profile", "urn:ietf:wg:oauth:2.0:oob",
                                "Probe scopes " + unique_suffix());
    alice_ = new_user("alice");
    bob_ = new_user("bob");
    secret_ = "dmsecret" + unique_suffix();
    dm_id_ = api().post_id(alice_, "@" + bob_.username + " " + secret_ + " first",
                           {{"visibility", "direct"}});
    ASSERT_FALSE(dm_id_.empty());
    // Bob answers in the thread, so the DM is an ancestor of his reply.
    reply_id_ = api().post_id(bob_, "@" + alice_.username + " " + secret_ + " reply",
                              {{"visibility", "direct"}, {"in_reply_to_id", dm_id_}});
    ASSERT_FALSE(reply_id_.empty());
    // Sanity: a full token reads it, so the checks below are not vacuous.
    ASSERT_TRUE(contains(api().get("/api/v1/statuses/" + dm_id_, alice_.token).body, secret_));
  }

  std::string token_for(const User& u, const std::string& scope) {
    const std::string token = api().password_token(app_all_, u, scope);
    EXPECT_FALSE(token.empty()) << scope;
    return token;
  }

  // Every GET that can carry the DM (or its reply) to a reader with the read scope.
  std::vector<std::string> reading_routes(const User& owner) const {
    return {"/api/v1/statuses/" + dm_id_,
            "/api/v1/statuses?id[]=" + dm_id_ + "&id[]=" + reply_id_,
            "/api/v1/statuses/" + reply_id_ + "/context",
            "/api/v1/statuses/" + dm_id_ + "/context",
            "/api/v1/statuses/" + dm_id_ + "/history",
            "/api/v1/accounts/" + owner.id + "/statuses",
            "/api/v1/timelines/home",
            "/api/v1/conversations",
            "/api/v1/notifications",
            "/api/v2/notifications",
            "/api/v1/favourites",
            "/api/v1/bookmarks",
            "/api/v2/search?q=" + secret_ + "&resolve=false"};
  }

  AppCredentials app_all_;
  User alice_, bob_;
  std::string secret_, dm_id_, reply_id_;
};

// Defect 1: GET /api/v1/statuses/:id, ?id[]=, /context, /history and /accounts/:id/statuses take
// any token through a helper that asks for no scope and unwraps the token's key for sealed posts:
// a write-only (push-, profile-, media-, follow-only) token reads the DM in clear.
TEST_F(ProbeScopesTest, NarrowScopeTokenNeverReadsDirectMessageText) {
  for (const User* who : {&alice_, &bob_}) {
    for (const auto& scope : kNarrowScopes) {
      const std::string token = token_for(*who, scope);
      for (const auto& route : reading_routes(alice_)) {
        auto r = api().get(route, token);
        EXPECT_FALSE(contains(r.body, secret_))
            << who->username << " with a '" << scope << "' token reads the DM through GET " << route
            << ": HTTP " << r.status;
      }
    }
  }
}

// Defect 1: Mastodon's authorize_if_got_token!: where a token is optional, a token that is
// present must carry the route's read scope, else 403 (anonymous requests stay allowed).
TEST_F(ProbeScopesTest, PresentTokenWithoutReadScopeIsRefusedOnOptionalTokenRoutes) {
  const auto tag = "probetag" + unique_suffix();
  const std::string public_id = api().post_id(alice_, "public #" + tag);
  ASSERT_FALSE(public_id.empty());
  const std::string poll_id = api().post_id(
      alice_, "a poll",
      {{"poll[options][]", "yes"}, {"poll[options][]", "no"}, {"poll[expires_in]", "3600"}});
  ASSERT_FALSE(poll_id.empty());
  const std::vector<std::string> optional_token_routes = {
      "/api/v1/statuses/" + public_id,
      "/api/v1/statuses?id[]=" + public_id,
      "/api/v1/statuses/" + public_id + "/context",
      "/api/v1/statuses/" + public_id + "/history",
      "/api/v1/statuses/" + public_id + "/favourited_by",
      "/api/v1/statuses/" + public_id + "/reblogged_by",
      "/api/v1/accounts/" + alice_.id + "/statuses",
      "/api/v1/timelines/public",
      "/api/v1/timelines/tag/" + tag,
      "/api/v2/search?q=" + tag,
      "/api/v1/polls/" + poll_id,
      "/api/v1/accounts/" + alice_.id,
      "/api/v1/accounts?id[]=" + alice_.id,
      "/api/v1/accounts/lookup?acct=" + alice_.username,
      "/api/v1/accounts/" + alice_.id + "/followers",
      "/api/v1/accounts/" + alice_.id + "/following",
  };
  for (const auto& scope : {std::string("write"), std::string("push"), std::string("profile")}) {
    const std::string token = token_for(alice_, scope);
    for (const auto& route : optional_token_routes) {
      // Anonymous is fine; a present token without read is not.
      EXPECT_EQ(api().get(route).status, 200) << route;
      EXPECT_EQ(api().get(route, token).status, 403)
          << "a '" << scope << "' token is let through GET " << route;
    }
  }
}

// Defect 1, write actions: the action may succeed, but the status it renders is the sealed
// placeholder for a token that may not read: favourite, bookmark (and their undo) by the
// recipient and the author, with write-only tokens.
TEST_F(ProbeScopesTest, WriteActionsOnDirectMessageRenderTheSealedPlaceholder) {
  const std::string placeholder(domain::kSealedPlaceholderHtml);
  for (const User* who : {&alice_, &bob_}) {
    const std::string token = token_for(*who, "write");
    for (const char* action : {"favourite", "unfavourite", "bookmark", "unbookmark"}) {
      auto r = api().post("/api/v1/statuses/" + dm_id_ + "/" + action, token);
      EXPECT_FALSE(contains(r.body, secret_))
          << who->username << " reads the DM back from POST " << action << " with a write token";
      if (r.status == 200) {
        EXPECT_EQ(str(r.json(), "content"), placeholder) << action << " " << r;
      }
    }
  }
}

// Defect 1, write actions: DELETE answers with the deleted post's source `text` (for redrafting):
// a write:statuses token that may not read must not get a sealed DM's text back that way.
TEST_F(ProbeScopesTest, DeletingDirectMessageWithWriteOnlyTokenDoesNotReturnItsText) {
  const std::string token = token_for(alice_, "write:statuses");
  auto r = api().del("/api/v1/statuses/" + dm_id_, token);
  EXPECT_EQ(r.status, 200) << r;
  EXPECT_FALSE(contains(r.body, secret_)) << "DELETE hands a write-only token the DM's text: " << r;
}

// Defect 1, write actions: POST /api/v1/conversations/:id/read (write:conversations) renders the
// conversation's last status: sealed, it must stay the placeholder for a write-only token.
TEST_F(ProbeScopesTest, MarkingConversationReadWithWriteOnlyTokenDoesNotOpenTheMessage) {
  auto list = Api::ok_json(api().get("/api/v1/conversations", bob_.token));
  ASSERT_FALSE(arr(list).empty());
  const std::string conversation = str(list, "0.id");
  const std::string token = token_for(bob_, "write:conversations");
  auto r = api().post("/api/v1/conversations/" + conversation + "/read", token);
  EXPECT_EQ(r.status, 200) << r;
  EXPECT_FALSE(contains(r.body, secret_))
      << "marking a conversation read hands a write-only token the DM: " << r;
}

// Same class: private account notes are sealed like DMs (docs/sealed-messages.md), yet every
// relationship action opens them with the caller's token: a token granted only write:blocks or
// write:follows (or write:mutes) reads the owner's private note on the account it acts on.
TEST_F(ProbeScopesTest, RelationshipActionsWithWriteOnlyTokensDoNotOpenPrivateNotes) {
  const User carol = new_user("carol");
  const std::string note = "notesecret" + unique_suffix();
  auto set = Api::ok_json(api().post_form("/api/v1/accounts/" + carol.id + "/note",
                                          form({{"comment", note}}), alice_.token));
  ASSERT_EQ(str(set, "note"), note);
  struct Action {
    const char* scope;
    const char* path;
  };
  for (const Action& a : {Action{"write:follows", "follow"}, Action{"write:follows", "unfollow"},
                          Action{"write:blocks", "block"}, Action{"write:blocks", "unblock"},
                          Action{"write:mutes", "mute"}, Action{"write:mutes", "unmute"}}) {
    const std::string token = token_for(alice_, a.scope);
    auto r = api().post("/api/v1/accounts/" + carol.id + "/" + a.path, token);
    EXPECT_EQ(r.status, 200) << a.path << " " << r;
    EXPECT_FALSE(contains(r.body, note))
        << "POST " << a.path << " with a '" << a.scope << "' token reads the private note";
  }
}

}  // namespace
}  // namespace publius::integration
