// Federation safety between two Publius servers over loopback: A's operator suspends B's
// domain (B's accounts on A are erased, B's posts no longer arrive and nothing of them is
// stored, B's accounts cannot be looked up, until the block is lifted) or silences it (B's
// posts reach their followers on A but stay out of A's public timeline, and B's follows
// of A's unlocked accounts are requests); A's member reports B's account with `forward`:
// B receives a Flag signed by A's instance actor, and B's moderators see a report filed by
// A's server, not by the member. Under authorized fetch A serves its actors only to signed
// requests: B, which signs its fetches, still finds and follows A's accounts, an unsigned
// request is a 401, and once A suspends B, B's signed fetches are refused.

#include "integration/federation_instances.h"
#include "integration/signed_inbox_post.h"

namespace publius::integration {
namespace {

// An admin of `instance`, made with the command line while it runs; its token, once the
// server has seen the new account.
std::string admin_of(Instance& instance) {
  const std::string token =
      create_account_with_cli(instance.data_dir, "adm_" + unique_suffix(), "admin");
  until(
      [&] {
        return json::value(instance.api->get("/api/v1/accounts/verify_credentials", token).status);
      },
      [](const json::value& v) { return v.as_int64() == 200; });
  return token;
}

json::value block(Instance& instance, const std::string& admin, const std::string& domain,
                  const std::string& severity) {
  return Api::ok_json(instance.api->post_form(
      "/api/v1/admin/domain_blocks", form({{"domain", domain}, {"severity", severity}}), admin));
}

TEST(FederationGuardInstances, SuspendedServerIsNotHeardFromUntilTheBlockIsLifted) {
  Instance a, b;
  ASSERT_TRUE(a.start());
  ASSERT_TRUE(b.start());
  auto alice = a.api->register_user(a.app_token, "alice");
  auto bob = b.api->register_user(b.app_token, "bob");
  const std::string bob_on_a = follow_across(a, alice, b, bob);
  ASSERT_FALSE(bob_on_a.empty());
  const auto home = [&] { return Api::ok_json(a.api->get("/api/v1/timelines/home", alice.token)); };
  b.api->post_id(bob, "before the block");
  auto timeline = until(home, [](const json::value& v) { return !arr(v).empty(); });
  ASSERT_EQ(arr(timeline).size(), 1u) << timeline;

  const std::string admin = admin_of(a);
  const std::string block_id = str(block(a, admin, b.host, "suspend"), "id");
  // B's accounts on A are erased with their posts and follows.
  EXPECT_EQ(a.api->get("/api/v1/accounts/" + bob_on_a, alice.token).status, 404);
  EXPECT_TRUE(arr(home()).empty());
  EXPECT_EQ(count_rows(a.data_dir, "remote_actors", "1"), 0);
  EXPECT_EQ(count_rows(a.data_dir, "statuses", "uri != ''"), 0);

  // B still has alice as a follower and delivers bob's next post: A refuses it (B drops
  // it at once) and stores nothing.
  b.api->post_id(bob, "after the block");
  const auto b_queue = [&] {
    return json::value(count_rows(b.data_dir, "federation_deliveries", "1"));
  };
  EXPECT_EQ(until(b_queue, [](const json::value& v) { return v.as_int64() == 0; }).as_int64(), 0);
  EXPECT_EQ(count_rows(a.data_dir, "remote_actors", "1"), 0);
  EXPECT_EQ(count_rows(a.data_dir, "statuses", "uri != ''"), 0);
  EXPECT_TRUE(arr(Api::ok_json(a.api->get("/api/v1/timelines/public", alice.token))).empty());
  // Nor can anyone on A find B's accounts.
  const std::string lookup = "/api/v1/accounts/lookup?acct=" + enc(bob.username + "@" + b.host);
  EXPECT_EQ(a.api->get(lookup, alice.token).status, 404);

  // Lifted: B is federated with again.
  ASSERT_EQ(a.api->del("/api/v1/admin/domain_blocks/" + block_id, admin).status, 200);
  EXPECT_EQ(a.api->get(lookup, alice.token).status, 200);
}

TEST(FederationGuardInstances, SilencedServerStaysOutOfThePublicTimelineAndItsFollowsAsk) {
  Instance a, b;
  ASSERT_TRUE(a.start());
  ASSERT_TRUE(b.start());
  auto alice = a.api->register_user(a.app_token, "alice");
  auto dave = a.api->register_user(a.app_token, "dave");
  auto bob = b.api->register_user(b.app_token, "bob");
  auto carol = b.api->register_user(b.app_token, "carol");
  ASSERT_FALSE(follow_across(a, alice, b, bob).empty());
  block(a, admin_of(a), b.host, "silence");
  // Anyone can see which servers A limits.
  auto listed = Api::ok_json(a.api->get("/api/v1/instance/domain_blocks"));
  ASSERT_EQ(arr(listed).size(), 1u) << listed;
  EXPECT_EQ(str(listed, "0.domain"), b.host);
  EXPECT_EQ(str(listed, "0.severity"), "silence");
  EXPECT_EQ(str(listed, "0.digest").size(), 64u);

  // Bob's public post reaches alice, who follows him, but not A's public and hashtag
  // timelines or streams.
  Updates public_updates, tag_updates;
  ASSERT_TRUE(public_updates.open(a.server.port(), "/api/v1/streaming/public", alice.token));
  ASSERT_TRUE(
      tag_updates.open(a.server.port(), "/api/v1/streaming/hashtag?tag=hushed", alice.token));
  b.api->post_id(bob, "silenced hello #hushed");
  auto timeline =
      until([&] { return Api::ok_json(a.api->get("/api/v1/timelines/home", alice.token)); },
            [](const json::value& v) { return !arr(v).empty(); });
  ASSERT_EQ(arr(timeline).size(), 1u) << timeline;
  const std::string on_a = str(timeline, "0.id");
  // Posted once the silenced post is here: the streams' next post is this one.
  const std::string local = a.api->post_id(dave, "a local public post #hushed");
  EXPECT_EQ(public_updates.next_id(), local) << "the public stream skips the silenced post";
  EXPECT_EQ(tag_updates.next_id(), local) << "the hashtag stream skips the silenced post";
  for (const std::string path : {"/api/v1/timelines/public", "/api/v1/timelines/public?remote=true",
                                 "/api/v1/timelines/tag/hushed"}) {
    auto shown = Api::ok_json(a.api->get(path, alice.token));
    EXPECT_FALSE(has_id(shown, on_a)) << path << shown;
    if (!contains(path, "remote")) {
      EXPECT_TRUE(has_id(shown, local)) << shown;
    }
  }

  // Carol's follow of dave, unlocked, is a request on A.
  const std::string dave_on_b =
      str(Api::ok_json(b.api->get(
              "/api/v1/accounts/lookup?acct=" + enc(dave.username + "@" + a.host), carol.token)),
          "id");
  ASSERT_FALSE(dave_on_b.empty());
  Api::ok_json(b.api->post("/api/v1/accounts/" + dave_on_b + "/follow", carol.token));
  auto requests =
      until([&] { return Api::ok_json(a.api->get("/api/v1/follow_requests", dave.token)); },
            [](const json::value& v) { return !arr(v).empty(); });
  ASSERT_EQ(arr(requests).size(), 1u) << requests;
  EXPECT_EQ(str(requests, "0.acct"), carol.username + "@" + b.host);
  EXPECT_EQ(
      num(Api::ok_json(a.api->get("/api/v1/accounts/" + dave.id, dave.token)), "followers_count"),
      0);
}

TEST(FederationGuardInstances, ForwardedReportReachesTheOtherServerFromItsInstanceActor) {
  Instance a, b;
  ASSERT_TRUE(a.start());
  ASSERT_TRUE(b.start());
  auto alice = a.api->register_user(a.app_token, "alice");
  auto bob = b.api->register_user(b.app_token, "bob");
  const std::string bob_on_a = follow_across(a, alice, b, bob);
  ASSERT_FALSE(bob_on_a.empty());
  const std::string post_on_b = b.api->post_id(bob, "buy my pills");
  auto timeline =
      until([&] { return Api::ok_json(a.api->get("/api/v1/timelines/home", alice.token)); },
            [](const json::value& v) { return !arr(v).empty(); });
  ASSERT_EQ(arr(timeline).size(), 1u) << timeline;

  auto filed = Api::ok_json(a.api->post_json(
      "/api/v1/reports",
      json::parse(R"({"account_id":")" + bob_on_a + R"(","status_ids":[")" + str(timeline, "0.id") +
                  R"("],"comment":"spam bot","forward":true})"),
      alice.token));
  EXPECT_TRUE(boolean(filed, "forwarded")) << filed;

  const std::string b_admin = admin_of(b);
  auto reports = until([&] { return Api::ok_json(b.api->get("/api/v1/admin/reports", b_admin)); },
                       [](const json::value& v) { return !arr(v).empty(); });
  ASSERT_EQ(arr(reports).size(), 1u) << reports;
  const auto& report = reports.as_array().at(0);
  EXPECT_EQ(str(report, "target_account.id"), bob.id);
  EXPECT_EQ(str(report, "comment"), "spam bot");
  ASSERT_EQ(arr(report, "statuses").size(), 1u) << report;
  EXPECT_EQ(str(report, "statuses.0.id"), post_on_b);
  // Filed by A's server (its instance actor), never naming alice.
  const std::string reporter = str(report, "account.account.acct");
  EXPECT_EQ(reporter, a.host + "@" + a.host) << report;
  EXPECT_FALSE(contains(json::serialize(report), alice.username)) << report;
}

// Starts `instance` as Instance::start() does, with `flags` besides.
bool start_with(Instance& instance, const std::vector<std::string>& flags) {
  const int port = unused_port();
  instance.host = "127.0.0.1:" + std::to_string(port);
  instance.server.listen = instance.host;
  instance.server.domain = instance.host;
  instance.server.public_url = "http://" + instance.host;
  std::vector<std::string> all = {"--federation-loopback-testing"};
  all.insert(all.end(), flags.begin(), flags.end());
  if (port == 0 || !instance.server.start(instance.data_dir, all)) return false;
  instance.api = std::make_unique<Api>(instance.server.port());
  instance.app_token = instance.api->app_token(
      instance.api->create_app("read write follow push", "urn:ietf:wg:oauth:2.0:oob"));
  return true;
}

TEST(FederationGuardInstances, AuthorizedFetchServesActorsToSignedRequestsOnly) {
  Instance a, b;
  ASSERT_TRUE(start_with(a, {"--authorized-fetch"}));
  ASSERT_TRUE(b.start());
  auto alice = a.api->register_user(a.app_token, "alice");
  auto bob = b.api->register_user(b.app_token, "bob");
  const std::vector<std::pair<std::string, std::string>> as_activity = {
      {"Accept", "application/activity+json"}};

  // Unsigned: no actor document, at its id or its profile page.
  expect_error(a.api->get("/users/" + alice.username, "", as_activity), 401);
  // (the profile page's address answers as the web UI does: its error page)
  EXPECT_EQ(a.api->get("/@" + alice.username, "", as_activity).status, 401);
  const std::string post = a.api->post_id(alice, "for signed eyes");
  expect_error(a.api->get("/users/" + alice.username + "/statuses/" + post, "", as_activity), 401);
  // Nor any of its collections, pages included.
  for (const char* collection : {"/outbox", "/outbox?page=true", "/followers",
                                 "/following?page=true", "/collections/featured"})
    expect_error(a.api->get("/users/" + alice.username + collection, "", as_activity), 401);
  // What finding and checking keys needs stays public.
  EXPECT_EQ(a.api->get("/actor", "", as_activity).status, 200);
  EXPECT_EQ(
      a.api->get("/.well-known/webfinger?resource=" + enc("acct:" + alice.username + "@" + a.host))
          .status,
      200);
  // A browser still gets the profile page.
  EXPECT_EQ(a.api->get("/users/" + alice.username).status, 302);

  // B signs its fetches (as its instance actor): it finds and follows alice, and her posts
  // reach bob.
  const std::string alice_on_b = follow_across(b, bob, a, alice);
  ASSERT_FALSE(alice_on_b.empty());
  a.api->post_id(alice, "signed hello");
  auto timeline =
      until([&] { return Api::ok_json(b.api->get("/api/v1/timelines/home", bob.token)); },
            [](const json::value& v) { return !arr(v).empty(); });
  EXPECT_EQ(arr(timeline).size(), 1u) << timeline;

  // A suspends B: B's signed fetches are refused, so B finds no one new on A.
  block(a, admin_of(a), b.host, "suspend");
  auto carol = a.api->register_user(a.app_token, "carol");
  EXPECT_EQ(
      b.api->get("/api/v1/accounts/lookup?acct=" + enc(carol.username + "@" + a.host), bob.token)
          .status,
      404);
}

}  // namespace
}  // namespace publius::integration
