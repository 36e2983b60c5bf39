// The profile directory against the running server: only accounts whose owners chose to be
// listed (update_credentials `discoverable`), ordered by latest post or newest account, paged
// by offset, without the viewer's blocked and muted accounts, and clear errors for bad input.
// The server is this suite's own, so every listed account is one the tests made.
#include <algorithm>

#include "integration/server_harness.h"

namespace publius::integration {
namespace {

class DirectoryIntegration : public ApiIntegrationTest {
 protected:
  static void list(const User& u, bool on = true) {
    auto me =
        Api::ok_json(api().send_form("PATCH", "/api/v1/accounts/update_credentials",
                                     form({{"discoverable", on ? "true" : "false"}}), u.token));
    EXPECT_EQ(boolean(me, "discoverable"), on);
    EXPECT_EQ(boolean(me, "source.discoverable"), on);
  }
  static std::vector<std::string> directory(const std::string& query = "",
                                            const std::string& token = "") {
    return ids(Api::ok_json(api().get("/api/v1/directory" + query, token)));
  }
  static bool listed(const std::vector<std::string>& page, const User& u) {
    return std::find(page.begin(), page.end(), u.id) != page.end();
  }
};

TEST_F(DirectoryIntegration, OnlyAccountsThatChoseToBeListedAppearInTheirOrder) {
  const User quiet = new_user("dirquiet");
  EXPECT_FALSE(boolean(api().account(quiet.id), "discoverable")) << "off unless chosen";
  const User first = new_user("dirfirst"), second = new_user("dirsecond");
  const User silent = new_user("dirsilent");
  for (const User* u : {&first, &second, &silent}) list(*u);
  api().post_id(first, "first posts");
  EXPECT_FALSE(listed(directory("?limit=80"), quiet));

  // Newest account first.
  auto newest = directory("?order=new&limit=80");
  ASSERT_GE(newest.size(), 3u);
  EXPECT_EQ(std::vector<std::string>(newest.begin(), newest.begin() + 3),
            (std::vector<std::string>{silent.id, second.id, first.id}));
  // Active: accounts that posted first, latest post day first; those that never posted last.
  auto active = directory("?limit=80");
  EXPECT_EQ(active.front(), first.id);
  EXPECT_EQ(active, directory("?order=active&limit=80&local=true"));
  EXPECT_LT(std::find(active.begin(), active.end(), first.id) - active.begin(),
            std::find(active.begin(), active.end(), silent.id) - active.begin());

  // Offset and limit page through it.
  EXPECT_EQ(directory("?order=new&limit=1&offset=1"), (std::vector<std::string>{second.id}));
  EXPECT_TRUE(directory("?order=new&offset=100000").empty());
  EXPECT_EQ(directory("?order=new&limit=1&offset=-5"), (std::vector<std::string>{silent.id}));

  // Choosing again takes an account out.
  list(second, false);
  EXPECT_FALSE(listed(directory("?limit=80"), second));
  EXPECT_FALSE(boolean(api().account(second.id), "discoverable"));
}

TEST_F(DirectoryIntegration, TheViewersBlockedAndMutedAccountsAreLeftOut) {
  const User viewer = new_user("dirviewer"), muted = new_user("dirmuted");
  const User blocker = new_user("dirblocker"), plain = new_user("dirplain");
  for (const User* u : {&muted, &blocker, &plain}) list(*u);
  Api::ok_json(api().post("/api/v1/accounts/" + muted.id + "/mute", viewer.token));
  Api::ok_json(api().post("/api/v1/accounts/" + viewer.id + "/block", blocker.token));
  auto seen = directory("?limit=80", viewer.token);
  EXPECT_TRUE(listed(seen, plain));
  EXPECT_FALSE(listed(seen, muted));
  EXPECT_FALSE(listed(seen, blocker));
  // Without a token, everyone listed.
  auto anonymous = directory("?limit=80");
  EXPECT_TRUE(listed(anonymous, muted));
  EXPECT_TRUE(listed(anonymous, blocker));
}

TEST_F(DirectoryIntegration, BadInputIsAClearError) {
  const User u = new_user("dirbad");
  for (const std::string query :
       {"?order=oldest", "?limit=abc", "?offset=abc", "?local=maybe", "?order[]=new"}) {
    SCOPED_TRACE(query);
    const auto r = api().get("/api/v1/directory" + query);
    EXPECT_GE(r.status, 400);
    EXPECT_LT(r.status, 500);
    expect_error(r, r.status);
  }
  EXPECT_TRUE(contains(expect_error(api().get("/api/v1/directory?order=oldest"), 400), "order"));
  expect_error(api().send_form("PATCH", "/api/v1/accounts/update_credentials",
                               form({{"discoverable", "sometimes"}}), u.token),
               400);
  EXPECT_FALSE(boolean(api().account(u.id), "discoverable"));
  expect_error(api().get("/api/v1/directory", "not-a-token"), 401);
}

}  // namespace
}  // namespace publius::integration
