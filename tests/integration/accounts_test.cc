// Registration, credentials, profiles and relationships against the running server.
#include <filesystem>

#include "integration/server_harness.h"

namespace publius::integration {
namespace {

// ---------------------------------------------------------------------------
// Registration

class RegistrationApiIntegration : public ApiIntegrationTest {
 protected:
  static HttpResponse register_with(const std::string& body, const std::string& token) {
    return api().post_form("/api/v1/accounts", body, token);
  }
};

TEST_F(RegistrationApiIntegration, ReturnsWorkingTokenAndTenRecoveryCodes) {
  const std::string name = "reg_" + unique_suffix();
  auto v = Api::ok_json(register_with(
      form({{"username", name}, {"password", "long enough password"}, {"agreement", "1"}}),
      app_token_));
  EXPECT_EQ(str(v, "token_type"), "Bearer");
  EXPECT_EQ(str(v, "scope"), "read write follow push") << "inherits the app token's scopes";
  EXPECT_GT(num(v, "created_at"), 1600000000);
  const auto& codes = arr(v, "recovery_codes");
  ASSERT_EQ(codes.size(), 10u);
  std::vector<std::string> seen;
  for (const auto& c : codes) {
    const std::string code = str(c);
    EXPECT_EQ(code.size(), 19u) << code;
    EXPECT_EQ(std::count(code.begin(), code.end(), '-'), 3) << code;
    EXPECT_EQ(std::find(seen.begin(), seen.end(), code), seen.end()) << "duplicate code " << code;
    seen.push_back(code);
  }
  auto me = Api::ok_json(api().get("/api/v1/accounts/verify_credentials", str(v, "access_token")));
  EXPECT_EQ(str(me, "username"), name);
  EXPECT_EQ(str(me, "acct"), name);
  EXPECT_EQ(num(me, "statuses_count"), 0);
  // The new password works for the password grant.
  User u{str(me, "id"), name, "long enough password", ""};
  EXPECT_FALSE(api().password_token(app_, u, "read").empty());
}

TEST_F(RegistrationApiIntegration, JsonBodyAndContactFieldsAreDroppedUnread) {
  const std::string name = "regjson_" + unique_suffix();
  const std::string email = "whistle." + unique_suffix() + "@blower.example";
  const std::string phone = "+1555" + std::to_string(getpid()) + "0199";
  json::object body{{"username", name},  {"password", "another long password"},
                    {"agreement", true}, {"email", email},
                    {"phone", phone},    {"reason", "Real Name Here " + email},
                    {"locale", "en"},    {"date_of_birth", "1970-01-01"}};
  auto v = Api::ok_json(api().post_json("/api/v1/accounts", body, app_token_));
  const std::string token = str(v, "access_token");
  auto me = Api::ok_json(api().get("/api/v1/accounts/verify_credentials", token));
  EXPECT_EQ(str(me, "username"), name);
  auto public_view = api().get("/api/v1/accounts/" + str(me, "id"));
  EXPECT_FALSE(contains(public_view.body, email));
  // Shield rule: nothing that identifies the speaker reaches the disk. Every byte in the data
  // directory (database, WAL, anything else) is free of the email and phone number.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir_)) {
    if (!entry.is_regular_file()) continue;
    const std::string bytes = read_file(entry.path().string());
    EXPECT_FALSE(contains(bytes, email)) << entry.path() << " holds the email address";
    EXPECT_FALSE(contains(bytes, phone)) << entry.path() << " holds the phone number";
    EXPECT_FALSE(contains(bytes, "publius-integration-tests"))
        << entry.path() << " holds the user agent";
  }
}

TEST_F(RegistrationApiIntegration, DuplicateUsernameIs422) {
  auto first = new_user("dup");
  auto text = expect_error(
      register_with(
          form({{"username", first.username}, {"password", "password123"}, {"agreement", "true"}}),
          app_token_),
      422);
  EXPECT_TRUE(contains(text, "taken")) << text;
  // Usernames are unique regardless of case, as in Mastodon.
  std::string upper = first.username;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  text = expect_error(
      register_with(form({{"username", upper}, {"password", "password123"}, {"agreement", "true"}}),
                    app_token_),
      422);
  EXPECT_TRUE(contains(text, "taken")) << text;
}

TEST_F(RegistrationApiIntegration, AgreementIsRequired) {
  const std::string name = "agree_" + unique_suffix();
  auto text = expect_error(
      register_with(form({{"username", name}, {"password", "password123"}}), app_token_), 422);
  EXPECT_TRUE(contains(text, "Agreement")) << text;
  expect_error(
      register_with(form({{"username", name}, {"password", "password123"}, {"agreement", "false"}}),
                    app_token_),
      422);
  text = expect_error(
      register_with(
          form({{"username", name}, {"password", "password123"}, {"agreement", "perhaps"}}),
          app_token_),
      400);
  EXPECT_TRUE(contains(text, "agreement")) << text;
  // None of those created the account.
  expect_error(api().get("/api/v1/accounts/lookup?acct=" + name), 404);
}

TEST_F(RegistrationApiIntegration, PasswordAndUsernameRules) {
  auto text = expect_error(register_with(form({{"username", "short_" + unique_suffix()},
                                               {"password", "1234567"},
                                               {"agreement", "true"}}),
                                         app_token_),
                           422);
  EXPECT_TRUE(contains(text, "Password")) << text;
  expect_error(register_with(form({{"username", "nopw_" + unique_suffix()}, {"agreement", "true"}}),
                             app_token_),
               422);
  for (std::string bad :
       {std::string("bad name"), std::string("dash-name"), std::string(""), std::string(31, 'a'),
        std::string("\xc3\xa9t\xc3\xa9"), std::string("name@localhost")}) {
    text = expect_error(
        register_with(form({{"username", bad}, {"password", "password123"}, {"agreement", "true"}}),
                      app_token_),
        422);
    EXPECT_TRUE(contains(text, "Username")) << bad << ": " << text;
  }
  // Exactly 30 characters is fine.
  std::string thirty = "t" + unique_suffix();
  thirty += std::string(30 - thirty.size(), '_');
  auto v = Api::ok_json(register_with(
      form({{"username", thirty}, {"password", "password123"}, {"agreement", "true"}}),
      app_token_));
  EXPECT_FALSE(str(v, "access_token").empty());
}

TEST_F(RegistrationApiIntegration, ErrorsNameEachRefusedFieldWithMastodonsCodes) {
  // The first error of `field` in the answer's details, as {"error": code, "description": ...}.
  auto first_detail = [](const HttpResponse& r, const std::string& field) -> std::string {
    auto v = r.json();
    const auto& errors = at(v, "details." + field, false);
    if (!errors.is_array() || errors.as_array().empty()) return "(none)";
    EXPECT_FALSE(str(errors.as_array()[0], "description").empty()) << r;
    return str(errors.as_array()[0], "error");
  };
  // Everything missing: every field is named at once, and the message names them too.
  auto empty = register_with("", app_token_);
  auto text = expect_error(empty, 422);
  EXPECT_TRUE(starts_with(text, "Validation failed: Username can't be blank")) << text;
  EXPECT_EQ(first_detail(empty, "username"), "ERR_BLANK");
  EXPECT_EQ(first_detail(empty, "password"), "ERR_BLANK");
  EXPECT_EQ(first_detail(empty, "agreement"), "ERR_ACCEPTED");

  const auto taken = new_user("taken");
  for (const auto& [name, code] :
       std::vector<std::pair<std::string, std::string>>{{taken.username, "ERR_TAKEN"},
                                                        {"bad name", "ERR_INVALID"},
                                                        {std::string(31, 'a'), "ERR_TOO_LONG"},
                                                        {"admin", "ERR_RESERVED"},
                                                        {"Support", "ERR_RESERVED"}}) {
    auto r = register_with(
        form({{"username", name}, {"password", "password123"}, {"agreement", "true"}}), app_token_);
    expect_error(r, 422);
    EXPECT_EQ(first_detail(r, "username"), code) << name << ": " << r;
    EXPECT_EQ(first_detail(r, "password"), "(none)") << r;
  }
  auto short_password = register_with(form({{"username", "shortpw_" + unique_suffix()},
                                            {"password", "1234567"},
                                            {"agreement", "true"}}),
                                      app_token_);
  expect_error(short_password, 422);
  EXPECT_EQ(first_detail(short_password, "password"), "ERR_TOO_SHORT");
  EXPECT_EQ(first_detail(short_password, "username"), "(none)");
  // A reserved name is refused to a newcomer whatever its case; none of these made an account.
  expect_error(api().get("/api/v1/accounts/lookup?acct=admin"), 404);
}

TEST_F(RegistrationApiIntegration, NeedsAnAppTokenWithWriteAccounts) {
  const std::string body = form(
      {{"username", "tok_" + unique_suffix()}, {"password", "password123"}, {"agreement", "true"}});
  expect_error(register_with(body, ""), 401);
  expect_error(register_with(body, "invalid-token"), 401);
  auto read_only = api().app_token(app_, "read");
  auto text = expect_error(register_with(body, read_only), 403);
  EXPECT_TRUE(contains(text, "scope")) << text;
}

// ---------------------------------------------------------------------------
// Accounts

class AccountsApiIntegration : public ApiIntegrationTest {};

TEST_F(AccountsApiIntegration, VerifyCredentialsHasSourceAndRole) {
  auto u = new_user("vc");
  auto r = api().get("/api/v1/accounts/verify_credentials", u.token);
  auto v = Api::ok_json(r);
  ASSERT_TRUE(v.is_object()) << r.body;
  EXPECT_EQ(str(v, "id"), u.id);
  EXPECT_EQ(str(v, "username"), u.username);
  EXPECT_EQ(str(v, "acct"), u.username);
  EXPECT_EQ(str(v, "display_name"), "");
  EXPECT_FALSE(boolean(v, "locked"));
  EXPECT_FALSE(boolean(v, "bot"));
  EXPECT_EQ(str(v, "url"), "http://127.0.0.1/@" + u.username);
  EXPECT_EQ(str(v, "avatar"), "http://127.0.0.1/avatars/original/missing.png");
  EXPECT_EQ(num(v, "followers_count"), 0);
  EXPECT_EQ(num(v, "following_count"), 0);
  EXPECT_TRUE(is_null(v, "last_status_at"));
  EXPECT_EQ(str(v, "source.privacy"), "public");
  EXPECT_FALSE(boolean(v, "source.sensitive"));
  EXPECT_EQ(str(v, "source.note"), "");
  EXPECT_EQ(arr(v, "source.fields").size(), 0u);
  EXPECT_EQ(num(v, "source.follow_requests_count"), 0);
  EXPECT_EQ(str(v, "role.name"), "");
  EXPECT_EQ(str(v, "role.permissions"), "0");
  EXPECT_FALSE(boolean(v, "role.highlighted"));
  // The created_at of an account is a day, never a time (shield rule).
  EXPECT_TRUE(contains(str(v, "created_at"), "T00:00:00.000Z")) << str(v, "created_at");

  expect_error(api().get("/api/v1/accounts/verify_credentials"), 401);
  expect_error(api().get("/api/v1/accounts/verify_credentials", app_token_), 422);
  // The profile scope alone is enough; an unrelated scope is not.
  auto profile_app = api().create_app("read profile");
  auto profile_token = api().password_token(profile_app, u, "profile");
  EXPECT_EQ(str(Api::ok_json(api().get("/api/v1/accounts/verify_credentials", profile_token)),
                "username"),
            u.username);
  auto statuses_token = api().password_token(app_, u, "read:statuses");
  expect_error(api().get("/api/v1/accounts/verify_credentials", statuses_token), 403);
}

TEST_F(AccountsApiIntegration, UpdateCredentialsWithForm) {
  auto u = new_user("upd");
  auto r = api().send_form("PATCH", "/api/v1/accounts/update_credentials",
                           form({{"display_name", "Ann O'Nymous"},
                                 {"note", "Hello <b>world</b>\nsecond line"},
                                 {"locked", "true"},
                                 {"bot", "0"},
                                 {"fields_attributes[0][name]", "Site"},
                                 {"fields_attributes[0][value]", "https://example.org/"},
                                 {"fields_attributes[1][name]", "Pronouns"},
                                 {"fields_attributes[1][value]", "they/them"},
                                 {"fields_attributes[2][name]", ""},
                                 {"fields_attributes[2][value]", ""}}),
                           u.token);
  auto v = Api::ok_json(r);
  EXPECT_EQ(str(v, "display_name"), "Ann O'Nymous");
  EXPECT_TRUE(boolean(v, "locked"));
  EXPECT_FALSE(boolean(v, "bot"));
  EXPECT_EQ(str(v, "source.note"), "Hello <b>world</b>\nsecond line");
  const std::string note = str(v, "note");
  EXPECT_TRUE(contains(note, "&lt;b&gt;world&lt;/b&gt;")) << note;
  EXPECT_FALSE(contains(note, "<b>")) << note;
  EXPECT_TRUE(contains(note, "<br")) << note;
  ASSERT_EQ(arr(v, "fields").size(), 2u) << "blank rows are dropped";
  EXPECT_EQ(str(v, "fields.0.name"), "Site");
  EXPECT_TRUE(contains(str(v, "fields.0.value"), "href=\"https://example.org/\""))
      << str(v, "fields.0.value");
  EXPECT_EQ(str(v, "fields.1.name"), "Pronouns");
  EXPECT_EQ(str(v, "source.fields.0.value"), "https://example.org/");
  EXPECT_EQ(str(v, "source.fields.1.value"), "they/them");

  // Everyone else sees the new profile at once (no stale cache).
  auto pub = api().account(u.id);
  EXPECT_EQ(str(pub, "display_name"), "Ann O'Nymous");
  EXPECT_TRUE(boolean(pub, "locked"));
  EXPECT_EQ(arr(pub, "fields").size(), 2u);
  EXPECT_FALSE(has(pub, "source")) << "source is for the owner only";

  // Omitted fields keep their values; an empty display_name clears it.
  v = Api::ok_json(api().send_form("PATCH", "/api/v1/accounts/update_credentials",
                                   form({{"display_name", ""}}), u.token));
  EXPECT_EQ(str(v, "display_name"), "");
  EXPECT_TRUE(boolean(v, "locked"));
  EXPECT_EQ(arr(v, "fields").size(), 2u);
}

TEST_F(AccountsApiIntegration, UpdateCredentialsWithJson) {
  auto u = new_user("updj");
  json::object body{
      {"display_name", "Json Person"},
      {"locked", false},
      {"note", "from json"},
      {"fields_attributes", json::array{json::object{{"name", "a"}, {"value", "1"}},
                                        json::object{{"name", "b"}, {"value", "2"}},
                                        json::object{{"name", "c"}, {"value", "3"}}}}};
  auto v =
      Api::ok_json(api().send_json("PATCH", "/api/v1/accounts/update_credentials", body, u.token));
  EXPECT_EQ(str(v, "display_name"), "Json Person");
  EXPECT_EQ(str(v, "source.note"), "from json");
  ASSERT_EQ(arr(v, "fields").size(), 3u);
  EXPECT_EQ(str(v, "fields.2.name"), "c");
  EXPECT_EQ(str(v, "source.fields.1.value"), "2");
  // Rails-style object of rows also works, and replaces the whole list.
  json::object rows{
      {"fields_attributes", json::object{{"0", json::object{{"name", "only"}, {"value", "row"}}}}}};
  v = Api::ok_json(api().send_json("PATCH", "/api/v1/accounts/update_credentials", rows, u.token));
  ASSERT_EQ(arr(v, "fields").size(), 1u);
  EXPECT_EQ(str(v, "fields.0.name"), "only");
  // An empty array clears the fields.
  v = Api::ok_json(api().send_json("PATCH", "/api/v1/accounts/update_credentials",
                                   json::object{{"fields_attributes", json::array{}}}, u.token));
  EXPECT_EQ(arr(v, "fields").size(), 0u);
  EXPECT_EQ(str(v, "display_name"), "Json Person");
}

TEST_F(AccountsApiIntegration, UpdateCredentialsValidation) {
  auto u = new_user("updv");
  auto patch = [&](const std::string& body) {
    return api().send_form("PATCH", "/api/v1/accounts/update_credentials", body, u.token);
  };
  auto text = expect_error(patch(form({{"locked", "maybe"}})), 400);
  EXPECT_TRUE(contains(text, "locked")) << text;
  text = expect_error(patch(form({{"display_name", std::string(31, 'd')}})), 422);
  EXPECT_TRUE(contains(text, "Display name")) << text;
  text = expect_error(patch(form({{"note", std::string(501, 'n')}})), 422);
  EXPECT_TRUE(contains(text, "Note")) << text;
  std::string five;
  for (int i = 0; i < 5; ++i)
    five += "&fields_attributes[" + std::to_string(i) + "][name]=n" + std::to_string(i) +
            "&fields_attributes[" + std::to_string(i) + "][value]=v";
  text = expect_error(patch(five.substr(1)), 422);
  EXPECT_TRUE(contains(text, "Fields")) << text;
  // 30 code points of a multi-byte script are fine.
  std::string thirty;
  for (int i = 0; i < 30; ++i) thirty += "\xc3\xa9";
  auto v = Api::ok_json(patch(form({{"display_name", thirty}})));
  EXPECT_EQ(str(v, "display_name"), thirty);
  // Nothing invalid was saved.
  auto me = Api::ok_json(api().get("/api/v1/accounts/verify_credentials", u.token));
  EXPECT_EQ(str(me, "source.note"), "");
  EXPECT_EQ(arr(me, "fields").size(), 0u);
  expect_error(
      api().send_form("PATCH", "/api/v1/accounts/update_credentials", form({{"note", "x"}})), 401);
}

TEST_F(AccountsApiIntegration, GetAccountLookupAndNotFound) {
  auto u = new_user("look");
  auto v = api().account(u.id);
  EXPECT_EQ(str(v, "id"), u.id);
  EXPECT_EQ(str(v, "username"), u.username);
  EXPECT_EQ(str(v, "uri"), "http://127.0.0.1/users/" + u.username);
  for (const std::string& acct : {u.username, "@" + u.username, u.username + "@localhost"}) {
    auto found = Api::ok_json(api().get("/api/v1/accounts/lookup?acct=" + enc(acct)));
    EXPECT_EQ(str(found, "id"), u.id) << acct;
  }
  expect_error(api().get("/api/v1/accounts/lookup?acct=" + u.username + "%40elsewhere.example"),
               404);
  expect_error(api().get("/api/v1/accounts/lookup?acct=nobody_" + unique_suffix()), 404);
  expect_error(api().get("/api/v1/accounts/lookup"), 404);
  expect_error(api().get("/api/v1/accounts/987654321"), 404);
  expect_error(api().get("/api/v1/accounts/abc"), 404);
  expect_error(api().get("/api/v1/accounts/-1"), 404);
  expect_error(api().get("/api/v1/accounts/99999999999999999999999999"), 404);
  expect_error(api().get("/api/v1/accounts/987654321/statuses"), 404);
  expect_error(api().get("/api/v1/accounts/987654321/followers"), 404);
  expect_error(api().get("/api/v1/accounts/987654321/following"), 404);
  expect_error(api().post("/api/v1/accounts/987654321/follow", u.token), 404);
}

TEST_F(AccountsApiIntegration, AccountStatusesFiltersAndPaging) {
  auto a = new_user("as");
  auto other = new_user("aso");
  const std::string theirs = api().post_id(other, "someone else's post");
  const std::string p1 = api().post_id(a, "first post");
  const std::string reply_other = api().post_id(a, "a reply to them", {{"in_reply_to_id", theirs}});
  const std::string self_reply = api().post_id(a, "a thread continued", {{"in_reply_to_id", p1}});
  const std::string p2 = api().post_id(a, "second post");
  auto boost = Api::ok_json(api().post("/api/v1/statuses/" + theirs + "/reblog", a.token));
  const std::string boost_id = str(boost, "id");

  const std::string base = "/api/v1/accounts/" + a.id + "/statuses";
  auto all = Api::ok_json(api().get(base));
  EXPECT_EQ(ids(all), (std::vector<std::string>{boost_id, p2, self_reply, reply_other, p1}));
  // exclude_replies keeps self-replies (threads), as Mastodon does.
  auto no_replies = Api::ok_json(api().get(base + "?exclude_replies=true"));
  EXPECT_EQ(ids(no_replies), (std::vector<std::string>{boost_id, p2, self_reply, p1}));
  auto no_boosts = Api::ok_json(api().get(base + "?exclude_reblogs=1&exclude_replies=1"));
  EXPECT_EQ(ids(no_boosts), (std::vector<std::string>{p2, self_reply, p1}));

  // Paging with limit and max_id, following the Link header.
  auto page1 = api().get(base + "?limit=2&exclude_reblogs=true");
  EXPECT_EQ(ids(Api::ok_json(page1)), (std::vector<std::string>{p2, self_reply}));
  const std::string next = link_url(page1.header("link"), "next");
  ASSERT_FALSE(next.empty()) << page1.header("link");
  EXPECT_TRUE(contains(next, "max_id=" + self_reply)) << next;
  EXPECT_TRUE(contains(next, "exclude_reblogs=true")) << "other parameters are kept: " << next;
  auto page2 = Api::ok_json(api().get(strip_origin(next)));
  EXPECT_EQ(ids(page2), (std::vector<std::string>{reply_other, p1}));
  auto page3 = api().get(base + "?limit=2&exclude_reblogs=true&max_id=" + p1);
  EXPECT_EQ(ids(Api::ok_json(page3)), std::vector<std::string>{});
  EXPECT_FALSE(page3.has_header("link")) << "an empty page has no Link header";

  // Pinned.
  auto pinned = Api::ok_json(api().post("/api/v1/statuses/" + p1 + "/pin", a.token));
  EXPECT_TRUE(boolean(pinned, "pinned"));
  auto only_pinned = Api::ok_json(api().get(base + "?pinned=true"));
  EXPECT_EQ(ids(only_pinned), std::vector<std::string>{p1});
  auto own_view = Api::ok_json(api().get(base + "?pinned=true", a.token));
  EXPECT_TRUE(boolean(own_view, "0.pinned"));
  // tagged: only posts with that hashtag.
  const std::string tagged = api().post_id(a, "about #Gardening today");
  EXPECT_EQ(ids(Api::ok_json(api().get(base + "?tagged=gardening"))),
            std::vector<std::string>{tagged});
  EXPECT_EQ(ids(Api::ok_json(api().get(base + "?tagged=GARDENING"))),
            std::vector<std::string>{tagged});
  // only_media: no post has media.
  EXPECT_EQ(ids(Api::ok_json(api().get(base + "?only_media=true"))), std::vector<std::string>{});
  // Bad flag values are 400.
  expect_error(api().get(base + "?exclude_replies=sometimes"), 400);
  expect_error(api().get(base + "?pinned=2"), 400);
}

TEST_F(AccountsApiIntegration, FollowersAndFollowingWithLinkHeaders) {
  auto star = new_user("star");
  auto f1 = new_user("fan");
  auto f2 = new_user("fan");
  auto f3 = new_user("fan");
  for (const auto* f : {&f1, &f2, &f3}) {
    auto rel = api().follow(*f, star);
    EXPECT_TRUE(boolean(rel, "following"));
  }
  auto r = api().get("/api/v1/accounts/" + star.id + "/followers");
  EXPECT_EQ(ids(Api::ok_json(r)), (std::vector<std::string>{f3.id, f2.id, f1.id}));
  EXPECT_TRUE(contains(r.header("link"), "rel=\"next\"")) << r.header("link");
  EXPECT_TRUE(contains(r.header("link"), "rel=\"prev\"")) << r.header("link");

  auto p1 = api().get("/api/v1/accounts/" + star.id + "/followers?limit=2");
  EXPECT_EQ(ids(Api::ok_json(p1)), (std::vector<std::string>{f3.id, f2.id}));
  const std::string next = link_url(p1.header("link"), "next");
  ASSERT_TRUE(
      starts_with(next, "http://127.0.0.1/api/v1/accounts/" + star.id + "/followers?max_id="))
      << p1.header("link");
  EXPECT_TRUE(contains(next, "limit=2")) << next;
  auto p2 = api().get(strip_origin(next));
  EXPECT_EQ(ids(Api::ok_json(p2)), std::vector<std::string>{f1.id});
  const std::string prev = link_url(p2.header("link"), "prev");
  ASSERT_FALSE(prev.empty());
  auto back = api().get(strip_origin(prev));
  EXPECT_EQ(ids(Api::ok_json(back)), (std::vector<std::string>{f3.id, f2.id}));

  auto following = Api::ok_json(api().get("/api/v1/accounts/" + f2.id + "/following"));
  EXPECT_EQ(ids(following), std::vector<std::string>{star.id});
  EXPECT_EQ(num(following, "0.followers_count"), 3);
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/accounts/" + star.id + "/following"))),
            std::vector<std::string>{});
}

TEST_F(AccountsApiIntegration, AnAccountThatBlocksTheViewerShowsItNoFollowLists) {
  auto star = new_user("star");
  auto fan = new_user("fan");
  auto blocked = new_user("blocked");
  api().follow(fan, star);
  api().follow(star, fan);
  Api::ok_json(api().post("/api/v1/accounts/" + blocked.id + "/block", star.token));
  for (const char* list : {"/followers", "/following"}) {
    const std::string path = "/api/v1/accounts/" + star.id + list;
    EXPECT_EQ(ids(Api::ok_json(api().get(path, blocked.token))), std::vector<std::string>{})
        << path;
    // Anyone else, signed in or not, and the account itself still see the list.
    EXPECT_EQ(ids(Api::ok_json(api().get(path, fan.token))), std::vector<std::string>{fan.id});
    EXPECT_EQ(ids(Api::ok_json(api().get(path))), std::vector<std::string>{fan.id});
    EXPECT_EQ(ids(Api::ok_json(api().get(path, star.token))), std::vector<std::string>{fan.id});
  }
}

TEST_F(AccountsApiIntegration, ProfileSettingsAreKeptShownAndObeyed) {
  auto shy = new_user("hide");
  auto fan = new_user("hidefan");
  api().follow(fan, shy);
  api().follow(shy, fan);
  auto me = Api::ok_json(api().get("/api/v1/accounts/verify_credentials", shy.token));
  EXPECT_FALSE(boolean(me, "discoverable")) << "the directory is opt-in";
  EXPECT_TRUE(boolean(me, "indexable"));
  EXPECT_FALSE(boolean(me, "hide_collections"));
  const std::string word = "zebraquill" + std::to_string(getpid());
  const std::string post = api().post_id(shy, "a post with " + word);
  auto found = [&](const User& searcher) {
    return ids(Api::ok_json(api().get("/api/v2/search?type=statuses&q=" + word, searcher.token))
                   .at("statuses"));
  };
  EXPECT_EQ(found(fan), std::vector<std::string>{post});

  auto updated = Api::ok_json(api().send_form(
      "PATCH", "/api/v1/accounts/update_credentials",
      form({{"discoverable", "true"}, {"indexable", "false"}, {"hide_collections", "1"}}),
      shy.token));
  for (const char* field : {"", "source."}) {
    EXPECT_TRUE(boolean(updated, std::string(field) + "discoverable")) << field;
    EXPECT_FALSE(boolean(updated, std::string(field) + "indexable")) << field;
    EXPECT_TRUE(boolean(updated, std::string(field) + "hide_collections")) << field;
  }
  auto seen = api().account(shy.id, fan.token);
  EXPECT_TRUE(boolean(seen, "hide_collections"));
  EXPECT_FALSE(boolean(seen, "indexable"));

  // Hidden collections: empty lists for everyone but the account itself; the counts stay.
  for (const char* list : {"/followers", "/following"}) {
    const std::string path = "/api/v1/accounts/" + shy.id + list;
    EXPECT_EQ(ids(Api::ok_json(api().get(path, fan.token))), std::vector<std::string>{}) << path;
    EXPECT_EQ(ids(Api::ok_json(api().get(path))), std::vector<std::string>{}) << path;
    EXPECT_EQ(ids(Api::ok_json(api().get(path, shy.token))), std::vector<std::string>{fan.id});
  }
  EXPECT_EQ(num(seen, "followers_count"), 1);
  EXPECT_EQ(num(seen, "following_count"), 1);
  // Not indexable: its words find its posts for itself only.
  EXPECT_EQ(found(fan), std::vector<std::string>{});
  EXPECT_EQ(found(shy), std::vector<std::string>{post});

  Api::ok_json(api().send_json("PATCH", "/api/v1/accounts/update_credentials",
                               json::object{{"indexable", true}, {"hide_collections", false}},
                               shy.token));
  EXPECT_EQ(found(fan), std::vector<std::string>{post});
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/accounts/" + shy.id + "/followers", fan.token))),
            std::vector<std::string>{fan.id});
  EXPECT_TRUE(boolean(api().account(shy.id), "discoverable")) << "unchanged when not sent";

  // A value that is no boolean is refused, naming the field, and changes nothing.
  EXPECT_TRUE(contains(expect_error(api().send_form("PATCH", "/api/v1/accounts/update_credentials",
                                                    form({{"hide_collections", "sometimes"},
                                                          {"indexable", "false"}}),
                                                    shy.token),
                                    400),
                       "hide_collections"));
  EXPECT_TRUE(boolean(api().account(shy.id), "indexable"));
}

TEST_F(AccountsApiIntegration, RemoveFromFollowersEndsTheirFollowAndTheirHomeFeedOfUs) {
  auto star = new_user("shy");
  auto fan = new_user("fan");
  api().follow(fan, star);
  const std::string before = api().post_id(star, "seen by followers", {{"visibility", "private"}});
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/timelines/home", fan.token))),
            std::vector<std::string>{before});

  auto rel =
      Api::ok_json(api().post("/api/v1/accounts/" + fan.id + "/remove_from_followers", star.token));
  EXPECT_EQ(str(rel, "id"), fan.id);
  EXPECT_FALSE(boolean(rel, "followed_by"));
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/accounts/" + star.id + "/followers"))),
            std::vector<std::string>{});
  EXPECT_EQ(num(api().account(star.id), "followers_count"), 0);
  EXPECT_EQ(num(api().account(fan.id), "following_count"), 0);
  // Their home feed no longer holds our followers-only post, and they cannot read it.
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/timelines/home", fan.token))),
            std::vector<std::string>{});
  expect_error(api().get("/api/v1/statuses/" + before, fan.token), 404);
  // Someone who does not follow us: nothing changes; an unknown account is 404.
  auto stranger = new_user("stranger");
  EXPECT_EQ(
      api().post("/api/v1/accounts/" + stranger.id + "/remove_from_followers", star.token).status,
      200);
  expect_error(api().post("/api/v1/accounts/999999999/remove_from_followers", star.token), 404);
}

TEST_F(AccountsApiIntegration, PrivateNotesAreSealedToTheirWriter) {
  auto writer = new_user("noter");
  auto subject = new_user("subject");
  const std::string note = "Quillfeather Marchbanks from accounting";
  auto rel = Api::ok_json(api().post_form("/api/v1/accounts/" + subject.id + "/note",
                                          form({{"comment", note}}), writer.token));
  EXPECT_EQ(str(rel, "id"), subject.id);
  EXPECT_EQ(str(rel, "note"), note);
  auto rels =
      Api::ok_json(api().get("/api/v1/accounts/relationships?id[]=" + subject.id, writer.token));
  EXPECT_EQ(str(rels, "0.note"), note);
  // Nobody else sees it, the subject included.
  auto theirs =
      Api::ok_json(api().get("/api/v1/accounts/relationships?id[]=" + writer.id, subject.token));
  EXPECT_EQ(str(theirs, "0.note"), "");
  // It is stored sealed: the data directory never holds its words.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir_)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find("Quillfeather"), std::string::npos) << entry.path();
  }
  // Too long is refused; empty removes it; an unknown account is 404.
  expect_error(api().post_form("/api/v1/accounts/" + subject.id + "/note",
                               form({{"comment", std::string(2001, 'n')}}), writer.token),
               422);
  EXPECT_EQ(str(Api::ok_json(api().post_form("/api/v1/accounts/" + subject.id + "/note",
                                             form({{"comment", ""}}), writer.token)),
                "note"),
            "");
  EXPECT_EQ(str(Api::ok_json(
                    api().get("/api/v1/accounts/relationships?id[]=" + subject.id, writer.token)),
                "0.note"),
            "");
  expect_error(
      api().post_form("/api/v1/accounts/999999999/note", form({{"comment", "x"}}), writer.token),
      404);
}

TEST_F(AccountsApiIntegration, RelationshipsForSeveralIds) {
  auto a = new_user("rel");
  auto b = new_user("rel");
  auto c = new_user("rel");
  api().follow(a, b);
  api().follow(c, a);
  auto v = Api::ok_json(api().get(
      "/api/v1/accounts/relationships?id[]=" + b.id + "&id[]=" + c.id + "&id[]=junk", a.token));
  ASSERT_EQ(arr(v).size(), 2u) << json::serialize(v);
  EXPECT_EQ(str(v, "0.id"), b.id);
  EXPECT_TRUE(boolean(v, "0.following"));
  EXPECT_TRUE(boolean(v, "0.showing_reblogs"));
  EXPECT_FALSE(boolean(v, "0.followed_by"));
  EXPECT_EQ(str(v, "1.id"), c.id);
  EXPECT_FALSE(boolean(v, "1.following"));
  EXPECT_TRUE(boolean(v, "1.followed_by"));
  EXPECT_FALSE(boolean(v, "1.blocking"));
  // A single id= also works.
  v = Api::ok_json(api().get("/api/v1/accounts/relationships?id=" + b.id, a.token));
  ASSERT_EQ(arr(v).size(), 1u);
  EXPECT_TRUE(boolean(v, "0.following"));
  expect_error(api().get("/api/v1/accounts/relationships?id[]=" + b.id), 401);
}

TEST_F(AccountsApiIntegration, SearchAccountsByPrefix) {
  const std::string prefix = "srch" + unique_suffix();
  auto a = api().register_user(app_token_, prefix + "_one");
  auto b = api().register_user(app_token_, prefix + "_two");
  auto v = Api::ok_json(api().get("/api/v1/accounts/search?q=" + prefix, a.token));
  std::vector<std::string> found = ids(v);
  std::sort(found.begin(), found.end());
  std::vector<std::string> want = {a.id, b.id};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(found, want);
  v = Api::ok_json(
      api().get("/api/v1/accounts/search?q=%40" + b.username + "%40localhost", a.token));
  EXPECT_EQ(ids(v), std::vector<std::string>{b.id});
  v = Api::ok_json(api().get("/api/v1/accounts/search?q=" + prefix + "&limit=1", a.token));
  EXPECT_EQ(arr(v).size(), 1u);
  // LIKE wildcards in the query are literal.
  v = Api::ok_json(api().get("/api/v1/accounts/search?q=%25", a.token));
  EXPECT_EQ(arr(v).size(), 0u);
  expect_error(api().get("/api/v1/accounts/search?q=" + prefix), 401);
  expect_error(api().get("/api/v1/accounts/search?q=x&limit=ten", a.token), 400);
  // v2 search finds accounts too.
  v = Api::ok_json(api().get("/api/v2/search?type=accounts&q=" + prefix + "_two", a.token));
  EXPECT_EQ(ids(at(v, "accounts")), std::vector<std::string>{b.id});
  expect_error(api().get("/api/v2/search?type=people&q=x"), 400);
}

// ---------------------------------------------------------------------------
// Follow flows

TEST_F(AccountsApiIntegration, SeveralById) {
  auto a = new_user("accs");
  auto b = new_user("accs");
  auto v = Api::ok_json(
      api().get("/api/v1/accounts?id[]=" + b.id + "&id[]=424242&id[]=" + a.id, a.token));
  EXPECT_EQ(ids(v), (std::vector<std::string>{b.id, a.id}));
  EXPECT_EQ(str(v, "0.username"), b.username);
  std::string too_many = "/api/v1/accounts?";
  for (int i = 1; i <= 41; ++i) too_many += "id[]=" + std::to_string(i) + "&";
  expect_error(api().get(too_many), 422);
}

class FollowApiIntegration : public ApiIntegrationTest {
 protected:
  static json::value relationship(const User& me, const User& other) {
    auto v = Api::ok_json(api().get("/api/v1/accounts/relationships?id[]=" + other.id, me.token));
    return arr(v).empty() ? json::value() : arr(v)[0];
  }
};

TEST_F(FollowApiIntegration, FollowAndUnfollowChangeCounts) {
  auto a = new_user("fa");
  auto b = new_user("fb");
  auto rel = api().follow(a, b);
  EXPECT_EQ(str(rel, "id"), b.id);
  EXPECT_TRUE(boolean(rel, "following"));
  EXPECT_FALSE(boolean(rel, "requested"));
  EXPECT_EQ(num(api().account(b.id), "followers_count"), 1);
  EXPECT_EQ(num(api().account(a.id), "following_count"), 1);
  EXPECT_TRUE(boolean(relationship(b, a), "followed_by"));
  // Following again changes nothing.
  api().follow(a, b);
  EXPECT_EQ(num(api().account(b.id), "followers_count"), 1);
  // reblogs=false is remembered.
  rel = Api::ok_json(api().post_form("/api/v1/accounts/" + b.id + "/follow",
                                     form({{"reblogs", "false"}}), a.token));
  EXPECT_TRUE(boolean(rel, "following"));
  EXPECT_FALSE(boolean(rel, "showing_reblogs"));

  rel = Api::ok_json(api().post("/api/v1/accounts/" + b.id + "/unfollow", a.token));
  EXPECT_FALSE(boolean(rel, "following"));
  EXPECT_EQ(num(api().account(b.id), "followers_count"), 0);
  EXPECT_EQ(num(api().account(a.id), "following_count"), 0);
  // Unfollowing again is harmless.
  rel = Api::ok_json(api().post("/api/v1/accounts/" + b.id + "/unfollow", a.token));
  EXPECT_FALSE(boolean(rel, "following"));
  EXPECT_EQ(num(api().account(b.id), "followers_count"), 0);

  expect_error(api().post("/api/v1/accounts/" + a.id + "/follow", a.token), 403);
  expect_error(api().post("/api/v1/accounts/" + b.id + "/follow"), 401);
  expect_error(api().post("/api/v1/accounts/" + b.id + "/follow", app_token_), 422);
}

TEST_F(FollowApiIntegration, LockedAccountGetsFollowRequests) {
  auto owner = new_user("lock");
  auto asker = new_user("ask");
  auto other = new_user("ask");
  Api::ok_json(api().send_form("PATCH", "/api/v1/accounts/update_credentials",
                               form({{"locked", "true"}}), owner.token));
  auto rel = api().follow(asker, owner);
  EXPECT_FALSE(boolean(rel, "following"));
  EXPECT_TRUE(boolean(rel, "requested"));
  api().follow(other, owner);
  EXPECT_EQ(num(api().account(owner.id), "followers_count"), 0);

  auto requests = api().get("/api/v1/follow_requests", owner.token);
  EXPECT_EQ(ids(Api::ok_json(requests)), (std::vector<std::string>{other.id, asker.id}));
  auto me = Api::ok_json(api().get("/api/v1/accounts/verify_credentials", owner.token));
  EXPECT_EQ(num(me, "source.follow_requests_count"), 2);
  EXPECT_TRUE(boolean(relationship(owner, asker), "requested_by"));

  rel = Api::ok_json(api().post("/api/v1/follow_requests/" + asker.id + "/authorize", owner.token));
  EXPECT_EQ(str(rel, "id"), asker.id);
  EXPECT_TRUE(boolean(rel, "followed_by"));
  EXPECT_FALSE(boolean(rel, "requested_by"));
  EXPECT_TRUE(boolean(relationship(asker, owner), "following"));
  EXPECT_FALSE(boolean(relationship(asker, owner), "requested"));
  EXPECT_EQ(num(api().account(owner.id), "followers_count"), 1);
  EXPECT_EQ(num(api().account(asker.id), "following_count"), 1);

  rel = Api::ok_json(api().post("/api/v1/follow_requests/" + other.id + "/reject", owner.token));
  EXPECT_FALSE(boolean(rel, "followed_by"));
  EXPECT_FALSE(boolean(relationship(other, owner), "requested"));
  EXPECT_FALSE(boolean(relationship(other, owner), "following"));
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/follow_requests", owner.token))),
            std::vector<std::string>{});
  EXPECT_EQ(num(api().account(owner.id), "followers_count"), 1);

  // Nothing left to resolve.
  expect_error(api().post("/api/v1/follow_requests/" + other.id + "/authorize", owner.token), 404);
  expect_error(api().post("/api/v1/follow_requests/987654321/authorize", owner.token), 404);
  expect_error(api().get("/api/v1/follow_requests"), 401);
}

TEST_F(FollowApiIntegration, PendingRequestsEndWithUnfollowOrBlock) {
  auto owner = new_user("pend");
  auto asker = new_user("pask");
  auto pest = new_user("ppest");
  Api::ok_json(api().send_form("PATCH", "/api/v1/accounts/update_credentials",
                               form({{"locked", "true"}}), owner.token));
  EXPECT_TRUE(boolean(api().follow(asker, owner), "requested"));
  EXPECT_TRUE(boolean(api().follow(pest, owner), "requested"));
  // Withdrawing a request is an unfollow.
  auto rel = Api::ok_json(api().post("/api/v1/accounts/" + owner.id + "/unfollow", asker.token));
  EXPECT_FALSE(boolean(rel, "requested"));
  // Blocking a requester drops their request.
  Api::ok_json(api().post("/api/v1/accounts/" + pest.id + "/block", owner.token));
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/follow_requests", owner.token))),
            std::vector<std::string>{});
  auto me = Api::ok_json(api().get("/api/v1/accounts/verify_credentials", owner.token));
  EXPECT_EQ(num(me, "source.follow_requests_count"), 0);
  expect_error(api().post("/api/v1/follow_requests/" + pest.id + "/authorize", owner.token), 404);
  EXPECT_EQ(num(api().account(owner.id), "followers_count"), 0);
  // A locked account's public posts stay public.
  const std::string post = api().post_id(owner, "public even though locked");
  EXPECT_EQ(str(api().status(post), "id"), post);
}

TEST_F(FollowApiIntegration, BlockSeversFollowsAndHidesPosts) {
  auto a = new_user("blk");
  auto b = new_user("blkd");
  api().follow(a, b);
  api().follow(b, a);
  const std::string post = api().post_id(b, "you will not see this");
  ASSERT_EQ(str(api().status(post, a.token), "id"), post);

  auto rel = Api::ok_json(api().post("/api/v1/accounts/" + b.id + "/block", a.token));
  EXPECT_TRUE(boolean(rel, "blocking"));
  EXPECT_FALSE(boolean(rel, "following"));
  EXPECT_FALSE(boolean(rel, "followed_by"));
  EXPECT_TRUE(boolean(relationship(b, a), "blocked_by"));
  EXPECT_EQ(num(api().account(a.id), "followers_count"), 0);
  EXPECT_EQ(num(api().account(a.id), "following_count"), 0);
  EXPECT_EQ(num(api().account(b.id), "followers_count"), 0);
  EXPECT_EQ(num(api().account(b.id), "following_count"), 0);

  // b's posts are gone for a: status, public timeline, home, profile.
  expect_error(api().get("/api/v1/statuses/" + post, a.token), 404);
  EXPECT_FALSE(has_id(Api::ok_json(api().get("/api/v1/timelines/public?limit=40", a.token)), post));
  EXPECT_FALSE(has_id(Api::ok_json(api().get("/api/v1/timelines/home", a.token)), post));
  EXPECT_EQ(arr(Api::ok_json(api().get("/api/v1/accounts/" + b.id + "/statuses", a.token))).size(),
            0u);
  // ...and the other way round.
  const std::string mine = api().post_id(a, "blocker's post");
  expect_error(api().get("/api/v1/statuses/" + mine, b.token), 404);
  // Neither can follow the other while the block stands.
  expect_error(api().post("/api/v1/accounts/" + a.id + "/follow", b.token), 403);
  expect_error(api().post("/api/v1/accounts/" + b.id + "/follow", a.token), 403);
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/blocks", a.token))),
            std::vector<std::string>{b.id});

  rel = Api::ok_json(api().post("/api/v1/accounts/" + b.id + "/unblock", a.token));
  EXPECT_FALSE(boolean(rel, "blocking"));
  EXPECT_EQ(str(api().status(post, a.token), "id"), post);
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/blocks", a.token))), std::vector<std::string>{});
  expect_error(api().post("/api/v1/accounts/" + a.id + "/block", a.token), 403);
}

TEST_F(FollowApiIntegration, MuteHidesFromHome) {
  auto a = new_user("mut");
  auto b = new_user("mutd");
  api().follow(a, b);
  const std::string post = api().post_id(b, "chatty post");
  EXPECT_TRUE(has_id(Api::ok_json(api().get("/api/v1/timelines/home", a.token)), post));

  auto rel = Api::ok_json(api().post("/api/v1/accounts/" + b.id + "/mute", a.token));
  EXPECT_TRUE(boolean(rel, "muting"));
  EXPECT_TRUE(boolean(rel, "muting_notifications"));
  EXPECT_TRUE(boolean(rel, "following")) << "a mute does not unfollow";
  EXPECT_FALSE(has_id(Api::ok_json(api().get("/api/v1/timelines/home", a.token)), post));
  const std::string later = api().post_id(b, "posted while muted");
  auto home = Api::ok_json(api().get("/api/v1/timelines/home", a.token));
  EXPECT_FALSE(has_id(home, later));
  EXPECT_FALSE(
      has_id(Api::ok_json(api().get("/api/v1/timelines/public?limit=40", a.token)), later));
  // The post itself can still be opened.
  EXPECT_EQ(str(api().status(later, a.token), "id"), later);
  EXPECT_EQ(ids(Api::ok_json(api().get("/api/v1/mutes", a.token))), std::vector<std::string>{b.id});

  rel = Api::ok_json(api().post_form("/api/v1/accounts/" + b.id + "/mute",
                                     form({{"notifications", "false"}}), a.token));
  EXPECT_FALSE(boolean(rel, "muting_notifications"));
  rel = Api::ok_json(api().post("/api/v1/accounts/" + b.id + "/unmute", a.token));
  EXPECT_FALSE(boolean(rel, "muting"));
  home = Api::ok_json(api().get("/api/v1/timelines/home", a.token));
  EXPECT_TRUE(has_id(home, post));
  EXPECT_TRUE(has_id(home, later));
  expect_error(api().post("/api/v1/accounts/" + a.id + "/mute", a.token), 403);
}

TEST_F(AccountsApiIntegration, PostingDefaultsAreSavedShownAndUsed) {
  auto u = new_user("defaults");
  auto me = Api::ok_json(api().get("/api/v1/accounts/verify_credentials", u.token));
  EXPECT_EQ(str(me, "source.privacy"), "public");
  EXPECT_FALSE(boolean(me, "source.sensitive"));
  EXPECT_EQ(str(me, "source.language"), "") << "none: documented as an empty string";

  auto updated = Api::ok_json(api().send_form("PATCH", "/api/v1/accounts/update_credentials",
                                              form({{"source[privacy]", "private"},
                                                    {"source[sensitive]", "true"},
                                                    {"source[language]", "de"}}),
                                              u.token));
  EXPECT_EQ(str(updated, "source.privacy"), "private");
  EXPECT_TRUE(boolean(updated, "source.sensitive"));
  EXPECT_EQ(str(updated, "source.language"), "de");
  me = Api::ok_json(api().get("/api/v1/accounts/verify_credentials", u.token));
  EXPECT_EQ(str(me, "source.privacy"), "private");
  EXPECT_EQ(str(me, "source.language"), "de");
  auto prefs = Api::ok_json(api().get("/api/v1/preferences", u.token));
  EXPECT_EQ(str(prefs, "posting:default:visibility"), "private");
  EXPECT_TRUE(boolean(prefs, "posting:default:sensitive"));
  EXPECT_EQ(str(prefs, "posting:default:language"), "de");

  // A post that does not say takes the defaults; one that does keeps its own.
  auto defaulted = api().post_status(u, "with defaults");
  EXPECT_EQ(str(defaulted, "visibility"), "private");
  EXPECT_TRUE(boolean(defaulted, "sensitive"));
  EXPECT_EQ(str(defaulted, "language"), "de");
  auto explicit_post = api().post_status(
      u, "explicit", {{"visibility", "unlisted"}, {"sensitive", "false"}, {"language", "fr"}});
  EXPECT_EQ(str(explicit_post, "visibility"), "unlisted");
  EXPECT_FALSE(boolean(explicit_post, "sensitive"));
  EXPECT_EQ(str(explicit_post, "language"), "fr");

  // Other fields of the profile are untouched by a defaults-only update, and an
  // empty language clears the default.
  updated = Api::ok_json(api().send_json(
      "PATCH", "/api/v1/accounts/update_credentials",
      json::value{{"source", json::value{{"privacy", "direct"}, {"language", ""}}}}, u.token));
  EXPECT_EQ(str(updated, "source.privacy"), "direct");
  EXPECT_TRUE(boolean(updated, "source.sensitive"));
  EXPECT_EQ(str(updated, "source.language"), "");
  // Others never see the defaults.
  auto seen = api().account(u.id);
  EXPECT_FALSE(seen.as_object().contains("source"));
}

TEST_F(AccountsApiIntegration, InvalidPostingDefaultsAreRefusedNamingTheField) {
  auto u = new_user("baddefaults");
  auto bad_privacy = api().send_form("PATCH", "/api/v1/accounts/update_credentials",
                                     form({{"source[privacy]", "secret"}}), u.token);
  EXPECT_TRUE(contains(expect_error(bad_privacy, 422), "source[privacy]")) << bad_privacy;
  auto bad_sensitive = api().send_form("PATCH", "/api/v1/accounts/update_credentials",
                                       form({{"source[sensitive]", "maybe"}}), u.token);
  EXPECT_TRUE(contains(expect_error(bad_sensitive, 422), "source[sensitive]")) << bad_sensitive;
  for (const char* language : {"xx", "english", "EN", "e"}) {
    auto bad_language = api().send_form("PATCH", "/api/v1/accounts/update_credentials",
                                        form({{"source[language]", language}}), u.token);
    EXPECT_TRUE(contains(expect_error(bad_language, 422), "source[language]"))
        << language << " " << bad_language;
  }
  // Nothing was saved.
  auto me = Api::ok_json(api().get("/api/v1/accounts/verify_credentials", u.token));
  EXPECT_EQ(str(me, "source.privacy"), "public");
  EXPECT_EQ(str(me, "source.language"), "") << "none: documented as an empty string";
}

}  // namespace
}  // namespace publius::integration
