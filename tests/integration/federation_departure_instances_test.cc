// Two Publius servers over loopback: when an account on A is erased, the servers that know
// it hear a Delete of its actor, signed with the key it had, and drop their copy of it
// with its posts.
#include "integration/federation_instances.h"

namespace publius::integration {
namespace {

TEST(FederationDepartureInstances, AnErasedAccountLeavesTheOtherServerToo) {
  Instance a, b;
  ASSERT_TRUE(a.start());
  ASSERT_TRUE(b.start());
  auto alice = a.api->register_user(a.app_token, "alice");
  auto bob = b.api->register_user(b.app_token, "bob");
  const std::string alice_on_b = follow_across(b, bob, a, alice);
  ASSERT_FALSE(alice_on_b.empty());
  a.api->post_id(alice, "before I go");
  const auto home = [&] { return Api::ok_json(b.api->get("/api/v1/timelines/home", bob.token)); };
  ASSERT_EQ(arr(until(home, [](const json::value& v) { return !arr(v).empty(); })).size(), 1u);

  // A's operator erases alice.
  auto admin = a.api->register_user(a.app_token, "admin");
  auto promoted =
      run_command({"admin", "set-role", "--data-dir", a.data_dir, admin.username, "admin"});
  ASSERT_EQ(promoted.exit_code, 0) << promoted.err;
  const auto admin_app =
      a.api->create_app("read write admin:read admin:write", "urn:ietf:wg:oauth:2.0:oob");
  const std::string admin_token = a.api->password_token(admin_app, admin, "admin:read admin:write");
  // The role set by another process is seen on the server's next read of the account.
  auto erased = until(
      [&] {
        auto r = a.api->del("/api/v1/admin/accounts/" + alice.id, admin_token);
        return json::value(static_cast<int64_t>(r.status));
      },
      [](const json::value& v) { return v.as_int64() == 200; });
  ASSERT_EQ(erased.as_int64(), 200);

  // B hears it: the account and its post are gone there too.
  auto gone = until(
      [&] {
        return json::value(
            static_cast<int64_t>(b.api->get("/api/v1/accounts/" + alice_on_b, bob.token).status));
      },
      [](const json::value& v) { return v.as_int64() == 404; });
  EXPECT_EQ(gone.as_int64(), 404);
  EXPECT_TRUE(arr(home()).empty());
}

}  // namespace
}  // namespace publius::integration
