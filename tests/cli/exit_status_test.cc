#include "cli/exit_status.h"

#include <gtest/gtest.h>

namespace publius::cli {
namespace {

TEST(ExitStatus, ServerFailuresAreOneAndTheOperatorsInputTwo) {
  EXPECT_EQ(exit_status(ErrorCode::kInternal), 1);
  EXPECT_EQ(exit_status(ErrorCode::kUnavailable), 1);
  for (ErrorCode code :
       {ErrorCode::kBadRequest, ErrorCode::kNotFound, ErrorCode::kConflict, ErrorCode::kForbidden,
        ErrorCode::kGone, ErrorCode::kPayloadTooLarge, ErrorCode::kTooManyRequests})
    EXPECT_EQ(exit_status(code), 2);
}

TEST(ExitStatus, AFileThatIsNotWhatItMustBeIsThreeAndASecretThatDoesNotOpenFour) {
  EXPECT_EQ(exit_status(ErrorCode::kUnprocessable), 3);
  EXPECT_EQ(exit_status(ErrorCode::kUnauthorized), 4);
}

TEST(ExitStatus, AFlagsValueThatBreaksARuleIsUsage) {
  const Error e = about_flag("--password-file", unprocessable("Password is too short"));
  EXPECT_EQ(e.message, "--password-file: Password is too short");
  EXPECT_EQ(exit_status(e.code), 2);
  // A failure behind the flag stays what it was.
  EXPECT_EQ(about_flag("--username", internal_error("disk full")).code, ErrorCode::kInternal);
}

}  // namespace
}  // namespace publius::cli
