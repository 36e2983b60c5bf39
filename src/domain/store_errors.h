// What a client reads when a store write loses a race. Between the domain's checks
// and the store's write, another request may delete a row the write names (the
// post being favourited, the account being followed) or take one it needs (an
// upload attached by a parallel post). The store reports that with a code and a
// technical message (store/store.h); phrase_store_error() says it as Mastodon
// would. Every other error passes unchanged: a 409, a 503 or a 500, which the edge
// phrases.
//
// Stateless; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace publius::domain {

// What a client reads when uploads named for a post cannot be attached: not the
// author's, in another post, or gone (found so by the domain's check or, in a race,
// by the store's write).
inline constexpr std::string_view kMediaNotAttachable =
    "Validation failed: media attachments were not found";

// kNotFound (a row the write names is gone) becomes Mastodon's "Record not found";
// kUnprocessable (the write's input no longer holds) becomes `no_longer_valid`
// when one is given.
template <typename T>
Result<T> phrase_store_error(Result<T> result, std::string_view no_longer_valid = {}) {
  if (result.ok()) return result;
  if (result.error().code == ErrorCode::kNotFound) return not_found();
  if (result.error().code == ErrorCode::kUnprocessable && !no_longer_valid.empty())
    return unprocessable(std::string(no_longer_valid));
  return result;
}

}  // namespace publius::domain
