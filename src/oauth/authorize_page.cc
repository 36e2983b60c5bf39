#include "oauth/authorize_page.h"

#include <sodium.h>

#include "domain/text_format.h"
#include "oauth/scopes.h"

namespace publius::oauth {
namespace {

using domain::html_escape;

// The pages' one style sheet, inline: its hash is in page_policy().
constexpr std::string_view kStyle =
    "body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem "
    "auto;padding:0 1rem;line-height:1.5}label{display:block;margin-top:1rem}"
    "input{width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1rem;padding:.5rem "
    "1rem}.error{color:#b00020}@media(prefers-color-scheme:dark){body{background:#111;color:#eee}"
    "}";

std::string page(std::string_view title, std::string_view body) {
  std::string out =
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta name=\"referrer\" content=\"no-referrer\"><title>";
  out += html_escape(title);
  out += "</title><style>";
  out += kStyle;
  out += "</style></head><body><main>";
  out += body;
  out += "</main></body></html>";
  return out;
}

// SHA-256 of `data` in libsodium's base64 `variant`.
std::string sha256_base64(std::string_view data, int variant) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char encoded[sodium_base64_ENCODED_LEN(sizeof digest, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(encoded, sizeof encoded, digest, sizeof digest, variant);
  return encoded;
}

void hidden(std::string& out, std::string_view name, std::string_view value) {
  out += "<input type=\"hidden\" name=\"";
  out += name;
  out += "\" value=\"";
  out += html_escape(value);
  out += "\">";
}

}  // namespace

std::string authorize_page(std::string_view instance_title, std::string_view app_name,
                           const AuthorizeRequest& r, std::string_view error_message) {
  std::string body = "<h1>Authorize ";
  body += html_escape(app_name);
  body += "</h1><p>This application asks to use your account on ";
  body += html_escape(instance_title);
  body += " with these permissions:</p><ul>";
  for (const auto& s : split_scopes(r.scope))
    body += "<li><code>" + html_escape(s) + "</code></li>";
  body += "</ul>";
  if (!error_message.empty())
    body += "<p class=\"error\" role=\"alert\">" + html_escape(error_message) + "</p>";
  body += "<form method=\"post\" action=\"/oauth/authorize\">";
  hidden(body, "client_id", r.client_id);
  hidden(body, "redirect_uri", r.redirect_uri);
  hidden(body, "scope", r.scope);
  hidden(body, "state", r.state);
  hidden(body, "code_challenge", r.code_challenge);
  hidden(body, "code_challenge_method", r.code_challenge_method);
  hidden(body, "response_type", "code");
  body +=
      "<label for=\"username\">Username</label><input id=\"username\" name=\"username\" "
      "autocomplete=\"username\" required>"
      "<label for=\"password\">Password</label><input id=\"password\" name=\"password\" "
      "type=\"password\" autocomplete=\"current-password\" required>"
      "<button type=\"submit\">Sign in and authorize</button></form>";
  return page("Authorize " + std::string(app_name), body);
}

std::string oob_code_page(std::string_view instance_title, std::string_view app_name,
                          std::string_view code) {
  std::string body = "<h1>Authorization code</h1><p>Copy this code into ";
  body += html_escape(app_name);
  body += ":</p><p><input readonly aria-label=\"Authorization code\" value=\"";
  body += html_escape(code);
  body += "\"></p>";
  return page(std::string(instance_title) + " — authorization code", body);
}

std::string authorize_error_page(std::string_view instance_title, std::string_view message) {
  return page(instance_title,
              "<h1>Cannot authorize</h1><p class=\"error\">" + html_escape(message) + "</p>");
}

std::string_view page_policy() {
  static const std::string policy = "default-src 'none'; style-src 'sha256-" +
                                    sha256_base64(kStyle, sodium_base64_VARIANT_ORIGINAL) +
                                    "'; base-uri 'none'";
  return policy;
}

std::string pkce_s256_challenge(std::string_view verifier) {
  return sha256_base64(verifier, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool pkce_s256_matches(std::string_view verifier, std::string_view challenge) {
  // RFC 7636 4.1: the verifier is 43-128 characters of [A-Za-z0-9-._~].
  if (verifier.size() < 43 || verifier.size() > 128) return false;
  for (char c : verifier) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (!unreserved) return false;
  }
  return pkce_s256_challenge(verifier) == challenge;
}

}  // namespace publius::oauth
