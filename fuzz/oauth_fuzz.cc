// libFuzzer target for the OAuth parameters a client sends (src/oauth/): scope lists, the PKCE
// verifier, and the values the sign-in page echoes. Build and run: see fuzz/README.md.
//
// The input is split at '\n' into fields: granted scopes, requested scopes, a PKCE verifier,
// then the page values (instance title, app name, client_id, redirect_uri, state,
// code_challenge, code_challenge_method, error message). Beyond "no crash, no sanitizer
// report" it checks, and traps when one breaks:
// - split_scopes yields non-empty scopes without separators, and splitting again is stable;
//   all_known agrees with known_scopes(); covers/subset are reflexive and monotone, and a
//   grant of known read-only scopes never covers a write or follow scope;
// - pkce_s256_matches accepts exactly an RFC 7636 verifier (43-128 unreserved characters)
//   against its own pkce_s256_challenge (tests/oauth pins that to RFC 7636's example), and
//   no other challenge;
// - the pages add no markup of their own for any value: they have as many '<', '>' and '"'
//   as the same page built from harmless values.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "oauth/authorize_page.h"
#include "oauth/pkce.h"
#include "oauth/scopes.h"

namespace {

namespace oauth = publius::oauth;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

std::vector<std::string_view> fields(std::string_view input, size_t count) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < count) {
    const size_t nl = input.find('\n');
    if (nl == std::string_view::npos) break;
    out.push_back(input.substr(0, nl));
    input.remove_prefix(nl + 1);
  }
  out.push_back(input);
  out.resize(count);
  return out;
}

std::string joined(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : " ") + s;
  return out;
}

bool is_write_or_follow(std::string_view scope) {
  for (std::string_view prefix : {"write", "admin:write", "follow"})
    if (scope.substr(0, prefix.size()) == prefix) return true;
  return false;
}

void check_scopes(std::string_view granted, std::string_view requested) {
  const auto known = oauth::known_scopes();
  for (std::string_view list : {granted, requested}) {
    const auto scopes = oauth::split_scopes(list);
    for (const auto& s : scopes) {
      check(!s.empty() && s.find_first_of(" +") == std::string::npos);
      check(oauth::covers(list, s));
    }
    check(oauth::split_scopes(joined(scopes)) == scopes);
    const bool every_known = std::all_of(scopes.begin(), scopes.end(), [&](const auto& s) {
      return std::find(known.begin(), known.end(), s) != known.end();
    });
    check(oauth::all_known(list) == (!scopes.empty() && every_known));
    check(oauth::subset(list, list));
  }
  const auto wanted = oauth::split_scopes(requested);
  const bool all_covered = std::all_of(wanted.begin(), wanted.end(),
                                       [&](const auto& r) { return oauth::covers(granted, r); });
  check(oauth::subset(requested, granted) == all_covered);
  check(oauth::subset(requested, std::string(granted) + " " + std::string(requested)));
  check(!all_covered || oauth::subset(requested, "read " + std::string(granted)));
  const auto grant = oauth::split_scopes(granted);
  const bool read_only =
      oauth::all_known(granted) &&
      std::none_of(grant.begin(), grant.end(), [](const auto& g) { return is_write_or_follow(g); });
  if (read_only)
    for (const auto& r : wanted)
      if (is_write_or_follow(r)) check(!oauth::covers(granted, r));
}

void check_pkce(std::string_view verifier, std::string_view other) {
  const bool valid = verifier.size() >= 43 && verifier.size() <= 128 &&
                     std::all_of(verifier.begin(), verifier.end(), [](char c) {
                       return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                              (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                              c == '~';
                     });
  const std::string challenge = oauth::pkce_s256_challenge(verifier);
  check(oauth::pkce_s256_matches(verifier, challenge) == valid);
  if (other != challenge) check(!oauth::pkce_s256_matches(verifier, other));
}

size_t markup(std::string_view html) {
  return static_cast<size_t>(std::count_if(
      html.begin(), html.end(), [](char c) { return c == '<' || c == '>' || c == '"'; }));
}

void check_pages(const std::vector<std::string_view>& f) {
  const oauth::AuthorizeRequest request{std::string(f[5]), std::string(f[6]), std::string(f[0]),
                                        std::string(f[7]), std::string(f[8]), std::string(f[9])};
  // The same number of scopes, each harmless: the page lists one item per scope.
  std::string harmless_scopes;
  for (size_t i = 0; i < oauth::split_scopes(request.scope).size(); ++i) harmless_scopes += "s ";
  const oauth::AuthorizeRequest harmless{"c", "r", harmless_scopes, "s", "c", "m"};
  const std::string_view error = f[10];
  const std::string_view harmless_error = error.empty() ? "" : "e";
  check(markup(oauth::authorize_page(f[3], f[4], request, error)) ==
        markup(oauth::authorize_page("t", "a", harmless, harmless_error)));
  check(markup(oauth::oob_code_page(f[3], f[4], f[2])) ==
        markup(oauth::oob_code_page("t", "a", "c")));
  check(markup(oauth::authorize_error_page(f[3], error)) ==
        markup(oauth::authorize_error_page("t", "e")));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto f = fields(std::string_view(reinterpret_cast<const char*>(data), size), 11);
  check_scopes(f[0], f[1]);
  check_pkce(f[2], f[1]);
  check_pages(f);
  return 0;
}
