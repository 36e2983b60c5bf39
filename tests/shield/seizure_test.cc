// THE SEIZURE TEST. A realistic workload runs against the real `publius serve`
// (accounts registering through the API and the web forms, posts of every
// visibility, direct messages, favourites, boosts, post and account deletions,
// a backup taken while serving), each person connecting from their own
// loopback address with their own User-Agent and X-Forwarded-For. Then the
// server is killed (seized running: no clean shutdown tidies the files) and
// everything an adversary could take is searched: every file
// under the data directory, the backup, and every line the server printed. No
// needle (a client address, forwarded address, user agent, e-mail address,
// phone number, real name, direct-message text, deleted post text, or a Web Push
// subscription's endpoint and device keys) may be
// found, as written or encoded (shield/needle_scan.h); nor any of the metadata
// of the photos people share or wear as profile pictures (GPS position, camera
// serial, ...) or the names their phones gave the files. Usernames, public posts and alt text are
// public and are not needles.
//
// A collective account runs among them (docs/collective-accounts.md): its members,
// each from their own device, post, favourite and send direct messages; afterwards
// no row on disk puts a member's credentials beside anything the account did.
//
// The workload is a list of named steps (Seizure::steps()); a new kind of
// activity is one more entry there.
#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "integration/server_harness.h"
#include "push/web_push_crypto.h"
#include "shield/needle_scan.h"
#include "store/sqlite/db.h"
#include "support/images.h"
#include "web/session.h"

namespace publius::integration {
namespace {

using shield_test::describe;
using shield_test::Hit;
using shield_test::NeedleScanner;

// One person of the workload and everything about them that must stay secret.
struct Person {
  std::string username;
  std::string password = "correct horse battery staple";
  std::string token;
  std::string id;
  std::string address;     // the loopback address they connect from
  std::string forwarded;   // the X-Forwarded-For a proxy in front would add
  std::string user_agent;  // their browser or app
  std::string email;
  std::string phone;
  std::string real_name;
  std::string session;  // web session cookie secret (web people only)
};

class Seizure : public ::testing::Test {
 protected:
  static constexpr int kApiPeople = 20;
  static constexpr int kWebPeople = 3;

  void SetUp() override {
    dir_ = make_temp_dir("publius-seizure-");
    data_ = dir_ + "/data";
    randombytes_buf(&run_, sizeof run_);
    run_ %= 1000000;
  }
  void TearDown() override {
    server_.stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Distinctive text: a needle no other run or code path could produce.
  std::string distinctive(const std::string& what, int i) const {
    return what + "-" + std::to_string(i) + "-r" + std::to_string(run_);
  }

  Person person(const std::string& prefix, int i) {
    Person p;
    p.username = prefix + std::to_string(i);
    p.address = "127.0.0." + std::to_string(people_.size() + 2);
    p.forwarded = "203.0.113." + std::to_string(people_.size() + 10);
    p.user_agent = "Mozilla/5.0 (NeedlePhone " + distinctive("fingerprint", i) + ") Gecko/2026";
    p.email = distinctive(p.username + ".needle", i) + "@example.org";
    p.phone = "+1-202-555-" + std::to_string(1000 + people_.size()) + "-" + std::to_string(run_);
    p.real_name = "Quintessa " + distinctive("Realname", i);
    for (const auto& secret : {p.address, p.forwarded, p.user_agent, p.email, p.phone, p.real_name})
      needle(secret);
    return p;
  }

  void needle(const std::string& secret) {
    needles_.add(secret);
    ++needle_count_;
  }

  // A request as `p`'s device sends it: their address, their agent, their proxy's header.
  HttpResponse send(const Person& p, HttpRequest r) const {
    r.source_address = p.address;
    r.user_agent = p.user_agent;
    r.headers.push_back({"X-Forwarded-For", p.forwarded});
    r.headers.push_back({"X-Real-IP", p.forwarded});
    r.headers.push_back({"Forwarded", "for=" + p.forwarded});
    return send_request(server_.port(), r);
  }
  HttpResponse form_post(const Person& p, const std::string& target, const std::string& body,
                         const std::string& token = "", const std::string& method = "POST") const {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.content_type = "application/x-www-form-urlencoded";
    r.token = token.empty() ? p.token : token;
    return send(p, r);
  }
  // A multipart/form-data request from `p`'s device: with their token, or their
  // web session's `cookie` when given.
  HttpResponse multipart(const Person& p, const std::string& method, const std::string& target,
                         const std::vector<std::pair<std::string, std::string>>& fields,
                         const std::vector<FilePart>& files, const std::string& cookie = "") const {
    HttpRequest r;
    r.method = method;
    r.target = target;
    if (cookie.empty())
      r.token = p.token;
    else
      r.headers.push_back({"Cookie", std::string(web::kSessionCookie) + "=" + cookie});
    r.content_type = "multipart/form-data; boundary=seizure-boundary";
    r.body = multipart_body(fields, files, "seizure-boundary");
    return send(p, r);
  }
  HttpResponse call(const Person& p, const std::string& method, const std::string& target) const {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.token = p.token;
    return send(p, r);
  }
  std::string status_id(const Person& p, const std::string& text, const std::string& visibility) {
    auto r = form_post(p, "/api/v1/statuses", form({{"status", text}, {"visibility", visibility}}));
    EXPECT_EQ(r.status, 200) << r;
    return r.status == 200 ? str(r.json(), "id") : "";
  }
  HttpResponse web(const Person& p, const std::string& method, const std::string& target,
                   const std::string& cookie, const std::string& body = "") const {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    if (!body.empty()) r.content_type = "application/x-www-form-urlencoded";
    if (!cookie.empty())
      r.headers.push_back({"Cookie", std::string(web::kSessionCookie) + "=" + cookie});
    return send(p, r);
  }
  static std::string cookie_of(const HttpResponse& r) {
    std::string c = r.header("set-cookie");
    c = c.substr(c.find('=') + 1);
    return c.substr(0, c.find(';'));
  }

  // ---- The steps ----

  void register_through_the_api() {
    const Person& first = people_.front();
    auto app = form_post(first, "/api/v1/apps",
                         form({{"client_name", "NeedleApp"},
                               {"redirect_uris", "urn:ietf:wg:oauth:2.0:oob"},
                               {"scopes", "read write follow push"}}));
    ASSERT_EQ(app.status, 200) << app;
    auto token = form_post(first, "/oauth/token",
                           form({{"grant_type", "client_credentials"},
                                 {"client_id", str(app.json(), "client_id")},
                                 {"client_secret", str(app.json(), "client_secret")},
                                 {"scope", "read write follow push"}}));
    ASSERT_EQ(token.status, 200) << token;
    const std::string app_token = str(token.json(), "access_token");
    app_token_ = app_token;
    for (int i = 0; i < kApiPeople; ++i) {
      Person& p = people_[static_cast<size_t>(i)];
      // Clients send what a sign-up form asked for; none of it may be kept.
      auto r = form_post(p, "/api/v1/accounts",
                         form({{"username", p.username},
                               {"password", p.password},
                               {"agreement", "true"},
                               {"locale", "en"},
                               {"email", p.email},
                               {"phone", p.phone},
                               {"real_name", p.real_name},
                               {"reason", "I am " + p.real_name + ", reach me at " + p.email}}),
                         app_token);
      ASSERT_EQ(r.status, 200) << r;
      p.token = str(r.json(), "access_token");
      p.id = str(Api::ok_json(call(p, "GET", "/api/v1/accounts/verify_credentials")), "id");
    }
  }

  void sign_up_and_in_on_the_web() {
    for (int i = kApiPeople; i < kApiPeople + kWebPeople; ++i) {
      Person& p = people_[static_cast<size_t>(i)];
      const std::string anon = cookie_of(web(p, "GET", "/auth/sign_up", ""));
      auto up = web(p, "POST", "/auth/sign_up", anon,
                    form({{"csrf", web::csrf_token(anon)},
                          {"username", p.username},
                          {"password", p.password},
                          {"email", p.email},
                          {"phone", p.phone},
                          {"real_name", p.real_name}}));
      ASSERT_EQ(up.status, 200) << up;
      const std::string first = cookie_of(up);
      auto out = web(p, "POST", "/auth/sign_out", first, form({{"csrf", web::csrf_token(first)}}));
      EXPECT_EQ(out.status / 100, 3) << out;
      const std::string again = cookie_of(web(p, "GET", "/auth/sign_in", ""));
      auto in = web(p, "POST", "/auth/sign_in", again,
                    form({{"csrf", web::csrf_token(again)},
                          {"username", p.username},
                          {"password", p.password}}));
      ASSERT_EQ(in.status, 303) << in;
      p.session = cookie_of(in);
      auto posted = web(p, "POST", "/statuses", p.session,
                        form({{"csrf", web::csrf_token(p.session)},
                              {"status", "hello from the web, I am " + p.username}}));
      EXPECT_EQ(posted.status / 100, 3) << posted;
    }
  }

  void follow_each_other() {
    for (int i = 0; i < kApiPeople; ++i)
      for (int step : {1, 2, 5}) {
        const Person& p = people_[static_cast<size_t>(i)];
        const Person& q = people_[static_cast<size_t>((i + step) % kApiPeople)];
        EXPECT_EQ(call(p, "POST", "/api/v1/accounts/" + q.id + "/follow").status, 200);
      }
  }

  // Each phone subscribes to Web Push: its endpoint names the device at its push service
  // (here a loopback port nothing listens on, so no push leaves the machine; the sender
  // tries and gives up). The direct messages below then notify, and try to push.
  void subscribe_to_web_push() {
    for (int i = 0; i < kApiPeople; ++i) {
      const Person& p = people_[static_cast<size_t>(i)];
      const std::string device = distinctive("fcm-device-registration", i);
      const std::string endpoint = "https://127.0.0.1:1/fcm/send/" + device;
      auto keys = push::generate_p256_key_pair();
      ASSERT_TRUE(keys.ok());
      const std::string p256dh = push::base64url(keys->public_key);
      const std::string auth =
          push::base64url((distinctive("auth", i) + "_padding_16_").substr(0, 16));
      for (const auto& secret : {device, endpoint, p256dh, auth}) needle(secret);
      auto r = form_post(p, "/api/v1/push/subscription",
                         form({{"subscription[endpoint]", endpoint},
                               {"subscription[keys][p256dh]", p256dh},
                               {"subscription[keys][auth]", auth},
                               {"subscription[standard]", i % 2 == 0 ? "true" : "false"},
                               {"data[alerts][mention]", "true"}}));
      ASSERT_EQ(r.status, 200) << r;
    }
  }

  void post_publicly_and_to_followers() {
    for (int i = 0; i < kApiPeople; ++i) {
      const Person& p = people_[static_cast<size_t>(i)];
      public_posts_.push_back(
          status_id(p, "good morning from " + p.username + " #daily", "public"));
      status_id(p, "only my followers hear this, says " + p.username, "private");
      status_id(p, "unlisted thoughts of " + p.username, "unlisted");
    }
  }

  void send_direct_messages() {
    for (int i = 0; i < kApiPeople; ++i) {
      const Person& p = people_[static_cast<size_t>(i)];
      const Person& q = people_[static_cast<size_t>((i + 1) % kApiPeople)];
      const std::string secret = distinctive("meet me by the old lighthouse at dusk", i);
      needle(secret);
      status_id(p, "@" + q.username + " " + secret, "direct");
    }
  }

  // Photos straight from a phone: every format, every kind of metadata, and the
  // file name the phone gave them; shown to the public, to followers, and one
  // shared and then deleted.
  void share_photos_with_metadata() {
    for (std::string_view metadata : publius::testing::all_needles()) needle(std::string(metadata));
    for (int i = 0; i < 4; ++i) {
      const Person& p = people_[static_cast<size_t>(i)];
      const auto& [format, type] = photo_formats()[static_cast<size_t>(i)];
      const std::string file_name = distinctive("IMG_at_my_home_address", i);
      needle(file_name);
      const std::string photo = publius::testing::photo_with_metadata(format);
      // The scan would see what the phone sent, were it kept anywhere.
      EXPECT_FALSE(needles_.scan(photo, "the photo as uploaded").empty());
      auto uploaded =
          multipart(p, "POST", "/api/v2/media", {{"description", "a view of the harbour"}},
                    {{.bytes = photo, .content_type = type, .filename = file_name}});
      ASSERT_EQ(uploaded.status, 200) << uploaded;
      const std::string media_id = str(uploaded.json(), "id");
      auto posted = form_post(p, "/api/v1/statuses",
                              form({{"status", "look at this"},
                                    {"visibility", i % 2 ? "private" : "public"},
                                    {"media_ids[]", media_id}}));
      ASSERT_EQ(posted.status, 200) << posted;
      // Everyone fetches the images, as clients do.
      EXPECT_EQ(call(p, "GET", path_of(str(posted.json(), "media_attachments.0.url"))).status, 200);
      if (i == 3) {
        EXPECT_EQ(call(p, "DELETE", "/api/v1/statuses/" + str(posted.json(), "id")).status, 200);
      }
    }
  }
  static const std::vector<std::pair<media::ImageFormat, std::string>>& photo_formats() {
    using media::ImageFormat;
    static const std::vector<std::pair<ImageFormat, std::string>> formats = {
        {ImageFormat::kJpeg, "image/jpeg"},
        {ImageFormat::kPng, "image/png"},
        {ImageFormat::kWebp, "image/webp"},
        {ImageFormat::kGif, "image/gif"}};
    return formats;
  }

  // An avatar and a header from the phone, as FileParts named as the phone named them.
  std::vector<FilePart> profile_photos(int i) {
    const auto& [format, type] = photo_formats()[static_cast<size_t>(i) % photo_formats().size()];
    const std::string photo = publius::testing::photo_with_metadata(format);
    EXPECT_FALSE(needles_.scan(photo, "the photo as uploaded").empty());
    std::vector<FilePart> parts;
    for (const std::string field : {"avatar", "header"}) {
      const std::string file_name = distinctive("IMG_" + field + "_in_my_kitchen", i);
      needle(file_name);
      parts.push_back(
          {.field = field, .bytes = photo, .content_type = type, .filename = file_name});
    }
    return parts;
  }

  // Profile pictures from the phone (after share_photos_with_metadata(), which
  // makes the metadata needles): avatars and headers of every format through the
  // API, one replaced, the web people's through the settings form, and those of
  // the accounts that leave later.
  void put_on_profile_pictures() {
    const std::vector<int> api_people = {4, 5, 6, 7, kApiPeople - 2, kApiPeople - 1};
    for (size_t n = 0; n < api_people.size(); ++n) {
      const Person& p = people_[static_cast<size_t>(api_people[n])];
      for (int round = 0; round < (n == 0 ? 2 : 1); ++round) {  // the first replaces theirs
        auto updated =
            multipart(p, "PATCH", "/api/v1/accounts/update_credentials", {{"note", "this is me"}},
                      profile_photos(static_cast<int>(n) * 2 + round));
        ASSERT_EQ(updated.status, 200) << updated;
        for (const char* picture : {"avatar", "header"})
          EXPECT_EQ(call(p, "GET", path_of(str(updated.json(), picture))).status, 200);
      }
    }
    for (int i = kApiPeople; i < kApiPeople + kWebPeople; ++i) {
      const Person& p = people_[static_cast<size_t>(i)];
      auto saved = multipart(p, "POST", "/settings/profile",
                             {{"csrf", web::csrf_token(p.session)}, {"display_name", p.username}},
                             profile_photos(i), p.session);
      EXPECT_EQ(saved.status, 303) << saved;
    }
  }

  static std::string path_of(const std::string& url) {
    const auto scheme = url.find("://");
    return scheme == std::string::npos ? url : url.substr(url.find('/', scheme + 3));
  }

  void favourite_and_boost() {
    for (int i = 0; i < kApiPeople; ++i) {
      const Person& p = people_[static_cast<size_t>(i)];
      const std::string& liked = public_posts_[static_cast<size_t>((i + 1) % kApiPeople)];
      const std::string& boosted = public_posts_[static_cast<size_t>((i + 2) % kApiPeople)];
      EXPECT_EQ(call(p, "POST", "/api/v1/statuses/" + liked + "/favourite").status, 200);
      EXPECT_EQ(call(p, "POST", "/api/v1/statuses/" + boosted + "/reblog").status, 200);
      EXPECT_EQ(call(p, "GET", "/api/v1/timelines/home").status, 200);
      EXPECT_EQ(call(p, "GET", "/api/v1/notifications").status, 200);
    }
  }

  void delete_regretted_posts() {
    for (int i = 0; i < 6; ++i) {
      const Person& p = people_[static_cast<size_t>(i)];
      const std::string regret = distinctive("I regret saying where I work", i);
      needle(regret);
      const std::string id = status_id(p, regret, i % 2 ? "public" : "private");
      // Others interact first, so the post's traces spread before it goes.
      const Person& q = people_[static_cast<size_t>(i + 1)];
      call(q, "POST", "/api/v1/statuses/" + id + "/favourite");
      EXPECT_EQ(call(p, "DELETE", "/api/v1/statuses/" + id).status, 200);
    }
  }

  void delete_accounts() {
    // Three leave: by the operator through the admin API, and one of the web people
    // through their settings. Their public profile was theirs to erase too.
    for (int i = kApiPeople - 2; i < kApiPeople; ++i) {
      Person& p = people_[static_cast<size_t>(i)];
      const std::string display = distinctive("Leaving Displayname", i);
      const std::string note = distinctive("my profile note about my town", i);
      needle(display);
      needle(note);
      auto profile = form_post(p, "/api/v1/accounts/update_credentials",
                               form({{"display_name", display}, {"note", note}}), "", "PATCH");
      EXPECT_EQ(profile.status, 200) << profile;
      const std::string last = distinctive("my last public words before leaving", i);
      needle(last);
      status_id(p, last, "public");
      auto gone = call(admin_, "DELETE", "/api/v1/admin/accounts/" + p.id);
      EXPECT_EQ(gone.status, 200) << gone;
    }
    Person& leaver = people_.back();
    const std::string last = distinctive("my last web words before leaving", 0);
    needle(last);
    web(leaver, "POST", "/statuses", leaver.session,
        form({{"csrf", web::csrf_token(leaver.session)}, {"status", last}}));
    auto deleted = web(leaver, "POST", "/settings/delete", leaver.session,
                       form({{"csrf", web::csrf_token(leaver.session)},
                             {"confirm_username", leaver.username},
                             {"current_password", leaver.password}}));
    EXPECT_EQ(deleted.status, 200) << deleted;
  }

  // One of the citizens makes their account collective and invites two members, who
  // join from devices of their own; then each member posts, favourites and sends a
  // direct message as the account.
  void run_a_collective_account() {
    Person& owner = people_[kCollectiveOwner];
    auto made = form_post(owner, "/api/v1/collective", form({{"password", owner.password}}));
    ASSERT_EQ(made.status, 200) << made;
    owner.token = str(made.json(), "access_token");
    collective_.push_back(owner);
    for (int k = 0; k < 2; ++k) {
      Person member = person("member", k);
      member.username = owner.username;
      member.password = distinctive("member password", k);
      auto invited = call(owner, "POST", "/api/v1/collective/invites");
      ASSERT_EQ(invited.status, 200) << invited;
      auto joined = form_post(
          member, "/api/v1/collective/join",
          form({{"code", str(invited.json(), "code")}, {"password", member.password}}), app_token_);
      ASSERT_EQ(joined.status, 200) << joined;
      member.token = str(joined.json(), "access_token");
      collective_.push_back(member);
    }
    for (size_t k = 0; k < collective_.size(); ++k) {
      const Person& m = collective_[k];
      collective_posts_.push_back(
          status_id(m, "the collective speaks, part " + std::to_string(k), "public"));
      const std::string& liked = public_posts_[k];
      EXPECT_EQ(call(m, "POST", "/api/v1/statuses/" + liked + "/favourite").status, 200);
      collective_posts_.push_back(liked);
      const std::string secret = distinctive("the collective's source is in accounting", int(k));
      needle(secret);
      collective_posts_.push_back(status_id(m, "@" + people_[0].username + " " + secret, "direct"));
    }
    auto listed = call(owner, "GET", "/api/v1/collective");
    ASSERT_EQ(listed.status, 200) << listed;
    EXPECT_EQ(listed.json().at("members").as_array().size(), collective_.size());
  }

  // No row of any table holding a member's credentials names anything the collective
  // did, no table of what accounts do has a column for a member or a credential, and
  // members' tokens and sessions hold no days of use.
  void expect_no_member_beside_any_action() {
    auto db = sqlite::Db::open(data_ + "/publius.db");
    ASSERT_TRUE(db.ok()) << db.error().message;
    std::vector<std::string> tables;
    {
      auto s = db->prepare("SELECT name FROM sqlite_master WHERE type = 'table'");
      ASSERT_TRUE(s.ok());
      while (s->step()) tables.push_back(s->text(0));
    }
    auto column_names = [&](const std::string& table) {
      std::vector<std::string> names;
      auto s = db->prepare("SELECT name FROM pragma_table_info('" + table + "')");
      EXPECT_TRUE(s.ok());
      while (s.ok() && s->step()) names.push_back(s->text(0));
      return names;
    };
    auto references = [&](const std::string& table, const std::string& target) {
      auto s = db->prepare("SELECT count(*) FROM pragma_foreign_key_list('" + table +
                           "') WHERE \"table\" = '" + target + "'");
      return s.ok() && s->step() && s->int64(0) > 0;
    };
    int credential_tables = 0;
    for (const auto& table : tables) {
      const auto columns = column_names(table);
      const bool holds_members =
          table == "members" || references(table, "members") ||
          std::find(columns.begin(), columns.end(), "member_id") != columns.end();
      const bool holds_credentials =
          holds_members || table == "tokens" || table == "web_sessions" || table == "auth_codes";
      const bool holds_actions = references(table, "statuses");
      EXPECT_FALSE(holds_members && holds_actions) << table << " links members to posts";
      if (holds_actions) {
        for (const char* credential : {"members", "tokens", "web_sessions", "auth_codes"})
          EXPECT_FALSE(references(table, credential)) << table << " names a " << credential;
      }
      if (!holds_credentials) continue;
      ++credential_tables;
      // Not one cell of a credential row equals an id of what the collective did.
      auto s = db->prepare("SELECT * FROM \"" + table + "\"");
      ASSERT_TRUE(s.ok());
      while (s->step())
        for (int col = 0; col < static_cast<int>(columns.size()); ++col) {
          const std::string cell = s->text(col);
          EXPECT_TRUE(std::find(collective_posts_.begin(), collective_posts_.end(), cell) ==
                      collective_posts_.end())
              << table << "." << columns[static_cast<size_t>(col)] << " holds post " << cell;
        }
    }
    EXPECT_GE(credential_tables, 6);
    auto days = db->prepare(
        "SELECT (SELECT count(*) FROM tokens WHERE member_id IS NOT NULL) + (SELECT count(*) FROM "
        "members), (SELECT count(*) FROM tokens WHERE member_id IS NOT NULL AND last_used_day "
        "IS NOT NULL)");
    ASSERT_TRUE(days.ok() && days->step());
    EXPECT_GE(days->int64(0), static_cast<int64_t>(2 * collective_.size()));
    EXPECT_EQ(days->int64(1), 0) << "a member's token kept a day of use";
  }

  void back_up_while_serving() {
    // The server keeps taking posts while the backup snapshots the database.
    CommandResult backup;
    std::thread taker([&] {
      backup = run_command(
          {"backup", "--data-dir", data_, "--out", backup_path(), "--passphrase-file", "-"},
          "a passphrase for the seizure test\n", 120s);
    });
    for (int i = 0; i < kApiPeople - 2; ++i) {
      const Person& p = people_[static_cast<size_t>(i)];
      status_id(p, "while the backup runs, " + p.username + " posts", "public");
    }
    taker.join();
    EXPECT_EQ(backup.exit_code, 0) << backup.err;
    logs_.push_back({"backup command output", backup.out + backup.err});
  }

  std::string backup_path() const { return dir_ + "/backup.pbk"; }

  struct Step {
    std::string name;
    std::function<void()> run;
  };
  std::vector<Step> steps() {
    return {
        {"register through the API", [this] { register_through_the_api(); }},
        {"sign up and in on the web", [this] { sign_up_and_in_on_the_web(); }},
        {"follow each other", [this] { follow_each_other(); }},
        {"subscribe to Web Push", [this] { subscribe_to_web_push(); }},
        {"post publicly and to followers", [this] { post_publicly_and_to_followers(); }},
        {"send direct messages", [this] { send_direct_messages(); }},
        {"share photos with metadata", [this] { share_photos_with_metadata(); }},
        {"put on profile pictures", [this] { put_on_profile_pictures(); }},
        {"favourite and boost", [this] { favourite_and_boost(); }},
        {"delete regretted posts", [this] { delete_regretted_posts(); }},
        {"run a collective account", [this] { run_a_collective_account(); }},
        {"delete accounts", [this] { delete_accounts(); }},
        {"back up while serving", [this] { back_up_while_serving(); }},
    };
  }

  std::string dir_;
  std::string data_;
  uint32_t run_ = 0;
  ServerProcess server_;
  std::vector<Person> people_;
  Person admin_;
  std::vector<std::string> public_posts_;
  std::string app_token_;  // the API people's app, client credentials
  // The collective account's members (the owner first), and the ids of its posts,
  // favourited posts and direct messages.
  static constexpr size_t kCollectiveOwner = kApiPeople - 3;
  std::vector<Person> collective_;
  std::vector<std::string> collective_posts_;
  NeedleScanner needles_;
  int needle_count_ = 0;
  std::vector<std::pair<std::string, std::string>> logs_;  // (name, text)
};

TEST_F(Seizure, NothingIdentifyingSurvivesOnDiskInTheBackupOrInTheLogs) {
  for (int i = 0; i < kApiPeople; ++i) people_.push_back(person("citizen", i));
  for (int i = 0; i < kWebPeople; ++i) people_.push_back(person("webber", i));
  admin_ = person("operator", 0);
  // The operator's account comes from the command line, before the server starts.
  admin_.token = create_account_with_cli(data_, admin_.username, "admin");
  ASSERT_FALSE(admin_.token.empty());

  server_.access_log = true;
  ASSERT_TRUE(server_.start(data_, {"--erasure-interval", "1"}));
  for (auto& step : steps()) {
    SCOPED_TRACE("step: " + step.name);
    step.run();
    ASSERT_FALSE(HasFatalFailure()) << "workload step failed: " << step.name;
  }
  // Seized while running: no clean shutdown closes the database (which would
  // checkpoint it). Deleted posts may wait for the next erasure pass, one second.
  const auto deadline = Clock::now() + 15s;
  while (!needles_.scan_path(data_).empty() && Clock::now() < deadline) ::poll(nullptr, 0, 100);
  server_.stop(10s, SIGKILL);
  logs_.push_back({"server stderr (log, access log)", server_.log()});
  logs_.push_back({"server stdout", server_.output()});
  ASSERT_NE(server_.log().find("status=200"), std::string::npos) << "the access log was not on";

  std::vector<Hit> hits = needles_.scan_path(data_);
  for (auto& h : needles_.scan_path(backup_path())) hits.push_back(h);
  for (const auto& [name, text] : logs_)
    for (auto& h : needles_.scan(text, name)) hits.push_back(h);
  EXPECT_TRUE(hits.empty()) << hits.size() << " needle(s) found among " << needle_count_
                            << " needles in " << needles_.encodings() << " encodings:\n"
                            << describe(hits);
  EXPECT_GT(needle_count_, 6 * (kApiPeople + kWebPeople));
  expect_no_member_beside_any_action();
}

// The scan above proves nothing unless it can find what it looks for: each
// encoding, planted in a file the way real encoders write it, is found.
TEST(NeedleScan, FindsEveryEncodingOfAPlantedNeedle) {
  const std::string secret = "alice.needle@example.org";
  const auto dir = make_temp_dir("publius-needles-");
  int planted = 0;
  auto plant = [&](const std::string& how, const std::string& bytes) {
    const std::string file = dir + "/" + std::to_string(++planted);
    std::ofstream(file, std::ios::binary) << "\x01junk before" << bytes << "junk after\x02";
    NeedleScanner scanner;
    scanner.add(secret);
    EXPECT_FALSE(scanner.scan_path(file).empty()) << how << " was not found";
  };
  for (const auto& e : shield_test::encodings_of(secret)) plant(e.name, e.bytes);
  // Real base64 streams at every alignment, padded and unpadded, both alphabets.
  for (const std::string before : {"", "x", "xy"})
    for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_URLSAFE_NO_PADDING})
      plant("base64 after " + std::to_string(before.size()) + " bytes",
            shield_test::base64(before + secret + "!?", variant));
  plant("JSON-escaped", "\"email\":\"" + secret + "\"");
  plant("form body", "email=" + shield_test::url_encode(secret, true, true) + "&x=1");
  plant("digest hex", shield_test::hex(shield_test::digest(secret, EVP_sha256()), false));
  NeedleScanner scanner;
  scanner.add(secret);
  EXPECT_TRUE(scanner.scan("nothing to see here", "clean").empty());
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace publius::integration
