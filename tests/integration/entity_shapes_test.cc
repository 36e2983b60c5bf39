// Every entity the API returns, against the real server, has exactly the members
// Mastodon 4.3 documents with their documented JSON types (entity_shapes.h): one
// test per entity, with the reader-dependent members (status viewer flags, a tag's
// `following`) checked for each kind of reader.
#include "integration/entity_shapes.h"

#include "integration/server_harness.h"

namespace publius::integration {
namespace {

using shapes::expect_each;
using shapes::expect_shape;
using shapes::Kind;
using shapes::maybe;
using shapes::must;
using shapes::null_or;
using shapes::Reader;
using shapes::Shape;

class EntityShapes : public ApiIntegrationTest {};

TEST_F(EntityShapes, Account) {
  auto alice = new_user("shape");
  Api::ok_json(api().send_form("PATCH", "/api/v1/accounts/update_credentials",
                               form({{"display_name", "Alice"},
                                     {"fields_attributes[0][name]", "Q&A <here>"},
                                     {"fields_attributes[0][value]", "https://example.org/"}}),
                               alice.token));
  auto quiet = api().account(alice.id);
  expect_shape(quiet, shapes::account(), "Account");
  EXPECT_TRUE(is_null(quiet, "last_status_at")) << "no posts yet";
  expect_each(at(quiet, "fields"), shapes::account_field(), "Account.fields");
  // Mastodon sends a field's name as plain text (clients escape it); only its value is HTML.
  EXPECT_EQ(str(quiet, "fields.0.name"), "Q&A <here>");
  for (const auto& role : arr(quiet, "roles"))
    expect_shape(role, shapes::account_role(), "Account.roles[]");

  api().post_id(alice, "now with a post");
  auto active = api().account(alice.id);
  expect_shape(active, shapes::account(), "Account after a post");
  EXPECT_EQ(str(active, "last_status_at").size(), 10u) << "a date, without the time";
  EXPECT_TRUE(contains(str(active, "created_at"), "T00:00:00"))
      << "midnight, as Mastodon rounds it";
}

TEST_F(EntityShapes, CredentialAccount) {
  auto alice = new_user("shape");
  Api::ok_json(api().send_form("PATCH", "/api/v1/accounts/update_credentials",
                               form({{"fields_attributes[0][name]", "Site"},
                                     {"fields_attributes[0][value]", "https://example.org/"}}),
                               alice.token));
  auto me = Api::ok_json(api().get("/api/v1/accounts/verify_credentials", alice.token));
  expect_shape(me, shapes::credential_account(), "CredentialAccount");
  expect_shape(at(me, "source"), shapes::credential_source(), "CredentialAccount.source");
  expect_each(at(me, "source.fields"), shapes::account_field(), "source.fields");
  expect_shape(at(me, "role"), shapes::role(), "CredentialAccount.role");
  EXPECT_EQ(str(me, "source.language"), "") << "no default language: an empty string";
  for (const char* setting : {"discoverable", "indexable", "hide_collections"}) {
    EXPECT_EQ(at(me, std::string("source.") + setting), at(me, setting))
        << setting << " says the same in source as on the account";
  }
  auto updated = Api::ok_json(api().send_form("PATCH", "/api/v1/accounts/update_credentials",
                                              form({{"source[language]", "de"}}), alice.token));
  expect_shape(updated, shapes::credential_account(), "update_credentials");
  expect_shape(at(updated, "source"), shapes::credential_source(), "update_credentials.source");
  EXPECT_EQ(str(updated, "source.language"), "de");
}

TEST_F(EntityShapes, StatusForEachKindOfReader) {
  auto alice = new_user("shape");
  auto bob = new_user("shape");
  api().follow(bob, alice);
  const std::string id =
      api().post_id(alice, "hello @" + bob.username + " #Shapes https://example.org/");

  // Viewer flags only for a signed-in reader, and `pinned` only where the reader could pin.
  auto as_author = api().status(id, alice.token);
  expect_shape(as_author, shapes::status(Reader::kPinner), "Status read by its author");
  auto as_other = api().status(id, bob.token);
  expect_shape(as_other, shapes::status(Reader::kSignedIn), "Status read by another");
  auto anonymous = api().status(id);
  expect_shape(anonymous, shapes::status(Reader::kAnonymous), "Status read anonymously");
  auto by_app = api().status(id, app_token_);
  expect_shape(by_app, shapes::status(Reader::kAnonymous), "Status read with an app token");

  expect_shape(at(anonymous, "account"), shapes::account(), "Status.account");
  expect_each(at(anonymous, "mentions"), shapes::status_mention(), "Status.mentions");
  expect_each(at(anonymous, "tags"), shapes::status_tag(), "Status.tags");
  // Never recorded (shield rule), so always null.
  EXPECT_TRUE(is_null(anonymous, "application"));
  EXPECT_TRUE(is_null(anonymous, "reblog"));
  EXPECT_TRUE(is_null(anonymous, "poll"));
  EXPECT_TRUE(is_null(anonymous, "card"));

  // A boost: the author of the boost cannot pin it; the boosted status is the other's.
  auto boost = Api::ok_json(api().post("/api/v1/statuses/" + id + "/reblog", bob.token));
  expect_shape(boost, shapes::status(Reader::kSignedIn), "own boost");
  expect_shape(at(boost, "reblog"), shapes::status(Reader::kSignedIn), "boosted status");

  // Direct posts cannot be pinned; followers-only posts can.
  auto direct =
      api().post_status(alice, "@" + bob.username + " just us", {{"visibility", "direct"}});
  expect_shape(direct, shapes::status(Reader::kSignedIn), "own direct status");
  auto private_post = api().post_status(alice, "followers only", {{"visibility", "private"}});
  expect_shape(private_post, shapes::status(Reader::kPinner), "own followers-only status");
  auto pinned =
      Api::ok_json(api().post("/api/v1/statuses/" + str(private_post, "id") + "/pin", alice.token));
  expect_shape(pinned, shapes::status(Reader::kPinner), "pinned status");
  EXPECT_TRUE(boolean(pinned, "pinned"));

  // Timelines are pages of the same entity (and of cached JSON: read twice).
  for (int pass = 0; pass < 2; ++pass) {
    auto home = Api::ok_json(api().get("/api/v1/timelines/home", bob.token));
    ASSERT_TRUE(home.is_array());
    for (const auto& s : home.as_array()) {
      const bool own_boost = str(s, "account.id") == bob.id;
      expect_shape(s, shapes::status(Reader::kSignedIn),
                   own_boost ? "home: own boost" : "home: another's status");
    }
  }
}

TEST_F(EntityShapes, DeletedStatusCarriesTextInsteadOfContent) {
  auto alice = new_user("shape");
  auto bob = new_user("shape");
  const std::string id = api().post_id(alice, "to be redrafted @" + bob.username + " #gone");
  api().status(id, alice.token);  // cache its JSON first
  auto deleted = Api::ok_json(api().del("/api/v1/statuses/" + id, alice.token));
  expect_shape(deleted, shapes::status(Reader::kPinner, true), "deleted Status");
  EXPECT_EQ(str(deleted, "text"), "to be redrafted @" + bob.username + " #gone");
  expect_each(at(deleted, "mentions"), shapes::status_mention(), "deleted Status.mentions");
  // Another status still renders its content (the cache kept no `text` variant).
  const std::string other = api().post_id(alice, "still here");
  expect_shape(api().status(other), shapes::status(Reader::kAnonymous), "next Status");
}

TEST_F(EntityShapes, StatusEditSourceAndContext) {
  auto alice = new_user("shape");
  auto bob = new_user("shape");
  const std::string id = api().post_id(alice, "first words");
  Api::ok_json(api().send_form("PUT", "/api/v1/statuses/" + id,
                               form({{"status", "second words"}, {"spoiler_text", "cw"}}),
                               alice.token));
  auto history = Api::ok_json(api().get("/api/v1/statuses/" + id + "/history"));
  expect_each(history, shapes::status_edit(), "StatusEdit");
  ASSERT_EQ(arr(history).size(), 2u);
  expect_shape(at(history, "0.account"), shapes::account(), "StatusEdit.account");

  auto source = Api::ok_json(api().get("/api/v1/statuses/" + id + "/source", alice.token));
  expect_shape(source, shapes::status_source(), "StatusSource");

  const std::string reply = api().post_id(bob, "a reply", {{"in_reply_to_id", id}});
  auto context = Api::ok_json(api().get("/api/v1/statuses/" + reply + "/context", bob.token));
  expect_shape(context, shapes::context(), "Context");
  expect_each(at(context, "ancestors"), shapes::status(Reader::kSignedIn), "Context.ancestors");
  auto from_root = Api::ok_json(api().get("/api/v1/statuses/" + id + "/context"));
  expect_each(at(from_root, "descendants"), shapes::status(Reader::kAnonymous),
              "Context.descendants");
}

TEST_F(EntityShapes, Relationship) {
  auto alice = new_user("shape");
  auto bob = new_user("shape");
  expect_shape(api().follow(alice, bob), shapes::relationship(), "Relationship after follow");
  auto many = Api::ok_json(api().get(
      "/api/v1/accounts/relationships?id[]=" + bob.id + "&id[]=" + alice.id, alice.token));
  expect_each(many, shapes::relationship(), "Relationships");
  auto muted = Api::ok_json(api().post("/api/v1/accounts/" + bob.id + "/mute", alice.token));
  expect_shape(muted, shapes::relationship(), "Relationship after mute");
}

TEST_F(EntityShapes, NotificationsV1AndGroupedV2) {
  auto alice = new_user("shape");
  auto bob = new_user("shape");
  api().follow(bob, alice);
  const std::string id = api().post_id(alice, "favourite me");
  Api::ok_json(api().post("/api/v1/statuses/" + id + "/favourite", bob.token));

  auto v1 = Api::ok_json(api().get("/api/v1/notifications", alice.token));
  std::set<std::string> types;
  for (const auto& n : arr(v1)) {
    const std::string type = str(n, "type");
    types.insert(type);
    const bool about_status = type != "follow" && type != "follow_request";
    expect_shape(n, shapes::notification(about_status), "Notification " + type);
    expect_shape(at(n, "account"), shapes::account(), "Notification.account");
    if (about_status)
      expect_shape(at(n, "status"), shapes::status(Reader::kPinner), "Notification.status");
  }
  EXPECT_EQ(types, (std::set<std::string>{"follow", "favourite"}));
  auto one = Api::ok_json(api().get("/api/v1/notifications/" + str(v1, "0.id"), alice.token));
  expect_shape(one, shapes::notification(str(one, "type") != "follow"), "one Notification");

  auto v2 = Api::ok_json(api().get("/api/v2/notifications", alice.token));
  expect_shape(v2, shapes::grouped_notifications(), "GroupedNotificationsResults");
  expect_each(at(v2, "accounts"), shapes::account(), "grouped accounts");
  expect_each(at(v2, "statuses"), shapes::status(Reader::kPinner), "grouped statuses");
  for (const auto& g : arr(v2, "notification_groups")) {
    expect_shape(g, shapes::notification_group(str(g, "type") != "follow"),
                 "NotificationGroup " + str(g, "type"));
    for (const auto& sample : arr(g, "sample_account_ids"))
      EXPECT_TRUE(shapes::is_kind(sample, Kind::kId)) << json::serialize(sample);
  }
  EXPECT_EQ(arr(v2, "notification_groups").size(), 2u);
}

TEST_F(EntityShapes, ApplicationAndToken) {
  auto created = Api::ok_json(
      api().post_form("/api/v1/apps", form({{"client_name", "Shapes"},
                                            {"redirect_uris", "urn:ietf:wg:oauth:2.0:oob"},
                                            {"scopes", "read write"},
                                            {"website", "https://app.example"}})));
  expect_shape(created, shapes::credential_application(), "CredentialApplication");
  auto token = Api::ok_json(
      api().post_form("/oauth/token", form({{"grant_type", "client_credentials"},
                                            {"client_id", str(created, "client_id")},
                                            {"client_secret", str(created, "client_secret")},
                                            {"scope", "read"}})));
  expect_shape(token, shapes::token(), "Token");
  auto verified =
      Api::ok_json(api().get("/api/v1/apps/verify_credentials", str(token, "access_token")));
  expect_shape(verified, shapes::application(), "Application");
  EXPECT_EQ(str(verified, "vapid_key"),
            str(Api::ok_json(api().get("/api/v2/instance")), "configuration.vapid.public_key"));
}

TEST_F(EntityShapes, InstanceV2) {
  auto v = Api::ok_json(api().get("/api/v2/instance"));
  expect_shape(
      v,
      {must("domain", Kind::kString), must("title", Kind::kString), must("version", Kind::kString),
       must("source_url", Kind::kString), must("description", Kind::kString),
       must("usage", Kind::kObject), must("thumbnail", Kind::kObject), must("icon", Kind::kArray),
       must("languages", Kind::kArray), must("configuration", Kind::kObject),
       must("registrations", Kind::kObject), must("api_versions", Kind::kObject),
       must("contact", Kind::kObject), must("rules", Kind::kArray)},
      "Instance");
  expect_shape(at(v, "usage"), {must("users", Kind::kObject)}, "usage");
  expect_shape(at(v, "usage.users"), {must("active_month", Kind::kInt)}, "usage.users");
  expect_shape(at(v, "thumbnail"),
               {must("url", Kind::kString), maybe("blurhash", Kind::kString),
                maybe("versions", Kind::kObject)},
               "thumbnail");
  const auto& c = at(v, "configuration");
  expect_shape(
      c,
      {must("urls", Kind::kObject), must("vapid", Kind::kObject), must("accounts", Kind::kObject),
       must("statuses", Kind::kObject), must("media_attachments", Kind::kObject),
       must("polls", Kind::kObject), must("translation", Kind::kObject)},
      "configuration");
  expect_shape(at(c, "urls"), {must("streaming", Kind::kString), null_or("status", Kind::kString)},
               "configuration.urls");
  expect_shape(at(c, "vapid"), {must("public_key", Kind::kString)}, "configuration.vapid");
  expect_shape(at(c, "accounts"),
               {must("max_featured_tags", Kind::kInt), must("max_pinned_statuses", Kind::kInt)},
               "configuration.accounts");
  expect_shape(at(c, "statuses"),
               {must("max_characters", Kind::kInt), must("max_media_attachments", Kind::kInt),
                must("characters_reserved_per_url", Kind::kInt)},
               "configuration.statuses");
  expect_shape(at(c, "media_attachments"),
               {must("supported_mime_types", Kind::kArray), must("image_size_limit", Kind::kInt),
                must("image_matrix_limit", Kind::kInt), maybe("description_limit", Kind::kInt),
                must("video_size_limit", Kind::kInt), must("video_frame_rate_limit", Kind::kInt),
                must("video_matrix_limit", Kind::kInt)},
               "configuration.media_attachments");
  expect_shape(at(c, "polls"),
               {must("max_options", Kind::kInt), must("max_characters_per_option", Kind::kInt),
                must("min_expiration", Kind::kInt), must("max_expiration", Kind::kInt)},
               "configuration.polls");
  expect_shape(at(c, "translation"), {must("enabled", Kind::kBool)}, "configuration.translation");
  expect_shape(at(v, "registrations"),
               {must("enabled", Kind::kBool), must("approval_required", Kind::kBool),
                null_or("message", Kind::kString), null_or("url", Kind::kString)},
               "registrations");
  expect_shape(at(v, "api_versions"), {must("mastodon", Kind::kInt)}, "api_versions");
  expect_shape(at(v, "contact"), {must("email", Kind::kString), null_or("account", Kind::kObject)},
               "contact");
}

TEST_F(EntityShapes, InstanceV1) {
  auto v = Api::ok_json(api().get("/api/v1/instance"));
  expect_shape(v,
               {must("uri", Kind::kString), must("title", Kind::kString),
                must("short_description", Kind::kString), must("description", Kind::kString),
                must("email", Kind::kString), must("version", Kind::kString),
                must("urls", Kind::kObject), must("stats", Kind::kObject),
                null_or("thumbnail", Kind::kString), must("languages", Kind::kArray),
                must("registrations", Kind::kBool), must("approval_required", Kind::kBool),
                must("invites_enabled", Kind::kBool), must("configuration", Kind::kObject),
                null_or("contact_account", Kind::kObject), must("rules", Kind::kArray)},
               "V1::Instance");
  expect_shape(at(v, "urls"), {must("streaming_api", Kind::kString)}, "urls");
  expect_shape(at(v, "stats"),
               {must("user_count", Kind::kInt), must("status_count", Kind::kInt),
                must("domain_count", Kind::kInt)},
               "stats");
  const auto& c = at(v, "configuration");
  expect_shape(c,
               {must("accounts", Kind::kObject), must("statuses", Kind::kObject),
                must("media_attachments", Kind::kObject), must("polls", Kind::kObject)},
               "V1 configuration");
  expect_shape(at(c, "accounts"), {must("max_featured_tags", Kind::kInt)},
               "V1 configuration.accounts");
  expect_shape(at(c, "media_attachments"),
               {must("supported_mime_types", Kind::kArray), must("image_size_limit", Kind::kInt),
                must("image_matrix_limit", Kind::kInt), must("video_size_limit", Kind::kInt),
                must("video_frame_rate_limit", Kind::kInt), must("video_matrix_limit", Kind::kInt)},
               "V1 configuration.media_attachments");
}

TEST_F(EntityShapes, SearchAndTag) {
  auto alice = new_user("shape");
  const std::string tag = "shapetag" + unique_suffix().substr(0, 4);
  api().post_id(alice, "about #" + tag + " and @" + alice.username);
  const std::string query = "/api/v2/search?q=" + tag;
  auto anonymous = Api::ok_json(api().get(query));
  expect_shape(anonymous, shapes::search(), "Search");
  expect_each(at(anonymous, "hashtags"), shapes::tag(false), "anonymous Tag");
  auto signed_in = Api::ok_json(api().get(query, alice.token));
  expect_each(at(signed_in, "hashtags"), shapes::tag(true), "signed-in Tag");
  expect_each(at(signed_in, "statuses"), shapes::status(Reader::kPinner), "Search.statuses");
  auto people = Api::ok_json(api().get("/api/v2/search?type=accounts&q=" + alice.username));
  expect_each(at(people, "accounts"), shapes::account(), "Search.accounts");
  // The Tag entity of its own routes, and its history.
  const Shape history_day = {must("day", Kind::kString), must("uses", Kind::kString),
                             must("accounts", Kind::kString)};
  expect_each(at(anonymous, "hashtags.0.history"), history_day, "Tag.history");
  expect_shape(Api::ok_json(api().get("/api/v1/tags/" + tag)), shapes::tag(false), "Tag");
  expect_shape(Api::ok_json(api().post("/api/v1/tags/" + tag + "/follow", alice.token)),
               shapes::tag(true), "followed Tag");
  expect_each(Api::ok_json(api().get("/api/v1/followed_tags", alice.token)), shapes::tag(true),
              "followed_tags Tag");
}

TEST_F(EntityShapes, ListConversationMarkerAndPreferences) {
  auto alice = new_user("shape");
  auto bob = new_user("shape");
  auto list =
      Api::ok_json(api().post_form("/api/v1/lists", form({{"title", "Friends"}}), alice.token));
  expect_shape(list, shapes::list(), "List");
  expect_each(Api::ok_json(api().get("/api/v1/lists", alice.token)), shapes::list(), "Lists");

  api().post_status(alice, "@" + bob.username + " psst", {{"visibility", "direct"}});
  auto conversations = Api::ok_json(api().get("/api/v1/conversations", bob.token));
  expect_each(conversations, shapes::conversation(), "Conversation");
  expect_each(at(conversations, "0.accounts"), shapes::account(), "Conversation.accounts");
  expect_shape(at(conversations, "0.last_status"), shapes::status(Reader::kSignedIn),
               "Conversation.last_status");

  const std::string id = api().post_id(alice, "read up to here");
  auto saved = Api::ok_json(
      api().post_form("/api/v1/markers", form({{"home[last_read_id]", id}}), alice.token));
  expect_shape(saved, {must("home", Kind::kObject)}, "saved markers");
  expect_shape(at(saved, "home"), shapes::marker(), "Marker");
  auto markers = Api::ok_json(api().get("/api/v1/markers?timeline[]=home", alice.token));
  expect_shape(at(markers, "home"), shapes::marker(), "Marker read back");

  expect_shape(Api::ok_json(api().get("/api/v1/preferences", alice.token)), shapes::preferences(),
               "Preferences");
}

TEST_F(EntityShapes, ScheduledStatusWithMediaAndWithAPoll) {
  auto alice = new_user("shape");
  const std::string media = upload_default_avatar(api(), alice.token);
  auto with_media = Api::ok_json(api().post_form("/api/v1/statuses",
                                                 form({{"status", "later"},
                                                       {"media_ids[]", media},
                                                       {"sensitive", "true"},
                                                       {"spoiler_text", "cw"},
                                                       {"language", "en"},
                                                       {"scheduled_at", "2099-03-01T10:00:00Z"}}),
                                                 alice.token, {{"Idempotency-Key", "shape-key"}}));
  expect_shape(with_media, shapes::scheduled_status(), "ScheduledStatus");
  expect_shape(at(with_media, "params"), shapes::scheduled_status_params(),
               "ScheduledStatus.params");
  expect_each(at(with_media, "media_attachments"), shapes::media_attachment(),
              "ScheduledStatus.media_attachments");
  auto with_poll = Api::ok_json(api().post_json(
      "/api/v1/statuses",
      json::object{{"status", "poll later"},
                   {"scheduled_at", "2099-03-02T10:00:00Z"},
                   {"poll", json::object{{"options", json::array{"a", "b"}}, {"expires_in", 600}}}},
      alice.token));
  expect_shape(at(with_poll, "params.poll"),
               {must("options", Kind::kArray), must("expires_in", Kind::kInt),
                must("multiple", Kind::kBool), must("hide_totals", Kind::kBool)},
               "ScheduledStatus.params.poll");
  expect_each(Api::ok_json(api().get("/api/v1/scheduled_statuses", alice.token)),
              shapes::scheduled_status(), "ScheduledStatuses");
}

TEST_F(EntityShapes, ErrorsAndOAuthServerMetadata) {
  expect_shape(api().get("/api/v1/statuses/1").json(), shapes::error(), "404 Error");
  expect_shape(api().get("/api/v1/timelines/home").json(), shapes::error(), "401 Error");
  auto oauth = api().post_form("/oauth/token", form({{"grant_type", "password"}}));
  expect_shape(oauth.json(), shapes::error(), "OAuth Error");
  EXPECT_TRUE(has(oauth.json(), "error_description"));

  auto meta = Api::ok_json(api().get("/.well-known/oauth-authorization-server"));
  Shape documented;
  for (const char* url : {"issuer", "service_documentation", "authorization_endpoint",
                          "token_endpoint", "app_registration_endpoint", "revocation_endpoint"})
    documented.push_back(must(url, Kind::kString));
  for (const char* list :
       {"scopes_supported", "response_types_supported", "response_modes_supported",
        "grant_types_supported", "token_endpoint_auth_methods_supported",
        "code_challenge_methods_supported"})
    documented.push_back(must(list, Kind::kArray));
  expect_shape(meta, documented, "OAuth server metadata");
  // Granular scopes are listed, so clients can tell they may ask for them.
  std::set<std::string> scopes;
  for (const auto& s : arr(meta, "scopes_supported")) scopes.insert(std::string(s.as_string()));
  for (const char* scope :
       {"read", "write", "push", "profile", "read:statuses", "write:media", "admin:read:accounts"})
    EXPECT_TRUE(scopes.count(scope)) << scope;
}

}  // namespace
}  // namespace publius::integration
