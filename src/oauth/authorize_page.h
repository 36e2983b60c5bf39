// The HTML of the OAuth sign-in and consent page (GET /oauth/authorize) and of
// the out-of-band code page. Server-rendered, no script, every value escaped:
// it must work in Tor Browser at its Safest level. Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace publius::oauth {

struct AuthorizeRequest {
  std::string client_id;
  std::string redirect_uri;
  std::string scope;
  std::string state;
  std::string code_challenge;
  std::string code_challenge_method;
};

std::string authorize_page(std::string_view instance_title, std::string_view app_name,
                           const AuthorizeRequest& request, std::string_view error_message);
std::string oob_code_page(std::string_view instance_title, std::string_view app_name,
                          std::string_view code);
// A minimal page for an authorization request that cannot proceed at all.
std::string authorize_error_page(std::string_view instance_title, std::string_view message);

// The Content-Security-Policy of these pages (http::Response::html adds
// frame-ancestors 'none'): nothing loads, the inline style sheet by its hash.
// No form-action: browsers apply it to the redirect that follows the form, and
// that goes to the app's redirect URI, often a scheme of its own (myapp://).
std::string_view page_policy();

}  // namespace publius::oauth
