// The inbox's Like, Announce and Block against the running server (loopback-testing
// mode), from a remote ActivityPub server in this process: a Like counts and its Undo
// takes it back; a Like or an Undo(Like) whose actor is not the signer is a 401; an
// Announce of a Note served with an id, or an author, on another host than its URL is a
// 401 and stores nothing; a Like, Announce, Block or Undo without an object is a 400; an
// Undo naming only its Announce's id takes back that boost, and only its own actor's.

#include <mutex>

#include "federation/http_signature.h"
#include "integration/server_harness.h"
#include "integration/signed_inbox_post.h"
#include "support/local_http_server.h"

namespace publius::integration {
namespace {

constexpr const char* kBase = "http://127.0.0.1";  // the harness's --public-url
constexpr const char* kPublic = "https://www.w3.org/ns/activitystreams#Public";

// A remote server: its actors' documents (all with one key) and the Notes it is given.
class Remote {
 public:
  Remote() : server_([this](http::Request& req) { return answer(req); }) {}
  std::string actor(const std::string& name) const { return server_.url("/users/" + name); }
  std::string acct(const std::string& name) const {
    return name + "@127.0.0.1:" + std::to_string(server_.port());
  }
  std::string url(const std::string& path) const { return server_.url(path); }
  const federation::RsaKeyPair& key() const { return key_; }
  void serve(const std::string& path, json::object document) {
    std::lock_guard lock(mu_);
    documents_[path] = json::serialize(document);
  }

 private:
  http::Response answer(http::Request& req) {
    if (req.method == "GET" && req.path == "/.well-known/webfinger") {
      // Any acct:NAME@... names the actor NAME.
      const std::string prefix = "resource=" + http::url_encode("acct:");
      const auto end = req.query.find(http::url_encode("@"), prefix.size());
      if (!req.query.starts_with(prefix) || end == std::string::npos)
        return http::Response::json("{}", 404);
      const std::string name = req.query.substr(prefix.size(), end - prefix.size());
      json::object jrd{{"subject", "acct:" + acct(name)},
                       {"links", json::array{json::object{{"rel", "self"},
                                                          {"type", "application/activity+json"},
                                                          {"href", actor(name)}}}}};
      return http::Response::json(json::serialize(jrd));
    }
    if (req.method == "GET" && req.path.starts_with("/users/")) {
      const std::string name = req.path.substr(7);
      const std::string uri = actor(name);
      json::object doc{{"id", uri},
                       {"type", "Person"},
                       {"preferredUsername", name},
                       {"inbox", uri + "/inbox"},
                       {"publicKey", json::object{{"id", uri + "#main-key"},
                                                  {"owner", uri},
                                                  {"publicKeyPem", key_.public_pem}}}};
      return http::Response::json(json::serialize(doc));
    }
    std::lock_guard lock(mu_);
    if (req.method == "GET" && documents_.contains(req.path))
      return http::Response::json(documents_[req.path]);
    return http::Response::json("{}", req.method == "POST" ? 202 : 404);
  }

  federation::RsaKeyPair key_ = federation::generate_rsa_key_pair().value();
  std::mutex mu_;
  std::map<std::string, std::string> documents_;
  testing::LocalHttpServer server_;  // last: serves only once the rest exists
};

class FederationSocialInbox : public ApiIntegrationTest {
 protected:
  static void SetUpTestSuite() { start_suite_server({"--federation-loopback-testing"}); }

  // `activity` from `remote`'s `actor`, signed by `signer` (its key), to the shared inbox.
  HttpResponse send(const Remote& remote, const std::string& signer, json::object activity) {
    if (!activity.contains("id"))
      activity["id"] = remote.actor(signer) + "/activities/" + unique_suffix();
    return post_signed(api(), "/inbox", json::serialize(activity),
                       remote.actor(signer) + "#main-key", remote.key().private_pem);
  }
  static json::object activity(const Remote& remote, const std::string& actor,
                               const std::string& type, json::value object) {
    return {{"type", type}, {"actor", remote.actor(actor)}, {"object", std::move(object)}};
  }
  static json::object activity(const Remote& remote, const std::string& actor,
                               const std::string& type, const std::string& object) {
    return activity(remote, actor, type, json::value(json::string(object)));
  }
  static std::string note_uri(const User& u, const std::string& id) {
    return std::string(kBase) + "/users/" + u.username + "/statuses/" + id;
  }
  int64_t favourites(const std::string& id) {
    return num(Api::ok_json(api().get("/api/v1/statuses/" + id)), "favourites_count");
  }
  static int64_t statuses() { return count_rows(data_dir_, "statuses"); }
};

TEST_F(FederationSocialInbox, LikesCountOnlyFromTheirSigner) {
  Remote remote;
  auto author = new_user("liked");
  const std::string post = api().post_id(author, "like me");
  const std::string uri = note_uri(author, post);
  // Signed by mallory, in alice's name: refused.
  ASSERT_EQ(send(remote, "alice", activity(remote, "alice", "Like", uri)).status, 202);
  ASSERT_EQ(favourites(post), 1);
  EXPECT_EQ(send(remote, "mallory", activity(remote, "alice", "Like", uri)).status, 401);
  EXPECT_EQ(send(remote, "mallory",
                 activity(remote, "mallory", "Undo", activity(remote, "alice", "Like", uri)))
                .status,
            401);
  EXPECT_EQ(favourites(post), 1) << "alice's like stands";
  auto likes = Api::ok_json(api().get("/api/v1/statuses/" + post + "/favourited_by"));
  ASSERT_EQ(arr(likes).size(), 1u);
  EXPECT_EQ(str(likes, "0.acct"), remote.acct("alice"));
  auto notified = Api::ok_json(api().get("/api/v1/notifications?types[]=favourite", author.token));
  ASSERT_EQ(arr(notified).size(), 1u) << notified;
  EXPECT_EQ(str(notified, "0.account.acct"), remote.acct("alice"));
  // Alice's own Undo takes it back; a Like of nothing here is accepted and ignored.
  ASSERT_EQ(send(remote, "alice",
                 activity(remote, "alice", "Undo", activity(remote, "alice", "Like", uri)))
                .status,
            202);
  EXPECT_EQ(favourites(post), 0);
  EXPECT_EQ(send(remote, "alice", activity(remote, "alice", "Like", remote.url("/notes/x"))).status,
            202);
}

TEST_F(FederationSocialInbox, AnUndoNamingOnlyItsAnnounceTakesTheBoostBack) {
  Remote remote;
  auto author = new_user("boosted");
  const std::string post = api().post_id(author, "boost me");
  const auto reblogs = [&] {
    return num(Api::ok_json(api().get("/api/v1/statuses/" + post)), "reblogs_count");
  };
  const std::string announce_id = remote.actor("alice") + "/statuses/77/activity";
  auto announce = activity(remote, "alice", "Announce", note_uri(author, post));
  announce["id"] = announce_id;
  announce["to"] = json::array{kPublic};
  ASSERT_EQ(send(remote, "alice", announce).status, 202);
  ASSERT_EQ(reblogs(), 1);
  auto boosts = Api::ok_json(
      api().get("/api/v1/accounts/" +
                str(Api::ok_json(api().get(
                        "/api/v1/accounts/lookup?acct=" + enc(remote.acct("alice")), author.token)),
                    "id") +
                "/statuses"));
  ASSERT_EQ(arr(boosts).size(), 1u) << boosts;
  EXPECT_EQ(str(boosts, "0.uri"), announce_id) << "the boost keeps its Announce's id";

  // Mallory's Undo of alice's Announce id is ignored; alice's takes the boost back.
  ASSERT_EQ(send(remote, "mallory", activity(remote, "mallory", "Undo", announce_id)).status, 202);
  EXPECT_EQ(reblogs(), 1);
  ASSERT_EQ(send(remote, "alice", activity(remote, "alice", "Undo", announce_id)).status, 202);
  EXPECT_EQ(reblogs(), 0);
  // An Undo of an id never kept is accepted and ignored.
  EXPECT_EQ(send(remote, "alice", activity(remote, "alice", "Undo", remote.url("/x"))).status, 202);
}

TEST_F(FederationSocialInbox, MalformedActivitiesAreBadRequests) {
  Remote remote;
  auto undo = activity(remote, "alice", "Undo", json::value(nullptr));
  undo.erase("object");
  EXPECT_EQ(send(remote, "alice", undo).status, 400);
  for (const std::string type : {"Like", "Announce", "Block"}) {
    auto without = activity(remote, "alice", type, json::value(nullptr));
    without.erase("object");
    EXPECT_EQ(send(remote, "alice", without).status, 400) << type;
    EXPECT_EQ(send(remote, "alice", activity(remote, "alice", type, 42)).status, 400) << type;
  }
}

TEST_F(FederationSocialInbox, AnnouncedNotesMustComeFromTheHostOfTheirUrl) {
  Remote remote;
  auto reader = new_user("boostread");
  // The reader follows the booster, so its boosts matter here.
  const std::string booster =
      str(Api::ok_json(api().get("/api/v1/accounts/lookup?acct=" + enc(remote.acct("booster")),
                                 reader.token)),
          "id");
  ASSERT_FALSE(booster.empty());
  Api::ok_json(api().post("/api/v1/accounts/" + booster + "/follow", reader.token));
  ASSERT_EQ(send(remote, "booster",
                 activity(remote, "booster", "Accept",
                          std::string(kBase) + "/users/" + reader.username + "/follows/" + booster))
                .status,
            202);
  const auto note = [&](const std::string& id, const std::string& author) {
    return json::object{{"id", id},
                        {"type", "Note"},
                        {"attributedTo", author},
                        {"content", "<p>boosted</p>"},
                        {"to", json::array{kPublic}}};
  };
  auto announce = [&](const std::string& object) {
    auto a = activity(remote, "booster", "Announce", object);
    a["to"] = json::array{kPublic};
    return a;
  };
  remote.serve("/notes/1", note("https://elsewhere.example/notes/1", remote.actor("writer")));
  remote.serve("/notes/2", note(remote.url("/notes/2"), "https://elsewhere.example/users/w"));
  const int64_t before = statuses();
  EXPECT_EQ(send(remote, "booster", announce(remote.url("/notes/1"))).status, 401);
  EXPECT_EQ(send(remote, "booster", announce(remote.url("/notes/2"))).status, 401);
  EXPECT_EQ(statuses(), before) << "nothing stored";

  // A Note of its own host's actor is fetched, and the boost reaches the reader's home.
  remote.serve("/notes/3", note(remote.url("/notes/3"), remote.actor("writer")));
  ASSERT_EQ(send(remote, "booster", announce(remote.url("/notes/3"))).status, 202);
  auto home = Api::ok_json(api().get("/api/v1/timelines/home", reader.token));
  ASSERT_EQ(arr(home).size(), 1u) << home;
  EXPECT_EQ(str(home, "0.account.acct"), remote.acct("booster"));
  EXPECT_EQ(str(home, "0.reblog.uri"), remote.url("/notes/3"));
  EXPECT_EQ(str(home, "0.reblog.account.acct"), remote.acct("writer"));
}

}  // namespace
}  // namespace publius::integration
