// Scheduled statuses against the running server: POST /api/v1/statuses with
// scheduled_at answers a ScheduledStatus, /api/v1/scheduled_statuses lists,
// fetches, reschedules and deletes them (the owner's alone), uploads are kept
// for them, and a server of its own (ScheduledPublishServerTest) publishes them
// when due, exactly once across restarts. Time is moved through the store: the
// test sets a post's time in the past with its own connection, as a clock jump would.
#include <filesystem>

#include "integration/server_harness.h"
#include "store/sqlite/db.h"
#include "util/time.h"

namespace publius::integration {
namespace {

// An ISO 8601 time `minutes` from now.
std::string in_minutes(int64_t minutes) { return format_iso8601_ms(now_ms() + minutes * 60000); }

json::value schedule(const Api& api, const std::string& token, const std::string& body) {
  return Api::ok_json(api.post_form("/api/v1/statuses", body, token));
}

class ScheduledStatusesApi : public ApiIntegrationTest {};

TEST_F(ScheduledStatusesApi, ScheduleListFetchRescheduleDelete) {
  const User alice = new_user("sch"), mallory = new_user("schm");
  const std::string at = in_minutes(60);
  auto s = schedule(api(), alice.token,
                    form({{"status", "Good morning"},
                          {"scheduled_at", at},
                          {"spoiler_text", "greeting"},
                          {"visibility", "unlisted"},
                          {"language", "en"}}));
  ASSERT_TRUE(s.is_object());
  const std::string id = str(s, "id");
  EXPECT_FALSE(s.as_object().contains("content")) << "a ScheduledStatus, not a Status";
  EXPECT_EQ(str(s, "scheduled_at").substr(0, 19), at.substr(0, 19));
  EXPECT_EQ(str(s, "params.text"), "Good morning");
  EXPECT_EQ(str(s, "params.spoiler_text"), "greeting");
  EXPECT_EQ(str(s, "params.visibility"), "unlisted");
  EXPECT_EQ(str(s, "params.language"), "en");
  for (const char* null_field :
       {"params.poll", "params.media_ids", "params.sensitive", "params.in_reply_to_id",
        "params.application_id", "params.scheduled_at", "params.idempotency"})
    EXPECT_TRUE(is_null(s, null_field)) << null_field;
  EXPECT_FALSE(boolean(s, "params.with_rate_limit"));
  EXPECT_TRUE(arr(s, "media_attachments").empty());
  EXPECT_EQ(num(api().account(alice.id), "statuses_count"), 0) << "nothing is posted yet";

  auto list = api().get("/api/v1/scheduled_statuses", alice.token);
  auto listed = Api::ok_json(list);
  ASSERT_EQ(arr(listed).size(), 1u);
  EXPECT_EQ(str(listed, "0.id"), id);
  EXPECT_FALSE(link_url(list.header("link"), "next").empty()) << list.header("link");
  EXPECT_EQ(
      str(Api::ok_json(api().get("/api/v1/scheduled_statuses/" + id, alice.token)), "params.text"),
      "Good morning");
  EXPECT_TRUE(arr(Api::ok_json(api().get("/api/v1/scheduled_statuses", mallory.token))).empty());
  expect_error(api().get("/api/v1/scheduled_statuses/" + id, mallory.token), 404);

  const std::string later = in_minutes(120);
  auto moved = Api::ok_json(api().send_form("PUT", "/api/v1/scheduled_statuses/" + id,
                                            form({{"scheduled_at", later}}), alice.token));
  EXPECT_EQ(str(moved, "scheduled_at").substr(0, 19), later.substr(0, 19));
  EXPECT_EQ(str(moved, "params.text"), "Good morning");
  auto too_soon =
      expect_error(api().send_form("PUT", "/api/v1/scheduled_statuses/" + id,
                                   form({{"scheduled_at", in_minutes(2)}}), alice.token),
                   422);
  EXPECT_TRUE(contains(too_soon, "5 minutes")) << too_soon;
  expect_error(api().send_form("PUT", "/api/v1/scheduled_statuses/" + id, "", alice.token), 422);

  EXPECT_EQ(api().del("/api/v1/scheduled_statuses/" + id, alice.token).body, "{}");
  expect_error(api().get("/api/v1/scheduled_statuses/" + id, alice.token), 404);
  EXPECT_TRUE(arr(Api::ok_json(api().get("/api/v1/scheduled_statuses", alice.token))).empty());
}

TEST_F(ScheduledStatusesApi, TooSoonDirectAndInvalidPostsAre422) {
  const User alice = new_user("schv");
  for (const std::string& body : {form({{"status", "soon"}, {"scheduled_at", in_minutes(4)}}),
                                  form({{"status", "@someone hi"},
                                        {"visibility", "direct"},
                                        {"scheduled_at", in_minutes(60)}}),
                                  form({{"status", ""}, {"scheduled_at", in_minutes(60)}}),
                                  form({{"status", "x"}, {"scheduled_at", "tomorrow"}})}) {
    SCOPED_TRACE(body);
    expect_error(api().post_form("/api/v1/statuses", body, alice.token), 422);
  }
  auto dm = expect_error(
      api().post_form(
          "/api/v1/statuses",
          form({{"status", "hi"}, {"visibility", "direct"}, {"scheduled_at", in_minutes(60)}}),
          alice.token),
      422);
  EXPECT_TRUE(contains(dm, "direct")) << dm;
  EXPECT_TRUE(arr(Api::ok_json(api().get("/api/v1/scheduled_statuses", alice.token))).empty());
  // JSON bodies, and a zone offset, are read as Mastodon reads them.
  auto j = Api::ok_json(api().post_json(
      "/api/v1/statuses",
      json::object{{"status", "json"},
                   {"scheduled_at", "2099-06-01T12:00:00+02:00"},
                   {"poll", json::object{{"options", json::array{"a", "b"}}, {"expires_in", 600}}}},
      alice.token));
  EXPECT_EQ(str(j, "scheduled_at"), "2099-06-01T10:00:00.000Z");
  EXPECT_EQ(str(j, "params.poll.options.1"), "b");
  EXPECT_EQ(num(j, "params.poll.expires_in"), 600);
}

TEST_F(ScheduledStatusesApi, ReservedUploadsAreKeptForThePostAndReleasedWithIt) {
  const User alice = new_user("schmed");
  const std::string media = upload_default_avatar(api(), alice.token);
  ASSERT_FALSE(media.empty());
  auto s = schedule(api(), alice.token,
                    form({{"status", "with a picture"},
                          {"media_ids[]", media},
                          {"scheduled_at", in_minutes(60)}}));
  ASSERT_EQ(arr(s, "media_attachments").size(), 1u);
  EXPECT_EQ(str(s, "media_attachments.0.id"), media);
  EXPECT_EQ(str(s, "params.media_ids.0"), media);
  // Reserved: no other post takes it, and it is not deleted from under the post.
  expect_error(api().post_form("/api/v1/statuses",
                               form({{"status", "steal"}, {"media_ids[]", media}}), alice.token),
               422);
  expect_error(
      api().post_form(
          "/api/v1/statuses",
          form({{"status", "twice"}, {"media_ids[]", media}, {"scheduled_at", in_minutes(90)}}),
          alice.token),
      422);
  expect_error(api().del("/api/v1/media/" + media, alice.token), 422);
  // Deleting the scheduled post releases it for another post.
  ASSERT_EQ(api().del("/api/v1/scheduled_statuses/" + str(s, "id"), alice.token).status, 200);
  auto posted = api().post_status(alice, "now it is free", {{"media_ids[]", media}});
  EXPECT_EQ(str(posted, "media_attachments.0.id"), media);
}

// A server of its own that looks for due posts every second.
class ScheduledPublishServerTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir("publius-scheduled-"); }
  void TearDown() override {
    server_.stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string data() const { return dir_ + "/data"; }
  void due_now(const std::string& id) {
    auto db = sqlite::Db::open(data() + "/publius.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("UPDATE scheduled_statuses SET scheduled_ms = " +
                         std::to_string(now_ms() - 1000) + " WHERE id = " + id)
                    .ok());
  }
  static json::value own_posts(const Api& api, const std::string& token) {
    auto me = Api::ok_json(api.get("/api/v1/accounts/verify_credentials", token));
    return Api::ok_json(api.get("/api/v1/accounts/" + str(me, "id") + "/statuses", token));
  }
  static json::value wait_for_posts(const Api& api, const std::string& token) {
    const auto deadline = Clock::now() + 15s;
    json::value posts = own_posts(api, token);
    while (arr(posts).empty() && Clock::now() < deadline) {
      ::poll(nullptr, 0, 100);
      posts = own_posts(api, token);
    }
    return posts;
  }

  std::string dir_;
  ServerProcess server_;
};

TEST_F(ScheduledPublishServerTest, ADuePostIsPublishedOnceWithItsMedia) {
  const std::string author = create_account_with_cli(data(), "planner");
  const std::string follower = create_account_with_cli(data(), "reader");
  ASSERT_TRUE(server_.start(data(), {"--schedule-check-seconds", "1"}));
  Api api(server_.port());
  auto me = Api::ok_json(api.get("/api/v1/accounts/verify_credentials", author));
  Api::ok_json(api.post("/api/v1/accounts/" + str(me, "id") + "/follow", follower));
  const std::string media = upload_default_avatar(api, author);
  auto s = schedule(api, author,
                    form({{"status", "Published by the clock"},
                          {"media_ids[]", media},
                          {"scheduled_at", in_minutes(30)}}));
  const std::string id = str(s, "id");
  ::poll(nullptr, 0, 1500);
  EXPECT_TRUE(arr(own_posts(api, author)).empty()) << "not yet due";

  due_now(id);
  auto posts = wait_for_posts(api, author);
  ASSERT_EQ(arr(posts).size(), 1u);
  EXPECT_EQ(str(posts, "0.content"), "<p>Published by the clock</p>");
  ASSERT_EQ(arr(posts, "0.media_attachments").size(), 1u);
  EXPECT_EQ(str(posts, "0.media_attachments.0.id"), media);
  expect_error(api.get("/api/v1/scheduled_statuses/" + id, author), 404);
  auto home = Api::ok_json(api.get("/api/v1/timelines/home", follower));
  ASSERT_FALSE(arr(home).empty());
  EXPECT_EQ(str(home, "0.id"), str(posts, "0.id")) << "fanned out to followers";

  // A restart neither loses nor repeats it.
  ASSERT_TRUE(server_.stop().has_value());
  ASSERT_TRUE(server_.start(data(), {"--schedule-check-seconds", "1"}));
  Api again(server_.port());
  ::poll(nullptr, 0, 1500);
  EXPECT_EQ(arr(own_posts(again, author)).size(), 1u);
  EXPECT_EQ(
      num(Api::ok_json(again.get("/api/v1/accounts/verify_credentials", author)), "statuses_count"),
      1);
}

TEST_F(ScheduledPublishServerTest, PostsDueWhileTheServerWasDownArePublishedAtStart) {
  const std::string author = create_account_with_cli(data(), "sleeper");
  ASSERT_TRUE(server_.start(data(), {"--schedule-check-seconds", "3600"}));
  Api api(server_.port());
  const std::string id =
      str(schedule(api, author,
                   form({{"status", "While you slept"}, {"scheduled_at", in_minutes(30)}})),
          "id");
  ASSERT_TRUE(server_.stop().has_value());
  due_now(id);
  // An hour between checks: only the pass at start-up can publish it.
  ASSERT_TRUE(server_.start(data(), {"--schedule-check-seconds", "3600"}));
  Api again(server_.port());
  auto posts = wait_for_posts(again, author);
  ASSERT_EQ(arr(posts).size(), 1u);
  EXPECT_EQ(str(posts, "0.content"), "<p>While you slept</p>");
}

}  // namespace
}  // namespace publius::integration
