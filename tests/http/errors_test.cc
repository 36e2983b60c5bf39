#include "http/errors.h"

#include <gtest/gtest.h>

namespace publius::http {
namespace {

std::string_view header_of(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

TEST(HttpErrors, EachCodeHasItsOwnStatus) {
  EXPECT_EQ(status_for(ErrorCode::kBadRequest), 400);
  EXPECT_EQ(status_for(ErrorCode::kUnauthorized), 401);
  EXPECT_EQ(status_for(ErrorCode::kForbidden), 403);
  EXPECT_EQ(status_for(ErrorCode::kNotFound), 404);
  EXPECT_EQ(status_for(ErrorCode::kConflict), 409);
  EXPECT_EQ(status_for(ErrorCode::kGone), 410);
  EXPECT_EQ(status_for(ErrorCode::kPayloadTooLarge), 413);
  EXPECT_EQ(status_for(ErrorCode::kUnprocessable), 422);
  EXPECT_EQ(status_for(ErrorCode::kTooManyRequests), 429);
  EXPECT_EQ(status_for(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(status_for(ErrorCode::kInternal), 500);
}

TEST(HttpErrors, UnavailableIsARetryable503) {
  const auto r = error_response(unavailable("database is locked"));
  EXPECT_EQ(r.status, 503);
  EXPECT_FALSE(header_of(r, "Retry-After").empty());
  // The storage message stays in the log.
  EXPECT_EQ(r.body.find("locked"), std::string::npos);
}

TEST(HttpErrors, AThrottledAnswerSaysWhenToRetry) {
  const auto r = error_response(too_many_requests("Too many failed attempts", 17));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(header_of(r, "Retry-After"), "17");
  EXPECT_EQ(r.body, R"({"error":"Too many failed attempts"})");
}

TEST(HttpErrors, InternalErrorsHideTheirMessage) {
  const auto r = error_response(internal_error("disk I/O error at /var/secret"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, R"({"error":"Internal server error"})");
  EXPECT_TRUE(header_of(r, "Retry-After").empty());
}

TEST(HttpErrors, ClientErrorsKeepTheirMessage) {
  const auto r = error_response(unprocessable("Validation failed: Text can't be blank"));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body, R"({"error":"Validation failed: Text can't be blank"})");
}

TEST(HttpErrors, FieldErrorsGoInMastodonsDetailsEachFieldOnce) {
  const auto r = error_response(validation_failed({{"username", "ERR_INVALID", "is invalid"},
                                                   {"password", "ERR_BLANK", "can't be blank"},
                                                   {"username", "ERR_TOO_LONG", "is too long"}}));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body,
            R"({"error":"Validation failed: Username is invalid, Password can't be blank, )"
            R"(Username is too long","details":{"username":[{"error":"ERR_INVALID",)"
            R"("description":"is invalid"},{"error":"ERR_TOO_LONG","description":"is too long"}],)"
            R"("password":[{"error":"ERR_BLANK","description":"can't be blank"}]}})");
}

}  // namespace
}  // namespace publius::http
