// Which redirect URIs an OAuth app may register, and be sent to after
// authorization. Pure functions, thread-safe.
//
// A deny-list of schemes, not an allow-list: as in Mastodon, native apps
// register their own schemes (myapp://callback) and the out-of-band URN, and
// no list could name them all. What is refused is every scheme that runs
// script in, or hands a document to, whatever page the browser is on
// (javascript:, vbscript:, livescript:, data:, blob:, filesystem:, about:) or
// reads local data (file:, jar:, view-source:, mhtml:): after authorization
// the server redirects the browser there with a fresh code.
#pragma once

#include <string_view>

#include "util/result.h"

namespace publius::oauth {

// The out-of-band redirect: the code is shown on a page for the person to copy.
inline constexpr std::string_view kOutOfBandRedirectUri = "urn:ietf:wg:oauth:2.0:oob";

// OK for the out-of-band URN and for an absolute URI (an RFC 3986 scheme, at
// most 2000 bytes, no fragment, no space, control character, '<', '>' or '"')
// whose scheme (in any case) is not refused above. Otherwise kUnprocessable
// with Mastodon's message ("Validation failed: Redirect URI ...").
Status check_redirect_uri(std::string_view uri);

}  // namespace publius::oauth
