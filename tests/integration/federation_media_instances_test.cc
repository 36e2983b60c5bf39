// Two Publius servers federating media over loopback: alice on A has an avatar and posts an
// image; bob on B follows her. B's home timeline shows the post with its image at a URL of
// B's own that serves it (stripped), and alice's avatar on B is B's file too: bob's client
// is never sent to A.
#include "integration/federation_instances.h"
#include "support/images.h"

namespace publius::integration {
namespace {

using media::ImageFormat;
using publius::testing::first_needle_in;
using publius::testing::photo_with_metadata;

// Whether `url` is a file on `on` (and not on `other`), served as an image with no metadata.
void expect_served_by(const Instance& on, const Instance& other, const std::string& url) {
  EXPECT_TRUE(starts_with(url, "http://" + on.host + "/system/media/")) << url;
  EXPECT_FALSE(contains(url, other.host)) << url;
  auto served = on.api->get(strip_origin(url));
  ASSERT_EQ(served.status, 200) << url;
  EXPECT_TRUE(starts_with(served.header("content-type"), "image/")) << served;
  EXPECT_EQ(first_needle_in(served.body), "") << url;
}

TEST(FederationMediaInstances, ImagesAndAvatarsReachTheOtherServerAsItsOwnFiles) {
  Instance a, b;
  ASSERT_TRUE(a.start());
  ASSERT_TRUE(b.start());
  auto alice = a.api->register_user(a.app_token, "alice");
  auto bob = b.api->register_user(b.app_token, "bob");
  HttpRequest avatar = upload_request(
      alice.token, {{.field = "avatar", .bytes = photo_with_metadata(ImageFormat::kJpeg, 64, 64)}},
      {}, "/api/v1/accounts/update_credentials");
  avatar.method = "PATCH";
  const std::string avatar_on_a = str(Api::ok_json(a.api->request(avatar)), "avatar");

  const std::string alice_on_b = follow_across(b, bob, a, alice);
  ASSERT_FALSE(alice_on_b.empty());
  auto account = Api::ok_json(b.api->get("/api/v1/accounts/" + alice_on_b, bob.token));
  expect_served_by(b, a, str(account, "avatar"));
  expect_served_by(b, a, str(account, "avatar_static"));
  EXPECT_NE(file_name_of(str(account, "avatar")), file_name_of(avatar_on_a));

  auto upload = Api::ok_json(a.api->request(
      upload_request(alice.token, {{.bytes = photo_with_metadata(ImageFormat::kJpeg, 64, 48)}},
                     {{"description", "A red door"}})));
  Api::ok_json(a.api->post_form(
      "/api/v1/statuses",
      form({{"status", "A door"}, {"media_ids[]", str(upload, "id")}, {"sensitive", "true"}}),
      alice.token));

  const auto home = [&] { return Api::ok_json(b.api->get("/api/v1/timelines/home", bob.token)); };
  auto timeline = until(home, [](const json::value& v) { return !arr(v).empty(); });
  ASSERT_EQ(arr(timeline).size(), 1u) << timeline;
  EXPECT_TRUE(boolean(timeline, "0.sensitive"));
  const auto& media = arr(arr(timeline)[0].at("media_attachments"));
  ASSERT_EQ(media.size(), 1u) << timeline;
  EXPECT_EQ(str(media[0], "description"), "A red door");
  EXPECT_EQ(num(media[0], "meta.original.width"), 64);
  EXPECT_TRUE(is_null(media[0], "remote_url"));
  expect_served_by(b, a, str(media[0], "url"));
  expect_served_by(b, a, str(media[0], "preview_url"));
  EXPECT_FALSE(contains(json::serialize(timeline), "http://" + a.host + "/system/"))
      << "nothing in B's answer points a client at A's files";
}

}  // namespace
}  // namespace publius::integration
