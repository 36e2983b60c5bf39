// Polls against the running server: creating them in every parameter encoding,
// the Poll entity, voting and its refusals, hidden totals, edits, and the
// notifications when a poll ends (PollExpiryServerTest, with its own server).
#include <filesystem>

#include "integration/server_harness.h"
#include "store/sqlite/db.h"
#include "util/time.h"

namespace publius::integration {
namespace {

class PollsApiIntegration : public ApiIntegrationTest {
 protected:
  // A public post with a poll of `options` (form-encoded) by `author`.
  static json::value post_poll(const User& author, std::vector<std::string> options,
                               std::string extra = "") {
    std::string body = form({{"status", "Which one?"}, {"poll[expires_in]", "3600"}});
    for (const auto& o : options) body += "&" + enc("poll[options][]") + "=" + enc(o);
    if (!extra.empty()) body += "&" + extra;
    return Api::ok_json(api().post_form("/api/v1/statuses", body, author.token));
  }
  static HttpResponse vote(const User& voter, const std::string& poll_id,
                           const json::array& choices) {
    return api().post_json("/api/v1/polls/" + poll_id + "/votes",
                           json::object{{"choices", choices}}, voter.token);
  }
};

std::vector<std::string> titles(const json::value& poll) {
  std::vector<std::string> out;
  for (const auto& o : arr(poll, "options")) out.push_back(str(o, "title"));
  return out;
}

TEST_F(PollsApiIntegration, CreateWithFormJsonAndMultipart) {
  auto a = new_user("pc");
  const int64_t before = now_ms();
  auto v = post_poll(a, {"tea", "coffee"}, "poll%5Bmultiple%5D=true");
  const auto& poll = at(v, "poll");
  EXPECT_EQ(str(poll, "id"), str(v, "id")) << "a poll is named by its post's id";
  EXPECT_EQ(titles(poll), (std::vector<std::string>{"tea", "coffee"}));
  EXPECT_TRUE(boolean(poll, "multiple"));
  EXPECT_FALSE(boolean(poll, "expired"));
  EXPECT_EQ(num(poll, "votes_count"), 0);
  EXPECT_EQ(num(poll, "voters_count"), 0) << "counted for polls of several choices";
  EXPECT_EQ(num(poll, "options.0.votes_count"), 0);
  EXPECT_EQ(arr(poll, "emojis").size(), 0u);
  // As Mastodon, the author counts as having voted, with no choices of their own.
  EXPECT_TRUE(boolean(poll, "voted"));
  EXPECT_EQ(arr(poll, "own_votes").size(), 0u);
  const std::string expires_at = str(poll, "expires_at");
  EXPECT_GE(expires_at, format_iso8601_ms(before + 3600 * 1000).substr(0, 16)) << expires_at;
  EXPECT_LE(expires_at, format_iso8601_ms(now_ms() + 3600 * 1000)) << expires_at;

  auto j = Api::ok_json(
      api().post_json("/api/v1/statuses",
                      json::object{{"status", "json poll"},
                                   {"poll", json::object{{"options", json::array{"x", "y", "z"}},
                                                         {"expires_in", 300},
                                                         {"hide_totals", true}}}},
                      a.token));
  EXPECT_EQ(titles(at(j, "poll")), (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_FALSE(boolean(j, "poll.multiple"));
  EXPECT_TRUE(is_null(j, "poll.voters_count")) << "null for a poll of one choice";

  HttpRequest req;
  req.method = "POST";
  req.target = "/api/v1/statuses";
  req.token = a.token;
  req.content_type = "multipart/form-data; boundary=XyZ";
  req.body = multipart_body({{"status", "multipart poll"},
                             {"poll[options][]", "left"},
                             {"poll[options][]", "right"},
                             {"poll[expires_in]", "86400"}},
                            {}, "XyZ");
  auto m = Api::ok_json(api().request(req));
  EXPECT_EQ(titles(at(m, "poll")), (std::vector<std::string>{"left", "right"}));

  // Read back, the post carries the same poll; a post without one carries null.
  auto read = api().status(str(v, "id"), a.token);
  EXPECT_EQ(titles(at(read, "poll")), (std::vector<std::string>{"tea", "coffee"}));
  EXPECT_TRUE(is_null(api().post_status(a, "no poll"), "poll"));
  // Anonymous readers get no per-viewer fields.
  auto anonymous = api().status(str(v, "id"));
  EXPECT_FALSE(has(anonymous, "poll.voted"));
  EXPECT_FALSE(has(anonymous, "poll.own_votes"));
}

TEST_F(PollsApiIntegration, RefusesBadPollsAndAdvertisesTheLimits) {
  auto a = new_user("pv");
  auto create = [&](const std::string& extra) {
    return api().post_form("/api/v1/statuses", form({{"status", "q"}}) + "&" + extra, a.token);
  };
  const std::string two = "poll%5Boptions%5D%5B%5D=a&poll%5Boptions%5D%5B%5D=b";
  auto text = expect_error(create("poll%5Boptions%5D%5B%5D=a&poll%5Bexpires_in%5D=300"), 422);
  EXPECT_TRUE(contains(text, "at least 2")) << text;
  text = expect_error(create(two + "&poll%5Boptions%5D%5B%5D=c&poll%5Boptions%5D%5B%5D=d&"
                                   "poll%5Boptions%5D%5B%5D=e&poll%5Bexpires_in%5D=300"),
                      422);
  EXPECT_TRUE(contains(text, "more than 4")) << text;
  text = expect_error(create(two + "&poll%5Bexpires_in%5D=299"), 422);
  EXPECT_TRUE(contains(text, "too short")) << text;
  text = expect_error(create(two + "&poll%5Bexpires_in%5D=2629747"), 422);
  EXPECT_TRUE(contains(text, "too long")) << text;
  expect_error(create(two), 422);  // no duration
  expect_error(create(two + "&poll%5Bexpires_in%5D=soon"), 400);
  expect_error(create(two + "&poll%5Bexpires_in%5D=300&poll%5Bmultiple%5D=perhaps"), 400);
  text = expect_error(create("poll%5Boptions%5D%5B%5D=" + std::string(51, 'o') +
                             "&poll%5Boptions%5D%5B%5D=b&poll%5Bexpires_in%5D=300"),
                      422);
  EXPECT_TRUE(contains(text, "50 characters")) << text;
  // 50 characters, not bytes: accented letters are two bytes each.
  std::string fifty_accented;
  for (int i = 0; i < 50; ++i) fifty_accented += "é";
  EXPECT_EQ(create("poll%5Boptions%5D%5B%5D=" + enc(fifty_accented) +
                   "&poll%5Boptions%5D%5B%5D=b&poll%5Bexpires_in%5D=300")
                .status,
            200);
  text = expect_error(
      create("poll%5Boptions%5D%5B%5D=a&poll%5Boptions%5D%5B%5D=a&poll%5Bexpires_in%5D=300"), 422);
  EXPECT_TRUE(contains(text, "unique")) << text;
  expect_error(
      create("poll%5Boptions%5D%5B%5D=a&poll%5Boptions%5D%5B%5D=&poll%5Bexpires_in%5D=300"), 422);
  text = expect_error(create(two + "&poll%5Bexpires_in%5D=300&media_ids%5B%5D=123"), 422);
  EXPECT_TRUE(contains(text, "both media and a poll")) << text;
  // Direct messages are sealed; a poll would not be, and a vote shows who read it.
  text = expect_error(create(two + "&poll%5Bexpires_in%5D=300&visibility=direct"), 422);
  EXPECT_TRUE(contains(text, "Direct messages")) << text;
  EXPECT_EQ(num(api().account(a.id), "statuses_count"), 1) << "only the accented poll was made";

  auto instance = Api::ok_json(api().get("/api/v2/instance"));
  EXPECT_EQ(num(instance, "configuration.polls.max_options"), 4);
  EXPECT_EQ(num(instance, "configuration.polls.max_characters_per_option"), 50);
  EXPECT_EQ(num(instance, "configuration.polls.min_expiration"), 300);
  EXPECT_EQ(num(instance, "configuration.polls.max_expiration"), 2629746);
}

TEST_F(PollsApiIntegration, VotingAndItsRefusals) {
  auto a = new_user("pa"), b = new_user("pb"), c = new_user("pcc");
  auto v = post_poll(a, {"yes", "no", "maybe"});
  const std::string id = str(v, "id");
  // The author's cached status JSON must not keep the old tallies after a vote.
  EXPECT_EQ(num(api().status(id, c.token), "poll.votes_count"), 0);

  auto poll = Api::ok_json(vote(b, id, {1}));
  EXPECT_EQ(str(poll, "id"), id);
  EXPECT_TRUE(boolean(poll, "voted"));
  EXPECT_EQ(arr(poll, "own_votes").size(), 1u);
  EXPECT_EQ(num(poll, "own_votes.0"), 1);
  EXPECT_EQ(num(poll, "votes_count"), 1);
  EXPECT_EQ(num(poll, "options.1.votes_count"), 1);
  EXPECT_EQ(num(poll, "options.0.votes_count"), 0);

  // Every reader sees the new tally; only the voter sees their own choice.
  auto seen_by_c = api().status(id, c.token);
  EXPECT_EQ(num(seen_by_c, "poll.votes_count"), 1);
  EXPECT_FALSE(boolean(seen_by_c, "poll.voted"));
  EXPECT_EQ(arr(seen_by_c, "poll.own_votes").size(), 0u);
  EXPECT_EQ(num(api().status(id, b.token), "poll.own_votes.0"), 1);
  auto fetched = Api::ok_json(api().get("/api/v1/polls/" + id, b.token));
  EXPECT_TRUE(boolean(fetched, "voted"));
  auto anonymous = Api::ok_json(api().get("/api/v1/polls/" + id));
  EXPECT_EQ(num(anonymous, "votes_count"), 1);
  EXPECT_FALSE(has(anonymous, "voted"));

  auto text = expect_error(vote(b, id, {0}), 422);
  EXPECT_TRUE(contains(text, "already voted")) << text;
  text = expect_error(vote(a, id, {0}), 422);
  EXPECT_TRUE(contains(text, "own poll")) << text;
  expect_error(vote(c, id, {3}), 422);
  expect_error(vote(c, id, {-1}), 422);
  expect_error(vote(c, id, {}), 422);
  expect_error(vote(c, id, {"first"}), 422);
  text = expect_error(vote(c, id, {0, 2}), 422);
  EXPECT_TRUE(contains(text, "one choice")) << text;
  expect_error(api().post_form("/api/v1/polls/" + id + "/votes", "choices%5B%5D=0"), 401);
  // None of the refused votes counted.
  EXPECT_EQ(num(Api::ok_json(api().get("/api/v1/polls/" + id)), "votes_count"), 1);
  // A form vote works as well as JSON.
  auto by_form =
      Api::ok_json(api().post_form("/api/v1/polls/" + id + "/votes", "choices%5B%5D=2", c.token));
  EXPECT_EQ(num(by_form, "options.2.votes_count"), 1);

  // Unknown polls, posts without a poll and malformed ids are not found.
  expect_error(api().get("/api/v1/polls/999999999"), 404);
  expect_error(api().get("/api/v1/polls/" + api().post_id(a, "plain")), 404);
  expect_error(vote(b, api().post_id(a, "plain too"), {0}), 404);
  expect_error(api().get("/api/v1/polls/abc"), 404);
}

TEST_F(PollsApiIntegration, MultipleChoiceCountsVotesAndVoters) {
  auto a = new_user("pm"), b = new_user("pmb"), c = new_user("pmc");
  const std::string id = str(post_poll(a, {"red", "green", "blue"}, "poll%5Bmultiple%5D=1"), "id");
  auto text = expect_error(vote(b, id, {1, 1}), 422);
  EXPECT_TRUE(contains(text, "once")) << text;
  auto poll = Api::ok_json(vote(b, id, {2, 0}));
  EXPECT_EQ(num(poll, "votes_count"), 2);
  EXPECT_EQ(num(poll, "voters_count"), 1);
  EXPECT_EQ(num(poll, "own_votes.0"), 0);
  EXPECT_EQ(num(poll, "own_votes.1"), 2);
  poll = Api::ok_json(vote(c, id, {0}));
  EXPECT_EQ(num(poll, "votes_count"), 3);
  EXPECT_EQ(num(poll, "voters_count"), 2);
  EXPECT_EQ(num(poll, "options.0.votes_count"), 2);
  EXPECT_EQ(num(poll, "options.1.votes_count"), 0);
}

TEST_F(PollsApiIntegration, HiddenTotalsShowOnlyToTheAuthorWhileRunning) {
  auto a = new_user("ph"), b = new_user("phb");
  const std::string id = str(post_poll(a, {"one", "two"}, "poll%5Bhide_totals%5D=true"), "id");
  auto poll = Api::ok_json(vote(b, id, {0}));
  EXPECT_TRUE(is_null(poll, "options.0.votes_count"));
  EXPECT_TRUE(is_null(poll, "options.1.votes_count"));
  EXPECT_EQ(num(poll, "own_votes.0"), 0) << "the voter still sees their own choice";
  EXPECT_TRUE(is_null(api().status(id), "poll.options.0.votes_count"));
  EXPECT_EQ(num(api().status(id, a.token), "poll.options.0.votes_count"), 1);
  // The author's view, rendered first, is not what the next reader gets.
  EXPECT_TRUE(is_null(api().status(id, b.token), "poll.options.0.votes_count"));
}

TEST_F(PollsApiIntegration, PollsOfPostsOneCannotSeeAreNotFound) {
  auto a = new_user("pp"), follower = new_user("ppf"), stranger = new_user("pps");
  api().follow(follower, a);
  const std::string id = str(post_poll(a, {"in", "out"}, "visibility=private"), "id");
  expect_error(api().get("/api/v1/polls/" + id, stranger.token), 404);
  expect_error(api().get("/api/v1/polls/" + id), 404);
  expect_error(vote(stranger, id, {0}), 404);
  EXPECT_EQ(num(Api::ok_json(vote(follower, id, {0})), "votes_count"), 1);
}

TEST_F(PollsApiIntegration, EditingOptionsStartsTheVotesOver) {
  auto a = new_user("pe"), b = new_user("peb");
  const std::string id = str(post_poll(a, {"cats", "dogs"}), "id");
  Api::ok_json(vote(b, id, {1}));
  auto edit = [&](json::value poll) {
    json::object body{{"status", "Which one, really?"}};
    if (!poll.is_null()) body["poll"] = poll;
    return Api::ok_json(api().send_json("PUT", "/api/v1/statuses/" + id, body, a.token));
  };
  // The same options: the votes stay, the duration is new.
  auto kept = edit(json::object{{"options", json::array{"cats", "dogs"}}, {"expires_in", 7200}});
  EXPECT_EQ(num(kept, "poll.votes_count"), 1);
  EXPECT_EQ(num(api().status(id, b.token), "poll.own_votes.0"), 1);
  // New options: every vote is void and may be cast again.
  auto reset =
      edit(json::object{{"options", json::array{"cats", "dogs", "fish"}}, {"expires_in", 7200}});
  EXPECT_EQ(titles(at(reset, "poll")), (std::vector<std::string>{"cats", "dogs", "fish"}));
  EXPECT_EQ(num(reset, "poll.votes_count"), 0);
  auto for_b = api().status(id, b.token);
  EXPECT_FALSE(boolean(for_b, "poll.voted"));
  EXPECT_EQ(num(Api::ok_json(vote(b, id, {2})), "options.2.votes_count"), 1);
  // Switching to several choices voids them too.
  auto multiple = edit(json::object{
      {"options", json::array{"cats", "dogs", "fish"}}, {"expires_in", 7200}, {"multiple", true}});
  EXPECT_EQ(num(multiple, "poll.votes_count"), 0);
  // The history keeps each version's options.
  auto history = Api::ok_json(api().get("/api/v1/statuses/" + id + "/history", a.token));
  ASSERT_EQ(history.as_array().size(), 4u);
  EXPECT_EQ(titles(at(history, "0.poll")), (std::vector<std::string>{"cats", "dogs"}));
  EXPECT_EQ(titles(at(history, "3.poll")), (std::vector<std::string>{"cats", "dogs", "fish"}));
  // An edit without a poll removes it, as in Mastodon.
  auto removed = edit(json::value());
  EXPECT_TRUE(is_null(removed, "poll"));
  expect_error(api().get("/api/v1/polls/" + id), 404);
  auto last = Api::ok_json(api().get("/api/v1/statuses/" + id + "/history", a.token));
  EXPECT_FALSE(has(at(last, "4"), "poll")) << "an edit without a poll has none (optional)";
  // A poll added by an edit starts empty; with media or on a direct post it is refused.
  auto added = edit(json::object{{"options", json::array{"up", "down"}}, {"expires_in", 300}});
  EXPECT_EQ(titles(at(added, "poll")), (std::vector<std::string>{"up", "down"}));
  const std::string dm = api().post_id(a, "@" + b.username + " secret", {{"visibility", "direct"}});
  auto refused = api().send_json(
      "PUT", "/api/v1/statuses/" + dm,
      json::object{{"status", "@" + b.username + " secret"},
                   {"poll", json::object{{"options", json::array{"a", "b"}}, {"expires_in", 300}}}},
      a.token);
  expect_error(refused, 422);
}

// The poll-end notifications, on a server of its own that looks for ended polls
// every second. Time is moved through the store: the test sets a poll's end in
// the past with its own connection, as a clock jump would.
class PollExpiryServerTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir("publius-polls-"); }
  void TearDown() override {
    server_.stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string data() const { return dir_ + "/data"; }
  void end_poll_now(const std::string& id) {
    auto db = sqlite::Db::open(data() + "/publius.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("UPDATE polls SET expires_ms = " + std::to_string(now_ms() - 1000) +
                         " WHERE status_id = " + id)
                    .ok());
  }
  static std::vector<std::string> poll_notifications(const Api& api, const std::string& token) {
    auto list = Api::ok_json(api.get("/api/v1/notifications?types[]=poll", token));
    std::vector<std::string> statuses;
    for (const auto& n : list.as_array()) statuses.push_back(str(n, "status.id"));
    return statuses;
  }

  std::string dir_;
  ServerProcess server_;
};

TEST_F(PollExpiryServerTest, AuthorAndVotersHearOnceWhenThePollEnds) {
  const std::string author = create_account_with_cli(data(), "asker");
  const std::string voter = create_account_with_cli(data(), "answerer");
  const std::string bystander = create_account_with_cli(data(), "bystander");
  ASSERT_TRUE(server_.start(data(), {"--poll-check-seconds", "1"}));
  Api api(server_.port());
  auto post = Api::ok_json(api.post_form(
      "/api/v1/statuses",
      "status=Quick&poll%5Boptions%5D%5B%5D=a&poll%5Boptions%5D%5B%5D=b&poll%5Bexpires_in%5D=300",
      author));
  const std::string id = str(post, "id");
  Api::ok_json(api.post_form("/api/v1/polls/" + id + "/votes", "choices%5B%5D=1", voter));
  EXPECT_TRUE(poll_notifications(api, author).empty()) << "the poll is still running";

  end_poll_now(id);
  const auto deadline = Clock::now() + 15s;
  while (poll_notifications(api, voter).empty() && Clock::now() < deadline) ::poll(nullptr, 0, 100);
  EXPECT_EQ(poll_notifications(api, voter), std::vector<std::string>{id});
  EXPECT_EQ(poll_notifications(api, author), std::vector<std::string>{id});
  EXPECT_TRUE(poll_notifications(api, bystander).empty()) << "only voters and the author hear";
  auto n = Api::ok_json(api.get("/api/v1/notifications?types[]=poll", voter));
  EXPECT_EQ(str(n, "0.type"), "poll");
  EXPECT_EQ(str(n, "0.account.username"), "asker");
  EXPECT_TRUE(boolean(n, "0.status.poll.expired"));
  EXPECT_EQ(num(n, "0.status.poll.options.1.votes_count"), 1);
  auto text = expect_error(
      api.post_form("/api/v1/polls/" + id + "/votes", "choices%5B%5D=0", bystander), 422);
  EXPECT_TRUE(contains(text, "ended")) << text;

  // A restart neither loses nor repeats them.
  ASSERT_TRUE(server_.stop().has_value());
  ASSERT_TRUE(server_.start(data(), {"--poll-check-seconds", "1"}));
  Api again(server_.port());
  // Wait for at least one pass of the new server's closer (it runs at start-up).
  ::poll(nullptr, 0, 1500);
  EXPECT_EQ(poll_notifications(again, voter), std::vector<std::string>{id});
  EXPECT_EQ(poll_notifications(again, author), std::vector<std::string>{id});
}

TEST_F(PollExpiryServerTest, PollsThatEndedWhileTheServerWasDownAreAnnouncedAtStart) {
  const std::string author = create_account_with_cli(data(), "asker");
  ASSERT_TRUE(server_.start(data(), {"--poll-check-seconds", "3600"}));
  Api api(server_.port());
  const std::string id = str(
      Api::ok_json(api.post_form("/api/v1/statuses",
                                 "status=Later&poll%5Boptions%5D%5B%5D=a&poll%5Boptions%5D%5B%5D="
                                 "b&poll%5Bexpires_in%5D=300",
                                 author)),
      "id");
  ASSERT_TRUE(server_.stop().has_value());
  end_poll_now(id);
  // An hour between checks: only the check at start-up can announce it.
  ASSERT_TRUE(server_.start(data(), {"--poll-check-seconds", "3600"}));
  Api again(server_.port());
  const auto deadline = Clock::now() + 15s;
  while (poll_notifications(again, author).empty() && Clock::now() < deadline)
    ::poll(nullptr, 0, 100);
  EXPECT_EQ(poll_notifications(again, author), std::vector<std::string>{id});
}

}  // namespace
}  // namespace publius::integration
