// Two Publius servers federating over loopback: direct messages in both directions,
// each sealed at both ends (neither data directory holds the text), seen by its reader
// in conversations, notifications, home, the status endpoint and the user stream; an
// edit sent as Update(Note) and kept on the other side with its history; a profile
// change sent as Update(Person); a rotated actor key honoured once an Update(Person)
// carried it; an account moving from A to B with its followers on both servers
// following along; and the refusals: Update(Person) of another actor, Move to an
// account that does not name the mover in alsoKnownAs.

#include "federation/http_signature.h"
#include "integration/federation_instances.h"
#include "integration/signed_inbox_post.h"
#include "integration/web_browser.h"

namespace publius::integration {
namespace {

// Every byte of every file in a data directory (the database, its -wal and -shm).
std::string data_dir_bytes(const Instance& instance) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(instance.data_dir))
    if (entry.is_regular_file()) all += read_file(entry.path().string());
  return all;
}

// The private actor key of local account `account_id` on `instance`, read from its
// database as a server holding it would sign with it.
std::string actor_private_pem(const Instance& instance, const std::string& account_id) {
  return read_database(instance.data_dir, "SELECT private_pem FROM actor_keys WHERE account_id = ?",
                       account_id);
}

// `activity` POSTed to `to`'s shared inbox, signed with `private_pem` under `key_id`.
HttpResponse post_signed(const Instance& to, const json::object& activity,
                         const std::string& key_id, const std::string& private_pem) {
  return post_signed(*to.api, "/inbox", json::serialize(activity), key_id, private_pem);
}

std::string actor_of(const Instance& instance, const User& user) {
  return "http://" + instance.host + "/users/" + user.username;
}

json::value actor_document(const Instance& instance, const User& user) {
  auto res =
      instance.api->get("/users/" + user.username, "", {{"Accept", "application/activity+json"}});
  EXPECT_EQ(res.status, 200) << res;
  return json::parse(res.body);
}

// The id of `acct`'s account on `on`, looked up (and found by WebFinger when new).
std::string lookup(const Instance& on, const User& reader, const std::string& acct) {
  return str(Api::ok_json(on.api->get("/api/v1/accounts/lookup?acct=" + enc(acct), reader.token)),
             "id");
}

json::value conversations(const Instance& on, const User& reader) {
  return Api::ok_json(on.api->get("/api/v1/conversations", reader.token));
}

TEST(FederationDmInstances, DirectMessagesCrossBothWaysSealedAtBothEnds) {
  Instance a, b;
  ASSERT_TRUE(a.start());
  ASSERT_TRUE(b.start());
  auto alice = a.api->register_user(a.app_token, "alice");
  auto bob = b.api->register_user(b.app_token, "bob");
  auto carol = b.api->register_user(b.app_token, "carol");  // on B, not addressed
  const std::string alice_acct = alice.username + "@" + a.host;
  const std::string bob_acct = bob.username + "@" + b.host;
  // Neither follows the other: a direct message needs no follow.
  ASSERT_FALSE(lookup(a, alice, bob_acct).empty());

  Updates bob_stream;
  ASSERT_TRUE(bob_stream.open(b.server.port(), "/api/v1/streaming/user", bob.token));
  const std::string secret = "Quietword7351 only for bob";
  const std::string dm =
      a.api->post_id(alice, "@" + bob_acct + " " + secret, {{"visibility", "direct"}});
  ASSERT_FALSE(dm.empty());

  // Bob sees it as a direct message from alice@A everywhere a local one shows.
  auto convs = until([&] { return conversations(b, bob); },
                     [](const json::value& v) { return !arr(v).empty(); });
  ASSERT_EQ(arr(convs).size(), 1u) << convs;
  EXPECT_TRUE(contains(str(convs, "0.last_status.content"), secret)) << convs;
  EXPECT_EQ(str(convs, "0.last_status.visibility"), "direct");
  EXPECT_EQ(str(convs, "0.last_status.account.acct"), alice_acct);
  EXPECT_EQ(str(convs, "0.accounts.0.acct"), alice_acct);
  const std::string on_b = str(convs, "0.last_status.id");
  EXPECT_EQ(bob_stream.next_id(), on_b);
  auto status = Api::ok_json(b.api->get("/api/v1/statuses/" + on_b, bob.token));
  EXPECT_TRUE(contains(str(status, "content"), secret)) << status;
  EXPECT_EQ(str(status, "mentions.0.id"), bob.id);
  auto home = Api::ok_json(b.api->get("/api/v1/timelines/home", bob.token));
  EXPECT_TRUE(has_id(home, on_b)) << home;
  // Its notification waits among bob's notification requests, as a private mention from
  // an account he does not follow does (Mastodon's default policy).
  auto requests = Api::ok_json(b.api->get("/api/v1/notifications/requests", bob.token));
  ASSERT_EQ(arr(requests).size(), 1u) << requests;
  EXPECT_EQ(str(requests, "0.account.acct"), alice_acct);
  EXPECT_TRUE(contains(str(requests, "0.last_status.content"), secret)) << requests;
  // No one else on B sees it.
  EXPECT_EQ(b.api->get("/api/v1/statuses/" + on_b, carol.token).status, 404);
  EXPECT_EQ(b.api->get("/api/v1/statuses/" + on_b).status, 404);
  EXPECT_TRUE(arr(conversations(b, carol)).empty());

  // Bob answers; alice reads it on A.
  const std::string reply_secret = "Replyword2286 only for alice";
  ASSERT_FALSE(b.api
                   ->post_id(bob, "@" + alice_acct + " " + reply_secret,
                             {{"visibility", "direct"}, {"in_reply_to_id", on_b}})
                   .empty());
  auto alice_convs =
      until([&] { return conversations(a, alice); },
            [&](const json::value& v) {
              return !arr(v).empty() && contains(str(v, "0.last_status.content"), reply_secret);
            });
  ASSERT_EQ(arr(alice_convs).size(), 1u) << alice_convs;
  EXPECT_TRUE(contains(str(alice_convs, "0.last_status.content"), reply_secret)) << alice_convs;
  EXPECT_EQ(str(alice_convs, "0.last_status.account.acct"), bob_acct);
  EXPECT_EQ(str(alice_convs, "0.last_status.visibility"), "direct");

  // Neither text is anywhere in either data directory.
  for (const Instance* instance : {&a, &b}) {
    const std::string bytes = data_dir_bytes(*instance);
    ASSERT_FALSE(bytes.empty());
    EXPECT_FALSE(contains(bytes, "Quietword7351")) << instance->host;
    EXPECT_FALSE(contains(bytes, "Replyword2286")) << instance->host;
  }

  // Alice deletes hers: gone on B too.
  ASSERT_EQ(a.api->del("/api/v1/statuses/" + dm, alice.token).status, 200);
  auto gone =
      until([&] { return json::value(b.api->get("/api/v1/statuses/" + on_b, bob.token).status); },
            [](const json::value& v) { return v.as_int64() == 404; });
  EXPECT_EQ(gone.as_int64(), 404);
}

TEST(FederationDmInstances, EditsProfileChangesAndRotatedKeysReachFollowers) {
  Instance a, b;
  ASSERT_TRUE(a.start());
  ASSERT_TRUE(b.start());
  auto alice = a.api->register_user(a.app_token, "alice");
  auto bob = b.api->register_user(b.app_token, "bob");
  const std::string alice_on_b = follow_across(b, bob, a, alice);
  ASSERT_FALSE(alice_on_b.empty());

  // The remote account's page and id are its own server's.
  auto account = Api::ok_json(b.api->get("/api/v1/accounts/" + alice_on_b, bob.token));
  EXPECT_EQ(str(account, "url"), "http://" + a.host + "/@" + alice.username);
  EXPECT_EQ(str(account, "uri"), actor_of(a, alice));

  // An edit goes as Update(Note) and is kept with its history.
  const std::string post = a.api->post_id(alice, "First version");
  const auto home = [&] { return Api::ok_json(b.api->get("/api/v1/timelines/home", bob.token)); };
  auto timeline = until(home, [](const json::value& v) { return !arr(v).empty(); });
  ASSERT_EQ(arr(timeline).size(), 1u) << timeline;
  const std::string on_b = str(timeline, "0.id");
  Api::ok_json(a.api->send_form("PUT", "/api/v1/statuses/" + post,
                                form({{"status", "Second version"}}), alice.token));
  auto edited =
      until([&] { return Api::ok_json(b.api->get("/api/v1/statuses/" + on_b, bob.token)); },
            [](const json::value& v) { return contains(str(v, "content"), "Second"); });
  EXPECT_TRUE(contains(str(edited, "content"), "Second version")) << edited;
  EXPECT_FALSE(str(edited, "edited_at").empty()) << edited;
  auto history = Api::ok_json(b.api->get("/api/v1/statuses/" + on_b + "/history", bob.token));
  ASSERT_EQ(arr(history).size(), 2u) << history;
  EXPECT_TRUE(contains(str(history, "0.content"), "First version")) << history;
  EXPECT_TRUE(contains(str(history, "1.content"), "Second version")) << history;

  // A profile change goes as Update(Person).
  Api::ok_json(a.api->send_form(
      "PATCH", "/api/v1/accounts/update_credentials",
      form({{"display_name", "Alice Renamed"}, {"note", "New bio"}, {"locked", "true"}}),
      alice.token));
  account =
      until([&] { return Api::ok_json(b.api->get("/api/v1/accounts/" + alice_on_b, bob.token)); },
            [](const json::value& v) { return str(v, "display_name") == "Alice Renamed"; });
  EXPECT_EQ(str(account, "display_name"), "Alice Renamed");
  EXPECT_TRUE(contains(str(account, "note"), "New bio")) << account;
  EXPECT_TRUE(boolean(account, "locked"));

  // Key rotation: alice's server signs with a new key its actor document does not serve
  // yet. Refused until an Update(Person), signed with the old key, carries the new one.
  const std::string old_pem = actor_private_pem(a, alice.id);
  ASSERT_FALSE(old_pem.empty());
  auto rotated = federation::generate_rsa_key_pair();
  ASSERT_TRUE(rotated.ok());
  const std::string key_id = actor_of(a, alice) + "#main-key";
  const auto create = [&](const std::string& n) {
    const std::string id = actor_of(a, alice) + "/statuses/9" + n;
    return json::object{
        {"@context", "https://www.w3.org/ns/activitystreams"},
        {"id", id + "/activity"},
        {"type", "Create"},
        {"actor", actor_of(a, alice)},
        {"object", json::object{{"id", id},
                                {"type", "Note"},
                                {"attributedTo", actor_of(a, alice)},
                                {"content", "<p>Signed with the new key " + n + "</p>"},
                                {"to", json::array{"https://www.w3.org/ns/activitystreams#Public"}},
                                {"cc", json::array{actor_of(a, alice) + "/followers"}}}}};
  };
  EXPECT_EQ(post_signed(b, create("1"), key_id, rotated->private_pem).status, 401);
  json::value document = actor_document(a, alice);
  document.as_object()["publicKey"].as_object()["publicKeyPem"] = rotated->public_pem;
  const json::object update{{"@context", "https://www.w3.org/ns/activitystreams"},
                            {"id", actor_of(a, alice) + "#updates/rotation"},
                            {"type", "Update"},
                            {"actor", actor_of(a, alice)},
                            {"object", document}};
  ASSERT_EQ(post_signed(b, update, key_id, old_pem).status, 202);
  EXPECT_EQ(post_signed(b, create("2"), key_id, rotated->private_pem).status, 202);
  timeline = until(home, [](const json::value& v) { return arr(v).size() == 2; });
  EXPECT_TRUE(contains(str(timeline, "0.content"), "new key 2")) << timeline;

  // An actor updates itself only: bob's document sent as alice's Update is refused.
  auto carol = a.api->register_user(a.app_token, "carol");
  json::value other = actor_document(a, carol);
  const json::object impostor{{"@context", "https://www.w3.org/ns/activitystreams"},
                              {"id", actor_of(a, alice) + "#updates/impostor"},
                              {"type", "Update"},
                              {"actor", actor_of(a, alice)},
                              {"object", other}};
  EXPECT_EQ(post_signed(b, impostor, key_id, rotated->private_pem).status, 401);
}

TEST(FederationDmInstances, AccountMovesToTheOtherServerWithItsFollowers) {
  Instance a, b;
  ASSERT_TRUE(a.start());
  ASSERT_TRUE(b.start());
  auto alice = a.api->register_user(a.app_token, "alice");   // moves away from A ...
  auto alice2 = b.api->register_user(b.app_token, "alice");  // ... to this account on B
  auto carol = a.api->register_user(a.app_token, "carol");   // follows alice on A
  auto bob = b.api->register_user(b.app_token, "bob");       // follows alice from B
  a.api->follow(carol, alice);
  const std::string alice_on_b = follow_across(b, bob, a, alice);
  ASSERT_FALSE(alice_on_b.empty());
  const std::string alice_acct = alice.username + "@" + a.host;
  const std::string alice2_acct = alice2.username + "@" + b.host;

  // Moving before the new account names the old one is refused.
  expect_error(a.api->post_form("/api/v1/accounts/migration",
                                form({{"acct", alice2_acct}, {"current_password", alice.password}}),
                                alice.token),
               422);
  // The new account names the old one as an alias, in the web UI's settings: its actor
  // lists it.
  WebBrowser browser;
  ASSERT_TRUE(browser.sign_in(*b.api, alice2.username, alice2.password));
  auto added = browser.request(*b.api, "POST", "/settings/aliases", form({{"acct", alice_acct}}));
  EXPECT_EQ(added.status, 303) << added;
  auto aliases = Api::ok_json(b.api->get("/api/v1/accounts/aliases", alice2.token));
  ASSERT_EQ(arr(aliases).size(), 1u) << aliases;
  EXPECT_EQ(arr(aliases).at(0).as_string(), actor_of(a, alice));
  EXPECT_EQ(arr(actor_document(b, alice2).at("alsoKnownAs")).at(0).as_string(), actor_of(a, alice));

  // A wrong password moves nothing.
  EXPECT_EQ(
      a.api
          ->post_form("/api/v1/accounts/migration",
                      form({{"acct", alice2_acct}, {"current_password", "wrong one"}}), alice.token)
          .status,
      401);
  auto moved = Api::ok_json(a.api->post_form(
      "/api/v1/accounts/migration",
      form({{"acct", alice2_acct}, {"current_password", alice.password}}), alice.token));
  EXPECT_EQ(str(moved, "moved.acct"), alice2_acct) << moved;
  EXPECT_EQ(str(actor_document(a, alice), "movedTo"), actor_of(b, alice2));

  // Carol, on A, now follows alice's new account (accepted by B) and not the old one.
  const std::string alice2_on_a = lookup(a, carol, alice2_acct);
  auto carol_rel = until(
      [&] {
        return Api::ok_json(
            a.api->get("/api/v1/accounts/relationships?id[]=" + alice2_on_a + "&id[]=" + alice.id,
                       carol.token));
      },
      [](const json::value& v) { return boolean(v.as_array().at(0), "following"); });
  EXPECT_TRUE(boolean(carol_rel.as_array().at(0), "following")) << carol_rel;
  EXPECT_FALSE(boolean(carol_rel.as_array().at(1), "following")) << carol_rel;

  // Bob, on B, heard the Move: he follows alice2 and the old account shows it moved.
  auto bob_rel = until(
      [&] {
        return Api::ok_json(b.api->get(
            "/api/v1/accounts/relationships?id[]=" + alice2.id + "&id[]=" + alice_on_b, bob.token));
      },
      [](const json::value& v) { return boolean(v.as_array().at(0), "following"); });
  EXPECT_TRUE(boolean(bob_rel.as_array().at(0), "following")) << bob_rel;
  EXPECT_FALSE(boolean(bob_rel.as_array().at(1), "following")) << bob_rel;
  auto old_on_b = Api::ok_json(b.api->get("/api/v1/accounts/" + alice_on_b, bob.token));
  EXPECT_EQ(str(old_on_b, "moved.id"), alice2.id) << old_on_b;
  auto followers =
      Api::ok_json(b.api->get("/api/v1/accounts/" + alice2.id + "/followers", alice2.token));
  EXPECT_EQ(arr(followers).size(), 2u) << followers;
}

TEST(FederationDmInstances, MoveToAnAccountNotNamingTheMoverIsRefused) {
  Instance a, b;
  ASSERT_TRUE(a.start());
  ASSERT_TRUE(b.start());
  auto alice = a.api->register_user(a.app_token, "alice");
  auto dave = b.api->register_user(b.app_token, "dave");  // names no alias
  auto bob = b.api->register_user(b.app_token, "bob");
  const std::string alice_on_b = follow_across(b, bob, a, alice);
  ASSERT_FALSE(alice_on_b.empty());
  const std::string pem = actor_private_pem(a, alice.id);
  ASSERT_FALSE(pem.empty());
  const std::string key_id = actor_of(a, alice) + "#main-key";
  const auto move = [&](const std::string& object, const std::string& target) {
    return json::object{{"@context", "https://www.w3.org/ns/activitystreams"},
                        {"id", actor_of(a, alice) + "#moves/" + unique_suffix()},
                        {"type", "Move"},
                        {"actor", actor_of(a, alice)},
                        {"object", object},
                        {"target", target}};
  };
  // Dave names alice as an alias and takes it back (the API's way).
  const std::string alice_acct = alice.username + "@" + a.host;
  auto named = Api::ok_json(
      b.api->post_form("/api/v1/accounts/aliases", form({{"acct", alice_acct}}), dave.token));
  EXPECT_EQ(str(named, "username"), dave.username);
  EXPECT_EQ(arr(Api::ok_json(b.api->get("/api/v1/accounts/aliases", dave.token))).size(), 1u);
  Api::ok_json(b.api->send_form("DELETE", "/api/v1/accounts/aliases", form({{"acct", alice_acct}}),
                                dave.token));
  EXPECT_TRUE(arr(Api::ok_json(b.api->get("/api/v1/accounts/aliases", dave.token))).empty());
  expect_error(post_signed(b, move(actor_of(a, alice), actor_of(b, dave)), key_id, pem), 422);
  // Nor may an actor move another.
  expect_error(post_signed(b, move(actor_of(b, bob), actor_of(b, dave)), key_id, pem), 401);
  auto old_on_b = Api::ok_json(b.api->get("/api/v1/accounts/" + alice_on_b, bob.token));
  EXPECT_FALSE(old_on_b.as_object().contains("moved")) << old_on_b;
  auto rel = Api::ok_json(b.api->get(
      "/api/v1/accounts/relationships?id[]=" + dave.id + "&id[]=" + alice_on_b, bob.token));
  EXPECT_FALSE(boolean(rel.as_array().at(0), "following"));
  EXPECT_TRUE(boolean(rel.as_array().at(1), "following"));
}

}  // namespace
}  // namespace publius::integration
