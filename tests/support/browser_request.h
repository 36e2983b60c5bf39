// browser_request(): a request as a browser sends it to the web UI on
// example.org, for tests that dispatch straight to the router: target split
// into path and query, the session cookie when given, and on POST the body
// with its content type.
#pragma once

#include <string>

#include "http/message.h"
#include "web/session.h"

namespace publius::testing {

inline http::Request browser_request(
    const std::string& method, const std::string& target, const std::string& cookie = "",
    const std::string& body = "",
    const std::string& content_type = "application/x-www-form-urlencoded") {
  http::Request req;
  req.method = method;
  const auto q = target.find('?');
  req.path = target.substr(0, q);
  if (q != std::string::npos) req.query = target.substr(q + 1);
  req.headers.push_back({"host", "example.org"});
  if (!cookie.empty())
    req.headers.push_back({"cookie", std::string(web::kSessionCookie) + "=" + cookie});
  if (method == "POST") {
    req.headers.push_back({"content-type", content_type});
    req.body = body;
  }
  return req;
}

}  // namespace publius::testing
