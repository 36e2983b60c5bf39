// The operator's domain blocks on the command line: `publius admin domain-block add
// DOMAIN --severity suspend|silence|noop [--reject-media] [--reject-reports]
// [--public-comment TEXT] [--private-comment TEXT]`, `... remove DOMAIN` and `... list`,
// all through domain::DomainBlocks as the admin API and the web UI's admin pages. They
// open the data directory while the server runs (it sees the change at its next read).
// add_domain_block_commands() registers them under `admin` and returns a runner to call
// after parsing: the exit status when one of them was parsed, nullopt otherwise. Bad input
// is a message on stderr naming the argument or flag, and a non-zero exit
// (cli/exit_status.h).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>

namespace publius::cli {

std::function<std::optional<int>()> add_domain_block_commands(CLI::App& admin);

}  // namespace publius::cli
