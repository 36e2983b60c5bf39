#include "push/routes.h"

#include "util/json_writer.h"

namespace publius::push {
namespace {

constexpr size_t kMaxEndpointBytes = 2048;

std::string subscription_json(const PushSubscription& s, const VapidKey& vapid) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("id", s.id)
      .field("endpoint", s.endpoint)
      .field("standard", s.standard)
      .key("alerts")
      .begin_object();
  const auto& names = alert_names();
  for (size_t i = 0; i < names.size(); ++i) w.field(names[i], (s.alerts >> i & 1) != 0);
  w.end_object()
      .field("policy", push_policy_name(s.policy))
      .field("server_key", vapid.public_key_base64url())
      .end_object();
  return out;
}

// data[alerts][...] and data[policy] as given: which alerts are named (`mask`), their
// values, and the policy.
struct DataChange {
  Alerts mask = 0;
  Alerts values = 0;
  std::optional<PushPolicy> policy;
};

Result<DataChange> read_data(const http::Params& p) {
  DataChange change;
  for (const auto& name : alert_names()) {
    const std::string key = "data[alerts][" + std::string(name) + "]";
    auto value = p.get_bool(key);
    if (!value.ok()) return unprocessable(value.error().message);
    if (!*value) continue;
    const Alerts bit = *alert_bit(name);
    change.mask |= bit;
    if (**value) change.values |= bit;
  }
  // Mastodon reads data[policy]; masto.js sends a top-level `policy`.
  auto policy = p.get("data[policy]");
  if (!policy) policy = p.get("policy");
  if (policy) {
    change.policy = parse_push_policy(*policy);
    if (!change.policy)
      return unprocessable(
          "Validation failed: data[policy] must be all, followed, follower or none");
  }
  return change;
}

// A required parameter, or 400 naming it.
Result<std::string> required(const http::Params& p, const std::string& key) {
  auto value = p.get(key);
  if (!value || value->empty()) return bad_request("Missing parameter: " + key);
  return std::string(*value);
}

Result<std::string> decoded_key(const http::Params& p, const std::string& key, size_t bytes) {
  PUBLIUS_ASSIGN_OR_RETURN(auto text, required(p, key));
  auto raw = from_base64url(text);
  if (!raw.ok() || raw->size() != bytes)
    return unprocessable("Validation failed: " + key + " must be " + std::to_string(bytes) +
                         " bytes in base64url");
  return std::move(raw).value();
}

std::string_view bearer_of(const api::Call& c) {
  return api::bearer_secret(c.request.header("authorization")).value_or("");
}

}  // namespace

Status check_endpoint(std::string_view endpoint, bool allow_loopback_http) {
  const Error refused =
      unprocessable("Validation failed: subscription[endpoint] must be an https URL");
  if (endpoint.size() > kMaxEndpointBytes) return refused;
  for (char ch : endpoint)
    if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7f) return refused;
  const bool https = endpoint.starts_with("https://");
  const bool http = !https && endpoint.starts_with("http://");
  if (!https && !http) return refused;
  const std::string_view rest = endpoint.substr(https ? 8 : 7);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.empty() || authority.find('@') != std::string_view::npos) return refused;
  if (http) {
    const bool loopback = authority.starts_with("127.0.0.1:") || authority == "127.0.0.1" ||
                          authority.starts_with("[::1]") || authority == "localhost" ||
                          authority.starts_with("localhost:");
    if (!allow_loopback_http || !loopback) return refused;
  }
  return ok_status();
}

void register_routes(api::Api& api, http::Router& router, PushSubscriptions& subscriptions,
                     const VapidKey& vapid, PushRouteOptions options) {
  const http::Policy policy = http::Policy::user("push");

  api.add_route(
      router, "POST", "/api/v1/push/subscription", policy,
      [&subscriptions, &vapid, options](api::Call& c) -> Result<http::Response> {
        const http::Params& p = c.params;
        PUBLIUS_ASSIGN_OR_RETURN(auto endpoint, required(p, "subscription[endpoint]"));
        PUBLIUS_TRY(check_endpoint(endpoint, options.allow_loopback_http));
        PUBLIUS_ASSIGN_OR_RETURN(auto p256dh,
                                 decoded_key(p, "subscription[keys][p256dh]", kP256PublicKeyBytes));
        if (!is_p256_public_key(p256dh))
          return unprocessable(
              "Validation failed: subscription[keys][p256dh] must be a P-256 public key");
        PUBLIUS_ASSIGN_OR_RETURN(auto auth,
                                 decoded_key(p, "subscription[keys][auth]", kAuthSecretBytes));
        auto standard = p.get_bool("subscription[standard]");
        if (!standard.ok()) return unprocessable(standard.error().message);
        PUBLIUS_ASSIGN_OR_RETURN(auto data, read_data(p));
        PushSubscription s;
        s.token_id = c.token->id;
        s.account_id = c.user_id();
        s.access_token = std::string(bearer_of(c));
        s.token_scopes = c.token->scopes;
        s.endpoint = std::move(endpoint);
        s.receiver_public_key = std::move(p256dh);
        s.auth_secret = std::move(auth);
        s.standard = standard->value_or(false);
        s.alerts = data.values;
        s.policy = data.policy.value_or(PushPolicy::kAll);
        return http::Response::json(subscription_json(subscriptions.put(std::move(s)), vapid));
      });

  api.add_route(router, "GET", "/api/v1/push/subscription", policy,
                [&subscriptions, &vapid](api::Call& c) -> Result<http::Response> {
                  auto s = subscriptions.of_token(c.token->id);
                  if (!s) return not_found();
                  return http::Response::json(subscription_json(*s, vapid));
                });

  api.add_route(router, "PUT", "/api/v1/push/subscription", policy,
                [&subscriptions, &vapid](api::Call& c) -> Result<http::Response> {
                  PUBLIUS_ASSIGN_OR_RETURN(auto data, read_data(c.params));
                  auto s = subscriptions.update(c.token->id, data.mask, data.values, data.policy);
                  if (!s) return not_found();
                  return http::Response::json(subscription_json(*s, vapid));
                });

  api.add_route(router, "DELETE", "/api/v1/push/subscription", policy,
                [&subscriptions](api::Call& c) -> Result<http::Response> {
                  subscriptions.remove_token(c.token->id);
                  return http::Response::json("{}");
                });
}

}  // namespace publius::push
