#include "http/router.h"

#include <gtest/gtest.h>

namespace publius::http {
namespace {

Router make_router() {
  Router r;
  r.add("GET", "/api/v1/accounts/verify_credentials",
        [](Request&) { return Response::json("\"me\""); });
  r.add("GET", "/api/v1/accounts/:id", [](Request& req) {
    return Response::json("\"" + std::string(req.path_param("id")) + "\"");
  });
  r.add("POST", "/api/v1/accounts/:id/follow", [](Request& req) {
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

TEST(RouterTest, MatchesLiteralsBeforeParametersInOrderAdded) {
  auto r = make_router();
  EXPECT_EQ(call(r, "GET", "/api/v1/accounts/verify_credentials").body, "\"me\"");
  EXPECT_EQ(call(r, "GET", "/api/v1/accounts/42").body, "\"42\"");
  EXPECT_EQ(call(r, "GET", "/api/v1/accounts/42").route, "/api/v1/accounts/:id");
  EXPECT_EQ(call(r, "POST", "/api/v1/accounts/7/follow").body, "\"follow 7\"");
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
