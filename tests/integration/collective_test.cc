// Collective accounts through the whole request path (docs/collective-accounts.md):
// the API (making one, invites, joining, the member list, removal, handover), the
// OAuth password and authorization-code flows with a member's password, the web UI's
// forms with JavaScript off, sealed DMs every member reads, and bad input answered
// with a clear 4xx and nothing written.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/app_fixture.h"

namespace publius::testing {
namespace {

namespace json = boost::json;

constexpr const char* kOwnerPassword = "owner password 1";

class CollectiveTest : public AppFixture {
 protected:
  void SetUp() override {
    AppFixture::SetUp();
    auto registered = microblog_->accounts().register_account("alt_agency", kOwnerPassword);
    ASSERT_TRUE(registered.ok());
    account_ = registered->account.id;
    auto app = api("POST", "/api/v1/apps", "",
                   "client_name=Client&redirect_uris=https%3A%2F%2Fapp.example%2Fcb&scopes=read+"
                   "write+follow");
    ASSERT_EQ(app.status, 200) << app.body;
    const auto app_json = json::parse(app.body).as_object();
    client_id_ = std::string(app_json.at("client_id").as_string());
    client_secret_ = std::string(app_json.at("client_secret").as_string());
    auto token = api("POST", "/oauth/token", "",
                     "grant_type=client_credentials&scope=read+write&client_id=" + client_id_ +
                         "&client_secret=" + client_secret_);
    ASSERT_EQ(token.status, 200) << token.body;
    app_token_ = string_at(token, "access_token");
  }

  http::Response api(const std::string& method, const std::string& target, const std::string& token,
                     const std::string& form = "") {
    http::Request req = browser_request(method, target, "", form);
    if (method != "GET" && !form.empty()) {
      req.body = form;
      if (method != "POST")
        req.headers.push_back({"content-type", "application/x-www-form-urlencoded"});
    }
    if (!token.empty()) req.headers.push_back({"authorization", "Bearer " + token});
    return send(req);
  }
  static std::string string_at(const http::Response& r, std::string_view key) {
    auto v = json::parse(r.body);
    if (!v.is_object() || !v.as_object().contains(key)) return "";
    const auto& field = v.as_object().at(key);
    return field.is_string() ? std::string(field.as_string()) : json::serialize(field);
  }

  // A token by the password grant, as an ordinary Mastodon app signs in.
  std::string password_grant(const std::string& password) {
    auto r =
        api("POST", "/oauth/token", "",
            "grant_type=password&scope=read+write+follow&username=alt_agency&password=" + password +
                "&client_id=" + client_id_ + "&client_secret=" + client_secret_);
    return r.status == 200 ? string_at(r, "access_token") : "";
  }

  // Makes alt_agency collective through the API; the owner's new token.
  std::string make_collective() {
    const std::string old_token = password_grant(kOwnerPassword);
    auto made = api("POST", "/api/v1/collective", old_token, "password=owner+password+1");
    EXPECT_EQ(made.status, 200) << made.body;
    EXPECT_EQ(json::parse(made.body).at("recovery_codes").as_array().size(), 10u);
    EXPECT_EQ(api("GET", "/api/v1/accounts/verify_credentials", old_token).status, 401);
    return string_at(made, "access_token");
  }

  // Joins through the API with a fresh invite from `owner`; the member's token.
  std::string join(const std::string& owner, const std::string& password) {
    auto invited = api("POST", "/api/v1/collective/invites", owner);
    EXPECT_EQ(invited.status, 200) << invited.body;
    auto joined = api("POST", "/api/v1/collective/join", app_token_,
                      "code=" + string_at(invited, "code") + "&password=" + password);
    EXPECT_EQ(joined.status, 200) << joined.body;
    return string_at(joined, "access_token");
  }

  json::array members(const std::string& token) {
    auto r = api("GET", "/api/v1/collective", token);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).at("members").as_array();
  }

  int64_t account_ = 0;
  std::string client_id_, client_secret_, app_token_;
};

TEST_F(CollectiveTest, MembersJoinAndSignInWithTheirOwnPasswordsAndPostAsTheAccount) {
  const std::string owner = make_collective();
  const std::string joined = join(owner, "second+member+pw");
  ASSERT_FALSE(joined.empty());
  // An ordinary app signs in with the account's name and the member's password.
  const std::string second = password_grant("second+member+pw");
  ASSERT_FALSE(second.empty());
  EXPECT_TRUE(password_grant("nobody+has+this").empty());

  auto listed = members(second);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].at("number").as_int64(), 1);
  EXPECT_TRUE(listed[0].at("owner").as_bool());
  EXPECT_FALSE(listed[0].at("you").as_bool());
  EXPECT_TRUE(listed[1].at("you").as_bool());
  EXPECT_EQ(listed[1].as_object().size(), 5u);  // id, number, joined_on, owner, you: no more

  auto posted = api("POST", "/api/v1/statuses", second, "status=from+the+collective");
  ASSERT_EQ(posted.status, 200) << posted.body;
  EXPECT_EQ(std::string(json::parse(posted.body).at("account").at("id").as_string()),
            std::to_string(account_));
}

TEST_F(CollectiveTest, TheAuthorizationCodeFlowWorksWithAMemberPassword) {
  const std::string owner = make_collective();
  join(owner, "second+member+pw");
  auto authorized =
      api("POST", "/oauth/authorize", "",
          "response_type=code&client_id=" + client_id_ +
              "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&scope=read+write&username=alt_agency"
              "&password=second+member+pw");
  ASSERT_EQ(authorized.status / 100, 3) << authorized.body;
  const std::string location = header(authorized, "Location");
  const auto at = location.find("code=");
  ASSERT_NE(at, std::string::npos) << location;
  const std::string code = location.substr(at + 5, location.find('&', at) - at - 5);
  auto token = api("POST", "/oauth/token", "",
                   "grant_type=authorization_code&code=" + code +
                       "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&client_id=" + client_id_ +
                       "&client_secret=" + client_secret_);
  ASSERT_EQ(token.status, 200) << token.body;
  // The token is the second member's: it is "you" in the list, and leaving ends it.
  const std::string second = string_at(token, "access_token");
  auto listed = members(second);
  ASSERT_EQ(listed.size(), 2u);
  ASSERT_TRUE(listed[1].at("you").as_bool());
  const std::string own_id(listed[1].at("id").as_string());
  EXPECT_EQ(api("DELETE", "/api/v1/collective/members/" + own_id, second).status, 200);
  EXPECT_EQ(api("GET", "/api/v1/accounts/verify_credentials", second).status, 401);
  EXPECT_EQ(members(owner).size(), 1u);
}

TEST_F(CollectiveTest, DirectMessagesAreReadableByEveryMember) {
  const std::string owner = make_collective();
  const std::string second = join(owner, "second+member+pw");
  auto bob = microblog_->accounts().register_account("bob", "bob password 1");
  ASSERT_TRUE(bob.ok());
  auto bob_token =
      microblog_->credentials().issue_token(1, bob->account.id, "read write", &bob->key);
  ASSERT_TRUE(bob_token.ok());
  auto sent = api("POST", "/api/v1/statuses", bob_token->secret,
                  "status=%40alt_agency+the+files+are+ready&visibility=direct");
  ASSERT_EQ(sent.status, 200) << sent.body;
  const std::string id = string_at(sent, "id");
  for (const auto& token : {owner, second}) {
    auto read = api("GET", "/api/v1/statuses/" + id, token);
    ASSERT_EQ(read.status, 200) << read.body;
    EXPECT_NE(read.body.find("the files are ready"), std::string::npos);
  }
}

TEST_F(CollectiveTest, RemovalAndHandoverFollowTheOwnersRules) {
  const std::string owner = make_collective();
  const std::string second = join(owner, "second+member+pw");
  const std::string third = join(owner, "third+member+pw");
  auto listed = members(owner);
  ASSERT_EQ(listed.size(), 3u);
  const std::string owner_id(listed[0].at("id").as_string());
  const std::string second_id(listed[1].at("id").as_string());
  const std::string third_id(listed[2].at("id").as_string());

  auto by_peer = api("DELETE", "/api/v1/collective/members/" + third_id, second);
  EXPECT_EQ(by_peer.status, 403) << by_peer.body;
  EXPECT_NE(string_at(by_peer, "error"), "");
  EXPECT_EQ(api("POST", "/api/v1/collective/members/" + owner_id + "/owner", second).status, 403);
  auto owner_leaves = api("DELETE", "/api/v1/collective/members/" + owner_id, owner);
  EXPECT_EQ(owner_leaves.status, 422) << owner_leaves.body;
  EXPECT_EQ(api("DELETE", "/api/v1/collective/members/999999", owner).status, 404);

  EXPECT_EQ(api("DELETE", "/api/v1/collective/members/" + third_id, owner).status, 200);
  EXPECT_EQ(api("GET", "/api/v1/accounts/verify_credentials", third).status, 401);
  EXPECT_EQ(api("POST", "/api/v1/collective/members/" + second_id + "/owner", owner).status, 200);
  EXPECT_EQ(api("POST", "/api/v1/collective/invites", owner).status, 403);
  EXPECT_EQ(api("POST", "/api/v1/collective/invites", second).status, 200);
  EXPECT_EQ(api("DELETE", "/api/v1/collective/members/" + owner_id, owner).status, 200);
  auto last = api("DELETE", "/api/v1/collective/members/" + second_id, second);
  EXPECT_EQ(last.status, 422) << last.body;
  EXPECT_EQ(members(second).size(), 1u);
}

TEST_F(CollectiveTest, BadInputGetsAClear4xxAndWritesNothing) {
  const std::string one_person = password_grant(kOwnerPassword);
  auto wrong = api("POST", "/api/v1/collective", one_person, "password=not+it");
  EXPECT_EQ(wrong.status, 422) << wrong.body;
  EXPECT_NE(string_at(wrong, "error"), "");
  EXPECT_EQ(api("GET", "/api/v1/accounts/verify_credentials", one_person).status, 200);
  auto not_collective = api("POST", "/api/v1/collective/invites", one_person);
  EXPECT_EQ(not_collective.status, 422) << not_collective.body;
  EXPECT_EQ(api("POST", "/api/v1/collective", "", "password=x").status, 401);

  const std::string owner = make_collective();
  EXPECT_EQ(api("POST", "/api/v1/collective", owner, "password=owner+password+1").status, 422);
  auto bad_code = api("POST", "/api/v1/collective/join", app_token_,
                      "code=no-such-code&password=long+enough+pw");
  EXPECT_EQ(bad_code.status, 422) << bad_code.body;
  auto invited = api("POST", "/api/v1/collective/invites", owner);
  const std::string code = string_at(invited, "code");
  auto short_password =
      api("POST", "/api/v1/collective/join", app_token_, "code=" + code + "&password=short");
  EXPECT_EQ(short_password.status, 422) << short_password.body;
  EXPECT_EQ(members(owner).size(), 1u);
  // The refused attempts spent nothing: the code still works once, then never again.
  EXPECT_EQ(api("POST", "/api/v1/collective/join", app_token_,
                "code=" + code + "&password=long+enough+pw")
                .status,
            200);
  EXPECT_EQ(api("POST", "/api/v1/collective/join", app_token_,
                "code=" + code + "&password=another+long+pw")
                .status,
            422);
  EXPECT_EQ(members(owner).size(), 2u);
}

// The web UI with JavaScript off: forms and redirects only.
TEST_F(CollectiveTest, TheOwnerInvitesAndAMemberJoinsAndPostsOnTheWeb) {
  const std::string anon = random_token(32);  // as a first visit sets it
  auto signed_in =
      browse("POST", "/auth/sign_in", anon, "username=alt_agency&password=owner+password+1");
  ASSERT_EQ(signed_in.status, 303) << signed_in.body;
  auto cookie_of = [](const http::Response& r) {
    for (const auto& [k, v] : r.headers)
      if (k == "Set-Cookie" && v.find(web::kSessionCookie) == 0) {
        std::string c = v.substr(v.find('=') + 1);
        return c.substr(0, c.find(';'));
      }
    return std::string();
  };
  std::string owner = cookie_of(signed_in);
  ASSERT_FALSE(owner.empty());
  auto page = browse("GET", "/settings/collective", owner);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Make this account collective"), std::string::npos);
  auto made =
      browse("POST", "/settings/collective/make", owner, "current_password=owner+password+1");
  ASSERT_EQ(made.status, 200) << made.body;
  owner = cookie_of(made);
  ASSERT_FALSE(owner.empty());
  auto invite = browse("POST", "/settings/collective/invite", owner);
  ASSERT_EQ(invite.status, 200) << invite.body;
  const auto start = invite.body.find("class=\"invite-code\">");
  ASSERT_NE(start, std::string::npos);
  const auto from = start + std::string("class=\"invite-code\">").size();
  const std::string code = invite.body.substr(from, invite.body.find('<', from) - from);

  const std::string member_anon = random_token(32);
  auto refused = browse("POST", "/join", member_anon, "code=wrong&password=member+password");
  EXPECT_EQ(refused.status, 422);
  auto joined = browse("POST", "/join", member_anon, "code=" + code + "&password=member+password");
  ASSERT_EQ(joined.status, 200) << joined.body;
  const std::string member = cookie_of(joined);
  ASSERT_FALSE(member.empty());
  auto posted = browse("POST", "/statuses", member, "status=posted+by+a+member+on+the+web");
  EXPECT_EQ(posted.status / 100, 3) << posted.body;
  auto profile = browse("GET", "/@alt_agency", member);
  EXPECT_NE(profile.body.find("posted by a member on the web"), std::string::npos);

  auto listing = browse("GET", "/settings/collective", member);
  ASSERT_EQ(listing.status, 200);
  EXPECT_NE(listing.body.find("Member 1 (owner)"), std::string::npos);
  EXPECT_NE(listing.body.find("Member 2 (you)"), std::string::npos);
  // Each password field is told apart by its section: no section labels two fields alike.
  for (size_t at = listing.body.find("<section"); at != std::string::npos;) {
    const size_t next = listing.body.find("<section", at + 1);
    const std::string section = listing.body.substr(at, next - at);
    const size_t first = section.find(">Current password<");
    EXPECT_TRUE(first == std::string::npos ||
                section.find(">Current password<", first + 1) == std::string::npos)
        << section;
    at = next;
  }
  auto listing_owner = browse("GET", "/settings/collective", owner);
  EXPECT_NE(listing_owner.body.find("Member 1 (owner) (you)"), std::string::npos);
  const auto remove_at = listing_owner.body.find("/settings/collective/members/");
  ASSERT_NE(remove_at, std::string::npos);
  // The owner removes the member: the member's browser is signed out at once.
  auto members_list = microblog_->collectives().members(account_, std::nullopt);
  ASSERT_TRUE(members_list.ok() && members_list->size() == 2);
  auto removed = browse(
      "POST", "/settings/collective/members/" + std::to_string((*members_list)[1].id) + "/remove",
      owner);
  EXPECT_EQ(removed.status, 303) << removed.body;
  EXPECT_EQ(browse("GET", "/settings/collective", member).status / 100, 3);
}

}  // namespace
}  // namespace publius::testing
