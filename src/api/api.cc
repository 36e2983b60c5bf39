#include "api/api.h"

#include <spdlog/spdlog.h>
#include <strings.h>

#include <algorithm>

#include "http/errors.h"
#include "http/params.h"
#include "oauth/scopes.h"
#include "util/crypto.h"
#include "util/ids.h"
#include "util/time.h"

namespace publius::api {
namespace {

// The token of an "Authorization: Bearer <token>" header; nullopt for any other header.
std::optional<std::string_view> bearer_token(std::string_view auth) {
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() <= kBearer.size() || strncasecmp(auth.data(), "bearer ", kBearer.size()) != 0)
    return std::nullopt;
  auto token_text = auth.substr(kBearer.size());
  while (!token_text.empty() && token_text.front() == ' ') token_text.remove_prefix(1);
  return token_text;
}

}  // namespace

Api::Api(domain::Microblog& microblog, ApiOptions options)
    : microblog_(microblog),
      store_(microblog.store()),
      renderer_(microblog.store(), microblog.config()),
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
}

http::Response error_response(const Error& e) { return http::error_response(e); }

http::Response json_or_error(Result<std::string> json) {
  if (!json.ok()) return error_response(json.error());
  return http::Response::json(std::move(json).value());
}

http::Response Api::handle(const http::Router& router, http::Request& request) {
  // Rate limit per token once it is verified, else per client: a made-up Authorization
  // header must not buy a budget of its own. (A lookup here, another in caller(), for now.)
  const auto bearer = bearer_token(request.header("authorization"));
  const auto token = bearer ? store_.token_by_hash(sha256_hex(*bearer))
                            : Result<std::optional<domain::Token>>(std::nullopt);
  const std::string key =
      token.ok() && *token ? "t:" + std::to_string((*token)->id) : "c:" + request.client_key;
  const auto decision = limiter_.hit(key);
  http::Response response;
  if (!decision.allowed) {
    response = http::Response::error(429, "Too many requests");
    response.route = "(rate limited)";
  } else {
    try {
      response = router.dispatch(request);
    } catch (const std::exception& e) {
      spdlog::error("unhandled exception in handler for {}", response.route);
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

Result<Api::Caller> Api::caller(const http::Request& req) {
  Caller c;
  auto auth = req.header("authorization");
  if (auth.empty()) return c;
  const auto bearer = bearer_token(auth);
  if (!bearer) return unauthorized("The access token is invalid");
  const std::string_view token_text = *bearer;
  PUBLIUS_ASSIGN_OR_RETURN(auto token, store_.token_by_hash(sha256_hex(token_text)));
  if (!token) return unauthorized("The access token is invalid");
  c.token = *token;
  if (token->account_id) {
    PUBLIUS_ASSIGN_OR_RETURN(auto account, store_.account_by_id(*token->account_id));
    if (!account) return unauthorized("The access token is invalid");
    c.account = *account;
    c.reader =
        domain::ReaderKey(microblog_, account->id, shield::Credential::kAccessToken, token_text);
    const int64_t today = now_day_ms();
    if (token->last_used_day_ms.value_or(0) < today)
      PUBLIUS_TRY(store_.touch_activity_day(account->id, token->id, today));
  }
  return c;
}

Result<Api::Caller> Api::require_token(const http::Request& req, std::string_view scope) {
  PUBLIUS_ASSIGN_OR_RETURN(auto c, caller(req));
  if (!c.token) return unauthorized("The access token is invalid");
  if (!oauth::covers(c.token->scopes, scope))
    return forbidden("This action is outside the authorized scopes");
  return c;
}

Result<Api::Caller> Api::require_user(const http::Request& req, std::string_view scope) {
  PUBLIUS_ASSIGN_OR_RETURN(auto c, require_token(req, scope));
  if (!c.account) return unprocessable("This method requires an authenticated user");
  return c;
}

Result<http::Params> Api::params(const http::Request& req) {
  PUBLIUS_ASSIGN_OR_RETURN(auto query, http::parse_query(req.query));
  PUBLIUS_ASSIGN_OR_RETURN(auto body, http::parse_body(req.body, req.header("content-type")));
  query.merge(std::move(body));
  for (const auto& [k, v] : req.path_params) query.add(k, v);
  return query;
}

Result<domain::Page> page_from(const http::Params& p, int default_limit, int max_limit) {
  domain::Page page;
  auto id_param = [&](std::string_view name, std::optional<int64_t>& into) -> Status {
    auto v = p.get(name);
    if (!v || v->empty()) return ok_status();
    into = parse_id(*v);
    if (!into) return bad_request(std::string(name) + " must be an id");
    return ok_status();
  };
  PUBLIUS_TRY(id_param("max_id", page.max_id));
  PUBLIUS_TRY(id_param("since_id", page.since_id));
  PUBLIUS_TRY(id_param("min_id", page.min_id));
  PUBLIUS_ASSIGN_OR_RETURN(auto limit, p.get_int("limit"));
  page.limit = static_cast<int>(std::clamp<int64_t>(limit.value_or(default_limit), 1, max_limit));
  return page;
}

Result<std::optional<std::string_view>> single_value(const http::Params& p, std::string_view key) {
  auto v = p.get(key);
  if (!v && p.has(key))
    return unprocessable("Validation failed: " + std::string(key) +
                         " must be a single value, not a list or an object");
  return v;
}

Result<std::optional<int>> search_offset(const http::Params& p) {
  PUBLIUS_ASSIGN_OR_RETURN(auto offset, p.get_int("offset"));
  if (offset.value_or(0) > kMaxSearchOffset) return std::optional<int>();
  return std::optional<int>(static_cast<int>(std::max<int64_t>(0, offset.value_or(0))));
}

std::vector<int64_t> id_list(const http::Params& p, std::string_view name) {
  std::vector<int64_t> ids;
  for (const auto& text : p.get_all(name)) {
    auto id = parse_id(text);
    if (id && std::find(ids.begin(), ids.end(), *id) == ids.end()) ids.push_back(*id);
  }
  return ids;
}

Result<std::vector<int64_t>> bounded_id_list(const http::Params& p, size_t max_ids,
                                             std::string_view name) {
  auto ids = id_list(p, name);
  if (ids.size() > max_ids)
    return unprocessable("Validation failed: at most " + std::to_string(max_ids) + " ids");
  return ids;
}

Result<int64_t> path_id(const http::Request& req, std::string_view name) {
  auto id = parse_id(req.path_param(name));
  if (!id) return not_found();
  return *id;
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
