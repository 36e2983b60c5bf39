// Federation end to end against the running server in loopback-testing mode: a remote
// ActivityPub server (a real HTTP server in this process, with its own actor and key)
// follows a local account through its inbox, receives the signed Accept, then the
// signed Create and Delete of the account's posts at its shared inbox; a locked
// account's owner decides the request through the follow-request API. Tampered,
// stale, unsigned, oversized and malformed requests are refused and store nothing. A
// local account finds a remote one by WebFinger and follows it (Follow, Accept, Reject,
// Undo), and then sees its posts: sanitized, in its home timeline and the federated one,
// as user@host with their own uri and url, mentions notified, gone with their Delete; a
// Note from another host than its signer's is refused.
#include <sqlite3.h>

#include <condition_variable>
#include <mutex>

#include "federation/http_signature.h"
#include "integration/server_harness.h"
#include "integration/signed_inbox_post.h"
#include "support/local_http_server.h"

namespace publius::integration {
namespace {

constexpr const char* kBase = "http://127.0.0.1";  // the harness's --public-url

// One POST the remote server received.
struct Delivered {
  std::string path;
  http::Request request;
  json::value activity;
};

// A remote ActivityPub server: serves its actors' documents and records inbox POSTs.
class RemoteServer {
 public:
  RemoteServer() : server_([this](http::Request& req) { return answer(req); }) {}

  std::string actor(const std::string& name) const { return server_.url("/users/" + name); }
  // name@127.0.0.1:PORT, as the Mastodon API names the remote account.
  std::string acct(const std::string& name) const {
    return name + "@127.0.0.1:" + std::to_string(server_.port());
  }
  std::string key_id(const std::string& name) const { return actor(name) + "#main-key"; }
  const federation::RsaKeyPair& key() const { return key_; }
  // Serve `name`'s key as `other`'s public key instead (a server that lies).
  void serve_key_of(federation::RsaKeyPair other) { served_key_ = std::move(other); }

  // The next POST received, or nullopt when none came in time.
  std::optional<Delivered> next(std::chrono::milliseconds wait = 20s) {
    std::unique_lock lock(mu_);
    if (!arrived_.wait_for(lock, wait, [this] { return !received_.empty(); })) return std::nullopt;
    Delivered d = std::move(received_.front());
    received_.erase(received_.begin());
    return d;
  }

 private:
  http::Response answer(http::Request& req) {
    if (req.method == "GET" && req.path == "/.well-known/webfinger") {
      // Any acct:NAME@this-host names the actor NAME.
      const std::string prefix = "resource=" + http::url_encode("acct:");
      const std::string suffix = http::url_encode("@127.0.0.1:" + std::to_string(server_.port()));
      if (!req.query.starts_with(prefix) || !req.query.ends_with(suffix))
        return http::Response::json("{}", 404);
      const std::string name =
          req.query.substr(prefix.size(), req.query.size() - prefix.size() - suffix.size());
      json::object jrd{{"subject", "acct:" + acct(name)},
                       {"links", json::array{json::object{{"rel", "self"},
                                                          {"type", "application/activity+json"},
                                                          {"href", actor(name)}}}}};
      return http::Response::json(json::serialize(jrd));
    }
    if (req.method == "GET" && req.path.starts_with("/users/")) {
      const std::string name = req.path.substr(7);
      const std::string uri = actor(name);
      std::string pem = served_key_ ? served_key_->public_pem : key_.public_pem;
      json::object doc{
          {"@context", "https://www.w3.org/ns/activitystreams"},
          {"id", uri},
          {"type", "Person"},
          {"preferredUsername", name},
          {"name", "<b>Remote</b> " + name},
          {"summary", "<p>Hi <script>alert(1)</script>there</p>"},
          {"inbox", uri + "/inbox"},
          {"endpoints", json::object{{"sharedInbox", server_.url("/inbox")}}},
          {"publicKey",
           json::object{{"id", uri + "#main-key"}, {"owner", uri}, {"publicKeyPem", pem}}}};
      auto res = http::Response::json(json::serialize(doc));
      res.content_type = "application/activity+json";
      return res;
    }
    if (req.method == "POST") {
      std::lock_guard lock(mu_);
      received_.push_back({req.path, req, json::parse(req.body)});
      arrived_.notify_all();
      return http::Response::json("{}", 202);
    }
    return http::Response::json("{}", 404);
  }

  federation::RsaKeyPair key_ = federation::generate_rsa_key_pair().value();
  std::optional<federation::RsaKeyPair> served_key_;
  std::mutex mu_;
  std::condition_variable arrived_;
  std::vector<Delivered> received_;
  testing::LocalHttpServer server_;  // last: serves only once the rest exists
};

class FederationInbox : public ApiIntegrationTest {
 protected:
  static void SetUpTestSuite() { start_suite_server({"--federation-loopback-testing"}); }

  // A signed POST of `body` to `target` on the suite's server (signed_inbox_post.h).
  HttpResponse post_signed(const std::string& target, const std::string& body,
                           const std::string& key_id, const std::string& private_pem,
                           const std::function<void(HttpRequest&)>& tamper = {},
                           int64_t at_unix_s = unix_now_s()) {
    return integration::post_signed(api(), target, body, key_id, private_pem, tamper, at_unix_s);
  }

  static std::string follow(const RemoteServer& remote, const std::string& from,
                            const std::string& local, const std::string& id) {
    return json::serialize(json::object{{"@context", "https://www.w3.org/ns/activitystreams"},
                                        {"id", id},
                                        {"type", "Follow"},
                                        {"actor", remote.actor(from)},
                                        {"object", std::string(kBase) + "/users/" + local}});
  }

  // The local account's actor key, as the remote reads it from its actor document.
  std::string public_key_of(const std::string& username) {
    auto doc = api().get("/users/" + username, "", {{"Accept", "application/activity+json"}});
    return str(json::parse(doc.body), "publicKey.publicKeyPem");
  }

  // Whether `d` carries a valid signature by `username`'s actor key.
  void expect_signed_by(const Delivered& d, const std::string& username) {
    auto parsed = federation::parse_signature_header(d.request.header("signature"));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->key_id, std::string(kBase) + "/users/" + username + "#main-key");
    federation::IncomingRequest in{
        .method = d.request.method,
        .target = d.request.path,
        .header = [&](std::string_view name) -> std::optional<std::string_view> {
          for (const auto& [k, v] : d.request.headers)
            if (k == name) return std::string_view(v);
          return std::nullopt;
        },
        .body = d.request.body};
    auto verified = federation::verify_request(in, *parsed, public_key_of(username),
                                               {.now_unix_s = unix_now_s()});
    EXPECT_TRUE(verified.ok()) << verified.error().message;
  }

  // Rows of `table` in the server's database.
  static int64_t rows(const std::string& table) { return count_rows(data_dir_, table); }
};

TEST_F(FederationInbox, RemoteFollowerIsAcceptedAndReceivesPostsSigned) {
  RemoteServer remote;
  auto b = new_user("fedb");
  const std::string follow_id = remote.actor("alice") + "/follows/1";
  auto r =
      post_signed("/users/" + b.username + "/inbox", follow(remote, "alice", b.username, follow_id),
                  remote.key_id("alice"), remote.key().private_pem);
  ASSERT_EQ(r.status, 202) << r;

  auto accept = remote.next();
  ASSERT_TRUE(accept) << "no Accept arrived";
  EXPECT_EQ(accept->path, "/users/alice/inbox");
  EXPECT_EQ(str(accept->activity, "type"), "Accept");
  EXPECT_EQ(str(accept->activity, "actor"), std::string(kBase) + "/users/" + b.username);
  EXPECT_EQ(str(accept->activity, "object.id"), follow_id);
  expect_signed_by(*accept, b.username);

  // The remote follower counts, and shows as user@host.
  auto account = api().account(b.id, b.token);
  EXPECT_EQ(num(account, "followers_count"), 1);
  auto followers = Api::ok_json(api().get("/api/v1/accounts/" + b.id + "/followers", b.token));
  ASSERT_EQ(arr(followers).size(), 1u);
  const std::string acct = str(followers, "0.acct");
  EXPECT_TRUE(starts_with(acct, "alice@127.0.0.1:")) << acct;
  EXPECT_EQ(str(followers, "0.display_name"), "Remote alice") << "names are reduced to text";
  EXPECT_EQ(str(followers, "0.note"), "<p>Hi there</p>") << "summaries are sanitized";

  const std::string post_id = api().post_id(b, "hello fediverse");
  auto create = remote.next();
  ASSERT_TRUE(create) << "no Create arrived";
  EXPECT_EQ(create->path, "/inbox") << "posts go to the shared inbox";
  EXPECT_EQ(str(create->activity, "type"), "Create");
  EXPECT_EQ(str(create->activity, "object.type"), "Note");
  EXPECT_EQ(str(create->activity, "object.id"),
            std::string(kBase) + "/users/" + b.username + "/statuses/" + post_id);
  EXPECT_TRUE(contains(str(create->activity, "object.content"), "hello fediverse"));
  EXPECT_EQ(str(create->activity, "object.to.0"), "https://www.w3.org/ns/activitystreams#Public");
  expect_signed_by(*create, b.username);

  ASSERT_EQ(api().del("/api/v1/statuses/" + post_id, b.token).status, 200);
  auto deletion = remote.next();
  ASSERT_TRUE(deletion) << "no Delete arrived";
  EXPECT_EQ(str(deletion->activity, "type"), "Delete");
  EXPECT_EQ(str(deletion->activity, "object.id"), str(create->activity, "object.id"));
  expect_signed_by(*deletion, b.username);
  // The worker removes a delivery once the receiver answered, just after it received it.
  const auto deadline = Clock::now() + 20s;
  while (rows("federation_deliveries") != 0 && Clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(rows("federation_deliveries"), 0) << "sent deliveries leave the queue";

  // Undo(Follow) ends the follow.
  json::object undo{{"id", remote.actor("alice") + "/undo/1"},
                    {"type", "Undo"},
                    {"actor", remote.actor("alice")},
                    {"object", json::parse(follow(remote, "alice", b.username, follow_id))}};
  ASSERT_EQ(
      post_signed("/inbox", json::serialize(undo), remote.key_id("alice"), remote.key().private_pem)
          .status,
      202);
  EXPECT_EQ(num(api().account(b.id, b.token), "followers_count"), 0);
}

TEST_F(FederationInbox, LockedAccountDecidesThroughTheFollowRequestApi) {
  RemoteServer remote;
  auto b = new_user("fedlock");
  ASSERT_EQ(api()
                .send_form("PATCH", "/api/v1/accounts/update_credentials", "locked=true", b.token)
                .status,
            200);
  const std::string follow_id = remote.actor("carol") + "/follows/7";
  ASSERT_EQ(post_signed("/inbox", follow(remote, "carol", b.username, follow_id),
                        remote.key_id("carol"), remote.key().private_pem)
                .status,
            202);
  auto requests = Api::ok_json(api().get("/api/v1/follow_requests", b.token));
  ASSERT_EQ(arr(requests).size(), 1u);
  EXPECT_EQ(num(api().account(b.id, b.token), "followers_count"), 0);
  auto authorized =
      api().post("/api/v1/follow_requests/" + str(requests, "0.id") + "/authorize", b.token);
  ASSERT_EQ(authorized.status, 200) << authorized;
  auto accept = remote.next();
  ASSERT_TRUE(accept) << "no Accept arrived";
  EXPECT_EQ(str(accept->activity, "type"), "Accept");
  EXPECT_EQ(str(accept->activity, "object.id"), follow_id);
  expect_signed_by(*accept, b.username);
  EXPECT_EQ(num(api().account(b.id, b.token), "followers_count"), 1);
}

TEST_F(FederationInbox, BadRequestsAreRefusedAndStoreNothing) {
  RemoteServer remote;
  auto b = new_user("fedbad");
  const std::string target = "/users/" + b.username + "/inbox";
  const std::string body = follow(remote, "mallory", b.username, remote.actor("mallory") + "/f");
  const std::string key_id = remote.key_id("mallory");
  const std::string& pem = remote.key().private_pem;
  const int64_t remote_actors = rows("remote_actors");

  struct Case {
    const char* what;
    int status;
    HttpResponse response;
  };
  auto other_key = federation::generate_rsa_key_pair().value();
  std::vector<Case> cases = {
      {"unsigned", 401,
       post_signed(target, body, key_id, pem,
                   [](HttpRequest& r) {
                     std::erase_if(r.headers, [](auto& h) { return h.first == "Signature"; });
                   })},
      {"tampered body", 401,
       post_signed(target, body, key_id, pem,
                   [](HttpRequest& r) { r.body[r.body.size() - 2] = 'X'; })},
      {"digest mismatch", 401,
       post_signed(target, body, key_id, pem,
                   [](HttpRequest& r) {
                     for (auto& [k, v] : r.headers)
                       if (k == "Digest") v = federation::body_digest("other");
                   })},
      {"stale date", 401, post_signed(target, body, key_id, pem, {}, unix_now_s() - 13 * 3600)},
      {"signed by another key", 401, post_signed(target, body, key_id, other_key.private_pem)},
      {"unknown key", 401, post_signed(target, body, remote.actor("nobody") + "/missing#key", pem)},
      {"malformed JSON", 400, post_signed(target, "{\"type\": \"Follow\",", key_id, pem)},
      {"oversized body", 413,
       post_signed(target, std::string(300 * 1024, ' ') + body, key_id, pem)},
      {"actor is not the signer", 401,
       post_signed(target, follow(remote, "someone_else", b.username, "x"), key_id, pem)},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.response.status, c.status) << c.what << ": " << c.response;
  }
  EXPECT_EQ(num(api().account(b.id, b.token), "followers_count"), 0);
  EXPECT_TRUE(arr(Api::ok_json(api().get("/api/v1/follow_requests", b.token))).empty());
  // Only the last case verified mallory (its signature is good): it alone kept the actor.
  EXPECT_EQ(rows("remote_actors"), remote_actors + 1);
}

TEST_F(FederationInbox, ActorServingAnotherKeyIsRefused) {
  RemoteServer remote;
  remote.serve_key_of(federation::generate_rsa_key_pair().value());
  auto b = new_user("fedkey");
  const int64_t before = rows("remote_actors");
  auto r = post_signed("/inbox", follow(remote, "eve", b.username, remote.actor("eve") + "/f"),
                       remote.key_id("eve"), remote.key().private_pem);
  EXPECT_EQ(r.status, 401) << r;
  EXPECT_EQ(rows("remote_actors"), before);
  EXPECT_EQ(num(api().account(b.id, b.token), "followers_count"), 0);
}

TEST_F(FederationInbox, LocalAccountFollowsRemoteAccountFoundByWebFinger) {
  RemoteServer remote;
  auto a = new_user("fedout");
  // Unknown until looked up: lookup finds it by WebFinger, then its actor document.
  auto found =
      Api::ok_json(api().get("/api/v1/accounts/lookup?acct=" + enc(remote.acct("bob")), a.token));
  EXPECT_EQ(str(found, "acct"), remote.acct("bob"));
  EXPECT_EQ(str(found, "display_name"), "Remote bob");
  const std::string bob = str(found, "id");
  // search finds an unknown account only with resolve=true.
  auto unresolved = Api::ok_json(
      api().get("/api/v2/search?type=accounts&q=" + enc("@" + remote.acct("dave")), a.token));
  EXPECT_TRUE(arr(unresolved, "accounts").empty());
  auto resolved = Api::ok_json(api().get(
      "/api/v2/search?type=accounts&resolve=true&q=" + enc("@" + remote.acct("dave")), a.token));
  ASSERT_EQ(arr(resolved, "accounts").size(), 1u) << resolved;
  EXPECT_EQ(str(resolved, "accounts.0.acct"), remote.acct("dave"));
  EXPECT_EQ(api().get("/api/v1/accounts/lookup?acct=" + enc("nobody@127.0.0.1:1"), a.token).status,
            404)
      << "an unreachable server finds nothing";

  // Following is a request until bob's server accepts; the Follow goes to bob's inbox.
  auto rel = Api::ok_json(api().post("/api/v1/accounts/" + bob + "/follow", a.token));
  EXPECT_TRUE(boolean(rel, "requested"));
  EXPECT_FALSE(boolean(rel, "following"));
  auto follow = remote.next();
  ASSERT_TRUE(follow) << "no Follow arrived";
  EXPECT_EQ(follow->path, "/users/bob/inbox");
  EXPECT_EQ(str(follow->activity, "type"), "Follow");
  EXPECT_EQ(str(follow->activity, "actor"), std::string(kBase) + "/users/" + a.username);
  EXPECT_EQ(str(follow->activity, "object"), remote.actor("bob"));
  expect_signed_by(*follow, a.username);

  const auto answer = [&](const std::string& from, const std::string& type) {
    json::object activity{{"@context", "https://www.w3.org/ns/activitystreams"},
                          {"id", remote.actor(from) + "/answers/" + unique_suffix()},
                          {"type", type},
                          {"actor", remote.actor(from)},
                          {"object", follow->activity}};
    return post_signed("/inbox", json::serialize(activity), remote.key_id(from),
                       remote.key().private_pem)
        .status;
  };
  const auto relationship = [&] {
    return Api::ok_json(api().get("/api/v1/accounts/relationships?id[]=" + bob, a.token))
        .as_array()
        .at(0);
  };
  // Another actor cannot accept bob's follow.
  ASSERT_EQ(answer("carol", "Accept"), 202);
  EXPECT_TRUE(boolean(relationship(), "requested"));
  EXPECT_FALSE(boolean(relationship(), "following"));

  ASSERT_EQ(answer("bob", "Accept"), 202);
  EXPECT_TRUE(boolean(relationship(), "following"));
  EXPECT_FALSE(boolean(relationship(), "requested"));
  EXPECT_EQ(num(api().account(a.id, a.token), "following_count"), 1);

  // Unfollowing sends Undo(Follow).
  Api::ok_json(api().post("/api/v1/accounts/" + bob + "/unfollow", a.token));
  auto undo = remote.next();
  ASSERT_TRUE(undo) << "no Undo arrived";
  EXPECT_EQ(str(undo->activity, "type"), "Undo");
  EXPECT_EQ(str(undo->activity, "object.type"), "Follow");
  EXPECT_EQ(str(undo->activity, "object.object"), remote.actor("bob"));
  expect_signed_by(*undo, a.username);
  EXPECT_FALSE(boolean(relationship(), "following"));

  // A Reject removes the request.
  Api::ok_json(api().post("/api/v1/accounts/" + bob + "/follow", a.token));
  follow = remote.next();
  ASSERT_TRUE(follow) << "no second Follow arrived";
  EXPECT_TRUE(boolean(relationship(), "requested"));
  ASSERT_EQ(answer("bob", "Reject"), 202);
  EXPECT_FALSE(boolean(relationship(), "requested"));
  EXPECT_FALSE(boolean(relationship(), "following"));
}

TEST_F(FederationInbox, RemotePostsReachLocalFollowersSanitizedUntilDeleted) {
  RemoteServer remote;
  auto reader = new_user("fedread");
  auto mentioned = new_user("fedment");
  const std::string alice =
      str(Api::ok_json(
              api().get("/api/v1/accounts/lookup?acct=" + enc(remote.acct("alice")), reader.token)),
          "id");
  Api::ok_json(api().post("/api/v1/accounts/" + alice + "/follow", reader.token));
  auto follow = remote.next();
  ASSERT_TRUE(follow) << "no Follow arrived";
  const auto send = [&](const std::string& type, json::value object) {
    json::object activity{{"@context", "https://www.w3.org/ns/activitystreams"},
                          {"id", remote.actor("alice") + "/activities/" + unique_suffix()},
                          {"type", type},
                          {"actor", remote.actor("alice")},
                          {"object", std::move(object)}};
    return post_signed("/inbox", json::serialize(activity), remote.key_id("alice"),
                       remote.key().private_pem);
  };
  ASSERT_EQ(send("Accept", follow->activity).status, 202);

  const std::string note_id = remote.actor("alice") + "/statuses/1";
  const std::string mention_href = std::string(kBase) + "/users/" + mentioned.username;
  const auto note = [&](const std::string& id, const std::string& author) {
    return json::object{
        {"id", id},
        {"type", "Note"},
        {"attributedTo", author},
        {"url", remote.actor("alice") + "/notes/1"},
        {"published", "2026-12-01T10:00:00Z"},
        {"content",
         "<p onclick=\"x()\">Hi <a href=\"" + mention_href + "\" class=\"u-url mention\">@<span>" +
             mentioned.username +
             "</span></a> <a href=\"javascript:alert(1)\">click</a><script>alert(1)</script>"
             "<img src=x onerror=alert(1)><iframe src=\"https://evil.example\"></iframe> "
             "#fedtag</p>"},
        {"to", json::array{"https://www.w3.org/ns/activitystreams#Public"}},
        {"cc", json::array{remote.actor("alice") + "/followers", mention_href}},
        {"tag", json::array{json::object{{"type", "Mention"}, {"href", mention_href}},
                            json::object{{"type", "Hashtag"}, {"name", "#fedtag"}}}}};
  };
  ASSERT_EQ(send("Create", note(note_id, remote.actor("alice"))).status, 202);
  ASSERT_EQ(send("Create", note(note_id, remote.actor("alice"))).status, 202) << "again: once";

  auto home = Api::ok_json(api().get("/api/v1/timelines/home", reader.token));
  ASSERT_EQ(arr(home).size(), 1u) << home;
  const std::string id = str(home, "0.id");
  EXPECT_EQ(str(home, "0.content"),
            "<p>Hi <a href=\"" + mention_href +
                "\" rel=\"nofollow noopener\" target=\"_blank\" class=\"u-url mention\">@<span>" +
                mentioned.username + "</span></a> click #fedtag</p>");
  EXPECT_EQ(str(home, "0.account.acct"), remote.acct("alice"));
  EXPECT_EQ(str(home, "0.account.username"), "alice");
  EXPECT_EQ(str(home, "0.uri"), note_id);
  EXPECT_EQ(str(home, "0.url"), remote.actor("alice") + "/notes/1");
  EXPECT_EQ(str(home, "0.visibility"), "public");
  EXPECT_EQ(str(home, "0.created_at"), "2026-12-01T10:00:00.000Z");
  EXPECT_EQ(str(home, "0.tags.0.name"), "fedtag");
  EXPECT_EQ(str(home, "0.mentions.0.id"), mentioned.id);
  // The federated timeline has it; the local one does not.
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/timelines/public?remote=true"))),
            std::vector<std::string>{id});
  for (const auto& p : ids(Api::ok_json(api().get("/api/v1/timelines/public?local=true"))))
    EXPECT_NE(p, id);
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/accounts/" + alice + "/statuses"))),
            std::vector<std::string>{id});
  auto mentions = Api::ok_json(api().get("/api/v1/notifications?types[]=mention", mentioned.token));
  ASSERT_EQ(arr(mentions).size(), 1u) << mentions;
  EXPECT_EQ(str(mentions, "0.status.id"), id);
  EXPECT_EQ(str(mentions, "0.account.acct"), remote.acct("alice"));

  // A Note whose author or id is on another host than the signer's is refused.
  const int64_t statuses = rows("statuses");
  EXPECT_EQ(
      send("Create", note("https://elsewhere.example/statuses/2", remote.actor("alice"))).status,
      401);
  EXPECT_EQ(send("Create", note(remote.actor("alice") + "/statuses/3",
                                "https://elsewhere.example/users/alice"))
                .status,
            401);
  EXPECT_EQ(rows("statuses"), statuses) << "nothing stored";

  // Its Delete takes it away everywhere.
  ASSERT_EQ(send("Delete", json::object{{"id", note_id}, {"type", "Tombstone"}}).status, 202);
  EXPECT_EQ(api().get("/api/v1/statuses/" + id, reader.token).status, 404);
  EXPECT_TRUE(arr(Api::ok_json(api().get("/api/v1/timelines/home", reader.token))).empty());
  EXPECT_EQ(rows("statuses"), statuses - 1);
}

// A server that federates with onion services only hears no other: an actor it knew from
// before is refused (403), and one it does not know cannot even be fetched to check its
// signature (401); nothing of either is stored.
TEST_F(FederationInbox, OnionOnlyHearsNoActorOffTheOnionNetwork) {
  RemoteServer remote;
  const std::string dir = make_temp_dir();
  ServerProcess server;
  ASSERT_TRUE(server.start(dir, {"--federation-loopback-testing"}));
  std::string username, token;
  {
    Api before(server.port());
    const auto app = before.app_token(before.create_app());
    const auto user = before.register_user(app, "onion");
    username = user.username;
    token = user.token;
    auto heard = integration::post_signed(
        before, "/users/" + username + "/inbox",
        follow(remote, "alice", username, remote.actor("alice") + "/follows/1"),
        remote.key_id("alice"), remote.key().private_pem);
    ASSERT_EQ(heard.status, 202) << heard;
  }
  server.stop(5s);
  ASSERT_TRUE(server.start(dir, {"--federation-loopback-testing", "--federation-onion-only",
                                 "--federation-proxy", "socks5h://127.0.0.1:9"}));
  Api after(server.port());
  auto known = integration::post_signed(
      after, "/users/" + username + "/inbox",
      follow(remote, "alice", username, remote.actor("alice") + "/follows/2"),
      remote.key_id("alice"), remote.key().private_pem);
  EXPECT_EQ(known.status, 403) << known;
  auto unknown = integration::post_signed(
      after, "/users/" + username + "/inbox",
      follow(remote, "carol", username, remote.actor("carol") + "/follows/3"),
      remote.key_id("carol"), remote.key().private_pem);
  EXPECT_EQ(unknown.status, 401) << unknown;
  // Nor is any account off the onion network looked up (a signed-in lookup resolves).
  auto lookup = after.get("/api/v1/accounts/lookup?acct=" + enc(remote.acct("carol")), token);
  EXPECT_EQ(lookup.status, 404) << lookup;
  server.stop(5s);
  std::filesystem::remove_all(dir);
}

TEST(FederationFlags, OnionOnlyNeedsTheProxy) {
  const std::string dir = make_temp_dir();
  auto alone = run_command(
      {"serve", "--data-dir", dir, "--listen", "127.0.0.1:0", "--federation-onion-only"});
  EXPECT_NE(alone.exit_code, 0);
  EXPECT_TRUE(contains(alone.err, "--federation-onion-only needs --federation-proxy")) << alone.err;
  std::filesystem::remove_all(dir);
}

TEST(FederationFlags, LoopbackTestingNeedsALoopbackListenAndTheProxySocks5h) {
  const std::string dir = make_temp_dir();
  auto open = run_command(
      {"serve", "--data-dir", dir, "--listen", "0.0.0.0:0", "--federation-loopback-testing"});
  EXPECT_NE(open.exit_code, 0);
  EXPECT_TRUE(contains(open.err, "--federation-loopback-testing")) << open.err;
  auto proxy = run_command({"serve", "--data-dir", dir, "--listen", "127.0.0.1:0",
                            "--federation-proxy", "http://127.0.0.1:8080"});
  EXPECT_NE(proxy.exit_code, 0);
  EXPECT_TRUE(contains(proxy.err, "socks5h://")) << proxy.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace publius::integration
