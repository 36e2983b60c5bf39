// The `publius` command line: `serve` and the operator commands (`admin ...`).
// Every flag also reads a PUBLIUS_* environment variable. run_cli() returns the
// process exit status: 0 on success, otherwise the status of the error
// (cli/exit_status.h); errors are printed to stderr naming the offending flag or value.
#pragma once

namespace publius::cli {

int run_cli(int argc, char** argv);

}  // namespace publius::cli
