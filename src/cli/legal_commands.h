// The legal desk and disclosure inventory commands of the `publius` CLI:
// `publius inventory ...` and `publius legal intake|show|list|transition|produce|
// verify|transparency`. add_legal_commands() registers them on the top-level app
// and returns a runner to call after parsing: it returns the exit status when
// one of these commands was parsed, nullopt otherwise. Exit status: 0 success,
// 1 for a broken audit chain from `verify`, otherwise that of the error
// (cli/exit_status.h), with a message on stderr naming the offending field or flag.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>

namespace publius::cli {

std::function<std::optional<int>()> add_legal_commands(CLI::App& app);

}  // namespace publius::cli
