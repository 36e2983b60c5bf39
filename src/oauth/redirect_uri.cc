#include "oauth/redirect_uri.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace publius::oauth {
namespace {

constexpr std::array<std::string_view, 11> kRefusedSchemes = {
    "javascript", "vbscript", "livescript", "data",        "blob", "filesystem",
    "about",      "file",     "jar",        "view-source", "mhtml"};

bool is_scheme(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s.front()))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  });
}

}  // namespace

Status check_redirect_uri(std::string_view uri) {
  if (uri == kOutOfBandRedirectUri) return ok_status();
  const auto colon = uri.find(':');
  const bool has_scheme = colon != std::string_view::npos && is_scheme(uri.substr(0, colon));
  if (has_scheme) {
    std::string scheme(uri.substr(0, colon));
    for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::find(kRefusedSchemes.begin(), kRefusedSchemes.end(), scheme) != kRefusedSchemes.end())
      return unprocessable("Validation failed: Redirect URI is forbidden by the server");
  }
  const bool well_formed = has_scheme && uri.size() <= 2000 &&
                           uri.find('#') == std::string_view::npos &&
                           std::none_of(uri.begin(), uri.end(), [](char c) {
                             return static_cast<unsigned char>(c) <= ' ' || c == 0x7f || c == '<' ||
                                    c == '>' || c == '"';
                           });
  if (!well_formed) return unprocessable("Validation failed: Redirect URI must be an absolute URI");
  return ok_status();
}

}  // namespace publius::oauth
