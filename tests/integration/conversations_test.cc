// Conversations (/api/v1/conversations): each account's direct-message threads,
// against the running server.
#include "integration/server_harness.h"

namespace publius::integration {
namespace {

class ConversationsApiIntegration : public ApiIntegrationTest {
 protected:
  static std::string dm(const User& from, std::initializer_list<const User*> to,
                        const std::string& text, const std::string& reply_to = "") {
    std::string mentions;
    for (const User* u : to) mentions += "@" + u->username + " ";
    return api().post_id(from, mentions + text,
                         {{"visibility", "direct"}, {"in_reply_to_id", reply_to}});
  }
  static json::value list(const User& u, const std::string& query = "") {
    return Api::ok_json(api().get("/api/v1/conversations" + query, u.token));
  }
  // The account ids of a conversation entity's `accounts`.
  static std::vector<std::string> account_ids(const json::value& conversation) {
    return ids(conversation.at("accounts"));
  }
};

TEST_F(ConversationsApiIntegration, ADirectMessageStartsAThreadUnreadForTheRecipientOnly) {
  auto alice = new_user("ca"), bob = new_user("cb");
  EXPECT_TRUE(list(alice).as_array().empty());
  const std::string first = dm(alice, {&bob}, "Cobaltheron5521 hello");

  auto mine = list(alice);
  ASSERT_EQ(mine.as_array().size(), 1u);
  EXPECT_FALSE(boolean(mine, "0.unread"));
  EXPECT_EQ(account_ids(mine.at(0)), std::vector<std::string>{bob.id});
  EXPECT_EQ(str(mine, "0.last_status.id"), first);
  // Sealed at rest, opened for the reader.
  EXPECT_TRUE(contains(str(mine, "0.last_status.content"), "Cobaltheron5521"));
  EXPECT_EQ(str(mine, "0.last_status.visibility"), "direct");

  auto theirs = list(bob);
  ASSERT_EQ(theirs.as_array().size(), 1u);
  EXPECT_TRUE(boolean(theirs, "0.unread"));
  EXPECT_EQ(account_ids(theirs.at(0)), std::vector<std::string>{alice.id});
  EXPECT_TRUE(contains(str(theirs, "0.last_status.content"), "Cobaltheron5521"));
  const std::string id = str(theirs, "0.id");
  EXPECT_NE(id, str(mine, "0.id"));  // each account has its own

  // Reading it clears the flag; a reply moves it to the top, unread for the other side.
  auto read = Api::ok_json(api().post("/api/v1/conversations/" + id + "/read", bob.token));
  EXPECT_EQ(str(read, "id"), id);
  EXPECT_FALSE(boolean(read, "unread"));
  EXPECT_EQ(str(read, "last_status.id"), first);
  EXPECT_FALSE(boolean(list(bob), "0.unread"));
  const std::string reply = dm(bob, {&alice}, "back at you", first);
  EXPECT_TRUE(boolean(list(alice), "0.unread"));
  EXPECT_FALSE(boolean(list(bob), "0.unread"));
  EXPECT_EQ(str(list(alice), "0.last_status.id"), reply);
  EXPECT_EQ(list(alice).as_array().size(), 1u);
}

// As Mastodon: a thread whose newest message the reader's filter hides stays listed, and its
// last_status says which filter matched (clients hide it), the sealed text matched once opened.
TEST_F(ConversationsApiIntegration, AFilteredMessageIsMarkedNotTakenOffTheList) {
  auto alice = new_user("cfa"), bob = new_user("cfb");
  Api::ok_json(api().post_json("/api/v2/filters", json::parse(R"({"title":"Quiet",
      "context":["thread"],"filter_action":"hide","keywords_attributes":[{"keyword":"Umbral"}]})"),
                               bob.token));
  const std::string id = dm(alice, {&bob}, "Umbral plans");
  auto theirs = list(bob);
  ASSERT_EQ(theirs.as_array().size(), 1u);
  EXPECT_EQ(str(theirs, "0.last_status.id"), id);
  ASSERT_EQ(arr(theirs, "0.last_status.filtered").size(), 1u);
  EXPECT_EQ(str(theirs, "0.last_status.filtered.0.filter.filter_action"), "hide");
  EXPECT_TRUE(arr(list(alice), "0.last_status.filtered").empty()) << "the filter is bob's";
}

TEST_F(ConversationsApiIntegration, ThreadsAreKeyedByTheirParticipantsAndPaged) {
  auto alice = new_user("pa"), bob = new_user("pb"), carol = new_user("pc");
  const std::string with_bob = dm(alice, {&bob}, "one");
  const std::string with_both = dm(alice, {&bob, &carol}, "two");
  const std::string with_carol = dm(carol, {&alice}, "three");
  api().post_id(alice, "public, not a conversation");

  auto all = list(alice);
  ASSERT_EQ(all.as_array().size(), 3u);
  EXPECT_EQ(str(all, "0.last_status.id"), with_carol);
  EXPECT_EQ(str(all, "1.last_status.id"), with_both);
  EXPECT_EQ(str(all, "2.last_status.id"), with_bob);
  auto both = account_ids(all.at(1));
  std::sort(both.begin(), both.end());
  auto expected = std::vector<std::string>{bob.id, carol.id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(both, expected);

  // Paged by the newest post's id, with a Link header like every list.
  auto first_page = api().get("/api/v1/conversations?limit=2", alice.token);
  ASSERT_EQ(first_page.status, 200) << first_page;
  ASSERT_EQ(first_page.json().as_array().size(), 2u);
  const std::string next = strip_origin(link_url(first_page.header("link"), "next"));
  EXPECT_TRUE(contains(next, "max_id=" + with_both)) << next;
  auto second_page = Api::ok_json(api().get(next, alice.token));
  ASSERT_EQ(second_page.as_array().size(), 1u);
  EXPECT_EQ(str(second_page, "0.last_status.id"), with_bob);
  auto newer = list(alice, "?min_id=" + with_bob);
  ASSERT_EQ(newer.as_array().size(), 2u);
  EXPECT_EQ(str(newer, "0.last_status.id"), with_carol);
  EXPECT_EQ(list(alice, "?since_id=" + with_both).as_array().size(), 1u);
  expect_error(api().get("/api/v1/conversations?limit=x", alice.token), 400);
}

TEST_F(ConversationsApiIntegration, RemovedUntilANewMessageArrives) {
  auto alice = new_user("ra"), bob = new_user("rb");
  const std::string first = dm(alice, {&bob}, "first");
  const std::string id = str(list(bob), "0.id");
  auto removed = api().del("/api/v1/conversations/" + id, bob.token);
  ASSERT_EQ(removed.status, 200) << removed;
  EXPECT_EQ(removed.body, "{}");
  EXPECT_TRUE(list(bob).as_array().empty());
  EXPECT_EQ(list(alice).as_array().size(), 1u);  // only bob's list lost it
  expect_error(api().del("/api/v1/conversations/" + id, bob.token), 404);
  expect_error(api().post("/api/v1/conversations/" + id + "/read", bob.token), 404);

  const std::string second = dm(alice, {&bob}, "second");
  auto back = list(bob);
  ASSERT_EQ(back.as_array().size(), 1u);
  EXPECT_TRUE(boolean(back, "0.unread"));
  EXPECT_EQ(str(back, "0.last_status.id"), second);
}

TEST_F(ConversationsApiIntegration, DeletingTheNewestMessageShowsThePreviousOne) {
  auto alice = new_user("da"), bob = new_user("db");
  const std::string first = dm(alice, {&bob}, "kept");
  const std::string second = dm(alice, {&bob}, "deleted");
  ASSERT_EQ(api().del("/api/v1/statuses/" + second, alice.token).status, 200);
  auto theirs = list(bob);
  ASSERT_EQ(theirs.as_array().size(), 1u);
  EXPECT_EQ(str(theirs, "0.last_status.id"), first);
  EXPECT_TRUE(boolean(theirs, "0.unread"));
  ASSERT_EQ(api().del("/api/v1/statuses/" + first, alice.token).status, 200);
  EXPECT_TRUE(list(bob).as_array().empty());
  EXPECT_TRUE(list(alice).as_array().empty());
}

TEST_F(ConversationsApiIntegration, OthersCannotSeeOrTouchAConversationAndScopesApply) {
  auto alice = new_user("sa"), bob = new_user("sb"), eve = new_user("se");
  dm(alice, {&bob}, "private matter");
  const std::string id = str(list(bob), "0.id");
  EXPECT_TRUE(list(eve).as_array().empty());
  expect_error(api().post("/api/v1/conversations/" + id + "/read", eve.token), 404);
  expect_error(api().del("/api/v1/conversations/" + id, eve.token), 404);
  EXPECT_EQ(list(bob).as_array().size(), 1u);

  expect_error(api().get("/api/v1/conversations"), 401);
  expect_error(api().get("/api/v1/conversations", app_token_), 422);
  auto read_only = api().password_token(app_, bob, "read:statuses");
  EXPECT_EQ(api().get("/api/v1/conversations", read_only).status, 200);
  expect_error(api().post("/api/v1/conversations/" + id + "/read", read_only), 403);
  auto notifications_only = api().password_token(app_, bob, "read:notifications");
  expect_error(api().get("/api/v1/conversations", notifications_only), 403);
  auto write_conversations = api().password_token(app_, bob, "write:conversations");
  EXPECT_EQ(api().post("/api/v1/conversations/" + id + "/read", write_conversations).status, 200);
}

}  // namespace
}  // namespace publius::integration
