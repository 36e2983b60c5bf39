// Remote media against the running server in loopback-testing mode: a remote ActivityPub
// server in this process serves its actor (with an avatar and a header) and image files
// full of metadata. A Create(Note) with image attachments is stored with the images
// fetched, stripped and served from this server, the API naming only local URLs; media
// without text is a post; an attachment that cannot be fetched or read is left out, and a
// Note left with nothing to show is a 422, never a 5xx. The remote account's avatar and
// header are served from here, stripped. Reading all this never reaches the remote server.
// Local posts' Notes carry their media as Documents, and the actor's collections (outbox,
// followers, following, featured) show public posts only, and counts only when hidden.
#include <atomic>
#include <mutex>

#include "federation/http_signature.h"
#include "integration/server_harness.h"
#include "integration/signed_inbox_post.h"
#include "support/images.h"
#include "support/local_http_server.h"

namespace publius::integration {
namespace {

using media::ImageFormat;
using publius::testing::first_needle_in;
using publius::testing::metadata_needles;
using publius::testing::photo_with_metadata;

constexpr const char* kBase = "http://127.0.0.1";  // the harness's --public-url
constexpr const char* kActivityAccept = "application/activity+json";

// A remote server: its actors (with icon and image) and its files, counting every GET.
class RemoteMediaServer {
 public:
  RemoteMediaServer() : server_([this](http::Request& req) { return answer(req); }) {}

  std::string actor(const std::string& name) const { return server_.url("/users/" + name); }
  std::string acct(const std::string& name) const {
    return name + "@127.0.0.1:" + std::to_string(server_.port());
  }
  std::string key_id(const std::string& name) const { return actor(name) + "#main-key"; }
  std::string file(const std::string& name) const { return server_.url("/files/" + name); }
  // http://127.0.0.1:PORT/, which nothing this server hands a reader may contain.
  std::string origin() const { return server_.url("/"); }
  const federation::RsaKeyPair& key() const { return key_; }
  // How many requests it has answered.
  int requests() const { return requests_.load(); }

 private:
  http::Response answer(http::Request& req) {
    ++requests_;
    if (req.method == "GET" && req.path.starts_with("/users/")) {
      const std::string name = req.path.substr(7);
      const std::string uri = actor(name);
      json::object doc{{"@context", "https://www.w3.org/ns/activitystreams"},
                       {"id", uri},
                       {"type", "Person"},
                       {"preferredUsername", name},
                       {"inbox", uri + "/inbox"},
                       {"publicKey", json::object{{"id", uri + "#main-key"},
                                                  {"owner", uri},
                                                  {"publicKeyPem", key_.public_pem}}},
                       {"icon", json::object{{"type", "Image"},
                                             {"mediaType", "image/jpeg"},
                                             {"url", file("avatar.jpg")}}},
                       {"image", json::object{{"type", "Image"}, {"url", file("header.png")}}}};
      auto res = http::Response::json(json::serialize(doc));
      res.content_type = "application/activity+json";
      return res;
    }
    if (req.method == "GET" && req.path == "/files/avatar.jpg") return image(ImageFormat::kJpeg);
    if (req.method == "GET" && req.path == "/files/header.png") return image(ImageFormat::kPng);
    if (req.method == "GET" && req.path == "/files/photo.jpg") return image(ImageFormat::kJpeg);
    if (req.method == "GET" && req.path == "/files/photo.webp") return image(ImageFormat::kWebp);
    if (req.method == "GET" && req.path == "/files/not-an-image.jpg") {
      http::Response res;
      res.content_type = "image/jpeg";
      res.body = "<html>surprise</html>";
      return res;
    }
    return http::Response::json("{}", req.method == "POST" ? 202 : 404);
  }

  static http::Response image(ImageFormat format) {
    http::Response res;
    res.content_type = "application/octet-stream";
    res.body = photo_with_metadata(format, 64, 48);
    return res;
  }

  federation::RsaKeyPair key_ = federation::generate_rsa_key_pair().value();
  std::atomic<int> requests_{0};
  testing::LocalHttpServer server_;  // last: serves only once the rest exists
};

class FederationMedia : public ApiIntegrationTest {
 protected:
  static void SetUpTestSuite() { start_suite_server({"--federation-loopback-testing"}); }

  // `activity` of `type` by the remote's `name`, signed, to the shared inbox.
  HttpResponse send(const RemoteMediaServer& remote, const std::string& name,
                    const std::string& type, json::value object) {
    json::object activity{{"@context", "https://www.w3.org/ns/activitystreams"},
                          {"id", remote.actor(name) + "/activities/" + unique_suffix()},
                          {"type", type},
                          {"actor", remote.actor(name)},
                          {"object", std::move(object)}};
    return post_signed(api(), "/inbox", json::serialize(activity), remote.key_id(name),
                       remote.key().private_pem);
  }

  // A public Note by the remote's `name` with `content` and `attachments`.
  static json::object note(const RemoteMediaServer& remote, const std::string& name,
                           const std::string& content, json::array attachments) {
    return json::object{{"id", remote.actor(name) + "/statuses/" + unique_suffix()},
                        {"type", "Note"},
                        {"attributedTo", remote.actor(name)},
                        {"content", content},
                        {"sensitive", true},
                        {"to", json::array{"https://www.w3.org/ns/activitystreams#Public"}},
                        {"attachment", std::move(attachments)}};
  }

  static json::object document(const std::string& url, const std::string& alt) {
    return json::object{{"type", "Document"},
                        {"mediaType", "image/jpeg"},
                        {"url", url},
                        {"name", alt},
                        {"blurhash", "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH"},
                        {"focalPoint", json::array{0.5, -0.5}}};
  }

  // The remote account's id here. Its first signed activity (a Delete of a Note never
  // kept) makes the server read its actor, and keep it with its pictures.
  std::string remote_account(const RemoteMediaServer& remote, const std::string& name,
                             const User& reader) {
    EXPECT_EQ(
        send(remote, name, "Delete", json::string(remote.actor(name) + "/statuses/none")).status,
        202);
    return str(Api::ok_json(api().get("/api/v1/accounts/lookup?acct=" + enc(remote.acct(name)),
                                      reader.token)),
               "id");
  }

  // GET of `path` asking for ActivityPub JSON.
  static HttpResponse api_get_activity(const std::string& path) {
    return api().get(path, "", {{"Accept", kActivityAccept}});
  }

  // GET of an actor's collection (or page of it) as ActivityPub JSON.
  static json::value collection(const std::string& path) {
    auto res = api_get_activity(path);
    EXPECT_EQ(res.status, 200) << path << " " << res.body;
    return res.status == 200 ? json::parse(res.body) : json::value();
  }

  // Whether `url` is a file of this server, served stripped of every needle.
  static void expect_served_here_stripped(const std::string& url) {
    EXPECT_TRUE(starts_with(url, std::string(kBase) + "/system/media/")) << url;
    auto served = api().get(strip_origin(url));
    ASSERT_EQ(served.status, 200) << url;
    EXPECT_TRUE(starts_with(served.header("content-type"), "image/")) << served;
    EXPECT_EQ(first_needle_in(served.body), "") << url;
  }
};

TEST_F(FederationMedia, RemoteImagesAreFetchedStrippedAndServedFromHere) {
  RemoteMediaServer remote;
  auto reader = new_user("fmread");
  const std::string alice = remote_account(remote, "alice", reader);
  ASSERT_FALSE(alice.empty());
  for (auto needle : metadata_needles(ImageFormat::kJpeg))
    ASSERT_TRUE(contains(photo_with_metadata(ImageFormat::kJpeg, 64, 48), needle));

  auto with_text = note(remote, "alice", "<p>Two doors</p>",
                        json::array{document(remote.file("photo.jpg"), "A red door"),
                                    document(remote.file("photo.webp"), "A blue door")});
  ASSERT_EQ(send(remote, "alice", "Create", with_text).status, 202);
  // Media without text is a post, as a local one may be.
  ASSERT_EQ(send(remote, "alice", "Create",
                 note(remote, "alice", "", json::array{document(remote.file("photo.jpg"), "")}))
                .status,
            202);

  auto posts = Api::ok_json(api().get("/api/v1/accounts/" + alice + "/statuses", reader.token));
  ASSERT_EQ(arr(posts).size(), 2u) << posts;
  const json::value& media_only = arr(posts)[0];
  EXPECT_EQ(str(media_only, "content"), "");
  ASSERT_EQ(arr(media_only.at("media_attachments")).size(), 1u);
  const json::value& post = arr(posts)[1];
  EXPECT_TRUE(boolean(post, "sensitive"));
  const auto& media = arr(post.at("media_attachments"));
  ASSERT_EQ(media.size(), 2u) << post;
  EXPECT_EQ(str(media[0], "description"), "A red door");
  EXPECT_EQ(str(media[1], "description"), "A blue door");
  EXPECT_EQ(str(media[0], "type"), "image");
  EXPECT_EQ(num(media[0], "meta.original.width"), 64);
  EXPECT_DOUBLE_EQ(media[0].at("meta").at("focus").at("x").to_number<double>(), 0.5);
  EXPECT_EQ(str(media[0], "blurhash").size(), 28u) << "made here, from the stripped image";
  const int before = remote.requests();
  for (const auto& m : media) {
    // Nothing in it names the other server: a reader's client never contacts it.
    EXPECT_FALSE(contains(json::serialize(m), remote.origin())) << m;
    EXPECT_TRUE(is_null(m, "remote_url"));
    expect_served_here_stripped(str(m, "url"));
    expect_served_here_stripped(str(m, "preview_url"));
  }
  EXPECT_EQ(remote.requests(), before) << "reading the media never reaches the remote server";
}

TEST_F(FederationMedia, AttachmentsThatFailAreLeftOutNeverTheWholePost) {
  RemoteMediaServer remote;
  auto reader = new_user("fmfail");
  const std::string bob = remote_account(remote, "bob", reader);
  ASSERT_FALSE(bob.empty());
  auto broken = note(remote, "bob", "<p>Some of these work</p>",
                     json::array{document(remote.file("missing.jpg"), "gone"),
                                 document(remote.file("not-an-image.jpg"), "html"),
                                 document("http://127.0.0.1:1/files/x.jpg", "unreachable"),
                                 document(remote.file("photo.jpg"), "fine")});
  ASSERT_EQ(send(remote, "bob", "Create", broken).status, 202);
  auto posts = Api::ok_json(api().get("/api/v1/accounts/" + bob + "/statuses", reader.token));
  ASSERT_EQ(arr(posts).size(), 1u) << posts;
  const auto& media = arr(arr(posts)[0].at("media_attachments"));
  ASSERT_EQ(media.size(), 1u);
  EXPECT_EQ(str(media[0], "description"), "fine");

  // With no text and no attachment that works, nothing is left to show: refused, not a 5xx.
  auto empty = send(remote, "bob", "Create",
                    note(remote, "bob", "", json::array{document(remote.file("missing.jpg"), "")}));
  EXPECT_EQ(empty.status, 422) << empty.body;
  EXPECT_EQ(
      arr(Api::ok_json(api().get("/api/v1/accounts/" + bob + "/statuses", reader.token))).size(),
      1u);
}

TEST_F(FederationMedia, RemoteAvatarAndHeaderAreServedFromHereStripped) {
  RemoteMediaServer remote;
  auto reader = new_user("fmavatar");
  const std::string carol = remote_account(remote, "carol", reader);
  ASSERT_FALSE(carol.empty());
  auto account = Api::ok_json(api().get("/api/v1/accounts/" + carol, reader.token));
  const int before = remote.requests();
  for (const char* key : {"avatar", "avatar_static", "header", "header_static"})
    expect_served_here_stripped(str(account, key));
  EXPECT_NE(str(account, "avatar"), str(account, "header"));
  EXPECT_EQ(remote.requests(), before);
}

TEST_F(FederationMedia, LocalPostsCarryTheirMediaAsDocuments) {
  auto author = new_user("fmlocal");
  auto upload = Api::ok_json(api().request(
      upload_request(author.token, {{.bytes = photo_with_metadata(ImageFormat::kJpeg, 64, 48)}},
                     {{"description", "A green door"}, {"focus", "0.25,-0.5"}})));
  auto post = Api::ok_json(api().post_form(
      "/api/v1/statuses",
      form({{"status", "Look"}, {"media_ids[]", str(upload, "id")}, {"sensitive", "true"}}),
      author.token));
  auto note_doc = api().get("/users/" + author.username + "/statuses/" + str(post, "id"), "",
                            {{"Accept", kActivityAccept}});
  ASSERT_EQ(note_doc.status, 200) << note_doc.body;
  auto note = json::parse(note_doc.body);
  EXPECT_TRUE(boolean(note, "sensitive"));
  const auto& attachments = arr(note.at("attachment"));
  ASSERT_EQ(attachments.size(), 1u) << note;
  const auto& a = attachments[0];
  EXPECT_EQ(str(a, "type"), "Document");
  EXPECT_EQ(str(a, "mediaType"), "image/jpeg");
  EXPECT_EQ(str(a, "url"), str(upload, "url"));
  EXPECT_EQ(str(a, "name"), "A green door");
  EXPECT_EQ(str(a, "blurhash"), str(upload, "blurhash"));
  EXPECT_EQ(num(a, "width"), 64);
  EXPECT_EQ(num(a, "height"), 48);
  EXPECT_DOUBLE_EQ(a.at("focalPoint").as_array().at(0).to_number<double>(), 0.25);
  EXPECT_DOUBLE_EQ(a.at("focalPoint").as_array().at(1).to_number<double>(), -0.5);
  EXPECT_EQ(api().get(strip_origin(str(a, "url"))).status, 200);
}

TEST_F(FederationMedia, OutboxPagesPublicPostsOnly) {
  auto author = new_user("fmout");
  std::vector<std::string> shown;
  for (int i = 0; i < 23; ++i) {
    const std::string visibility = i % 2 ? "public" : "unlisted";
    const std::string text = "post " + std::to_string(i);
    shown.push_back(str(Api::ok_json(api().post_form(
                            "/api/v1/statuses",
                            form({{"status", text}, {"visibility", visibility}}), author.token)),
                        "id"));
  }
  Api::ok_json(api().post_form("/api/v1/statuses",
                               form({{"status", "followers only"}, {"visibility", "private"}}),
                               author.token));
  Api::ok_json(api().post_form("/api/v1/statuses",
                               form({{"status", "a direct one"}, {"visibility", "direct"}}),
                               author.token));
  const std::string outbox = "/users/" + author.username + "/outbox";
  auto top = collection(outbox);
  EXPECT_EQ(str(top, "type"), "OrderedCollection");
  EXPECT_EQ(str(top, "id"), kBase + outbox);
  EXPECT_EQ(str(top, "first"), kBase + outbox + "?page=true");
  EXPECT_FALSE(has(top, "orderedItems"));

  std::vector<std::string> seen;
  std::string next = str(top, "first");
  for (int pages = 0; !next.empty() && pages < 5; ++pages) {
    auto page = collection(strip_origin(next));
    EXPECT_EQ(str(page, "type"), "OrderedCollectionPage");
    EXPECT_EQ(str(page, "partOf"), kBase + outbox);
    for (const auto& item : arr(page.at("orderedItems"))) {
      EXPECT_EQ(str(item, "type"), "Create");
      EXPECT_FALSE(contains(str(item, "object.content"), "followers only"));
      EXPECT_FALSE(contains(str(item, "object.content"), "direct"));
      const std::string id = str(item, "object.id");
      seen.push_back(id.substr(id.rfind('/') + 1));
    }
    next = has(page, "next") ? str(page, "next") : "";
  }
  std::reverse(seen.begin(), seen.end());
  EXPECT_EQ(seen, shown);
  // A browser gets the profile page.
  EXPECT_EQ(api().get(outbox).status, 302);
  EXPECT_EQ(api_get_activity(outbox + "?page=true&max_id=x").status, 400);
  EXPECT_EQ(api_get_activity("/users/nobody_here_at_all/outbox").status, 404);
}

TEST_F(FederationMedia, FollowCollectionsShowCountsOnlyWhenHidden) {
  auto shown = new_user("fmshow");
  auto hidden = new_user("fmhide");
  auto fan = new_user("fmfan");
  for (const auto* target : {&shown, &hidden})
    Api::ok_json(api().post("/api/v1/accounts/" + target->id + "/follow", fan.token));
  Api::ok_json(api().send_form("PATCH", "/api/v1/accounts/update_credentials",
                               form({{"hide_collections", "true"}}), hidden.token));

  auto followers = collection("/users/" + shown.username + "/followers");
  EXPECT_EQ(num(followers, "totalItems"), 1);
  auto page = collection(strip_origin(str(followers, "first")));
  EXPECT_EQ(arr(page.at("orderedItems")).size(), 1u);
  EXPECT_EQ(str(page, "orderedItems.0"), std::string(kBase) + "/users/" + fan.username);
  auto following = collection("/users/" + fan.username + "/following");
  EXPECT_EQ(num(following, "totalItems"), 2);
  EXPECT_EQ(arr(collection(strip_origin(str(following, "first"))).at("orderedItems")).size(), 2u);

  for (const std::string path : {"/followers", "/followers?page=true"}) {
    auto counted = collection("/users/" + hidden.username + path);
    EXPECT_EQ(str(counted, "type"), "OrderedCollection") << path;
    EXPECT_EQ(num(counted, "totalItems"), 1) << path;
    EXPECT_FALSE(has(counted, "first")) << path;
    EXPECT_FALSE(has(counted, "orderedItems")) << path;
    EXPECT_FALSE(contains(json::serialize(counted), fan.username)) << path;
  }
}

TEST_F(FederationMedia, FeaturedHoldsPinnedPublicPosts) {
  auto author = new_user("fmpin");
  const std::string pub =
      str(Api::ok_json(
              api().post_form("/api/v1/statuses", form({{"status", "pinned one"}}), author.token)),
          "id");
  const std::string priv =
      str(Api::ok_json(api().post_form(
              "/api/v1/statuses", form({{"status", "pinned secret"}, {"visibility", "private"}}),
              author.token)),
          "id");
  for (const auto& id : {pub, priv})
    Api::ok_json(api().post("/api/v1/statuses/" + id + "/pin", author.token));
  auto featured = collection("/users/" + author.username + "/collections/featured");
  EXPECT_EQ(str(featured, "type"), "OrderedCollection");
  EXPECT_EQ(num(featured, "totalItems"), 1);
  ASSERT_EQ(arr(featured.at("orderedItems")).size(), 1u);
  EXPECT_EQ(str(featured, "orderedItems.0.type"), "Note");
  EXPECT_TRUE(str(featured, "orderedItems.0.id").ends_with("/statuses/" + pub));
  // The actor document links every collection.
  auto actor = collection("/users/" + author.username);
  for (const char* key : {"outbox", "followers", "following", "featured"})
    EXPECT_EQ(api_get_activity(strip_origin(str(actor, key))).status, 200) << key;
}

}  // namespace
}  // namespace publius::integration
