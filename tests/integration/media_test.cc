// Media over HTTP: uploads, their details, attaching them to posts, serving the
// stripped files, that nothing is left on disk by errors or deletions, and that
// the erasure pass sweeps orphaned files.
#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "integration/entity_shapes.h"
#include "integration/server_harness.h"
#include "support/images.h"

namespace publius::integration {
namespace {

using media::ImageFormat;
using publius::testing::first_needle_in;
using publius::testing::metadata_needles;
using publius::testing::photo_with_metadata;
using publius::testing::plain_image;

class MediaTest : public ApiIntegrationTest {
 protected:
  static HttpResponse upload(const User& u, const std::vector<FilePart>& files,
                             const std::vector<std::pair<std::string, std::string>>& fields = {},
                             const std::string& target = "/api/v2/media") {
    return api().request(upload_request(u.token, files, fields, target));
  }
  static json::value upload_ok(const User& u, const std::string& bytes,
                               const std::string& description = "") {
    std::vector<std::pair<std::string, std::string>> fields;
    if (!description.empty()) fields.push_back({"description", description});
    return Api::ok_json(upload(u, {{.bytes = bytes}}, fields));
  }
};

TEST_F(MediaTest, UploadStripsMetadataAndServesTheFiles) {
  auto alice = new_user("media");
  for (ImageFormat format :
       {ImageFormat::kJpeg, ImageFormat::kPng, ImageFormat::kWebp, ImageFormat::kGif}) {
    const std::string photo = photo_with_metadata(format, 64, 48);
    for (auto needle : metadata_needles(format)) ASSERT_TRUE(contains(photo, needle)) << needle;
    auto m = upload_ok(alice, photo, "A red door in a white wall");
    ASSERT_TRUE(m.is_object());
    EXPECT_FALSE(str(m, "id").empty());
    EXPECT_EQ(str(m, "type"), "image");
    EXPECT_EQ(str(m, "description"), "A red door in a white wall");
    EXPECT_TRUE(is_null(m, "remote_url"));
    EXPECT_TRUE(is_null(m, "text_url"));
    EXPECT_EQ(num(m, "meta.original.width"), 64);
    EXPECT_EQ(num(m, "meta.original.height"), 48);
    EXPECT_EQ(str(m, "meta.original.size"), "64x48");
    EXPECT_TRUE(has(m, "meta.small.width"));
    EXPECT_TRUE(has(m, "meta.focus.x"));
    EXPECT_EQ(str(m, "blurhash").size(), 28u);
    const std::string url = str(m, "url");
    EXPECT_FALSE(contains(url, "secret-name"));
    for (const std::string& file : std::vector<std::string>{url, str(m, "preview_url")}) {
      auto served = api().get(strip_origin(file));
      ASSERT_EQ(served.status, 200) << file;
      EXPECT_TRUE(starts_with(served.header("content-type"), "image/")) << served;
      EXPECT_EQ(served.header("x-content-type-options"), "nosniff");
      EXPECT_EQ(first_needle_in(served.body), "") << file;
      EXPECT_FALSE(contains(served.body, "secret-name"));
    }
  }
  // The client's file name is nowhere on disk: not in a file name, not in the database.
  for (const auto& name : media_dir_files()) EXPECT_FALSE(contains(name, "secret")) << name;
  EXPECT_FALSE(contains(read_file(data_dir_ + "/publius.db"), "secret-name"));
}

TEST_F(MediaTest, V1UploadAndTheOwnersGetPutDelete) {
  auto alice = new_user("media");
  auto bob = new_user("media");
  auto m =
      Api::ok_json(upload(alice, {{.bytes = plain_image(ImageFormat::kPng)}}, {}, "/api/v1/media"));
  ASSERT_TRUE(m.is_object());
  const std::string id = str(m, "id");
  EXPECT_TRUE(is_null(m, "description"));
  auto got = Api::ok_json(api().get("/api/v1/media/" + id, alice.token));
  EXPECT_EQ(str(got, "url"), str(m, "url"));
  expect_error(api().get("/api/v1/media/" + id, bob.token), 404);

  auto changed = Api::ok_json(
      api().send_form("PUT", "/api/v1/media/" + id,
                      form({{"description", "Alt"}, {"focus", "0.5,-0.25"}}), alice.token));
  EXPECT_EQ(str(changed, "description"), "Alt");
  EXPECT_EQ(at(changed, "meta.focus.x").as_double(), 0.5);
  EXPECT_EQ(at(changed, "meta.focus.y").as_double(), -0.25);
  expect_error(api().send_form("PUT", "/api/v1/media/" + id, form({{"focus", "2,0"}}), alice.token),
               422);
  expect_error(api().send_form("PUT", "/api/v1/media/" + id,
                               form({{"description", std::string(1501, 'a')}}), alice.token),
               422);
  expect_error(
      api().send_form("PUT", "/api/v1/media/" + id, form({{"description", "x"}}), bob.token), 404);
  expect_error(api().del("/api/v1/media/" + id, bob.token), 404);

  ASSERT_TRUE(on_disk(str(m, "url")));
  ASSERT_TRUE(on_disk(str(m, "preview_url")));
  Api::ok_json(api().del("/api/v1/media/" + id, alice.token));
  EXPECT_FALSE(on_disk(str(m, "url")));
  EXPECT_FALSE(on_disk(str(m, "preview_url")));
  expect_error(api().get("/api/v1/media/" + id, alice.token), 404);
  EXPECT_EQ(api().get(strip_origin(str(m, "url"))).status, 404);
}

TEST_F(MediaTest, NeedsAWriteMediaScope) {
  auto alice = new_user("media");
  const std::string read_only = api().password_token(app_, alice, "read");
  User reader = alice;
  reader.token = read_only;
  EXPECT_EQ(upload(reader, {{.bytes = plain_image(ImageFormat::kPng)}}).status, 403);
  expect_error(upload({}, {{.bytes = plain_image(ImageFormat::kPng)}}), 401);
}

TEST_F(MediaTest, AttachedMediaRendersInStatusesAndTimelines) {
  auto alice = new_user("media");
  auto bob = new_user("media");
  api().follow(bob, alice);
  auto a = upload_ok(alice, plain_image(ImageFormat::kJpeg), "first");
  auto b = upload_ok(alice, plain_image(ImageFormat::kWebp), "second");
  const std::string text_only = api().post_id(alice, "no pictures here");
  auto post = Api::ok_json(api().post_form(
      "/api/v1/statuses", "status=&media_ids[]=" + str(a, "id") + "&media_ids[]=" + str(b, "id"),
      alice.token));
  ASSERT_TRUE(post.is_object());
  const std::string post_id = str(post, "id");
  ASSERT_EQ(arr(post, "media_attachments").size(), 2u);
  shapes::expect_each(at(post, "media_attachments"), shapes::media_attachment(),
                      "Status.media_attachments");
  shapes::expect_shape(a, shapes::media_attachment(), "uploaded MediaAttachment");
  EXPECT_EQ(str(arr(post, "media_attachments")[0], "id"), str(a, "id"));
  EXPECT_EQ(str(arr(post, "media_attachments")[1], "description"), "second");

  auto find = [&](const json::value& list) -> const json::value* {
    for (const auto& s : list.as_array())
      if (str(s, "id") == post_id) return &s;
    return nullptr;
  };
  for (const std::string& target :
       std::vector<std::string>{"/api/v1/timelines/public", "/api/v1/timelines/home",
                                "/api/v1/accounts/" + alice.id + "/statuses"}) {
    auto list = Api::ok_json(api().get(target, bob.token));
    const json::value* found = find(list);
    ASSERT_NE(found, nullptr) << target;
    EXPECT_EQ(arr(*found, "media_attachments").size(), 2u) << target;
  }
  auto single = api().status(post_id, bob.token);
  EXPECT_EQ(arr(single, "media_attachments").size(), 2u);

  auto media_only =
      Api::ok_json(api().get("/api/v1/accounts/" + alice.id + "/statuses?only_media=true"));
  EXPECT_TRUE(has_id(media_only, post_id));
  EXPECT_FALSE(has_id(media_only, text_only));
  auto public_media = Api::ok_json(api().get("/api/v1/timelines/public?only_media=true"));
  EXPECT_TRUE(has_id(public_media, post_id));
  EXPECT_FALSE(has_id(public_media, text_only));

  // Attached media changes only through the post, as in Mastodon.
  expect_error(api().send_form("PUT", "/api/v1/media/" + str(a, "id"), form({{"description", "x"}}),
                               alice.token),
               422);
  expect_error(api().del("/api/v1/media/" + str(a, "id"), alice.token), 422);
  // And is not taken by a second post.
  expect_error(
      api().post_form("/api/v1/statuses", "status=again&media_ids[]=" + str(a, "id"), alice.token),
      422);
}

TEST_F(MediaTest, OnlyTheOwnersUnattachedMediaCanBeAttached) {
  auto alice = new_user("media");
  auto bob = new_user("media");
  auto m = upload_ok(alice, plain_image(ImageFormat::kPng));
  auto r =
      api().post_form("/api/v1/statuses", "status=mine&media_ids[]=" + str(m, "id"), bob.token);
  EXPECT_NE(expect_error(r, 422).find("media"), std::string::npos);
  expect_error(api().post_form("/api/v1/statuses", "status=x&media_ids[]=12345", alice.token), 422);
  expect_error(api().post_form("/api/v1/statuses", "status=x&media_ids[]=abc", alice.token), 422);
  std::string five = "status=five";
  for (int i = 0; i < 5; ++i)
    five += "&media_ids[]=" + str(upload_ok(alice, plain_image(ImageFormat::kPng)), "id");
  expect_error(api().post_form("/api/v1/statuses", five, alice.token), 422);
  // Direct messages are sealed; media files are not, so they are refused.
  auto dm = api().post_form(
      "/api/v1/statuses",
      "status=@" + bob.username + "+hi&visibility=direct&media_ids[]=" + str(m, "id"), alice.token);
  EXPECT_NE(expect_error(dm, 422).find("direct"), std::string::npos);
  // Still unattached after the refusals.
  Api::ok_json(api().send_form("PUT", "/api/v1/media/" + str(m, "id"),
                               form({{"description", "ok"}}), alice.token));
}

TEST_F(MediaTest, EditingAPostReplacesAndDescribesItsMedia) {
  auto alice = new_user("media");
  auto a = upload_ok(alice, plain_image(ImageFormat::kPng), "a");
  auto b = upload_ok(alice, plain_image(ImageFormat::kPng), "b");
  auto post = Api::ok_json(api().post_form(
      "/api/v1/statuses", "status=two&media_ids[]=" + str(a, "id") + "&media_ids[]=" + str(b, "id"),
      alice.token));
  const std::string id = str(post, "id");
  json::value edit = {
      {"status", "one now"},
      {"media_ids", json::array{json::string(str(b, "id"))}},
      {"media_attributes",
       json::array{json::object{
           {"id", str(b, "id")}, {"description", "b, described again"}, {"focus", "0.1,0.2"}}}}};
  auto edited = Api::ok_json(api().send_json("PUT", "/api/v1/statuses/" + id, edit, alice.token));
  ASSERT_EQ(arr(edited, "media_attachments").size(), 1u);
  EXPECT_EQ(str(arr(edited, "media_attachments")[0], "description"), "b, described again");
  EXPECT_FALSE(on_disk(str(a, "url")));  // dropped by the edit: erased
  EXPECT_TRUE(on_disk(str(b, "url")));
  // An edit without media_ids keeps the media.
  auto kept = Api::ok_json(api().send_form("PUT", "/api/v1/statuses/" + id,
                                           form({{"status", "text only edit"}}), alice.token));
  EXPECT_EQ(arr(kept, "media_attachments").size(), 1u);
  // Someone else's media cannot be added by an edit.
  auto bob = new_user("media");
  auto theirs = upload_ok(bob, plain_image(ImageFormat::kPng));
  expect_error(
      api().send_json(
          "PUT", "/api/v1/statuses/" + id,
          json::value{{"status", "x"}, {"media_ids", json::array{json::string(str(theirs, "id"))}}},
          alice.token),
      422);
}

TEST_F(MediaTest, DeletingAPostErasesItsFiles) {
  auto alice = new_user("media");
  auto m = upload_ok(alice, plain_image(ImageFormat::kJpeg));
  auto post = Api::ok_json(
      api().post_form("/api/v1/statuses", "status=bye&media_ids[]=" + str(m, "id"), alice.token));
  ASSERT_TRUE(on_disk(str(m, "url")));
  Api::ok_json(api().del("/api/v1/statuses/" + str(post, "id"), alice.token));
  EXPECT_FALSE(on_disk(str(m, "url")));
  EXPECT_FALSE(on_disk(str(m, "preview_url")));
  EXPECT_EQ(api().get(strip_origin(str(m, "url"))).status, 404);
}

TEST_F(MediaTest, BadUploadsAreRefusedAndLeaveNoFiles) {
  auto alice = new_user("media");
  upload_ok(alice, plain_image(ImageFormat::kPng));  // the directory exists
  const auto before = media_dir_files();

  expect_error(upload(alice, {}, {{"description", "no file"}}), 422);
  expect_error(upload(alice, {{.bytes = "just some text", .content_type = "text/plain"}}), 422);
  auto pdf = upload(alice, {{.bytes = "%PDF-1.4 not an image", .content_type = "image/png"}});
  EXPECT_NE(expect_error(pdf, 422).find("JPEG"), std::string::npos);
  expect_error(upload(alice, {{.bytes = "\xFF\xD8\xFF\xE0 broken jpeg"}}), 422);
  // A PNG header claiming 100000 x 100000 pixels.
  std::string bomb = std::string("\x89PNG\r\n\x1A\n", 8);
  {
    std::string ihdr;
    publius::testing::image_detail::put32be(ihdr, 100000);
    publius::testing::image_detail::put32be(ihdr, 100000);
    ihdr += std::string("\x08\x02\x00\x00\x00", 5);
    bomb += publius::testing::image_detail::png_chunk("IHDR", ihdr) +
            publius::testing::image_detail::png_chunk("IEND", "");
  }
  expect_error(upload(alice, {{.bytes = bomb, .content_type = "image/png"}}), 422);
  // Over the 10 MB file limit but within the 16 MB request limit.
  std::string big = plain_image(ImageFormat::kJpeg);
  big.resize(11 * 1024 * 1024, '\0');
  expect_error(upload(alice, {{.bytes = big}}), 422);
  // Over the request limit.
  big.resize(17 * 1024 * 1024, '\0');
  EXPECT_EQ(upload(alice, {{.bytes = big}}).status, 413);
  expect_error(upload(alice, {{.bytes = plain_image(ImageFormat::kPng)}},
                      {{"description", std::string(1501, 'x')}}),
               422);
  expect_error(upload(alice, {{.bytes = plain_image(ImageFormat::kPng)}}, {{"focus", "x,y"}}), 422);
  EXPECT_EQ(media_dir_files(), before);
}

TEST_F(MediaTest, TheInstanceAnnouncesTheMediaLimits) {
  auto v = Api::ok_json(api().get("/api/v2/instance"));
  const auto& types = arr(v, "configuration.media_attachments.supported_mime_types");
  EXPECT_EQ(types.size(), 4u);
  EXPECT_EQ(num(v, "configuration.media_attachments.image_size_limit"), 10 * 1024 * 1024);
  EXPECT_EQ(num(v, "configuration.media_attachments.image_matrix_limit"), 40'000'000);
  EXPECT_EQ(num(v, "configuration.media_attachments.description_limit"), 1500);
  EXPECT_EQ(num(v, "configuration.statuses.max_media_attachments"), 4);
}

TEST_F(MediaTest, FilePathsAreValidatedStrictly) {
  for (const std::string& path :
       std::vector<std::string>{"/system/media/..%2fpublius.db", "/system/media/publius.db",
                                "/system/media/0123456789abcdef0123456789abcdef.jpg",
                                "/system/media/0123456789ABCDEF0123456789ABCDEF.jpg",
                                "/system/media/0123456789abcdef0123456789abcdef.db",
                                "/system/media/.0123456789abcdef0123456789abcdef.jpg.tmp"}) {
    EXPECT_EQ(api().get(path).status, 404) << path;
  }
}

// The media sweep runs in the serve process's erasure pass. Its own server and
// data directory, with a pass every second, so planted files touch no other test.
class MediaSweepServerTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir("publius-media-sweep-"); }
  void TearDown() override {
    server_.stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string data() const { return dir_ + "/data"; }
  std::string media_path(const std::string& name) const { return data() + "/media/" + name; }

  std::string dir_;
  ServerProcess server_;
};

// When an unattached upload expires depends on the day; account_media_test.cc
// moves that clock. Here: a file a crash left three days ago is erased by the
// running server, while a fresh upload, a write in progress and profile
// pictures as old as the orphan stay.
TEST_F(MediaSweepServerTest, ErasurePassErasesOrphanedFilesAndKeepsUploads) {
  const std::string token = create_account_with_cli(data(), "sweeper");
  ASSERT_TRUE(server_.start(data(), {"--erasure-interval", "1"}));
  Api api(server_.port());
  auto m =
      Api::ok_json(api.request(upload_request(token, {{.bytes = plain_image(ImageFormat::kPng)}})));
  const std::string url = str(m, "url"), preview_url = str(m, "preview_url");
  const std::string name = file_name_of(url);
  const std::string preview = file_name_of(preview_url);
  HttpRequest pictures =
      upload_request(token,
                     {{.field = "avatar", .bytes = plain_image(ImageFormat::kPng)},
                      {.field = "header", .bytes = plain_image(ImageFormat::kJpeg)}},
                     {}, "/api/v1/accounts/update_credentials");
  pictures.method = "PATCH";
  auto account = Api::ok_json(api.request(pictures));
  const std::string avatar_url = str(account, "avatar"), header_url = str(account, "header");
  const timespec three_days_ago[2] = {{::time(nullptr) - 3 * 86400, 0},
                                      {::time(nullptr) - 3 * 86400, 0}};
  for (const std::string& picture : {avatar_url, header_url}) {
    ASSERT_EQ(::utimensat(AT_FDCWD, media_path(file_name_of(picture)).c_str(), three_days_ago, 0),
              0)
        << picture;
  }

  const std::string orphan = std::string(32, 'a') + ".jpg";
  const std::string in_progress = "." + std::string(32, 'b') + ".png.tmp";
  std::ofstream(media_path(orphan)) << "left by a crash";
  std::ofstream(media_path(in_progress)) << "being written";
  ASSERT_EQ(::utimensat(AT_FDCWD, media_path(orphan).c_str(), three_days_ago, 0), 0);

  const auto deadline = Clock::now() + 15s;
  while (std::filesystem::exists(media_path(orphan)) && Clock::now() < deadline)
    ::poll(nullptr, 0, 100);
  EXPECT_FALSE(std::filesystem::exists(media_path(orphan))) << server_.log();
  EXPECT_TRUE(std::filesystem::exists(media_path(in_progress)));
  EXPECT_TRUE(std::filesystem::exists(media_path(name)));
  EXPECT_TRUE(std::filesystem::exists(media_path(preview)));
  EXPECT_EQ(api.get(strip_origin(url)).status, 200);
  EXPECT_EQ(api.get("/api/v1/media/" + str(m, "id"), token).status, 200);
  for (const std::string& picture : {avatar_url, header_url})
    EXPECT_EQ(api.get(strip_origin(picture)).status, 200) << picture;
}

}  // namespace
}  // namespace publius::integration
