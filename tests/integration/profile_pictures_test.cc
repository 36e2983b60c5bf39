// Profile pictures over HTTP: update_credentials with multipart avatar and
// header files, the Account JSON pointing at the stored files, replacing and
// removing them (DELETE /api/v1/profile/avatar|header), and refusals that
// leave the profile and the media directory as they were.
#include <filesystem>

#include "integration/server_harness.h"
#include "support/images.h"

namespace publius::integration {
namespace {

using media::ImageFormat;
using publius::testing::first_needle_in;
using publius::testing::metadata_needles;
using publius::testing::photo_with_metadata;
using publius::testing::plain_image;

class ProfilePicturesApiTest : public ApiIntegrationTest {
 protected:
  static HttpResponse update(const User& u, const std::vector<FilePart>& files,
                             const std::vector<std::pair<std::string, std::string>>& fields = {}) {
    HttpRequest r = upload_request(u.token, files, fields, "/api/v1/accounts/update_credentials");
    r.method = "PATCH";
    return api().request(r);
  }
  static FilePart avatar(std::string bytes) {
    return {.field = "avatar", .bytes = std::move(bytes)};
  }
  static FilePart header(std::string bytes) {
    return {.field = "header", .bytes = std::move(bytes)};
  }
  // Width and height of an image as libvips reads it.
  static std::pair<int, int> dimensions(const std::string& bytes) {
    publius::testing::image_detail::init_vips();
    VipsImage* image = vips_image_new_from_buffer(bytes.data(), bytes.size(), "", nullptr);
    if (!image) return {0, 0};
    const std::pair<int, int> size{image->Xsize, image->Ysize};
    g_object_unref(image);
    return size;
  }
};

TEST_F(ProfilePicturesApiTest, AvatarAndHeaderAreStoredStrippedCroppedAndRendered) {
  auto alice = new_user("pic");
  const std::string photo = photo_with_metadata(ImageFormat::kJpeg, 64, 48);
  for (auto needle : metadata_needles(ImageFormat::kJpeg))
    ASSERT_TRUE(contains(photo, needle)) << needle;
  auto account = Api::ok_json(update(alice, {avatar(photo), header(photo)},
                                     {{"display_name", "Alice Pictured"}, {"note", "hello"}}));
  ASSERT_TRUE(account.is_object());
  EXPECT_EQ(str(account, "display_name"), "Alice Pictured");
  EXPECT_TRUE(has(account, "source"));  // the CredentialAccount
  const std::string avatar_url = str(account, "avatar");
  const std::string header_url = str(account, "header");
  EXPECT_NE(avatar_url.find("/system/media/"), std::string::npos) << avatar_url;
  EXPECT_NE(header_url.find("/system/media/"), std::string::npos) << header_url;
  EXPECT_NE(avatar_url, header_url);
  EXPECT_EQ(str(account, "avatar_static"), avatar_url);
  EXPECT_EQ(str(account, "header_static"), header_url);
  EXPECT_FALSE(contains(avatar_url, "secret-name"));

  const std::vector<std::pair<std::string, std::pair<int, int>>> expected = {
      {avatar_url, {400, 400}}, {header_url, {1500, 500}}};
  for (const auto& [url, size] : expected) {
    auto served = api().get(strip_origin(url));
    ASSERT_EQ(served.status, 200) << url;
    EXPECT_EQ(served.header("content-type"), "image/jpeg");
    EXPECT_EQ(dimensions(served.body), size) << url;
    EXPECT_EQ(first_needle_in(served.body), "") << url;
    EXPECT_EQ(first_needle_in(read_file(data_dir_ + "/media/" + file_name_of(url))), "") << url;
  }
  // Every rendering of the account shows them: the render cache was refreshed.
  for (const auto& seen :
       {Api::ok_json(api().get("/api/v1/accounts/" + alice.id)),
        Api::ok_json(api().get("/api/v1/accounts/verify_credentials", alice.token))}) {
    EXPECT_EQ(str(seen, "avatar"), avatar_url);
    EXPECT_EQ(str(seen, "header"), header_url);
  }
  const std::string post_id = api().post_id(alice, "with my new face");
  EXPECT_EQ(str(api().status(post_id, alice.token), "account.avatar"), avatar_url);
  for (const auto& name : media_dir_files()) EXPECT_FALSE(contains(name, "secret")) << name;
}

TEST_F(ProfilePicturesApiTest, ANewAccountShowsTheDefaultPictures) {
  auto alice = new_user("pic");
  auto account = Api::ok_json(api().get("/api/v1/accounts/" + alice.id));
  EXPECT_TRUE(str(account, "avatar").ends_with("/avatars/original/missing.png"));
  EXPECT_TRUE(str(account, "avatar_static").ends_with("/avatars/original/missing.png"));
  EXPECT_TRUE(str(account, "header").ends_with("/headers/original/missing.png"));
  EXPECT_TRUE(str(account, "header_static").ends_with("/headers/original/missing.png"));
}

TEST_F(ProfilePicturesApiTest, ReplacingAPictureDeletesTheOldFile) {
  auto alice = new_user("pic");
  auto first = Api::ok_json(update(alice, {avatar(plain_image(ImageFormat::kPng))}));
  const std::string old_url = str(first, "avatar");
  ASSERT_TRUE(on_disk(old_url));
  auto second = Api::ok_json(update(alice, {avatar(plain_image(ImageFormat::kWebp))}));
  const std::string new_url = str(second, "avatar");
  EXPECT_NE(new_url, old_url);
  EXPECT_TRUE(new_url.ends_with(".webp")) << new_url;
  EXPECT_TRUE(on_disk(new_url));
  EXPECT_FALSE(on_disk(old_url));
  EXPECT_EQ(api().get(strip_origin(old_url)).status, 404);
  // The header was not sent, so it is still the default.
  EXPECT_TRUE(str(second, "header").ends_with("/headers/original/missing.png"));
}

TEST_F(ProfilePicturesApiTest, DeleteRoutesRestoreTheDefaults) {
  auto alice = new_user("pic");
  auto set = Api::ok_json(update(
      alice, {avatar(plain_image(ImageFormat::kPng)), header(plain_image(ImageFormat::kGif))}));
  const std::string avatar_url = str(set, "avatar");
  const std::string header_url = str(set, "header");
  EXPECT_TRUE(header_url.ends_with(".png")) << header_url;  // a GIF is kept as a PNG still

  User reader = alice;
  reader.token = api().password_token(app_, alice, "read");
  EXPECT_EQ(api().del("/api/v1/profile/avatar", reader.token).status, 403);
  expect_error(api().del("/api/v1/profile/avatar", ""), 401);
  EXPECT_TRUE(on_disk(avatar_url));

  auto no_avatar = Api::ok_json(api().del("/api/v1/profile/avatar", alice.token));
  EXPECT_TRUE(str(no_avatar, "avatar").ends_with("/avatars/original/missing.png"));
  EXPECT_TRUE(has(no_avatar, "source"));
  EXPECT_EQ(str(no_avatar, "header"), header_url);
  EXPECT_FALSE(on_disk(avatar_url));
  auto neither = Api::ok_json(api().del("/api/v1/profile/header", alice.token));
  EXPECT_TRUE(str(neither, "header").ends_with("/headers/original/missing.png"));
  EXPECT_FALSE(on_disk(header_url));
  // Again: nothing to remove is no error.
  Api::ok_json(api().del("/api/v1/profile/header", alice.token));
  auto seen = Api::ok_json(api().get("/api/v1/accounts/" + alice.id));
  EXPECT_TRUE(str(seen, "avatar").ends_with("/avatars/original/missing.png"));
}

TEST_F(ProfilePicturesApiTest, BadFilesAreRefusedAndNothingIsHalfApplied) {
  auto alice = new_user("pic");
  auto before = Api::ok_json(
      update(alice, {avatar(plain_image(ImageFormat::kPng))}, {{"display_name", "Before"}}));
  const auto files_before = media_dir_files();

  auto text = update(alice, {avatar("just some text")});
  EXPECT_NE(expect_error(text, 422).find("Avatar"), std::string::npos);
  // A good avatar, a good name and a corrupt header: none of it is taken.
  auto half = update(alice, {avatar(plain_image(ImageFormat::kJpeg)), header("\xFF\xD8\xFF\xE0 x")},
                     {{"display_name", "After"}});
  EXPECT_NE(expect_error(half, 422).find("Header"), std::string::npos);
  // A bad text field with a good picture.
  expect_error(update(alice, {avatar(plain_image(ImageFormat::kJpeg))},
                      {{"display_name", std::string(31, 'x')}}),
               422);
  expect_error(update(alice, {avatar("")}), 422);
  // Over the 8 MB picture limit but within the 16 MB request limit, then over that.
  std::string big = plain_image(ImageFormat::kJpeg);
  big.resize(9 * 1024 * 1024, '\0');
  EXPECT_NE(expect_error(update(alice, {avatar(big)}), 422).find("8 MB"), std::string::npos);
  big.resize(17 * 1024 * 1024, '\0');
  EXPECT_EQ(update(alice, {header(big)}).status, 413);

  auto after = Api::ok_json(api().get("/api/v1/accounts/verify_credentials", alice.token));
  EXPECT_EQ(str(after, "display_name"), "Before");
  EXPECT_EQ(str(after, "avatar"), str(before, "avatar"));
  EXPECT_TRUE(str(after, "header").ends_with("/headers/original/missing.png"));
  EXPECT_EQ(media_dir_files(), files_before);
}

TEST_F(ProfilePicturesApiTest, RequestsWithoutFilesKeepThePictures) {
  auto alice = new_user("pic");
  auto set = Api::ok_json(update(alice, {avatar(plain_image(ImageFormat::kPng))}));
  const std::string avatar_url = str(set, "avatar");
  auto by_json =
      Api::ok_json(api().send_json("PATCH", "/api/v1/accounts/update_credentials",
                                   json::value{{"display_name", "By JSON"}}, alice.token));
  EXPECT_EQ(str(by_json, "display_name"), "By JSON");
  EXPECT_EQ(str(by_json, "avatar"), avatar_url);
  auto by_form = Api::ok_json(api().send_form("PATCH", "/api/v1/accounts/update_credentials",
                                              form({{"note", "by form"}}), alice.token));
  EXPECT_EQ(str(by_form, "source.note"), "by form");
  EXPECT_EQ(str(by_form, "avatar"), avatar_url);
  // A text value named avatar is not a file: ignored, as a browser without the file would send.
  auto text_avatar = Api::ok_json(update(alice, {}, {{"avatar", "https://example.org/me.png"}}));
  EXPECT_EQ(str(text_avatar, "avatar"), avatar_url);
  EXPECT_TRUE(on_disk(avatar_url));
}

}  // namespace
}  // namespace publius::integration
