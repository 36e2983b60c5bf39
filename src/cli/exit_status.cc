#include "cli/exit_status.h"

#include <iostream>
#include <string>

namespace publius::cli {

int exit_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInternal:
    case ErrorCode::kUnavailable:
      return 1;
    case ErrorCode::kUnprocessable:
      return 3;
    case ErrorCode::kUnauthorized:
      return 4;
    case ErrorCode::kBadRequest:
    case ErrorCode::kForbidden:
    case ErrorCode::kNotFound:
    case ErrorCode::kGone:
    case ErrorCode::kTooManyRequests:
    case ErrorCode::kPayloadTooLarge:
    case ErrorCode::kConflict:
      return 2;
  }
  return 1;
}

int report(const Error& e) {
  std::cerr << "publius: " << e.message << "\n";
  return exit_status(e.code);
}

Error about_flag(std::string_view flag, Error e) {
  e.message = std::string(flag) + ": " + e.message;
  if (e.code == ErrorCode::kUnprocessable) e.code = ErrorCode::kBadRequest;
  return e;
}

}  // namespace publius::cli
