#include "api/api.h"

#include <spdlog/spdlog.h>
#include <strings.h>

#include <algorithm>
#include <stdexcept>

#include "http/errors.h"
#include "http/params.h"
#include "oauth/scopes.h"
#include "util/crypto.h"
#include "util/ids.h"
#include "util/time.h"

namespace publius::api {
std::optional<std::string_view> bearer_secret(std::string_view auth) {
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() <= kBearer.size() || strncasecmp(auth.data(), "bearer ", kBearer.size()) != 0)
    return std::nullopt;
  auto secret = auth.substr(kBearer.size());
  while (!secret.empty() && secret.front() == ' ') secret.remove_prefix(1);
  return secret;
}

Api::Api(domain::Microblog& microblog, ApiOptions options)
    : microblog_(microblog),
      renderer_(microblog),
      limiter_(options.requests_per_window, options.window),
      options_(options) {
  microblog_.set_observer(&renderer_);
}

void Api::register_routes(http::Router& router) {
  add_oauth_routes(router);
  add_account_routes(router);
  add_status_routes(router);
  add_timeline_routes(router);
  add_notification_routes(router);
  add_conversation_routes(router);
  add_instance_routes(router);
  add_list_routes(router);
  add_filter_routes(router);
  add_tag_routes(router);
  add_scheduled_routes(router);
  add_legal_routes(router);
  add_media_routes(router);
  add_report_routes(router);
  add_domain_block_routes(router);
  add_collective_routes(router);
  add_migration_routes(router);
}

http::Response error_response(const Error& e) { return http::error_response(e); }

http::Response Api::handle(const http::Router& router, http::Request& request) {
  // Rate limit per token once it is verified, else per client: a made-up Authorization
  // header must not buy a budget of its own.
  std::string key = "c:" + request.client_key;
  if (const auto secret = bearer_secret(request.header("authorization"))) {
    auto digest = domain::Credentials::digest(*secret);
    if (auto token = microblog_.credentials().token_id(digest); token.ok() && *token)
      key = "t:" + std::to_string(**token);
    request.bearer_digest = std::move(digest.hex);
  }
  const auto decision = limiter_.hit(key);
  http::Response response;
  if (!decision.allowed) {
    response = http::Response::error(429, "Too many requests");
    response.route = "(rate limited)";
  } else {
    try {
      response = router.dispatch(request);
    } catch (const std::exception& e) {
      spdlog::error("unhandled exception in handler for {} {}", request.method, request.route);
      response = http::Response::error(500, "Internal server error");
    }
  }
  response.with_header("X-RateLimit-Limit", std::to_string(decision.limit))
      .with_header("X-RateLimit-Remaining", std::to_string(decision.remaining))
      .with_header("X-RateLimit-Reset", format_iso8601_ms(decision.reset_ms));
  // API responses are per-user: never cached by shared proxies. A handler that set its own
  // policy (the web UI's versioned static files) keeps it.
  const bool has_cache_policy =
      std::any_of(response.headers.begin(), response.headers.end(),
                  [](const auto& h) { return h.first == "Cache-Control"; });
  if (!has_cache_policy) response.with_header("Cache-Control", "private, no-store");
  return response;
}

Result<Call> Api::admit(http::Request& request, const http::Policy& policy) {
  Call call(request);
  if (policy.access != http::Access::kPublic) {
    std::optional<std::string> query_secret;
    if (policy.credentials_in_query && request.header("authorization").empty()) {
      PUBLIUS_ASSIGN_OR_RETURN(auto query, http::parse_query(request.query));
      if (auto token = query.get("access_token"); token && !token->empty()) {
        query_secret = std::string(*token);
      } else if (auto protocol = request.header("sec-websocket-protocol"); !protocol.empty()) {
        query_secret = std::string(protocol);
      }
    }
    if (auto auth = request.header("authorization"); !auth.empty() || query_secret) {
      const auto secret =
          query_secret ? std::optional<std::string_view>(*query_secret) : bearer_secret(auth);
      if (!secret) return unauthorized("The access token is invalid");
      const domain::BearerDigest digest = !query_secret && !request.bearer_digest.empty()
                                              ? domain::BearerDigest{request.bearer_digest}
                                              : domain::Credentials::digest(*secret);
      PUBLIUS_ASSIGN_OR_RETURN(auto bearer, microblog_.credentials().bearer(digest));
      // The key opens sealed posts only for a token that may read them.
      if (bearer.account && oauth::covers(bearer.token.scopes, oauth::kSealedContentScope))
        call.reader = domain::ReaderKey(microblog_.keys(), bearer.account->id,
                                        shield::Credential::kAccessToken, *secret);
      call.token = std::move(bearer.token);
      call.account = std::move(bearer.account);
    }
    if (call.token || policy.access != http::Access::kOptional) {
      if (!call.token) return unauthorized("The access token is invalid");
      if (!oauth::covers_any(call.token->scopes, policy.scope))
        return forbidden("This action is outside the authorized scopes");
    }
    if ((policy.access == http::Access::kUser || policy.access == http::Access::kAdmin) &&
        !call.account)
      return unprocessable("This method requires an authenticated user");
    if (policy.access == http::Access::kAdmin && call.account->role != domain::Role::kAdmin)
      return forbidden("This action requires the admin role");
  }
  PUBLIUS_ASSIGN_OR_RETURN(call.params, request_params(request));
  return call;
}

void Api::route(http::Router& r, std::string method, std::string pattern, http::Policy policy,
                Handler handler, ErrorRenderer render_error) {
  for (const auto& scope : oauth::split_scopes(policy.scope)) {
    if (!oauth::all_known(scope))
      throw std::logic_error(method + " " + pattern + ": unknown scope " + scope);
  }
  const http::Policy checked = policy;
  r.add(std::move(method), std::move(pattern), std::move(policy),
        [this, checked, handler = std::move(handler), render_error](http::Request& request) {
          auto call = admit(request, checked);
          if (!call.ok()) return render_error(call.error());
          auto response = handler(*call);
          if (!response.ok()) return render_error(response.error());
          return std::move(response).value();
        });
}

Result<http::Params> request_params(const http::Request& req) {
  PUBLIUS_ASSIGN_OR_RETURN(auto query, http::parse_query(req.query));
  PUBLIUS_ASSIGN_OR_RETURN(auto body, http::parse_body(req.body, req.header("content-type")));
  query.merge(std::move(body));
  for (const auto& [k, v] : req.path_params) query.add(k, v);
  return query;
}

Result<int64_t> Call::path_id(std::string_view name) const { return http::path_id(request, name); }

Result<http::Response> json(Result<std::string> json) {
  if (!json.ok()) return json.take_error();
  return http::Response::json(std::move(json).value());
}

http::Response paged(http::Response response, const http::Request& req,
                     const std::vector<std::pair<int64_t, int64_t>>& rows) {
  return paged(std::move(response), req, rows, [](const auto& row) { return row.first; });
}

http::Response paged(http::Response response, const http::Request& req,
                     const std::vector<domain::Post>& posts) {
  return paged(std::move(response), req, posts, [](const domain::Post& p) { return p.id; });
}

std::string link_header(const http::Request& req, int64_t newest, int64_t oldest) {
  // Keep the caller's other query parameters (e.g. types[], only_media) on both links.
  std::string kept;
  std::string_view query = req.query;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const std::string_view name = pair.substr(0, pair.find('='));
    if (pair.empty() || name == "max_id" || name == "since_id" || name == "min_id") continue;
    kept += '&';
    kept += pair;
  }
  const std::string base = req.origin() + req.path;
  return "<" + base + "?max_id=" + std::to_string(oldest) + kept + ">; rel=\"next\", <" + base +
         "?min_id=" + std::to_string(newest) + kept + ">; rel=\"prev\"";
}

}  // namespace publius::api
