#include "oauth/authorize_page.h"

#include "domain/text_format.h"
#include "oauth/scopes.h"
#include "util/crypto.h"

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
                                    sha256_base64(kStyle, Base64::kStandard) +
                                    "'; base-uri 'none'";
  return policy;
}

}  // namespace publius::oauth
