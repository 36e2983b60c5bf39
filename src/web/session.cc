#include "web/session.h"

#include "util/crypto.h"

namespace publius::web {
std::string csrf_token(std::string_view cookie_secret) {
  // The secret is the key: BLAKE2b wants 16..64 bytes, and secrets are 43 characters;
  // a shorter (forged) cookie is stretched by hashing so the call stays defined.
  std::string key(cookie_secret);
  if (key.size() < 16 || key.size() > 64) key = sha256_hex(key);
  return to_hex(keyed_hash(key, "publius web csrf v1"));
}

bool csrf_matches(std::string_view cookie_secret, std::string_view submitted) {
  if (cookie_secret.empty() || submitted.empty()) return false;
  const std::string expected = csrf_token(cookie_secret);
  return submitted.size() == expected.size() && constant_time_equal(expected, submitted);
}

std::string cookie_value(const http::Request& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (key != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
    }
  }
  return {};
}

std::string set_cookie(std::string_view name, std::string_view value, bool secure,
                       int64_t max_age_seconds) {
  std::string out(name);
  out += '=';
  out += value;
  out += "; Path=/; HttpOnly; SameSite=Lax";
  if (secure) out += "; Secure";
  if (max_age_seconds >= 0) out += "; Max-Age=" + std::to_string(max_age_seconds);
  return out;
}

std::string normalize_recovery_code(std::string_view typed) {
  std::string bare;
  for (char c : typed) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '-') continue;
    bare.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  }
  // Codes are issued in groups of four; accept them typed with or without dashes.
  std::string out;
  for (size_t i = 0; i < bare.size(); ++i) {
    if (i && i % 4 == 0) out.push_back('-');
    out.push_back(bare[i]);
  }
  return out;
}

}  // namespace publius::web
