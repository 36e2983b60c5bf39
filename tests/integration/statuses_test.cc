// Statuses against the running server: posting, reading, editing, deleting, the per-status
// actions, and who may see what.
#include "integration/server_harness.h"

namespace publius::integration {
namespace {

class StatusesApiIntegration : public ApiIntegrationTest {};

TEST_F(StatusesApiIntegration, CreateWithFormBody) {
  auto a = new_user("st");
  auto v = api().post_status(
      a, "Hello world",
      {{"visibility", "unlisted"}, {"spoiler_text", "cw here"}, {"language", "en"}});
  const std::string id = str(v, "id");
  EXPECT_EQ(str(v, "content"), "<p>Hello world</p>");
  EXPECT_EQ(str(v, "visibility"), "unlisted");
  EXPECT_EQ(str(v, "spoiler_text"), "cw here");
  EXPECT_TRUE(boolean(v, "sensitive")) << "a content warning makes a post sensitive";
  EXPECT_EQ(str(v, "language"), "en");
  EXPECT_EQ(str(v, "account.id"), a.id);
  EXPECT_EQ(str(v, "account.username"), a.username);
  EXPECT_EQ(str(v, "url"), "http://127.0.0.1/@" + a.username + "/" + id);
  EXPECT_EQ(str(v, "uri"), "http://127.0.0.1/users/" + a.username + "/statuses/" + id);
  // Regression: every post recorded and showed its client app, whose client-chosen name can
  // single out a speaker as a user agent can. No post records one now.
  EXPECT_TRUE(is_null(v, "application"));
  EXPECT_TRUE(is_null(v, "in_reply_to_id"));
  EXPECT_TRUE(is_null(v, "reblog"));
  EXPECT_TRUE(is_null(v, "edited_at"));
  EXPECT_EQ(num(v, "replies_count"), 0);
  EXPECT_EQ(num(v, "reblogs_count"), 0);
  EXPECT_EQ(num(v, "favourites_count"), 0);
  EXPECT_FALSE(boolean(v, "favourited"));
  EXPECT_FALSE(boolean(v, "reblogged"));
  EXPECT_FALSE(boolean(v, "bookmarked"));
  EXPECT_FALSE(boolean(v, "pinned"));
  EXPECT_EQ(arr(v, "media_attachments").size(), 0u);
  // Ids are decimal strings.
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(id.find_first_not_of("0123456789"), std::string::npos) << id;

  auto me = api().account(a.id);
  EXPECT_EQ(num(me, "statuses_count"), 1);
  EXPECT_FALSE(is_null(me, "last_status_at"));
}

TEST_F(StatusesApiIntegration, CreateWithJsonBody) {
  auto a = new_user("stj");
  auto v = Api::ok_json(api().post_json(
      "/api/v1/statuses",
      json::object{{"status", "from json\n\nsecond paragraph"}, {"sensitive", true}}, a.token));
  EXPECT_EQ(str(v, "content"), "<p>from json</p><p>second paragraph</p>");
  EXPECT_TRUE(boolean(v, "sensitive"));
  EXPECT_EQ(str(v, "visibility"), "public");
  EXPECT_TRUE(is_null(v, "language"));
  // Multipart works too.
  HttpRequest req;
  req.method = "POST";
  req.target = "/api/v1/statuses";
  req.token = a.token;
  req.content_type = "multipart/form-data; boundary=XyZ";
  req.body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\nmultipart post\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"visibility\"\r\n\r\nprivate\r\n--XyZ--\r\n";
  v = Api::ok_json(api().request(req));
  EXPECT_EQ(str(v, "content"), "<p>multipart post</p>");
  EXPECT_EQ(str(v, "visibility"), "private");
}

TEST_F(StatusesApiIntegration, IdempotencyKeyReturnsTheSameStatus) {
  auto a = new_user("idem");
  const std::string key = "key-" + unique_suffix();
  auto first = Api::ok_json(api().post_form("/api/v1/statuses", form({{"status", "only once"}}),
                                            a.token, {{"Idempotency-Key", key}}));
  auto second = Api::ok_json(api().post_form("/api/v1/statuses", form({{"status", "only once"}}),
                                             a.token, {{"Idempotency-Key", key}}));
  EXPECT_EQ(str(first, "id"), str(second, "id"));
  EXPECT_EQ(num(api().account(a.id), "statuses_count"), 1);
  auto third = Api::ok_json(api().post_form("/api/v1/statuses", form({{"status", "only once"}}),
                                            a.token, {{"Idempotency-Key", key + "-other"}}));
  EXPECT_NE(str(third, "id"), str(first, "id"));
  // Keys are per account: another user with the same key gets a post of their own.
  auto b = new_user("idem");
  auto theirs = Api::ok_json(api().post_form("/api/v1/statuses", form({{"status", "only once"}}),
                                             b.token, {{"Idempotency-Key", key}}));
  EXPECT_NE(str(theirs, "id"), str(first, "id"));
  EXPECT_EQ(str(theirs, "account.id"), b.id);
  expect_error(api().post_form("/api/v1/statuses", form({{"status", "x"}}), a.token,
                               {{"Idempotency-Key", std::string(300, 'k')}}),
               422);
}

TEST_F(StatusesApiIntegration, ReplySetsParentAndCountsAndContext) {
  auto a = new_user("thr");
  auto b = new_user("thr");
  auto c = new_user("thr");
  const std::string root = api().post_id(a, "root post");
  auto r1v = api().post_status(b, "first reply", {{"in_reply_to_id", root}});
  const std::string r1 = str(r1v, "id");
  EXPECT_EQ(str(r1v, "in_reply_to_id"), root);
  EXPECT_EQ(str(r1v, "in_reply_to_account_id"), a.id);
  const std::string r2 = api().post_id(a, "reply to the reply", {{"in_reply_to_id", r1}});
  const std::string r3 = api().post_id(c, "second branch", {{"in_reply_to_id", root}});
  EXPECT_EQ(num(api().status(root), "replies_count"), 2);
  EXPECT_EQ(num(api().status(r1), "replies_count"), 1);
  EXPECT_EQ(num(api().status(r3), "replies_count"), 0);
  const std::string hidden = api().post_id(c, "followers only reply",
                                           {{"in_reply_to_id", root}, {"visibility", "private"}});

  auto ctx = Api::ok_json(api().get("/api/v1/statuses/" + root + "/context"));
  EXPECT_EQ(ids(at(ctx, "ancestors")), std::vector<std::string>{});
  EXPECT_EQ(ids(at(ctx, "descendants")), (std::vector<std::string>{r1, r2, r3}))
      << "anonymous readers do not see the followers-only reply";
  ctx = Api::ok_json(api().get("/api/v1/statuses/" + root + "/context", c.token));
  EXPECT_EQ(ids(at(ctx, "descendants")), (std::vector<std::string>{r1, r2, r3, hidden}));
  ctx = Api::ok_json(api().get("/api/v1/statuses/" + r2 + "/context", b.token));
  EXPECT_EQ(ids(at(ctx, "ancestors")), (std::vector<std::string>{root, r1}));
  EXPECT_EQ(ids(at(ctx, "descendants")), std::vector<std::string>{});

  expect_error(api().post_form("/api/v1/statuses",
                               form({{"status", "x"}, {"in_reply_to_id", "987654321"}}), b.token),
               404);
  expect_error(api().post_form("/api/v1/statuses",
                               form({{"status", "x"}, {"in_reply_to_id", "abc"}}), b.token),
               404);
  // Replying to a post one cannot see is the same as replying to nothing.
  expect_error(api().post_form("/api/v1/statuses",
                               form({{"status", "x"}, {"in_reply_to_id", hidden}}), b.token),
               404);
  expect_error(api().get("/api/v1/statuses/987654321/context"), 404);
  expect_error(api().get("/api/v1/statuses/" + hidden + "/context"), 404);
}

TEST_F(StatusesApiIntegration, MentionsNotifyAndAreListed) {
  auto a = new_user("men");
  auto b = new_user("mtd");
  const std::string nobody = "nobody_" + unique_suffix();
  auto v = api().post_status(a, "hi @" + b.username + " and @" + nobody + " <3");
  const std::string id = str(v, "id");
  ASSERT_EQ(arr(v, "mentions").size(), 1u) << json::serialize(v);
  EXPECT_EQ(str(v, "mentions.0.id"), b.id);
  EXPECT_EQ(str(v, "mentions.0.username"), b.username);
  EXPECT_EQ(str(v, "mentions.0.acct"), b.username);
  EXPECT_EQ(str(v, "mentions.0.url"), "http://127.0.0.1/@" + b.username);
  const std::string content = str(v, "content");
  EXPECT_TRUE(contains(content, "href=\"http://127.0.0.1/@" + b.username + "\"")) << content;
  EXPECT_TRUE(contains(content, "@" + nobody + " &lt;3")) << content;

  auto notes = Api::ok_json(api().get("/api/v1/notifications", b.token));
  ASSERT_EQ(arr(notes).size(), 1u) << json::serialize(notes);
  EXPECT_EQ(str(notes, "0.type"), "mention");
  EXPECT_EQ(str(notes, "0.account.id"), a.id);
  EXPECT_EQ(str(notes, "0.status.id"), id);
  // Mentioning oneself notifies nobody.
  api().post_status(a, "note to self @" + a.username);
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/notifications", a.token))).size(), 0u);
}

TEST_F(StatusesApiIntegration, HashtagsAreListedNormalized) {
  auto a = new_user("tag");
  auto v = api().post_status(a, "#Publius rocks #CPP and #publius again, not a#tag or #123");
  ASSERT_EQ(arr(v, "tags").size(), 2u) << json::serialize(at(v, "tags"));
  EXPECT_EQ(str(v, "tags.0.name"), "publius");
  EXPECT_EQ(str(v, "tags.0.url"), "http://127.0.0.1/tags/publius");
  EXPECT_EQ(str(v, "tags.1.name"), "cpp");
  EXPECT_TRUE(contains(str(v, "content"), "href=\"http://127.0.0.1/tags/Publius\"") ||
              contains(str(v, "content"), "href=\"http://127.0.0.1/tags/publius\""))
      << str(v, "content");
}

TEST_F(StatusesApiIntegration, ContentIsHtmlEscaped) {
  auto a = new_user("esc");
  auto v = api().post_status(a, "<script>alert('x')</script> & \"co\"");
  EXPECT_EQ(str(v, "content"),
            "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;</p>");
  // The raw text comes back unchanged through the source endpoint.
  auto src = Api::ok_json(api().get("/api/v1/statuses/" + str(v, "id") + "/source", a.token));
  EXPECT_EQ(str(src, "text"), "<script>alert('x')</script> & \"co\"");
  // Unicode text survives the round trip.
  v = api().post_status(a, "caf\xc3\xa9 \xe2\x9c\x8a \xf0\x9f\x98\x80");
  EXPECT_EQ(str(v, "content"), "<p>caf\xc3\xa9 \xe2\x9c\x8a \xf0\x9f\x98\x80</p>");
}

TEST_F(StatusesApiIntegration, ValidationErrors) {
  auto a = new_user("val");
  auto create = [&](const std::string& body) {
    return api().post_form("/api/v1/statuses", body, a.token);
  };
  // 500 characters (code points) is the limit.
  std::string five_hundred;
  for (int i = 0; i < 500; ++i) five_hundred += "\xc3\xa9";
  EXPECT_EQ(create(form({{"status", five_hundred}})).status, 200);
  auto text = expect_error(create(form({{"status", five_hundred + "x"}})), 422);
  EXPECT_TRUE(contains(text, "500")) << text;
  // The content warning counts towards it.
  expect_error(create(form({{"status", std::string(495, 'a')}, {"spoiler_text", "123456"}})), 422);
  // A URL counts as 23 whatever its length.
  std::string url_post = "https://example.org/" + std::string(600, 'p');
  EXPECT_EQ(create(form({{"status", url_post}})).status, 200);

  text = expect_error(create(form({{"status", ""}})), 422);
  EXPECT_TRUE(contains(text, "blank")) << text;
  expect_error(create(form({{"status", "  \n\t "}})), 422);
  expect_error(create(form({{"visibility", "public"}})), 422);
  text = expect_error(create(form({{"status", "x"}, {"visibility", "everyone"}})), 422);
  EXPECT_TRUE(contains(text, "Visibility")) << text;
  expect_error(create(form({{"status", "x"}, {"sensitive", "kinda"}})), 400);
  expect_error(create(form({{"status", "x"}, {"media_ids[]", "123"}})), 422);
  expect_error(
      create(form({{"status", "x"}, {"poll[options][]", "a"}, {"poll[expires_in]", "60"}})), 422);
  // A time that is not one, or too soon (scheduled_statuses_test.cc has the rest).
  expect_error(create(form({{"status", "x"}, {"scheduled_at", "next week"}})), 422);
  expect_error(create(form({{"status", "x"}, {"scheduled_at", "2020-01-01T00:00:00Z"}})), 422);
  expect_error(create(form({{"status", "x"}, {"language", std::string(20, 'l')}})), 422);
  // Nothing above but the two good posts was created.
  EXPECT_EQ(num(api().account(a.id), "statuses_count"), 2);
  expect_error(api().post_form("/api/v1/statuses", form({{"status", "x"}})), 401);
  expect_error(api().post_form("/api/v1/statuses", form({{"status", "x"}}), app_token_), 422);
}

TEST_F(StatusesApiIntegration, GetAndDelete) {
  auto a = new_user("del");
  auto b = new_user("del");
  const std::string id = api().post_id(a, "short-lived #ephemeral");
  const std::string priv = api().post_id(a, "private one", {{"visibility", "private"}});
  EXPECT_EQ(str(api().status(id), "content").find("short-lived"), 3u);
  EXPECT_EQ(str(api().status(id, b.token), "id"), id);
  EXPECT_EQ(num(api().account(a.id), "statuses_count"), 2);

  auto text = expect_error(api().del("/api/v1/statuses/" + id, b.token), 404);
  EXPECT_FALSE(text.empty());
  expect_error(api().del("/api/v1/statuses/" + priv, b.token), 404);
  expect_error(api().del("/api/v1/statuses/" + id), 401);

  auto gone = Api::ok_json(api().del("/api/v1/statuses/" + id, a.token));
  EXPECT_EQ(str(gone, "id"), id);
  EXPECT_EQ(str(gone, "text"), "short-lived #ephemeral")
      << "DELETE returns the source for redrafting";
  expect_error(api().get("/api/v1/statuses/" + id), 404);
  expect_error(api().get("/api/v1/statuses/" + id, a.token), 404);
  expect_error(api().del("/api/v1/statuses/" + id, a.token), 404);
  EXPECT_EQ(num(api().account(a.id), "statuses_count"), 1);
  EXPECT_FALSE(has_id(Api::ok_json(api().get("/api/v1/accounts/" + a.id + "/statuses")), id));
  EXPECT_FALSE(has_id(Api::ok_json(api().get("/api/v1/timelines/tag/ephemeral")), id));
  EXPECT_FALSE(has_id(Api::ok_json(api().get("/api/v1/timelines/home", a.token)), id));

  expect_error(api().get("/api/v1/statuses/987654321"), 404);
  expect_error(api().get("/api/v1/statuses/abc"), 404);
  expect_error(api().get("/api/v1/statuses/12abc"), 404);
}

TEST_F(StatusesApiIntegration, EditKeepsHistoryAndSource) {
  auto a = new_user("edit");
  auto b = new_user("edit");
  const std::string id = api().post_id(a, "original text");
  auto edited = Api::ok_json(api().send_json(
      "PUT", "/api/v1/statuses/" + id,
      json::object{{"status", "edited text"}, {"spoiler_text", "now with cw"}}, a.token));
  EXPECT_EQ(str(edited, "id"), id);
  EXPECT_EQ(str(edited, "content"), "<p>edited text</p>");
  EXPECT_EQ(str(edited, "spoiler_text"), "now with cw");
  EXPECT_FALSE(is_null(edited, "edited_at"));
  // Readers see the edit at once.
  auto fetched = api().status(id, b.token);
  EXPECT_EQ(str(fetched, "content"), "<p>edited text</p>");
  EXPECT_EQ(str(fetched, "edited_at"), str(edited, "edited_at"));

  auto history = Api::ok_json(api().get("/api/v1/statuses/" + id + "/history"));
  ASSERT_EQ(arr(history).size(), 2u) << json::serialize(history);
  EXPECT_EQ(str(history, "0.content"), "<p>original text</p>");
  EXPECT_EQ(str(history, "0.spoiler_text"), "");
  EXPECT_EQ(str(history, "1.content"), "<p>edited text</p>");
  EXPECT_EQ(str(history, "1.spoiler_text"), "now with cw");
  EXPECT_EQ(str(history, "0.account.id"), a.id);
  EXPECT_LE(str(history, "0.created_at"), str(history, "1.created_at"));

  auto source = Api::ok_json(api().get("/api/v1/statuses/" + id + "/source", a.token));
  EXPECT_EQ(str(source, "id"), id);
  EXPECT_EQ(str(source, "text"), "edited text");
  EXPECT_EQ(str(source, "spoiler_text"), "now with cw");

  expect_error(
      api().send_form("PUT", "/api/v1/statuses/" + id, form({{"status", "hijack"}}), b.token), 404);
  expect_error(api().get("/api/v1/statuses/" + id + "/source", b.token), 404);
  expect_error(api().send_form("PUT", "/api/v1/statuses/" + id, form({{"status", ""}}), a.token),
               422);
  expect_error(api().send_form("PUT", "/api/v1/statuses/" + id,
                               form({{"status", std::string(501, 'x')}}), a.token),
               422);
  expect_error(
      api().send_form("PUT", "/api/v1/statuses/987654321", form({{"status", "x"}}), a.token), 404);
  // Failed edits left no history behind.
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/statuses/" + id + "/history"))).size(), 2u);
  // A never-edited status has a one-entry history.
  const std::string plain = api().post_id(a, "never edited");
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/statuses/" + plain + "/history"))).size(), 1u);
}

TEST_F(StatusesApiIntegration, FavouriteAndUnfavourite) {
  auto a = new_user("fav");
  auto b = new_user("fav");
  const std::string id = api().post_id(a, "like me");
  auto v = Api::ok_json(api().post("/api/v1/statuses/" + id + "/favourite", b.token));
  EXPECT_EQ(str(v, "id"), id);
  EXPECT_TRUE(boolean(v, "favourited"));
  EXPECT_EQ(num(v, "favourites_count"), 1);
  // Twice is the same as once.
  v = Api::ok_json(api().post("/api/v1/statuses/" + id + "/favourite", b.token));
  EXPECT_EQ(num(v, "favourites_count"), 1);
  auto seen_by_author = api().status(id, a.token);
  EXPECT_EQ(num(seen_by_author, "favourites_count"), 1);
  EXPECT_FALSE(boolean(seen_by_author, "favourited"));
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/statuses/" + id + "/favourited_by"))),
            std::vector<std::string>{b.id});
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/favourites", b.token))),
            std::vector<std::string>{id});
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/favourites", a.token))),
            std::vector<std::string>{});

  v = Api::ok_json(api().post("/api/v1/statuses/" + id + "/unfavourite", b.token));
  EXPECT_FALSE(boolean(v, "favourited"));
  EXPECT_EQ(num(v, "favourites_count"), 0);
  EXPECT_EQ(num(api().status(id), "favourites_count"), 0);
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/statuses/" + id + "/favourited_by"))),
            std::vector<std::string>{});
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/favourites", b.token))),
            std::vector<std::string>{});

  // The favourites list pages by when things were favourited, not by status id.
  const std::string older = api().post_id(a, "older post");
  const std::string newer = api().post_id(a, "newer post");
  Api::ok_json(api().post("/api/v1/statuses/" + newer + "/favourite", b.token));
  Api::ok_json(api().post("/api/v1/statuses/" + id + "/favourite", b.token));
  Api::ok_json(api().post("/api/v1/statuses/" + older + "/favourite", b.token));
  auto page = api().get("/api/v1/favourites?limit=2", b.token);
  EXPECT_EQ(ids(Api::ok_json(page)), (std::vector<std::string>{older, id}));
  auto rest = Api::ok_json(api().get(strip_origin(link_url(page.header("link"), "next")), b.token));
  EXPECT_EQ(ids(rest), std::vector<std::string>{newer});

  expect_error(api().post("/api/v1/statuses/987654321/favourite", b.token), 404);
  expect_error(api().post("/api/v1/statuses/" + id + "/favourite"), 401);
  expect_error(api().get("/api/v1/favourites"), 401);
}

TEST_F(StatusesApiIntegration, ReblogAndUnreblog) {
  auto a = new_user("rb");
  auto b = new_user("rb");
  const std::string id = api().post_id(a, "boost me");
  auto v = Api::ok_json(api().post("/api/v1/statuses/" + id + "/reblog", b.token));
  const std::string boost = str(v, "id");
  EXPECT_NE(boost, id);
  EXPECT_EQ(str(v, "account.id"), b.id);
  EXPECT_EQ(str(v, "reblog.id"), id);
  EXPECT_EQ(str(v, "reblog.account.id"), a.id);
  EXPECT_EQ(num(v, "reblog.reblogs_count"), 1);
  EXPECT_TRUE(boolean(v, "reblogged"));
  EXPECT_TRUE(is_null(v, "url")) << "a boost has no URL of its own";
  // Boosting again returns the same boost.
  EXPECT_EQ(str(Api::ok_json(api().post("/api/v1/statuses/" + id + "/reblog", b.token)), "id"),
            boost);
  EXPECT_EQ(num(api().status(id), "reblogs_count"), 1);
  EXPECT_TRUE(boolean(api().status(id, b.token), "reblogged"));
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/statuses/" + id + "/reblogged_by"))),
            std::vector<std::string>{b.id});
  EXPECT_TRUE(has_id(Api::ok_json(api().get("/api/v1/accounts/" + b.id + "/statuses")), boost));
  // A boost does not count as a status of the booster.
  EXPECT_EQ(num(api().account(b.id), "statuses_count"), 0);
  // Favouriting the boost favourites the original.
  v = Api::ok_json(api().post("/api/v1/statuses/" + boost + "/favourite", b.token));
  EXPECT_EQ(str(v, "id"), id);

  v = Api::ok_json(api().post("/api/v1/statuses/" + id + "/unreblog", b.token));
  EXPECT_EQ(str(v, "id"), id);
  EXPECT_FALSE(boolean(v, "reblogged"));
  EXPECT_EQ(num(v, "reblogs_count"), 0);
  expect_error(api().get("/api/v1/statuses/" + boost), 404);
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/statuses/" + id + "/reblogged_by"))),
            std::vector<std::string>{});

  // Followers-only and direct posts of others cannot be boosted: 403, as Mastodon.
  api().follow(b, a);
  const std::string priv = api().post_id(a, "followers only", {{"visibility", "private"}});
  EXPECT_EQ(expect_error(api().post("/api/v1/statuses/" + priv + "/reblog", b.token), 403),
            "This action is not allowed");
  const std::string direct =
      api().post_id(a, "@" + b.username + " psst", {{"visibility", "direct"}});
  expect_error(api().post("/api/v1/statuses/" + direct + "/reblog", b.token), 403);
  expect_error(api().post_form("/api/v1/statuses/" + id + "/reblog", form({{"visibility", "loud"}}),
                               b.token),
               422);
  expect_error(api().post("/api/v1/statuses/987654321/reblog", b.token), 404);
}

TEST_F(StatusesApiIntegration, BookmarkAndUnbookmark) {
  auto a = new_user("bm");
  auto b = new_user("bm");
  const std::string id = api().post_id(a, "save me for later");
  auto v = Api::ok_json(api().post("/api/v1/statuses/" + id + "/bookmark", b.token));
  EXPECT_TRUE(boolean(v, "bookmarked"));
  EXPECT_TRUE(boolean(api().status(id, b.token), "bookmarked"));
  EXPECT_FALSE(boolean(api().status(id, a.token), "bookmarked"));
  auto list = api().get("/api/v1/bookmarks", b.token);
  EXPECT_EQ(ids(Api::ok_json(list)), std::vector<std::string>{id});
  EXPECT_TRUE(contains(list.header("link"), "/api/v1/bookmarks?max_id=")) << list.header("link");
  v = Api::ok_json(api().post("/api/v1/statuses/" + id + "/unbookmark", b.token));
  EXPECT_FALSE(boolean(v, "bookmarked"));
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/bookmarks", b.token))), std::vector<std::string>{});
  expect_error(api().get("/api/v1/bookmarks"), 401);
  expect_error(api().post("/api/v1/statuses/" + id + "/bookmark"), 401);
}

TEST_F(StatusesApiIntegration, PinAndUnpin) {
  auto a = new_user("pin");
  auto b = new_user("pin");
  const std::string id = api().post_id(a, "pin me");
  const std::string base = "/api/v1/accounts/" + a.id + "/statuses?pinned=true";
  auto v = Api::ok_json(api().post("/api/v1/statuses/" + id + "/pin", a.token));
  EXPECT_TRUE(boolean(v, "pinned"));
  EXPECT_EQ(ids(Api::ok_json(api().get(base))), std::vector<std::string>{id});
  // Someone else's post cannot be pinned.
  expect_error(api().post("/api/v1/statuses/" + id + "/pin", b.token), 422);
  // At most five pins.
  for (int i = 0; i < 4; ++i) {
    const std::string more = api().post_id(a, "pin " + std::to_string(i));
    Api::ok_json(api().post("/api/v1/statuses/" + more + "/pin", a.token));
  }
  const std::string sixth = api().post_id(a, "one too many");
  auto text = expect_error(api().post("/api/v1/statuses/" + sixth + "/pin", a.token), 422);
  EXPECT_TRUE(contains(text, "maximum")) << text;
  // Pinning an already pinned post is fine even at the limit.
  Api::ok_json(api().post("/api/v1/statuses/" + id + "/pin", a.token));
  EXPECT_EQ(arr(Api::ok_json(api().get(base))).size(), 5u);

  v = Api::ok_json(api().post("/api/v1/statuses/" + id + "/unpin", a.token));
  EXPECT_FALSE(boolean(v, "pinned"));
  EXPECT_FALSE(has_id(Api::ok_json(api().get(base)), id));
  EXPECT_EQ(arr(Api::ok_json(api().get(base))).size(), 4u);
  const std::string direct = api().post_id(a, "@" + b.username + " dm", {{"visibility", "direct"}});
  Api::ok_json(api().post("/api/v1/statuses/" + id + "/unpin", a.token));
  expect_error(api().post("/api/v1/statuses/" + direct + "/pin", a.token), 422);
}

TEST_F(StatusesApiIntegration, DeletingRepliesAndBoostedPostsCleansUp) {
  auto a = new_user("clean");
  auto b = new_user("clean");
  auto c = new_user("clean");
  const std::string root = api().post_id(a, "root to be deleted");
  const std::string reply = api().post_id(b, "a reply", {{"in_reply_to_id", root}});
  EXPECT_EQ(num(api().status(root), "replies_count"), 1);
  Api::ok_json(api().del("/api/v1/statuses/" + reply, b.token));
  EXPECT_EQ(num(api().status(root), "replies_count"), 0);
  EXPECT_EQ(
      arr(Api::ok_json(api().get("/api/v1/statuses/" + root + "/context")), "descendants").size(),
      0u);

  api().follow(c, b);
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/timelines/home", c.token))),
            std::vector<std::string>{});
  const std::string boost =
      str(Api::ok_json(api().post("/api/v1/statuses/" + root + "/reblog", b.token)), "id");
  Api::ok_json(api().post("/api/v1/statuses/" + root + "/favourite", c.token));
  Api::ok_json(api().post("/api/v1/statuses/" + root + "/bookmark", c.token));
  EXPECT_TRUE(has_id(Api::ok_json(api().get("/api/v1/timelines/home", c.token)), boost));
  EXPECT_EQ(num(api().status(root), "reblogs_count"), 1);

  Api::ok_json(api().del("/api/v1/statuses/" + root, a.token));
  expect_error(api().get("/api/v1/statuses/" + boost), 404);
  EXPECT_FALSE(has_id(Api::ok_json(api().get("/api/v1/accounts/" + b.id + "/statuses")), boost));
  auto home = Api::ok_json(api().get("/api/v1/timelines/home", c.token));
  EXPECT_FALSE(has_id(home, boost));
  for (const auto& item : arr(home)) EXPECT_TRUE(is_null(item, "reblog")) << json::serialize(item);
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/favourites", c.token))),
            std::vector<std::string>{});
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/bookmarks", c.token))), std::vector<std::string>{});
  EXPECT_EQ(num(api().account(a.id), "statuses_count"), 0);
  // b deleted their reply; the (now deleted) boost never counted as a status.
  EXPECT_EQ(num(api().account(b.id), "statuses_count"), 0);
  // a's notifications about the deleted post are gone; nothing renders as null.
  auto notes = Api::ok_json(api().get("/api/v1/notifications", a.token));
  for (const auto& n : arr(notes)) EXPECT_NE(str(n, "type"), "reblog") << json::serialize(n);
}

TEST_F(StatusesApiIntegration, EditUpdatesTagsAndNotifiesNewMentionsOnce) {
  auto a = new_user("ed");
  auto b = new_user("edb");
  const std::string old_tag = "old" + unique_suffix();
  const std::string new_tag = "new" + unique_suffix();
  const std::string id = api().post_id(a, "about #" + old_tag);
  EXPECT_TRUE(has_id(Api::ok_json(api().get("/api/v1/timelines/tag/" + old_tag)), id));
  auto v = Api::ok_json(
      api().send_form("PUT", "/api/v1/statuses/" + id,
                      form({{"status", "about #" + new_tag + " cc @" + b.username}}), a.token));
  ASSERT_EQ(arr(v, "tags").size(), 1u);
  EXPECT_EQ(str(v, "tags.0.name"), new_tag);
  ASSERT_EQ(arr(v, "mentions").size(), 1u);
  EXPECT_EQ(str(v, "mentions.0.id"), b.id);
  EXPECT_FALSE(has_id(Api::ok_json(api().get("/api/v1/timelines/tag/" + old_tag)), id));
  EXPECT_TRUE(has_id(Api::ok_json(api().get("/api/v1/timelines/tag/" + new_tag)), id));
  auto notes = Api::ok_json(api().get("/api/v1/notifications", b.token));
  ASSERT_EQ(arr(notes).size(), 1u);
  EXPECT_EQ(str(notes, "0.type"), "mention");
  EXPECT_EQ(str(notes, "0.status.id"), id);
  // Editing again with the same mention does not notify again.
  Api::ok_json(api().send_form(
      "PUT", "/api/v1/statuses/" + id,
      form({{"status", "about #" + new_tag + " cc @" + b.username + " (typo)"}}), a.token));
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/notifications", b.token))).size(), 1u);
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/statuses/" + id + "/history"))).size(), 3u);
}

TEST_F(StatusesApiIntegration, MentionsAndLookupIgnoreCase) {
  auto a = new_user("case");
  auto b = new_user("casem");
  std::string upper = b.username;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  auto v = api().post_status(a, "hey @" + upper);
  ASSERT_EQ(arr(v, "mentions").size(), 1u) << str(v, "content");
  EXPECT_EQ(str(v, "mentions.0.id"), b.id);
  EXPECT_EQ(str(v, "mentions.0.username"), b.username);
  auto found = Api::ok_json(api().get("/api/v1/accounts/lookup?acct=" + upper));
  EXPECT_EQ(str(found, "id"), b.id);
  EXPECT_EQ(str(found, "username"), b.username);
}

// ---------------------------------------------------------------------------
// Visibility

class VisibilityApiIntegration : public ApiIntegrationTest {};

TEST_F(VisibilityApiIntegration, PrivatePostsReachOnlyFollowers) {
  auto author = new_user("priv");
  auto follower = new_user("flw");
  auto stranger = new_user("strg");
  api().follow(follower, author);
  const std::string id = api().post_id(author, "followers only", {{"visibility", "private"}});

  EXPECT_EQ(str(api().status(id, follower.token), "visibility"), "private");
  EXPECT_EQ(str(api().status(id, author.token), "id"), id);
  expect_error(api().get("/api/v1/statuses/" + id, stranger.token), 404);
  expect_error(api().get("/api/v1/statuses/" + id), 404);
  expect_error(api().get("/api/v1/statuses/" + id + "/history"), 404);
  expect_error(api().get("/api/v1/statuses/" + id + "/favourited_by"), 404);
  expect_error(api().post("/api/v1/statuses/" + id + "/favourite", stranger.token), 404);
  expect_error(api().post("/api/v1/statuses/" + id + "/bookmark", stranger.token), 404);

  EXPECT_TRUE(has_id(Api::ok_json(api().get("/api/v1/timelines/home", follower.token)), id));
  EXPECT_FALSE(has_id(Api::ok_json(api().get("/api/v1/timelines/public?limit=40")), id));
  EXPECT_FALSE(
      has_id(Api::ok_json(api().get("/api/v1/timelines/public?limit=40", follower.token)), id));
  const std::string profile = "/api/v1/accounts/" + author.id + "/statuses";
  EXPECT_TRUE(has_id(Api::ok_json(api().get(profile, follower.token)), id));
  EXPECT_FALSE(has_id(Api::ok_json(api().get(profile, stranger.token)), id));
  EXPECT_FALSE(has_id(Api::ok_json(api().get(profile)), id));
  // Following later opens it up; unfollowing closes it again.
  api().follow(stranger, author);
  EXPECT_EQ(str(api().status(id, stranger.token), "id"), id);
  Api::ok_json(api().post("/api/v1/accounts/" + author.id + "/unfollow", stranger.token));
  expect_error(api().get("/api/v1/statuses/" + id, stranger.token), 404);
}

TEST_F(VisibilityApiIntegration, DirectPostsReachOnlyMentioned) {
  auto author = new_user("dm");
  auto to = new_user("dmto");
  auto follower = new_user("dmf");
  api().follow(follower, author);
  auto v = api().post_status(author, "@" + to.username + " secret", {{"visibility", "direct"}});
  const std::string id = str(v, "id");
  EXPECT_EQ(str(v, "visibility"), "direct");

  EXPECT_EQ(str(api().status(id, to.token), "id"), id);
  expect_error(api().get("/api/v1/statuses/" + id, follower.token), 404);
  expect_error(api().get("/api/v1/statuses/" + id), 404);
  EXPECT_TRUE(has_id(Api::ok_json(api().get("/api/v1/timelines/home", to.token)), id));
  EXPECT_FALSE(has_id(Api::ok_json(api().get("/api/v1/timelines/home", follower.token)), id));
  EXPECT_TRUE(has_id(Api::ok_json(api().get("/api/v1/timelines/home", author.token)), id));
  EXPECT_FALSE(has_id(Api::ok_json(api().get("/api/v1/timelines/public?limit=40")), id));
  const std::string profile = "/api/v1/accounts/" + author.id + "/statuses";
  EXPECT_TRUE(has_id(Api::ok_json(api().get(profile, to.token)), id));
  EXPECT_FALSE(has_id(Api::ok_json(api().get(profile, follower.token)), id));
  EXPECT_TRUE(has_id(Api::ok_json(api().get(profile, author.token)), id));
  // The mentioned account was notified, held back as a request from someone it does not
  // follow (Mastodon's default notification policy).
  auto notes = Api::ok_json(
      api().get("/api/v1/notifications?types[]=mention&include_filtered=true", to.token));
  EXPECT_EQ(str(notes, "0.status.id"), id);
  auto requests = Api::ok_json(api().get("/api/v1/notifications/requests", to.token));
  EXPECT_EQ(str(requests, "0.last_status.id"), id);
}

TEST_F(VisibilityApiIntegration, UnlistedPostsStayOffPublicTimelinesButOnProfiles) {
  auto author = new_user("unl");
  const std::string tag = "unl" + unique_suffix();
  auto v = api().post_status(author, "quietly #" + tag, {{"visibility", "unlisted"}});
  const std::string id = str(v, "id");
  const std::string pub = api().post_id(author, "loudly #" + tag);
  auto timeline = Api::ok_json(api().get("/api/v1/timelines/public?limit=40"));
  EXPECT_FALSE(has_id(timeline, id));
  EXPECT_TRUE(has_id(timeline, pub));
  auto tagged = Api::ok_json(api().get("/api/v1/timelines/tag/" + tag));
  EXPECT_FALSE(has_id(tagged, id));
  EXPECT_TRUE(has_id(tagged, pub));
  auto profile = Api::ok_json(api().get("/api/v1/accounts/" + author.id + "/statuses"));
  EXPECT_EQ(ids(profile), (std::vector<std::string>{pub, id}));
  EXPECT_EQ(str(api().status(id), "visibility"), "unlisted");
}

TEST_F(VisibilityApiIntegration, NonPublicPostsStayOffTagTimelinesAndSearch) {
  auto author = new_user("tagv");
  auto follower = new_user("tagf");
  api().follow(follower, author);
  const std::string tag = "hush" + unique_suffix();
  const std::string priv = api().post_id(author, "secret #" + tag, {{"visibility", "private"}});
  const std::string pub = api().post_id(author, "open #" + tag + " uniquewordzz");
  auto tagged = Api::ok_json(api().get("/api/v1/timelines/tag/" + tag, follower.token));
  EXPECT_FALSE(has_id(tagged, priv));
  EXPECT_TRUE(has_id(tagged, pub));
  auto found = Api::ok_json(api().get("/api/v2/search?type=statuses&q=secret", follower.token));
  EXPECT_FALSE(has_id(at(found, "statuses"), priv));
  found = Api::ok_json(api().get("/api/v2/search?type=statuses&q=uniquewordzz"));
  EXPECT_EQ(ids(at(found, "statuses")), std::vector<std::string>{pub});
}

TEST_F(StatusesApiIntegration, SeveralByIdKeepOrderAndLeaveOutWhatTheCallerMayNotSee) {
  auto a = new_user("many");
  auto b = new_user("many");
  const std::string first = api().post_id(a, "first of many");
  const std::string second = api().post_id(a, "second of many");
  const std::string secret = api().post_id(a, "followers only", {{"visibility", "private"}});
  const std::string query = "/api/v1/statuses?id[]=" + second + "&id[]=987654321&id[]=" + first +
                            "&id[]=" + second + "&id[]=" + secret + "&id[]=bogus";
  EXPECT_EQ(ids(Api::ok_json(api().get(query, b.token))),
            (std::vector<std::string>{second, first}));
  EXPECT_EQ(ids(Api::ok_json(api().get(query, a.token))),
            (std::vector<std::string>{second, first, secret}));
  EXPECT_EQ(ids(Api::ok_json(api().get(query))), (std::vector<std::string>{second, first}));
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/statuses"))), std::vector<std::string>{});
  std::string too_many = "/api/v1/statuses?";
  for (int i = 1; i <= 21; ++i) too_many += "id[]=" + std::to_string(i) + "&";
  expect_error(api().get(too_many), 422);
}

}  // namespace
}  // namespace publius::integration
