// Whether bytes are UTF-8, for inputs from outside (form fields, WebSocket text).
#pragma once

#include <string_view>

namespace publius {

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
// Thread-safe (pure).
bool is_valid_utf8(std::string_view s);

}  // namespace publius
