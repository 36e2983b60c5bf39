// Federation's public documents against the running server: WebFinger, host-meta, NodeInfo
// and actor documents, and their answers to bad input.
#include "integration/server_harness.h"

namespace publius::integration {
namespace {

class FederationIntegration : public ApiIntegrationTest {};

constexpr const char* kBase = "http://127.0.0.1";  // the harness's --public-url
constexpr const char* kActivityAccept = "application/activity+json";

json::value parse(const HttpResponse& r) {
  EXPECT_EQ(r.status, 200) << r;
  return json::parse(r.body);
}

TEST_F(FederationIntegration, WebFingerFindsAnAccountByAcctAndByActorUrl) {
  auto u = new_user("wf");
  const std::string actor = std::string(kBase) + "/users/" + u.username;
  for (const std::string& resource :
       {"acct:" + u.username + "@localhost", "acct:" + u.username + "@LOCALHOST",
        u.username + "@localhost", actor, std::string(kBase) + "/@" + u.username}) {
    auto r = api().get("/.well-known/webfinger?resource=" + http::url_encode(resource));
    ASSERT_EQ(r.status, 200) << resource << " " << r;
    EXPECT_TRUE(starts_with(r.header("content-type"), "application/jrd+json")) << resource;
    auto v = json::parse(r.body);
    EXPECT_EQ(str(v, "subject"), "acct:" + u.username + "@localhost");
    ASSERT_EQ(arr(v, "aliases").size(), 2u);
    EXPECT_EQ(str(v, "aliases.0"), std::string(kBase) + "/@" + u.username);
    EXPECT_EQ(str(v, "aliases.1"), actor);
    EXPECT_EQ(str(v, "links.0.rel"), "http://webfinger.net/rel/profile-page");
    EXPECT_EQ(str(v, "links.0.href"), std::string(kBase) + "/@" + u.username);
    EXPECT_EQ(str(v, "links.1.rel"), "self");
    EXPECT_EQ(str(v, "links.1.type"), "application/activity+json");
    EXPECT_EQ(str(v, "links.1.href"), actor);
  }
}

TEST_F(FederationIntegration, WebFingerRefusesBadResources) {
  auto u = new_user("wfbad");
  // Missing or malformed: 400.
  for (const std::string& target :
       {std::string("/.well-known/webfinger"), std::string("/.well-known/webfinger?resource="),
        std::string("/.well-known/webfinger?resource=acct:nobody"),
        std::string("/.well-known/webfinger?resource=acct:@localhost"),
        std::string("/.well-known/webfinger?resource=acct:") + u.username + "@",
        std::string("/.well-known/webfinger?resource=%zz")}) {
    auto r = api().get(target);
    expect_error(r, 400);
  }
  // Another server's account, an unknown one, another server's URL: 404.
  for (const std::string& resource :
       {"acct:" + u.username + "@elsewhere.example", std::string("acct:no_such_user@localhost"),
        "https://elsewhere.example/users/" + u.username, std::string(kBase) + "/users/no_such_user",
        std::string(kBase) + "/users/" + u.username + "/statuses/1"}) {
    auto r = api().get("/.well-known/webfinger?resource=" + http::url_encode(resource));
    const std::string message = expect_error(r, 404);
    EXPECT_FALSE(contains(message, "elsewhere")) << "the error repeats no input: " << message;
  }
}

TEST_F(FederationIntegration, HostMetaPointsAtWebFinger) {
  auto r = api().get("/.well-known/host-meta");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_TRUE(starts_with(r.header("content-type"), "application/xrd+xml"));
  EXPECT_TRUE(contains(r.body, "<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">"));
  EXPECT_TRUE(contains(r.body,
                       "rel=\"lrdd\" template=\"http://127.0.0.1/.well-known/"
                       "webfinger?resource={uri}\""))
      << r.body;
}

TEST_F(FederationIntegration, NodeInfoLinksAndRoundedUsage) {
  auto links = parse(api().get("/.well-known/nodeinfo"));
  ASSERT_EQ(arr(links, "links").size(), 2u);
  EXPECT_EQ(str(links, "links.0.rel"), "http://nodeinfo.diaspora.software/ns/schema/2.0");
  EXPECT_EQ(str(links, "links.0.href"), std::string(kBase) + "/nodeinfo/2.0");
  EXPECT_EQ(str(links, "links.1.href"), std::string(kBase) + "/nodeinfo/2.1");

  auto u = new_user("ni");
  api().post_id(u, "counted in localPosts");
  for (const char* version : {"2.0", "2.1"}) {
    auto r = api().get(std::string("/nodeinfo/") + version);
    auto v = parse(r);
    EXPECT_TRUE(contains(r.header("content-type"), "nodeinfo.diaspora.software/ns/schema/"))
        << r.header("content-type");
    EXPECT_EQ(str(v, "version"), version);
    EXPECT_EQ(str(v, "software.name"), "publius");
    EXPECT_FALSE(str(v, "software.version").empty());
    ASSERT_EQ(arr(v, "protocols").size(), 1u);
    EXPECT_EQ(str(v, "protocols.0"), "activitypub");
    EXPECT_TRUE(boolean(v, "openRegistrations"));
    // Every figure is on the 1-2-5 series, and at least what exists.
    for (const char* path : {"usage.users.total", "usage.users.activeMonth",
                             "usage.users.activeHalfyear", "usage.localPosts"}) {
      int64_t n = num(v, path);
      while (n >= 10 && n % 10 == 0) n /= 10;
      EXPECT_TRUE(n == 0 || n == 1 || n == 2 || n == 5) << path << " " << num(v, path);
    }
    EXPECT_GE(num(v, "usage.users.total"), 1);
    EXPECT_GE(num(v, "usage.localPosts"), 1);
    EXPECT_GE(num(v, "usage.users.activeMonth"), 1) << "the new user's token was used today";
  }
}

TEST_F(FederationIntegration, ActorDocumentForActivityPubClients) {
  auto u = new_user("actor");
  auto updated = api().send_form("PATCH", "/api/v1/accounts/update_credentials",
                                 "display_name=Publius&note=A+%3Cnote%3E&locked=true", u.token);
  ASSERT_EQ(updated.status, 200) << updated;
  const std::string actor = std::string(kBase) + "/users/" + u.username;
  for (const char* accept :
       {kActivityAccept,
        "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\""}) {
    auto r = api().get("/users/" + u.username, "", {{"Accept", accept}});
    ASSERT_EQ(r.status, 200) << accept << " " << r;
    EXPECT_TRUE(starts_with(r.header("content-type"), "application/activity+json"));
    auto v = json::parse(r.body);
    EXPECT_EQ(str(v, "@context.0"), "https://www.w3.org/ns/activitystreams");
    EXPECT_EQ(str(v, "@context.1"), "https://w3id.org/security/v1");
    EXPECT_EQ(str(v, "id"), actor);
    EXPECT_EQ(str(v, "type"), "Person");
    EXPECT_EQ(str(v, "preferredUsername"), u.username);
    EXPECT_EQ(str(v, "name"), "Publius");
    EXPECT_EQ(str(v, "summary"), "<p>A &lt;note&gt;</p>");
    EXPECT_EQ(str(v, "url"), std::string(kBase) + "/@" + u.username);
    EXPECT_EQ(str(v, "inbox"), actor + "/inbox");
    EXPECT_EQ(str(v, "outbox"), actor + "/outbox");
    EXPECT_EQ(str(v, "followers"), actor + "/followers");
    EXPECT_EQ(str(v, "following"), actor + "/following");
    EXPECT_EQ(str(v, "featured"), actor + "/collections/featured");
    EXPECT_EQ(str(v, "endpoints.sharedInbox"), std::string(kBase) + "/inbox");
    EXPECT_TRUE(boolean(v, "manuallyApprovesFollowers"));
    EXPECT_FALSE(boolean(v, "discoverable"));
    EXPECT_FALSE(has(v, "icon")) << "no avatar uploaded";
    EXPECT_TRUE(str(v, "published").ends_with("T00:00:00Z")) << "day precision only";
    EXPECT_EQ(str(v, "publicKey.id"), actor + "#main-key");
    EXPECT_EQ(str(v, "publicKey.owner"), actor);
    EXPECT_TRUE(starts_with(str(v, "publicKey.publicKeyPem"), "-----BEGIN PUBLIC KEY-----"));
  }
}

TEST_F(FederationIntegration, ActorKeyIsMadeOnceAndDiffersPerAccount) {
  auto u = new_user("key");
  auto first =
      json::parse(api().get("/users/" + u.username, "", {{"Accept", kActivityAccept}}).body);
  auto again =
      json::parse(api().get("/users/" + u.username, "", {{"Accept", kActivityAccept}}).body);
  EXPECT_EQ(str(first, "publicKey.publicKeyPem"), str(again, "publicKey.publicKeyPem"));
  auto other = new_user("key");
  auto theirs =
      json::parse(api().get("/users/" + other.username, "", {{"Accept", kActivityAccept}}).body);
  EXPECT_NE(str(first, "publicKey.publicKeyPem"), str(theirs, "publicKey.publicKeyPem"));
}

TEST_F(FederationIntegration, BrowsersAreSentToTheProfilePage) {
  auto u = new_user("page");
  for (const std::string& accept : {std::string("text/html,application/xhtml+xml,*/*;q=0.8"),
                                    std::string("application/json"), std::string()}) {
    auto r = api().get("/users/" + u.username, "",
                       accept.empty()
                           ? std::vector<std::pair<std::string, std::string>>{}
                           : std::vector<std::pair<std::string, std::string>>{{"Accept", accept}});
    EXPECT_EQ(r.status, 302) << accept << " " << r;
    EXPECT_EQ(r.header("location"), std::string(kBase) + "/@" + u.username);
  }
  // The profile page itself is the web UI's, unchanged.
  auto page = api().get("/@" + u.username, "", {{"Accept", "text/html"}});
  EXPECT_EQ(page.status, 200) << page;
  EXPECT_TRUE(starts_with(page.header("content-type"), "text/html"));
}

TEST_F(FederationIntegration, ProfilePageAnswersActivityPubClientsWithTheActor) {
  auto u = new_user("negotiate");
  auto r = api().get("/@" + u.username, "", {{"Accept", kActivityAccept}});
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_TRUE(starts_with(r.header("content-type"), "application/activity+json"));
  auto v = json::parse(r.body);
  EXPECT_EQ(str(v, "id"), std::string(kBase) + "/users/" + u.username);
  EXPECT_EQ(str(v, "type"), "Person");
}

TEST_F(FederationIntegration, PostIsANoteAtItsUriForActivityPubClients) {
  auto u = new_user("note");
  const std::string id = api().post_id(u, "a public note");
  const std::string uri = std::string(kBase) + "/users/" + u.username + "/statuses/" + id;
  auto r = api().get("/users/" + u.username + "/statuses/" + id, "", {{"Accept", kActivityAccept}});
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_TRUE(starts_with(r.header("content-type"), "application/activity+json"));
  auto v = json::parse(r.body);
  EXPECT_EQ(str(v, "type"), "Note");
  EXPECT_EQ(str(v, "id"), uri);
  EXPECT_EQ(str(v, "attributedTo"), std::string(kBase) + "/users/" + u.username);
  EXPECT_TRUE(contains(str(v, "content"), "a public note"));
  auto page = api().get("/users/" + u.username + "/statuses/" + id, "", {{"Accept", "text/html"}});
  EXPECT_EQ(page.status, 302) << page;
  EXPECT_EQ(page.header("location"), std::string(kBase) + "/@" + u.username + "/" + id);
  // Followers-only and direct posts are not for anyone who asks; another's id is not found.
  auto other = new_user("note");
  for (const std::string& hidden : {api().post_id(u, "followers only", {{"visibility", "private"}}),
                                    api().post_id(u, "direct", {{"visibility", "direct"}})}) {
    auto refused = api().get("/users/" + u.username + "/statuses/" + hidden, "",
                             {{"Accept", kActivityAccept}});
    expect_error(refused, 404);
  }
  expect_error(
      api().get("/users/" + other.username + "/statuses/" + id, "", {{"Accept", kActivityAccept}}),
      404);
}

TEST_F(FederationIntegration, UnknownActorIs404Json) {
  for (const char* path :
       {"/users/no_such_user", "/users/no%20such", "/users/a@elsewhere.example"}) {
    auto r = api().get(path, "", {{"Accept", kActivityAccept}});
    expect_error(r, 404);
  }
}

}  // namespace
}  // namespace publius::integration
