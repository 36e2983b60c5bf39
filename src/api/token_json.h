// Mastodon's Token entity for a token just issued (the OAuth token endpoint), also as
// registration and joining a collective account answer it: with the recovery codes of the
// new account or member, shown this once. Pure.
#pragma once

#include <string>
#include <vector>

#include "domain/credentials.h"

namespace publius::api {

// `recovery_codes`, when given, are added as Publius's own `recovery_codes` array.
std::string token_json(const domain::IssuedToken& issued,
                       const std::vector<std::string>* recovery_codes = nullptr);

}  // namespace publius::api
