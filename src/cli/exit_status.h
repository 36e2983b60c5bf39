// The one mapping from an error (util/result.h) to the exit status of a
// `publius` command, as http/errors.h is the one mapping to an HTTP status:
//   1  the server side failed (storage, I/O; kInternal, kUnavailable)
//   2  the operator's input is wrong (a flag, a name, a file: every other code)
//   3  a file given is not what it must be (kUnprocessable: not a backup, damaged)
//   4  a secret given does not open what it should (kUnauthorized: a passphrase)
#pragma once

#include <string_view>

#include "util/result.h"

namespace publius::cli {

int exit_status(ErrorCode code);

// Prints "publius: <message>" on stderr and returns exit_status(e.code).
int report(const Error& e);

// `e` as a refusal of the value of `flag`: the message names the flag, and a value
// that breaks a rule (kUnprocessable) is the operator's input, not a damaged file.
Error about_flag(std::string_view flag, Error e);

}  // namespace publius::cli
