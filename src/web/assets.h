// The web UI's static files, compiled into the binary so the server needs no
// asset directory and no build step: one stylesheet (light and dark themes from
// prefers-color-scheme) and one optional script (the live character counter;
// every page works without it). Immutable strings; thread-safe.
#pragma once

#include <string_view>

namespace publius::web {

// Paths carry a version so the files can be cached for a year and still change.
inline constexpr std::string_view kStylesheetPath = "/static/app-1.css";
inline constexpr std::string_view kCounterScriptPath = "/static/counter-1.js";

std::string_view stylesheet();
std::string_view counter_script();

}  // namespace publius::web
