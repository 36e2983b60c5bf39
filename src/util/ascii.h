// ASCII case folding for protocol tokens: host names, URL schemes, header names, media
// type parameters. Not for text people write (that is Unicode; see utf8.h).
#pragma once

#include <string>
#include <string_view>

namespace publius {

// `s` with its ASCII letters lowercased; every other byte unchanged. Thread-safe (pure).
std::string ascii_lowercase(std::string_view s);

}  // namespace publius
