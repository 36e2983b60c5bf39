// publius: entry point. Everything is in src/cli/.
#include "cli/commands.h"

int main(int argc, char** argv) { return publius::cli::run_cli(argc, argv); }
