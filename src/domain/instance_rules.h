// The operator's server rules (`publius serve --rules-file`), as shown by
// /api/v1/instance, /api/v2/instance, /api/v1/instance/rules and the web
// landing page.
//
// Pure function, thread-safe. Errors are kBadRequest values whose message
// names the offending line ("line 3: ..."), for the caller to prefix with
// where the text came from.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace publius::domain {

// Mastodon's limit on the text of one rule, in Unicode code points.
inline constexpr size_t kMaxRuleLength = 300;

// One rule per line, in order. Surrounding whitespace is trimmed; blank lines and
// lines starting with '#' are skipped. A line that is not valid UTF-8, holds a
// control character or is longer than kMaxRuleLength is refused.
Result<std::vector<std::string>> parse_instance_rules(std::string_view text);

}  // namespace publius::domain
