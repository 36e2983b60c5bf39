// The web UI: escaping, CSRF, session cookies, recovery and page rendering,
// driven through the router over a real SQLite store in a temporary directory.
#include <gtest/gtest.h>

#include <filesystem>

#include "http/params.h"
#include "http/router.h"
#include "store/sqlite/sqlite_store.h"
#include "support/browser_request.h"
#include "support/temp_dir.h"
#include "util/crypto.h"
#include "util/time.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/session.h"
#include "web/web_ui.h"

namespace publius::web {
namespace {

TEST(HtmlTest, EscapesTextAndAttributesByDefault) {
  Html h;
  h.element("p", "<script>alert('x')</script> & \"q\"", {{"title", "\"><img src=x>"}});
  EXPECT_EQ(h.str(),
            "<p title=\"&quot;&gt;&lt;img src=x&gt;\">&lt;script&gt;alert(&#39;x&#39;)&lt;/"
            "script&gt; &amp; &quot;q&quot;</p>");
}

TEST(HtmlTest, BooleanAttributesAndRaw) {
  Html h;
  h.open("input", {{"name", "a"}, flag("checked", true), flag("disabled", false)});
  h.raw("<b>trusted</b>");
  EXPECT_EQ(h.str(), "<input name=\"a\" checked><b>trusted</b>");
}

TEST(HtmlTest, SafeLocalPathRefusesOtherOrigins) {
  EXPECT_EQ(safe_local_path("/home?max_id=1", "/"), "/home?max_id=1");
  EXPECT_EQ(safe_local_path("//evil.example/", "/"), "/");
  EXPECT_EQ(safe_local_path("/\\evil.example", "/"), "/");
  EXPECT_EQ(safe_local_path("https://evil.example", "/"), "/");
  EXPECT_EQ(safe_local_path("/a\r\nSet-Cookie: x", "/"), "/");
  EXPECT_EQ(safe_local_path("", "/home"), "/home");
}

TEST(SessionTest, CsrfTokenIsTiedToTheCookieSecret) {
  ASSERT_TRUE(crypto_init().ok());
  const std::string a = random_token(32), b = random_token(32);
  EXPECT_TRUE(csrf_matches(a, csrf_token(a)));
  EXPECT_FALSE(csrf_matches(a, csrf_token(b)));
  EXPECT_FALSE(csrf_matches(a, ""));
  EXPECT_FALSE(csrf_matches("", csrf_token("")));
  EXPECT_NE(csrf_token(a), a);  // the token never reveals the secret
}

TEST(SessionTest, CookieAttributes) {
  EXPECT_EQ(set_cookie("s", "v", false, -1), "s=v; Path=/; HttpOnly; SameSite=Lax");
  EXPECT_EQ(set_cookie("s", "v", true, 60),
            "s=v; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=60");
}

TEST(SessionTest, CookieValueParsesHeader) {
  http::Request req;
  req.headers.push_back({"cookie", "a=1; publius_session=abc; b=2"});
  EXPECT_EQ(cookie_value(req, "publius_session"), "abc");
  EXPECT_EQ(cookie_value(req, "missing"), "");
}

TEST(SessionTest, RecoveryCodeNormalization) {
  EXPECT_EQ(normalize_recovery_code(" ABCD efgh-jkmn pqrs "), "abcd-efgh-jkmn-pqrs");
  EXPECT_EQ(domain::new_recovery_code().size(), 19u);
}

TEST(PagesTest, LayoutEscapesAccountValuesAndHasNoInlineScript) {
  Frame f;
  f.instance_title = "<Inst>";
  f.csrf = "tok";
  domain::Account a;
  a.id = 1;
  a.username = "alice";
  a.display_name = "<img src=x onerror=alert(1)>";
  f.viewer = a;
  ProfilePage p;
  p.account = a;
  const std::string html = profile_page(f, p);
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;Inst&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);  // only <script src=...> is allowed
  EXPECT_EQ(html.find("style=\""), std::string::npos);
  EXPECT_LT(html.size(), 100u * 1024);
}

TEST(PagesTest, EveryPostFormCarriesTheCsrfToken) {
  Frame f;
  f.instance_title = "T";
  f.csrf = "the-token";
  domain::Account a;
  a.id = 7;
  a.username = "bob";
  f.viewer = a;
  PostView v;
  v.author = a;
  v.post.id = 42;
  v.post.account_id = 7;
  v.post.html = "<p>hi</p>";
  v.mine = true;
  TimelinePage page;
  page.title = "Home";
  page.compose = true;
  page.posts = {v};
  const std::string html = timeline_page(f, page);
  size_t forms = 0, tokens = 0;
  for (size_t at = html.find("<form method=\"post\""); at != std::string::npos;
       at = html.find("<form method=\"post\"", at + 1))
    ++forms;
  for (size_t at = html.find("name=\"csrf\" value=\"the-token\""); at != std::string::npos;
       at = html.find("name=\"csrf\" value=\"the-token\"", at + 1))
    ++tokens;
  EXPECT_GE(forms, 5u);  // compose, favourite, boost, delete, log out
  EXPECT_EQ(forms, tokens);
}

TEST(RouterPrefixTest, PrefixedSegmentsMatchOnlyTheirPrefix) {
  http::Router router;
  router.add("GET", "/@:acct", http::Policy::anyone(), [](http::Request& r) {
    return http::Response::html(std::string(r.path_param("acct")));
  });
  http::Request req;
  req.method = "GET";
  req.path = "/@alice";
  EXPECT_EQ(router.dispatch(req).body, "alice");
  req.path = "/.env";
  EXPECT_EQ(router.dispatch(req).status, 404);
  req.path = "/@";
  EXPECT_EQ(router.dispatch(req).status, 404);
}

class WebUiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto_init().ok());
    auto opened = sqlite::SqliteStore::open(dir_.path());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
    domain::InstanceConfig config;
    config.domain = "example.org";
    config.media_dir = media_dir();
    microblog_ = std::make_unique<domain::Microblog>(*store_, feeds_, config);
    ui_ = std::make_unique<WebUi>(*microblog_);
    ui_->register_routes(router_);
  }

  http::Response send(const std::string& method, const std::string& target,
                      const std::string& cookie = "", const std::string& form = "") {
    auto req = testing::browser_request(method, target, cookie, form);
    return router_.dispatch(req);
  }
  // A multipart POST, as the compose form sends it: `files` are (field, bytes).
  http::Response send_multipart(const std::string& target, const std::string& cookie,
                                const std::vector<std::pair<std::string, std::string>>& fields,
                                const std::vector<std::pair<std::string, std::string>>& files) {
    std::string body;
    for (const auto& [name, value] : fields)
      body +=
          "--B\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    for (const auto& [name, bytes] : files)
      body += "--B\r\nContent-Disposition: form-data; name=\"" + name +
              "\"; filename=\"DSC_0042.png\"\r\nContent-Type: image/png\r\n\r\n" + bytes + "\r\n";
    body += "--B--\r\n";
    auto req =
        testing::browser_request("POST", target, cookie, body, "multipart/form-data; boundary=B");
    return router_.dispatch(req);
  }
  std::string media_dir() const { return dir_.path() + "/media"; }
  size_t media_files() const {
    size_t n = 0;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(media_dir(), ec);
         it != std::filesystem::directory_iterator(); ++it)
      ++n;
    return n;
  }
  static std::string header(const http::Response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return {};
  }
  static std::string cookie_of(const http::Response& r) {
    std::string c = header(r, "Set-Cookie");
    c = c.substr(c.find('=') + 1);
    return c.substr(0, c.find(';'));
  }
  // Signs up `name` and returns the session cookie secret.
  std::string sign_up(const std::string& name, std::vector<std::string>* codes = nullptr) {
    auto first = send("GET", "/auth/sign_up");
    const std::string anon = cookie_of(first);
    auto r = send("POST", "/auth/sign_up", anon,
                  "csrf=" + csrf_token(anon) + "&username=" + name + "&password=password123");
    EXPECT_EQ(r.status, 200) << r.body;
    if (codes) {
      for (size_t at = r.body.find("<li>"); at != std::string::npos;
           at = r.body.find("<li>", at + 1)) {
        const auto end = r.body.find("</li>", at);
        const std::string item = r.body.substr(at + 4, end - at - 4);
        if (item.size() == 19 && item[4] == '-') codes->push_back(item);
      }
    }
    return cookie_of(r);
  }

  testing::TempDir dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
  timeline::HomeFeeds feeds_;
  std::unique_ptr<domain::Microblog> microblog_;
  std::unique_ptr<WebUi> ui_;
  http::Router router_;
};

TEST_F(WebUiTest, PagesCarryStrictCspAndAnonymousCookie) {
  auto r = send("GET", "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(header(r, "Content-Security-Policy"),
            std::string(http::kSameOriginPagePolicy) + "; frame-ancestors 'none'");
  const std::string cookie = header(r, "Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // plain http here
}

TEST_F(WebUiTest, SignUpSetsTheSessionCookieOnce) {
  // Cookies are set by name on the visit: the session replaces the anonymous
  // secret rather than adding a second Set-Cookie for the same cookie.
  auto first = send("GET", "/auth/sign_up");
  const std::string anon = cookie_of(first);
  auto r = send("POST", "/auth/sign_up", anon,
                "csrf=" + csrf_token(anon) + "&username=cookie_once&password=password123");
  ASSERT_EQ(r.status, 200) << r.body;
  int set_cookies = 0;
  for (const auto& [name, value] : r.headers) set_cookies += name == "Set-Cookie";
  EXPECT_EQ(set_cookies, 1);
  EXPECT_NE(cookie_of(r), anon);
}

TEST_F(WebUiTest, SecureCookieBehindHttps) {
  http::Request req;
  req.method = "GET";
  req.path = "/auth/sign_in";
  req.headers.push_back({"x-forwarded-proto", "https"});
  auto r = router_.dispatch(req);
  EXPECT_NE(header(r, "Set-Cookie").find("; Secure"), std::string::npos);
}

TEST_F(WebUiTest, PostWithoutMatchingCsrfIsRefused) {
  const std::string session = sign_up("alice");
  auto refused = send("POST", "/statuses", session, "csrf=wrong&status=hello");
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("nothing was changed"), std::string::npos);
  auto other =
      send("POST", "/statuses", session,
           "csrf=" + csrf_token("another-secret-of-43-characters-xxxxxxxxxx") + "&status=hi");
  EXPECT_EQ(other.status, 403);
  auto accepted =
      send("POST", "/statuses", session, "csrf=" + csrf_token(session) + "&status=hello");
  EXPECT_EQ(accepted.status, 303);
  auto home = send("GET", "/home", session);
  EXPECT_NE(home.body.find("<p>hello</p>"), std::string::npos);
}

TEST_F(WebUiTest, SessionsAreStoredHashedAndEndOnSignOut) {
  const std::string session = sign_up("bob");
  EXPECT_EQ(send("GET", "/home", session).status, 200);
  auto stored = store_->web_session(session);  // the raw secret is not a key
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->has_value());
  auto out = send("POST", "/auth/sign_out", session, "csrf=" + csrf_token(session));
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(send("GET", "/home", session).status, 303);  // back to the sign-in page
}

TEST_F(WebUiTest, RecoveryCodeSetsANewPasswordOnce) {
  std::vector<std::string> codes;
  sign_up("carol", &codes);
  ASSERT_EQ(codes.size(), 10u);
  const std::string anon = cookie_of(send("GET", "/auth/recover"));
  const std::string form =
      "csrf=" + csrf_token(anon) + "&username=carol&code=" + codes[3] + "&password=newpassword1";
  EXPECT_EQ(send("POST", "/auth/recover", anon, form).status, 303);
  EXPECT_TRUE(microblog_->credentials().authenticate("carol", "newpassword1", "").ok());
  EXPECT_EQ(send("POST", "/auth/recover", anon, form).status, 422);  // spent
}

TEST_F(WebUiTest, DefaultPostVisibilityIsASettingTheComposeFormPreselects) {
  const std::string session = sign_up("defaults");
  auto settings = send("GET", "/settings", session);
  ASSERT_EQ(settings.status, 200);
  EXPECT_NE(settings.body.find("Default post visibility"), std::string::npos);
  EXPECT_NE(settings.body.find(R"(<option value="public" selected>)"), std::string::npos);

  auto saved = send("POST", "/settings/profile", session,
                    "csrf=" + csrf_token(session) + "&default_visibility=private");
  EXPECT_EQ(saved.status, 303) << saved.body;
  auto home = send("GET", "/home", session);
  EXPECT_NE(home.body.find(R"(<option value="private" selected>)"), std::string::npos);
  auto account = store_->account_by_username("defaults");
  ASSERT_TRUE(account.ok() && *account);
  EXPECT_EQ((*account)->default_visibility, domain::Visibility::kPrivate);

  auto refused = send("POST", "/settings/profile", session,
                      "csrf=" + csrf_token(session) + "&default_visibility=everyone");
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("default post visibility"), std::string::npos);
}

TEST_F(WebUiTest, ErrorsArePagesInTheLayout) {
  auto r = send("GET", "/@nobody");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.content_type.find("text/html"), std::string::npos);
  EXPECT_NE(r.body.find("Check the address"), std::string::npos);
}

TEST_F(WebUiTest, DeleteAccountErasesIt) {
  const std::string session = sign_up("dave");
  ASSERT_EQ(
      send("POST", "/statuses", session, "csrf=" + csrf_token(session) + "&status=bye").status,
      303);
  auto r =
      send("POST", "/settings/delete", session,
           "csrf=" + csrf_token(session) + "&confirm_username=dave&current_password=password123");
  EXPECT_EQ(r.status, 200) << r.body;
  auto gone = store_->account_by_username("dave");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_EQ(send("GET", "/@dave").status, 404);
}

// The issue's bar: no page over 100 KB before images, even full of the longest posts.
TEST_F(WebUiTest, FullPagesStayUnder100Kilobytes) {
  const std::string session = sign_up("verbose");
  sign_up("reader");
  std::string text = "@reader #longread https://example.org/a/rather/long/path?with=query ";
  while (text.size() < 480) text += "words & <markup> \"quoted\" ";
  auto author = store_->account_by_username("verbose");
  ASSERT_TRUE(author.ok() && author->has_value());
  std::string last_id;
  for (int i = 0; i < 45; ++i) {
    domain::NewPost post;
    post.author_id = (*author)->id;
    post.text = text + std::to_string(i);
    auto created = microblog_->posts().create_status(post);
    ASSERT_TRUE(created.ok()) << created.error().message;
    last_id = std::to_string(created->id);
  }
  for (const std::string& target :
       {std::string("/"), std::string("/public"), std::string("/home"), std::string("/@verbose"),
        "/@verbose/" + last_id, std::string("/tags/longread"), std::string("/search?q=words"),
        std::string("/notifications"), std::string("/messages"), std::string("/lists"),
        std::string("/settings")}) {
    auto r = send("GET", target, session);
    EXPECT_EQ(r.status, 200) << target;
    EXPECT_LT(r.body.size(), 100u * 1024) << target;
    EXPECT_GT(r.body.size(), 500u) << target;
  }
}

// A 2 x 2 PNG.
const std::string kTinyPng(
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x02\x00\x00\x00"
    "\x02\x08\x02\x00\x00\x00\xfd\xd4\x9a\x73\x00\x00\x00\x15\x49\x44\x41\x54\x78\x9c\x63\x38\xc1"
    "\xc0\x70\x22\x05\x88\x19\x52\x4e\xa4\xa4\x00\x00\x1f\x4e\x04\xb1\xc6\x89\x71\x9a\x00\x00\x00"
    "\x00\x49\x45\x4e\x44\xae\x42\x60\x82",
    78);

TEST_F(WebUiTest, ComposeUploadsImagesWithAltTextAndAccountDeletionErasesThem) {
  const std::string session = sign_up("erin");
  auto r = send_multipart("/statuses", session,
                          {{"csrf", csrf_token(session)},
                           {"status", "a picture"},
                           {"description_1", "Alt <b>text</b>"}},
                          {{"media_1", kTinyPng}, {"media_2", ""}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(media_files(), 2u);
  auto home = send("GET", "/home", session);
  EXPECT_NE(home.body.find("enctype=\"multipart/form-data\""), std::string::npos);
  EXPECT_NE(home.body.find("Image description (alt text)"), std::string::npos);
  EXPECT_NE(home.body.find("alt=\"Alt &lt;b&gt;text&lt;/b&gt;\""), std::string::npos) << home.body;
  EXPECT_NE(home.body.find("loading=\"lazy\""), std::string::npos);
  EXPECT_EQ(home.body.find("DSC_0042"), std::string::npos);

  // One bad image refuses the post and keeps none of the form's images.
  auto bad = send_multipart("/statuses", session, {{"csrf", csrf_token(session)}, {"status", "x"}},
                            {{"media_1", kTinyPng}, {"media_2", "not an image"}});
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_NE(bad.body.find("Image 2"), std::string::npos);
  EXPECT_EQ(media_files(), 2u);

  auto deleted =
      send("POST", "/settings/delete", session,
           "csrf=" + csrf_token(session) + "&confirm_username=erin&current_password=password123");
  EXPECT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(media_files(), 0u);
}

// Profile pictures with JavaScript off: the settings form uploads them
// (multipart), an empty file input keeps the present one, a bad file changes
// nothing, pages show the avatar small and lazily, and the remove button erases it.
TEST_F(WebUiTest, SettingsUploadAndRemoveAProfilePicture) {
  const std::string session = sign_up("pia");
  auto settings = send("GET", "/settings", session);
  const auto form = settings.body.find("action=\"/settings/profile\"");
  ASSERT_NE(form, std::string::npos);
  EXPECT_NE(settings.body.rfind("enctype=\"multipart/form-data\"", form + 80), std::string::npos);
  EXPECT_NE(settings.body.find("type=\"file\" id=\"avatar\" name=\"avatar\""), std::string::npos)
      << settings.body;

  auto saved = send_multipart("/settings/profile", session,
                              {{"csrf", csrf_token(session)}, {"display_name", "Pia"}},
                              {{"avatar", kTinyPng}, {"header", ""}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  auto account = microblog_->accounts().account_by_acct("pia");
  ASSERT_TRUE(account.ok());
  const std::string avatar = account->avatar_file;
  ASSERT_FALSE(avatar.empty());
  EXPECT_EQ(account->header_file, "");
  EXPECT_EQ(media_files(), 1u);

  // A bad file: refused with the form again, the name and picture kept.
  auto bad = send_multipart("/settings/profile", session,
                            {{"csrf", csrf_token(session)}, {"display_name", "Renamed"}},
                            {{"avatar", "not an image"}});
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_NE(bad.body.find("Avatar"), std::string::npos);
  // An empty file input (no file chosen) keeps the picture.
  auto kept =
      send_multipart("/settings/profile", session,
                     {{"csrf", csrf_token(session)}, {"display_name", "Pia"}}, {{"avatar", ""}});
  EXPECT_EQ(kept.status, 303) << kept.body;
  account = microblog_->accounts().account_by_acct("pia");
  ASSERT_TRUE(account.ok());
  EXPECT_EQ(account->display_name, "Pia");
  EXPECT_EQ(account->avatar_file, avatar);
  EXPECT_EQ(media_files(), 1u);

  send("POST", "/statuses", session, "csrf=" + csrf_token(session) + "&status=hello");
  for (const std::string page : {"/@pia", "/home"}) {
    auto shown = send("GET", page, session);
    const auto img = shown.body.find("<img class=\"avatar\" src=\"/system/media/" + avatar + "\"");
    ASSERT_NE(img, std::string::npos) << page << shown.body;
    const std::string tag = shown.body.substr(img, shown.body.find('>', img) - img);
    EXPECT_NE(tag.find("alt=\"\""), std::string::npos) << tag;
    EXPECT_NE(tag.find("loading=\"lazy\""), std::string::npos) << tag;
    EXPECT_NE(tag.find("width=\""), std::string::npos) << tag;
  }

  auto removed = send("POST", "/settings/avatar/delete", session, "csrf=" + csrf_token(session));
  EXPECT_EQ(removed.status, 303) << removed.body;
  account = microblog_->accounts().account_by_acct("pia");
  ASSERT_TRUE(account.ok());
  EXPECT_EQ(account->avatar_file, "");
  EXPECT_EQ(media_files(), 0u);
  EXPECT_EQ(send("GET", "/@pia", session).body.find("class=\"avatar\""), std::string::npos);
}

// Lists with JavaScript off: make one, add someone followed, read its posts,
// refuse a stranger, remove, delete; another account's list does not exist.
TEST_F(WebUiTest, ListsAreMadeAndReadThroughForms) {
  const std::string owner = sign_up("lister");
  sign_up("friend");
  sign_up("stranger");
  auto id_of = [&](const std::string& name) {
    auto a = store_->account_by_username(name);
    return a.ok() && a->has_value() ? (*a)->id : 0;
  };
  ASSERT_TRUE(
      microblog_->relationships().follow(id_of("lister"), id_of("friend"), true, false).ok());
  domain::NewPost post;
  post.author_id = id_of("friend");
  post.text = "news from a friend";
  ASSERT_TRUE(microblog_->posts().create_status(post).ok());
  const std::string csrf = "csrf=" + csrf_token(owner);

  auto created = send("POST", "/lists", owner, csrf + "&title=Friends&replies_policy=list");
  ASSERT_EQ(created.status, 303) << created.body;
  const std::string edit_path = header(created, "Location");
  ASSERT_EQ(edit_path.rfind("/lists/", 0), 0u) << edit_path;
  const std::string list_path = edit_path.substr(0, edit_path.size() - std::string("/edit").size());
  EXPECT_NE(send("GET", "/lists", owner).body.find(">Friends</a>"), std::string::npos);

  EXPECT_EQ(send("POST", list_path + "/members", owner, csrf + "&username=friend").status, 303);
  auto refused = send("POST", list_path + "/members", owner, csrf + "&username=stranger");
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("follow @stranger"), std::string::npos) << refused.body;
  auto blank = send("POST", "/lists", owner, csrf + "&title=");
  EXPECT_EQ(blank.status, 422);
  EXPECT_NE(blank.body.find("title"), std::string::npos);

  auto timeline = send("GET", list_path, owner);
  EXPECT_EQ(timeline.status, 200);
  EXPECT_NE(timeline.body.find("news from a friend"), std::string::npos) << timeline.body;
  auto edit = send("GET", edit_path, owner);
  EXPECT_NE(edit.body.find("@friend"), std::string::npos);

  const std::string other = sign_up("peeker");
  EXPECT_EQ(send("GET", list_path, other).status, 404);
  EXPECT_EQ(send("POST", list_path + "/delete", other, "csrf=" + csrf_token(other)).status, 404);
  EXPECT_EQ(send("GET", "/lists", "").status, 303);  // logged out: to sign-in

  const std::string friend_id = std::to_string(id_of("friend"));
  EXPECT_EQ(send("POST", list_path + "/members/" + friend_id + "/remove", owner, csrf).status, 303);
  EXPECT_EQ(send("GET", list_path, owner).body.find("news from a friend"), std::string::npos);
  EXPECT_EQ(send("POST", list_path + "/delete", owner, csrf).status, 303);
  EXPECT_EQ(send("GET", list_path, owner).status, 404);
}

// Following a hashtag with JavaScript off: a button on the tag's page, the followed tags
// listed in the settings with a button each to unfollow, and the tag's posts at home.
TEST_F(WebUiTest, HashtagsAreFollowedAndUnfollowedThroughForms) {
  const std::string reader = sign_up("tagfan");
  sign_up("tagposter");
  auto poster = store_->account_by_username("tagposter");
  ASSERT_TRUE(poster.ok() && poster->has_value());
  domain::NewPost post;
  post.author_id = (*poster)->id;
  post.text = "a rare #Moth tonight";
  ASSERT_TRUE(microblog_->posts().create_status(post).ok());
  const std::string csrf = "csrf=" + csrf_token(reader);

  // Logged out: no button. Signed in: Follow, as a POST form with the CSRF token.
  EXPECT_EQ(send("GET", "/tags/moth").body.find("/tags/moth/follow"), std::string::npos);
  auto page = send("GET", "/tags/Moth", reader);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("action=\"/tags/moth/follow\""), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("value=\"" + csrf_token(reader) + "\""), std::string::npos);
  EXPECT_EQ(send("GET", "/home", reader).body.find("a rare"), std::string::npos);

  // Without the token nothing happens.
  EXPECT_EQ(send("POST", "/tags/moth/follow", reader, "csrf=forged").status, 403);
  auto none = store_->followed_tags(microblog_->accounts().account_by_acct("tagfan")->id);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  auto followed = send("POST", "/tags/moth/follow", reader, csrf + "&back=/tags/moth");
  ASSERT_EQ(followed.status, 303) << followed.body;
  EXPECT_EQ(header(followed, "Location"), "/tags/moth");
  EXPECT_NE(send("GET", "/tags/moth", reader).body.find("action=\"/tags/moth/unfollow\""),
            std::string::npos);
  EXPECT_NE(send("GET", "/home", reader).body.find("a rare"), std::string::npos);
  auto settings = send("GET", "/settings", reader);
  EXPECT_NE(settings.body.find("Followed hashtags"), std::string::npos);
  EXPECT_NE(settings.body.find(">#moth</a>"), std::string::npos) << settings.body;
  EXPECT_NE(settings.body.find("action=\"/tags/moth/unfollow\""), std::string::npos);

  EXPECT_EQ(send("POST", "/tags/moth/unfollow", reader, csrf + "&back=/settings").status, 303);
  EXPECT_EQ(send("GET", "/settings", reader).body.find(">#moth</a>"), std::string::npos);
  EXPECT_EQ(send("GET", "/home", reader).body.find("a rare"), std::string::npos);
  // Not a hashtag, or not signed in: refused, and nothing is stored.
  EXPECT_EQ(send("POST", "/tags/12/follow", reader, csrf).status, 404);
  const std::string anonymous = cookie_of(send("GET", "/"));
  EXPECT_EQ(send("POST", "/tags/moth/follow", anonymous, "csrf=" + csrf_token(anonymous)).status,
            401);
  auto after = store_->followed_tags(microblog_->accounts().account_by_acct("tagfan")->id);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
}

// Direct messages with JavaScript off: the thread appears, opened with the
// session's key, marked new once and read after it was shown; others see nothing.
TEST_F(WebUiTest, MessagesPageShowsSealedThreadsAndMarksThemRead) {
  const std::string sender = sign_up("whisperer");
  const std::string recipient = sign_up("listener");
  const std::string bystander = sign_up("bystander");
  auto sent = send("POST", "/statuses", sender,
                   "csrf=" + csrf_token(sender) +
                       "&status=%40listener+meet+by+the+lighthouse&visibility=direct");
  ASSERT_EQ(sent.status, 303) << sent.body;

  auto first = send("GET", "/messages", recipient);
  EXPECT_EQ(first.status, 200);
  EXPECT_NE(first.body.find("meet by the lighthouse"), std::string::npos) << first.body;
  EXPECT_NE(first.body.find("New · "), std::string::npos);
  EXPECT_NE(first.body.find("@whisperer"), std::string::npos);
  auto again = send("GET", "/messages", recipient);
  EXPECT_NE(again.body.find("meet by the lighthouse"), std::string::npos);
  EXPECT_EQ(again.body.find("New · "), std::string::npos);  // read once shown

  auto own = send("GET", "/messages", sender);
  EXPECT_NE(own.body.find("meet by the lighthouse"), std::string::npos);
  EXPECT_NE(own.body.find("@listener"), std::string::npos);
  EXPECT_EQ(own.body.find("New · "), std::string::npos);  // one's own message is not news
  EXPECT_EQ(send("GET", "/messages", bystander).body.find("lighthouse"), std::string::npos);
  EXPECT_EQ(send("GET", "/messages", "").status, 303);  // logged out: to sign-in
}

}  // namespace
}  // namespace publius::web

namespace publius::web {
namespace {

// Polls with JavaScript off: the compose form makes one (blank option fields
// left out), another account votes through the radio-button form, and then
// sees the results as percentages; blank poll fields make no poll.
TEST_F(WebUiTest, PollsAreMadeAndVotedThroughForms) {
  const std::string author = sign_up("asker");
  auto made = send_multipart("/statuses", author,
                             {{"csrf", csrf_token(author)},
                              {"status", "Tea or coffee?"},
                              {"poll[options][]", "Tea"},
                              {"poll[options][]", "Coffee"},
                              {"poll[options][]", ""},
                              {"poll[options][]", ""},
                              {"poll[expires_in]", "300"}},
                             {});
  ASSERT_EQ(made.status, 303) << made.body;
  auto asker = store_->account_by_username("asker");
  ASSERT_TRUE(asker.ok() && *asker);
  auto ids = store_->account_statuses((*asker)->id, {}, domain::Page{.limit = 5});
  ASSERT_TRUE(ids.ok() && ids->size() == 1);
  const std::string id = std::to_string(ids->front());
  auto post = store_->status_by_id(ids->front());
  ASSERT_TRUE(post.ok() && *post && (*post)->poll);
  EXPECT_EQ(domain::poll_titles(*(*post)->poll), (std::vector<std::string>{"Tea", "Coffee"}));
  const std::string page = "/@asker/" + id;
  // The author sees the results, not a ballot; the compose form offers a poll.
  auto own = send("GET", page, author);
  EXPECT_EQ(own.body.find("name=\"choices[]\""), std::string::npos);
  EXPECT_NE(send("GET", "/home", author).body.find("name=\"poll[options][]\""), std::string::npos);

  const std::string voter = sign_up("answerer");
  auto ballot = send("GET", page, voter);
  ASSERT_EQ(ballot.status, 200);
  EXPECT_NE(ballot.body.find("type=\"radio\""), std::string::npos) << ballot.body;
  EXPECT_NE(ballot.body.find("name=\"choices[]\""), std::string::npos);
  EXPECT_NE(ballot.body.find(">Vote</button>"), std::string::npos);
  EXPECT_EQ(ballot.body.find("style=\""), std::string::npos);

  const std::string vote_path = "/statuses/" + id + "/vote";
  EXPECT_EQ(send("POST", vote_path, voter, "csrf=wrong&choices%5B%5D=1").status, 403);
  auto voted = send("POST", vote_path, voter,
                    "csrf=" + csrf_token(voter) + "&back=" + page + "&choices%5B%5D=1");
  ASSERT_EQ(voted.status, 303) << voted.body;
  auto results = send("GET", page, voter);
  EXPECT_EQ(results.body.find("type=\"radio\""), std::string::npos);
  EXPECT_NE(results.body.find("100% Coffee ✓ (your choice)"), std::string::npos) << results.body;
  EXPECT_NE(results.body.find("0% Tea"), std::string::npos);
  EXPECT_NE(results.body.find("1 vote · ends"), std::string::npos);
  auto again = send("POST", vote_path, voter, "csrf=" + csrf_token(voter) + "&choices%5B%5D=0");
  EXPECT_EQ(again.status, 422);
  EXPECT_NE(again.body.find("already voted"), std::string::npos);
  auto none = send("POST", vote_path, sign_up("undecided"), "");
  EXPECT_NE(none.status, 303) << "no CSRF token, no vote";

  // Once it has ended: closed for everyone, and both hear of it.
  auto ended = microblog_->posts().end_expired_polls((*post)->poll->expires_ms);
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(*ended, 1u);
  EXPECT_NE(send("GET", "/notifications", voter).body.find("a poll you voted in has ended"),
            std::string::npos);
  EXPECT_NE(send("GET", "/notifications", author).body.find("your poll has ended"),
            std::string::npos);

  // Blank poll fields (the duration select always sends a value) make no poll.
  auto plain = send_multipart("/statuses", author,
                              {{"csrf", csrf_token(author)},
                               {"status", "no poll here"},
                               {"poll[options][]", ""},
                               {"poll[expires_in]", "86400"}},
                              {});
  ASSERT_EQ(plain.status, 303) << plain.body;
  ids = store_->account_statuses((*asker)->id, {}, domain::Page{.limit = 5});
  ASSERT_TRUE(ids.ok() && ids->size() == 2);
  auto plain_post = store_->status_by_id(ids->front());
  ASSERT_TRUE(plain_post.ok() && *plain_post);
  EXPECT_FALSE((*plain_post)->poll);
}

TEST_F(WebUiTest, ComposeSchedulesAPostForAUtcTimeAndItsPageDeletesIt) {
  const std::string session = sign_up("planner");
  auto home = send("GET", "/home", session);
  EXPECT_NE(home.body.find(R"(type="datetime-local" id="scheduled_at" name="scheduled_at")"),
            std::string::npos);
  EXPECT_NE(home.body.find("Publish at (optional, UTC)"), std::string::npos);
  // A datetime-local value: no seconds, no zone, read as UTC.
  const std::string at = format_iso8601_ms(now_ms() + 3 * 3600 * 1000).substr(0, 16);
  const std::string form =
      "csrf=" + csrf_token(session) + "&form_key=k1&status=see+you+later&scheduled_at=" + at;
  auto scheduled = send("POST", "/statuses", session, form);
  EXPECT_EQ(scheduled.status, 303) << scheduled.body;
  EXPECT_EQ(header(scheduled, "Location"), "/scheduled");
  EXPECT_EQ(send("POST", "/statuses", session, form).status, 303) << "a resubmitted form";
  auto account = store_->account_by_username("planner");
  ASSERT_TRUE(account.ok() && *account);
  const int64_t me = (*account)->id;
  auto waiting = microblog_->posts().scheduled_statuses(me, domain::Page{});
  ASSERT_TRUE(waiting.ok());
  ASSERT_EQ(waiting->size(), 1u) << "the form key schedules it once";
  EXPECT_EQ(format_iso8601_ms(waiting->front().scheduled_ms).substr(0, 16), at);
  EXPECT_EQ((*account)->statuses_count, 0);

  auto page = send("GET", "/scheduled", session);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("see you later"), std::string::npos);
  const std::string action = "/scheduled/" + std::to_string(waiting->front().id) + "/delete";
  EXPECT_NE(page.body.find(action), std::string::npos);

  auto too_soon = send("POST", "/statuses", session,
                       "csrf=" + csrf_token(session) + "&status=now-ish&scheduled_at=" +
                           format_iso8601_ms(now_ms() + 60 * 1000).substr(0, 16));
  EXPECT_EQ(too_soon.status, 422);
  EXPECT_NE(too_soon.body.find("5 minutes"), std::string::npos);

  auto deleted = send("POST", action, session, "csrf=" + csrf_token(session));
  EXPECT_EQ(deleted.status, 303);
  EXPECT_NE(send("GET", "/scheduled", session).body.find("No scheduled posts."), std::string::npos);
  EXPECT_EQ(send("POST", action, session, "csrf=" + csrf_token(session)).status, 404);
}

}  // namespace
}  // namespace publius::web
