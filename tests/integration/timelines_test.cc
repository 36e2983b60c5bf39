// Timelines against the running server: home, public, hashtag; id paging and Link headers.
#include "integration/server_harness.h"

namespace publius::integration {
namespace {

using Ids = std::vector<std::string>;

class TimelinesApiIntegration : public ApiIntegrationTest {
 protected:
  static Ids get_ids(const std::string& target, const std::string& token = "") {
    return ids(Api::ok_json(api().get(target, token)));
  }
};

TEST_F(TimelinesApiIntegration, HomeHasOwnAndFollowedPostsNewestFirst) {
  auto a = new_user("home");
  auto b = new_user("homeb");
  auto c = new_user("homec");
  const std::string before = api().post_id(b, "posted before the follow");
  // Read home once so the in-memory feed is warm before the follow.
  EXPECT_EQ(get_ids("/api/v1/timelines/home", a.token), Ids{});
  api().follow(a, b);
  const std::string after = api().post_id(b, "posted after the follow");
  const std::string own = api().post_id(a, "my own post");
  const std::string unrelated = api().post_id(c, "nobody follows me");
  const std::string priv = api().post_id(b, "for followers", {{"visibility", "private"}});
  const std::string boost =
      str(Api::ok_json(api().post("/api/v1/statuses/" + unrelated + "/reblog", b.token)), "id");

  auto r = api().get("/api/v1/timelines/home", a.token);
  auto home = Api::ok_json(r);
  EXPECT_EQ(ids(home), (Ids{boost, priv, own, after, before}));
  EXPECT_EQ(str(home, "0.reblog.id"), unrelated);
  EXPECT_EQ(str(home, "0.account.id"), b.id);
  // c's own timeline has only c's post.
  EXPECT_EQ(get_ids("/api/v1/timelines/home", c.token), Ids{unrelated});

  // Unfollowing removes b's posts from a's home.
  Api::ok_json(api().post("/api/v1/accounts/" + b.id + "/unfollow", a.token));
  EXPECT_EQ(get_ids("/api/v1/timelines/home", a.token), Ids{own});

  expect_error(api().get("/api/v1/timelines/home"), 401);
  expect_error(api().get("/api/v1/timelines/home", app_token_), 422);
}

TEST_F(TimelinesApiIntegration, FollowWithoutReblogsKeepsBoostsOffHome) {
  auto a = new_user("norb");
  auto b = new_user("norbb");
  auto c = new_user("norbc");
  Api::ok_json(api().post_form("/api/v1/accounts/" + b.id + "/follow", form({{"reblogs", "false"}}),
                               a.token));
  const std::string original = api().post_id(c, "boost-worthy");
  // Warm a's feed first, then let b boost: the boost must not arrive by fan-out either.
  EXPECT_EQ(get_ids("/api/v1/timelines/home", a.token), Ids{});
  Api::ok_json(api().post("/api/v1/statuses/" + original + "/reblog", b.token));
  const std::string own_post = api().post_id(b, "b's own words");
  EXPECT_EQ(get_ids("/api/v1/timelines/home", a.token), Ids{own_post});
}

TEST_F(TimelinesApiIntegration, RepliesReachHomeOnlyOfThoseWhoFollowBothSides) {
  auto reader = new_user("conv");       // follows the author only; feed warm before the replies
  auto cold_reader = new_user("conv");  // follows author and stranger; feed built from tables
  auto author = new_user("conv");
  auto stranger = new_user("conv");
  api().follow(reader, author);
  api().follow(cold_reader, author);
  api().follow(cold_reader, stranger);
  const std::string strangers_post = api().post_id(stranger, "a stranger speaks");
  const std::string readers_post = api().post_id(reader, "the reader speaks");
  EXPECT_EQ(get_ids("/api/v1/timelines/home", reader.token), Ids{readers_post});

  const std::string own_thread = api().post_id(author, "first");
  const std::string self_reply =
      api().post_id(author, "second, in my own thread", {{"in_reply_to_id", own_thread}});
  const std::string to_stranger =
      api().post_id(author, "a reply to the stranger", {{"in_reply_to_id", strangers_post}});
  const std::string to_reader =
      api().post_id(author, "a reply to the reader", {{"in_reply_to_id", readers_post}});

  // Mastodon's rule: half a conversation with someone you don't follow stays off your home.
  EXPECT_EQ(get_ids("/api/v1/timelines/home", reader.token),
            (Ids{to_reader, self_reply, own_thread, readers_post}));
  EXPECT_EQ(get_ids("/api/v1/timelines/home", cold_reader.token),
            (Ids{to_stranger, self_reply, own_thread, strangers_post}));
  // The reply is still public: on the author's profile and by its id.
  EXPECT_EQ(str(api().status(to_stranger, reader.token), "id"), to_stranger);
}

TEST_F(TimelinesApiIntegration, PublicTimeline) {
  auto a = new_user("pub");
  const std::string p1 = api().post_id(a, "public one");
  const std::string p2 = api().post_id(a, "public two");
  const std::string boost =
      str(Api::ok_json(api().post("/api/v1/statuses/" + p1 + "/reblog", a.token)), "id");
  auto anon = Api::ok_json(api().get("/api/v1/timelines/public?limit=5"));
  ASSERT_GE(arr(anon).size(), 2u);
  EXPECT_EQ(str(anon, "0.id"), p2);
  EXPECT_EQ(str(anon, "1.id"), p1);
  EXPECT_FALSE(has_id(anon, boost)) << "boosts are not on the public timeline";
  EXPECT_FALSE(has(anon, "0.favourited")) << "anonymous readers get no viewer flags";
  auto signed_in = Api::ok_json(api().get("/api/v1/timelines/public?limit=2&local=true", a.token));
  EXPECT_EQ(ids(signed_in), (Ids{p2, p1}));
  EXPECT_TRUE(boolean(signed_in, "1.reblogged"));
  EXPECT_EQ(get_ids("/api/v1/timelines/public?remote=true"), Ids{});
  EXPECT_EQ(get_ids("/api/v1/timelines/public?only_media=1"), Ids{});
  expect_error(api().get("/api/v1/timelines/public?local=perhaps"), 400);
  expect_error(api().get("/api/v1/timelines/public", "bogus-token"), 401);
}

TEST_F(TimelinesApiIntegration, HashtagTimelineIsCaseAndFormInsensitive) {
  auto a = new_user("tagtl");
  const std::string word = "Tl" + unique_suffix();
  const std::string t1 = api().post_id(a, "first #" + word);
  const std::string t2 = api().post_id(a, "second #" + lower(word) + " here");
  const std::string other = api().post_id(a, "no tag " + word);
  EXPECT_EQ(get_ids("/api/v1/timelines/tag/" + lower(word)), (Ids{t2, t1}));
  std::string upper = word;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(get_ids("/api/v1/timelines/tag/" + upper, a.token), (Ids{t2, t1}));
  // Non-ASCII tags arrive percent-encoded in the path; composed and decomposed forms match.
  const std::string cafe = api().post_id(a, "coffee #Caf\xc3\xa9" + lower(word));
  EXPECT_EQ(get_ids("/api/v1/timelines/tag/caf%C3%A9" + lower(word)), Ids{cafe});
  EXPECT_EQ(get_ids("/api/v1/timelines/tag/CAFE%CC%81" + lower(word)), Ids{cafe});
  // Not a tag at all: empty.
  EXPECT_EQ(get_ids("/api/v1/timelines/tag/123"), Ids{});
  expect_error(api().get("/api/v1/timelines/tag/bad%zz"), 400);
  (void)other;
}

TEST_F(TimelinesApiIntegration, IdPagingOnEveryTimeline) {
  auto u = new_user("page");
  const std::string tag = "pg" + unique_suffix();
  Ids p;
  for (int i = 1; i <= 5; ++i)
    p.push_back(api().post_id(u, "post " + std::to_string(i) + " #" + tag));
  // p[0] is the oldest, p[4] the newest.
  for (const std::string& base :
       {std::string("/api/v1/timelines/home"), "/api/v1/accounts/" + u.id + "/statuses",
        "/api/v1/timelines/tag/" + tag}) {
    SCOPED_TRACE(base);
    EXPECT_EQ(get_ids(base, u.token), (Ids{p[4], p[3], p[2], p[1], p[0]}));
    EXPECT_EQ(get_ids(base + "?limit=2", u.token), (Ids{p[4], p[3]}));
    EXPECT_EQ(get_ids(base + "?limit=2&max_id=" + p[3], u.token), (Ids{p[2], p[1]}));
    EXPECT_EQ(get_ids(base + "?max_id=" + p[0], u.token), Ids{});
    EXPECT_EQ(get_ids(base + "?since_id=" + p[1], u.token), (Ids{p[4], p[3], p[2]}));
    EXPECT_EQ(get_ids(base + "?since_id=" + p[1] + "&limit=2", u.token), (Ids{p[4], p[3]}))
        << "since_id gives the newest page";
    EXPECT_EQ(get_ids(base + "?min_id=" + p[1] + "&limit=2", u.token), (Ids{p[3], p[2]}))
        << "min_id gives the oldest page above it, newest first";
    EXPECT_EQ(get_ids(base + "?min_id=" + p[4], u.token), Ids{});
    EXPECT_EQ(get_ids(base + "?max_id=" + p[4] + "&since_id=" + p[1], u.token), (Ids{p[3], p[2]}));

    // Walking the Link header visits every post once.
    Ids walked;
    std::string target = base + "?limit=2";
    for (int guard = 0; guard < 10 && !target.empty(); ++guard) {
      auto r = api().get(target, u.token);
      auto page = Api::ok_json(r);
      if (arr(page).empty()) break;
      for (const auto& id : ids(page)) walked.push_back(id);
      target = strip_origin(link_url(r.header("link"), "next"));
    }
    EXPECT_EQ(walked, (Ids{p[4], p[3], p[2], p[1], p[0]}));
    // And "prev" from the oldest page leads back up.
    auto last = api().get(base + "?limit=2&max_id=" + p[1], u.token);
    EXPECT_EQ(ids(Api::ok_json(last)), Ids{p[0]});
    const std::string prev = strip_origin(link_url(last.header("link"), "prev"));
    ASSERT_FALSE(prev.empty()) << last.header("link");
    EXPECT_EQ(get_ids(prev, u.token), (Ids{p[2], p[1]}));
  }
}

TEST_F(TimelinesApiIntegration, LinkHeaderUsesTheHostTheClientAddressed) {
  auto u = new_user("link");
  Ids p;
  for (int i = 0; i < 3; ++i) p.push_back(api().post_id(u, "linked " + std::to_string(i)));
  HttpRequest req;
  req.target = "/api/v1/timelines/home?limit=2";
  req.token = u.token;
  req.host = "example.test:1234";
  auto r = api().request(req);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.header("link"),
            "<http://example.test:1234/api/v1/timelines/home?max_id=" + p[1] +
                "&limit=2>; rel=\"next\", <http://example.test:1234/api/v1/timelines/home?min_id=" +
                p[2] + "&limit=2>; rel=\"prev\"");
  // Behind a TLS proxy.
  req.headers = {{"X-Forwarded-Proto", "https"}};
  r = api().request(req);
  EXPECT_TRUE(
      starts_with(r.header("link"), "<https://example.test:1234/api/v1/timelines/home?max_id="))
      << r.header("link");
  // A hostile Host header is no host (RFC 9112 3.2: 400), and a hostile X-Forwarded-Host
  // cannot inject Link parameters either.
  req.headers.clear();
  req.host = "evil.test\">; rel=\"payload";
  EXPECT_EQ(expect_error(api().request(req), 400), "Malformed HTTP request");
  req.host = "127.0.0.1";
  req.headers = {{"X-Forwarded-Host", "evil.test\">; rel=\"payload"}};
  r = api().request(req);
  ASSERT_EQ(r.status, 200) << r;
  const std::string link = r.header("link");
  EXPECT_FALSE(contains(link, "rel=\"payload")) << link;
  EXPECT_TRUE(starts_with(link, "<http://evil.test")) << link;
  size_t rels = 0;
  for (size_t pos = link.find("rel="); pos != std::string::npos; pos = link.find("rel=", pos + 1))
    ++rels;
  EXPECT_EQ(rels, 2u) << link;
}

TEST_F(TimelinesApiIntegration, SearchV2) {
  auto u = new_user("srchv2");
  const std::string tag = "Sv" + unique_suffix();
  const std::string word = "zebracorn" + unique_suffix().substr(0, 3);
  const std::string p1 = api().post_id(u, "about #" + tag + " and " + word);
  const std::string p2 = api().post_id(u, word + " again");
  auto v = Api::ok_json(api().get("/api/v2/search?q=" + word, u.token));
  EXPECT_EQ(ids(at(v, "statuses")), (Ids{p2, p1}));
  EXPECT_EQ(arr(v, "hashtags").size(), 0u);
  v = Api::ok_json(api().get("/api/v2/search?type=hashtags&q=%23" + lower(tag)));
  ASSERT_EQ(arr(v, "hashtags").size(), 1u) << json::serialize(v);
  EXPECT_EQ(str(v, "hashtags.0.name"), lower(tag));
  EXPECT_EQ(str(v, "hashtags.0.url"), "http://127.0.0.1/tags/" + lower(tag));
  EXPECT_EQ(arr(v, "accounts").size(), 0u);
  EXPECT_EQ(arr(v, "statuses").size(), 0u);
  v = Api::ok_json(api().get("/api/v2/search?type=statuses&q=%23" + tag));
  EXPECT_EQ(ids(at(v, "statuses")), Ids{p1});
  // Search syntax in the query is literal text, not FTS operators.
  v = Api::ok_json(api().get("/api/v2/search?type=statuses&q=" + enc(word + " OR \"x\" NEAR(")));
  EXPECT_EQ(arr(v, "statuses").size(), 0u);
  v = Api::ok_json(api().get("/api/v2/search?q="));
  EXPECT_EQ(arr(v, "statuses").size() + arr(v, "accounts").size() + arr(v, "hashtags").size(), 0u);
  // Offsets are for signed-in users.
  expect_error(api().get("/api/v2/search?q=" + word + "&offset=1"), 401);
  v = Api::ok_json(api().get("/api/v2/search?type=statuses&q=" + word + "&offset=1", u.token));
  EXPECT_EQ(ids(at(v, "statuses")), Ids{p1});
  expect_error(api().get("/api/v2/search?q=x&limit=lots"), 400);
}

TEST_F(TimelinesApiIntegration, LimitIsCappedAtForty) {
  auto u = new_user("cap");
  for (int i = 0; i < 42; ++i) api().post_id(u, "bulk post " + std::to_string(i));
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/accounts/" + u.id + "/statuses?limit=100"))).size(),
            40u);
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/timelines/home?limit=100", u.token))).size(), 40u);
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/timelines/public?limit=41"))).size(), 40u);
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/timelines/public"))).size(), 20u)
      << "default is 20";
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/timelines/public?limit=3"))).size(), 3u);
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/timelines/public?limit=0"))).size(), 1u);
}

}  // namespace
}  // namespace publius::integration
