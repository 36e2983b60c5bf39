#include "http/router.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace publius::http {
namespace {

Router make_router() {
  Router r;
  r.add("GET", "/api/v1/accounts/:id", Policy::anyone(), [](Request& req) {
    return Response::json("\"" + std::string(req.path_param("id")) + "\"");
  });
  r.add("GET", "/api/v1/accounts/verify_credentials", Policy::user("read:accounts"),
        [](Request&) { return Response::json("\"me\""); });
  r.add("POST", "/api/v1/accounts/:id/follow", Policy::user("write:follows"), [](Request& req) {
    return Response::json("\"follow " + std::string(req.path_param("id")) + "\"");
  });
  return r;
}

Response call(const Router& r, std::string method, std::string path) {
  Request req;
  req.method = std::move(method);
  req.path = std::move(path);
  return r.dispatch(req);
}

TEST(RouterTest, LiteralSegmentsWinOverParametersWhateverTheOrderAdded) {
  auto r = make_router();
  EXPECT_EQ(call(r, "GET", "/api/v1/accounts/verify_credentials").body, "\"me\"");
  EXPECT_EQ(call(r, "GET", "/api/v1/accounts/42").body, "\"42\"");
  EXPECT_EQ(call(r, "GET", "/api/v1/accounts/42").route, "/api/v1/accounts/:id");
  EXPECT_EQ(call(r, "POST", "/api/v1/accounts/7/follow").body, "\"follow 7\"");
}

TEST(RouterTest, APrefixedSegmentWinsOverAPlainParameter) {
  Router r;
  r.add("GET", "/:page", Policy::anyone(), [](Request&) { return Response::json("\"page\""); });
  r.add("GET", "/@:acct", Policy::anyone(), [](Request& req) {
    return Response::json("\"" + std::string(req.path_param("acct")) + "\"");
  });
  EXPECT_EQ(call(r, "GET", "/@alice").body, "\"alice\"");
  EXPECT_EQ(call(r, "GET", "/about").body, "\"page\"");
}

// dispatch() looks routes up by their leading literal segments, and routes with a
// parameter among those by their length alone: the most specific still wins across both.
TEST(RouterTest, RoutesWithLiteralAndParameterHeadsCompeteForOnePath) {
  Router r;
  const auto answer = [](std::string name) {
    return [name](Request&) { return Response::json("\"" + name + "\""); };
  };
  r.add("GET", "/users/:name/inbox", Policy::anyone(), answer("any user's"));
  r.add("GET", "/users/instance/inbox", Policy::anyone(), answer("the instance's"));
  r.add("POST", "/:kind/:name/inbox", Policy::anyone(), answer("posted"));
  r.add("GET", "/a/b/c/:d", Policy::anyone(), answer("four"));
  r.add("GET", "/a/b/c", Policy::anyone(), answer("three"));
  EXPECT_EQ(call(r, "GET", "/users/alice/inbox").body, "\"any user's\"");
  EXPECT_EQ(call(r, "GET", "/users/instance/inbox").body, "\"the instance's\"");
  EXPECT_EQ(call(r, "POST", "/users/instance/inbox").body, "\"posted\"");
  EXPECT_EQ(call(r, "DELETE", "/users/instance/inbox").status, 405);
  EXPECT_EQ(call(r, "GET", "/a/b/c/d").body, "\"four\"");
  EXPECT_EQ(call(r, "GET", "/a/b/c").body, "\"three\"");
  EXPECT_EQ(call(r, "GET", "/a/b/x/d").status, 404);
  EXPECT_EQ(call(r, "GET", "/a/b").status, 404);
}

TEST(RouterTest, TheHandlerSeesTheMatchedRoute) {
  Router r;
  std::string seen;
  r.add("GET", "/a/:id", Policy::anyone(), [&seen](Request& req) {
    seen = req.route;
    return Response::json("{}");
  });
  call(r, "GET", "/a/1");
  EXPECT_EQ(seen, "/a/:id");
}

TEST(RouterTest, UnknownPathIs404AndWrongMethodIs405) {
  auto r = make_router();
  auto missing = call(r, "GET", "/api/v1/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, R"({"error":"Record not found"})");
  EXPECT_EQ(call(r, "DELETE", "/api/v1/accounts/7").status, 405);
}

TEST(RouterTest, HeadIsServedByGet) {
  auto r = make_router();
  EXPECT_EQ(call(r, "HEAD", "/api/v1/accounts/9").status, 200);
}

TEST(RouterTest, RepeatedSlashesAreIgnored) {
  auto r = make_router();
  EXPECT_EQ(call(r, "GET", "//api/v1//accounts/5/").body, "\"5\"");
}

TEST(RouterTest, ARouteThatReadsCredentialsMustNameItsScope) {
  Router r;
  auto ok = [](Request&) { return Response::json("{}"); };
  for (Access access : {Access::kOptional, Access::kApp, Access::kUser, Access::kAdmin}) {
    SCOPED_TRACE(std::string(access_name(access)));
    EXPECT_THROW(r.add("GET", "/x", Policy{access, ""}, ok), std::logic_error);
  }
  EXPECT_THROW(r.add("GET", "/x", Policy{Access::kPublic, "read"}, ok), std::logic_error);
  EXPECT_TRUE(r.describe().empty());
}

TEST(RouterTest, TheSameRouteTwiceIsRefused) {
  Router r;
  auto ok = [](Request&) { return Response::json("{}"); };
  r.add("GET", "/api/v1/lists/:id", Policy::user("read:lists"), ok);
  // Another name for the parameter is still the same route: one of them would never run.
  EXPECT_THROW(r.add("GET", "/api/v1/lists/:list_id", Policy::user("read:lists"), ok),
               std::logic_error);
  EXPECT_NO_THROW(r.add("DELETE", "/api/v1/lists/:id", Policy::user("write:lists"), ok));
  EXPECT_NO_THROW(r.add("GET", "/api/v1/lists/:id/accounts", Policy::user("read:lists"), ok));
}

TEST(RouterTest, DescribeExportsEachRouteWithItsPolicy) {
  auto r = make_router();
  const auto table = r.describe();
  ASSERT_EQ(table.size(), 3u);
  EXPECT_EQ(table[1].method, "GET");
  EXPECT_EQ(table[1].pattern, "/api/v1/accounts/verify_credentials");
  EXPECT_EQ(table[1].policy.access, Access::kUser);
  EXPECT_EQ(table[1].policy.scope, "read:accounts");
  EXPECT_EQ(table[0].policy.access, Access::kPublic);
}

TEST(RequestTest, OriginComesFromHostAndForwardedProto) {
  Request req;
  req.headers = {{"host", "example.org:8443"}, {"x-forwarded-proto", "https"}};
  EXPECT_EQ(req.origin(), "https://example.org:8443");
  Request hostile;
  hostile.headers = {{"host", "evil.org/<script>"}};
  EXPECT_EQ(hostile.origin(), "http://evil.orgscript");
}

}  // namespace
}  // namespace publius::http
