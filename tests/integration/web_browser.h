// WebBrowser: a browser of the web UI for server-level tests. It keeps the session cookie the
// server sets across requests, signs every POST with the CSRF token derived from that cookie
// (as the pages' forms do), and can connect from a chosen loopback address.
//
// Header-only, like server_harness.h. Not thread-safe: one browser, one thread.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "integration/server_harness.h"
#include "web/session.h"

namespace publius::integration {

struct WebBrowser {
  std::string cookie;          // the session cookie's value; empty before the first answer
  std::string source_address;  // empty: the kernel's choice

  // One request; a POST body is form-encoded and gets the csrf field appended.
  HttpResponse request(const Api& api, const std::string& method, const std::string& target,
                       const std::string& body = "",
                       std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.source_address = source_address;
    r.headers = std::move(headers);
    if (!cookie.empty())
      r.headers.push_back({"Cookie", std::string(web::kSessionCookie) + "=" + cookie});
    if (method == "POST") {
      r.content_type = "application/x-www-form-urlencoded";
      r.body = body + "&csrf=" + web::csrf_token(cookie);
    }
    auto response = api.request(std::move(r));
    const std::string set = response.header("set-cookie");
    if (!set.empty()) {
      const auto eq = set.find('=');
      cookie = set.substr(eq + 1, set.find(';') - eq - 1);
    }
    return response;
  }

  // Signs `username` in on /auth/sign_in; true when the server answered with the redirect home.
  bool sign_in(const Api& api, const std::string& username, const std::string& password) {
    request(api, "GET", "/auth/sign_in");
    return request(api, "POST", "/auth/sign_in",
                   form({{"username", username}, {"password", password}}))
               .status == 303;
  }
};

}  // namespace publius::integration
