// federation::parse_attachments and parse_actor's pictures: which of a Note's attachments
// (and an actor's icon and image) are taken to be fetched, and what is refused.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "federation/activities.h"

namespace publius::federation {
namespace {

namespace json = boost::json;

std::vector<domain::RemoteAttachment> attachments_of(std::string_view attachment_json) {
  const json::value note = json::parse(R"j({"attachment": )j" + std::string(attachment_json) + "}");
  return parse_attachments(note.as_object());
}

TEST(RemoteAttachments, ReadsMastodonsDocument) {
  const auto list = attachments_of(R"j([{
      "type": "Document", "mediaType": "image/jpeg", "url": "https://b.example/files/1.jpg",
      "name": "A red <b>door</b>", "blurhash": "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH",
      "focalPoint": [0.5, -0.25], "width": 640, "height": 480}])j");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].url, "https://b.example/files/1.jpg");
  EXPECT_EQ(list[0].description, "A red door");
  ASSERT_TRUE(list[0].focus.has_value());
  EXPECT_DOUBLE_EQ(list[0].focus->x, 0.5);
  EXPECT_DOUBLE_EQ(list[0].focus->y, -0.25);
}

TEST(RemoteAttachments, AcceptsImageObjectsLinksAndASingleObject) {
  auto list = attachments_of(
      R"j({"type": "Image", "url": {"type": "Link", "href": "https://b.example/a.png"}})j");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].url, "https://b.example/a.png");
  EXPECT_FALSE(list[0].focus.has_value());
  list = attachments_of(
      R"j([{"type": "Document", "url": [{"type": "Link", "href": "https://b.example/b.webp"}]}])j");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].url, "https://b.example/b.webp");
}

TEST(RemoteAttachments, LeavesOutWhatCannotBeFetchedOrIsNoImage) {
  const auto list = attachments_of(R"j([
      {"type": "Document", "mediaType": "image/png"},
      {"type": "Document", "url": ""},
      {"type": "Document", "url": 7},
      {"type": "Document", "url": "file:///etc/passwd"},
      {"type": "Document", "url": "javascript:alert(1)"},
      {"type": "Document", "url": "ftp://b.example/x.png"},
      {"type": "Document", "url": "data:image/png;base64,AAAA"},
      {"type": "Document", "url": "https://user@b.example/x.png"},
      {"type": "Video", "mediaType": "video/mp4", "url": "https://b.example/v.mp4"},
      {"type": "Document", "mediaType": "audio/ogg", "url": "https://b.example/a.ogg"},
      {"type": "Note", "url": "https://b.example/n"},
      "https://b.example/bare-string.png",
      42, null,
      {"type": "Document", "url": "https://b.example/ok.png", "focalPoint": [2, 0]},
      {"type": "Document", "url": "https://b.example/ok2.png", "focalPoint": "0,0"}])j");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].url, "https://b.example/ok.png");
  EXPECT_FALSE(list[0].focus.has_value());  // out of range: no focal point, still the image
  EXPECT_EQ(list[1].url, "https://b.example/ok2.png");
  EXPECT_FALSE(list[1].focus.has_value());
}

TEST(RemoteAttachments, MalformedMembersGiveNone) {
  EXPECT_TRUE(attachments_of("null").empty());
  EXPECT_TRUE(attachments_of("\"https://b.example/x.png\"").empty());
  EXPECT_TRUE(attachments_of("[]").empty());
  EXPECT_TRUE(parse_attachments(json::object{}).empty());
}

TEST(RemoteAttachments, AtMostFourAreTaken) {
  std::string many = "[";
  for (int i = 0; i < 9; ++i)
    many += std::string(i ? "," : "") + R"j({"type": "Document", "url": "https://b.example/)j" +
            std::to_string(i) + R"j(.png"})j";
  const auto list = attachments_of(many + "]");
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[3].url, "https://b.example/3.png");
}

TEST(RemoteAttachments, ParseNoteCarriesThem) {
  const json::value note = json::parse(R"j({
      "id": "https://b.example/notes/1", "type": "Note",
      "attributedTo": "https://b.example/users/bob", "content": "",
      "attachment": [{"type": "Document", "url": "https://b.example/1.jpg", "name": "alt"}]})j");
  auto parsed = parse_note(note.as_object());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->attachments.size(), 1u);
  EXPECT_EQ(parsed->attachments[0].description, "alt");
}

TEST(RemoteAttachments, ActorPicturesAreReadOnlyAtHttpUrls) {
  json::object actor{{"id", "https://b.example/users/bob"},
                     {"type", "Person"},
                     {"preferredUsername", "bob"},
                     {"inbox", "https://b.example/users/bob/inbox"},
                     {"publicKey", json::object{{"id", "https://b.example/users/bob#main-key"},
                                                {"owner", "https://b.example/users/bob"},
                                                {"publicKeyPem", "PEM"}}},
                     {"icon", json::object{{"type", "Image"},
                                           {"mediaType", "image/png"},
                                           {"url", "https://b.example/avatar.png"}}},
                     {"image", json::object{{"type", "Image"}, {"url", "file:///etc/shadow"}}}};
  auto parsed = parse_actor(json::serialize(actor));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->icon_url, "https://b.example/avatar.png");
  EXPECT_EQ(parsed->image_url, "");
  actor["icon"] = json::array{json::object{{"url", "https://b.example/first.png"}}};
  actor["image"] = "https://b.example/header.jpg";
  parsed = parse_actor(json::serialize(actor));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->icon_url, "https://b.example/first.png");
  EXPECT_EQ(parsed->image_url, "https://b.example/header.jpg");
}

}  // namespace
}  // namespace publius::federation
