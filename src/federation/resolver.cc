#include "federation/resolver.h"

#include <boost/json.hpp>

#include "federation/activities.h"
#include "federation/json_fields.h"
#include "http/params.h"

namespace publius::federation {
namespace {

namespace json = boost::json;

constexpr const char* kActivityAccept =
    "Accept: application/activity+json, application/ld+json; "
    "profile=\"https://www.w3.org/ns/activitystreams\"";

// The `self` link of a WebFinger JRD that is an ActivityPub actor; empty when none.
std::string actor_link(const json::object& jrd) {
  const auto* links = jrd.if_contains("links");
  if (!links || !links->is_array()) return {};
  for (const auto& link : links->as_array()) {
    if (!link.is_object()) continue;
    const auto& l = link.as_object();
    const std::string type = string_at(l, "type");
    if (string_at(l, "rel") == "self" &&
        (type == "application/activity+json" || type.starts_with("application/ld+json")))
      return string_at(l, "href");
  }
  return {};
}

}  // namespace

Result<FetchResponse> Resolver::get(const std::string& url, const char* accept) const {
  PUBLIUS_ASSIGN_OR_RETURN(auto response, fetcher_.fetch({.url = url, .headers = {accept}}));
  if (response.status == 404 || response.status == 410) return not_found();
  if (response.status != 200)
    return unavailable("Remote server answered " + std::to_string(response.status));
  return response;
}

Result<domain::RemoteActorDocument> Resolver::actor_for_key(std::string_view key_id) const {
  std::string url(key_id.substr(0, key_id.find('#')));
  // A key published apart from its actor names the actor as its owner: one more hop.
  for (int hop = 0; hop < 2; ++hop) {
    PUBLIUS_ASSIGN_OR_RETURN(auto response, get(url, kActivityAccept));
    auto actor = parse_actor(response.body);
    if (actor.ok()) {
      // A document answered from elsewhere than asked (a redirect) is not that actor's.
      if (domain::url_origin(actor->uri) != domain::url_origin(url))
        return unauthorized("Actor served from another host");
      return actor;
    }
    boost::system::error_code ec;
    const json::value key = json::parse(response.body, ec);
    if (ec || !key.is_object()) return actor.take_error();
    url = string_at(key.as_object(), "owner");
    if (url.empty() || domain::url_origin(url) != domain::url_origin(key_id))
      return actor.take_error();
  }
  return bad_request("Actor not found");
}

Result<domain::RemoteActorDocument> Resolver::actor_for_acct(std::string_view user,
                                                             std::string_view host) const {
  // https: always, but where the fetcher allows http: (a .onion peer through the
  // proxy, loopback testing); the fetcher refuses what it must.
  const bool plain = fetcher_.options().allow_loopback ||
                     (!fetcher_.options().proxy.empty() && is_onion_host(host));
  const std::string acct = "acct:" + std::string(user) + "@" + std::string(host);
  PUBLIUS_ASSIGN_OR_RETURN(auto response,
                           get(std::string(plain ? "http://" : "https://") + std::string(host) +
                                   "/.well-known/webfinger?resource=" + http::url_encode(acct),
                               "Accept: application/jrd+json, application/json"));
  boost::system::error_code ec;
  const json::value jrd = json::parse(response.body, ec);
  if (ec || !jrd.is_object()) return bad_request("WebFinger answer is not JSON");
  const std::string href = actor_link(jrd.as_object());
  if (href.empty()) return not_found();
  PUBLIUS_ASSIGN_OR_RETURN(auto actor_response, get(href, kActivityAccept));
  PUBLIUS_ASSIGN_OR_RETURN(auto actor, parse_actor(actor_response.body));
  if (domain::url_origin(actor.uri) != domain::url_origin(href))
    return unauthorized("Actor served from another host");
  return actor;
}

Result<domain::RemoteActorDocument> Resolver::actor_at(std::string_view uri) const {
  const std::string url(uri.substr(0, uri.find('#')));
  PUBLIUS_ASSIGN_OR_RETURN(auto response, get(url, kActivityAccept));
  PUBLIUS_ASSIGN_OR_RETURN(auto actor, parse_actor(response.body));
  if (domain::url_origin(actor.uri) != domain::url_origin(url))
    return unauthorized("Actor served from another host");
  return actor;
}

Result<domain::RemoteNote> Resolver::note_at(std::string_view uri) const {
  const std::string url(uri.substr(0, uri.find('#')));
  PUBLIUS_ASSIGN_OR_RETURN(auto response, get(url, kActivityAccept));
  boost::system::error_code ec;
  const json::value value = json::parse(response.body, ec);
  if (ec || !value.is_object()) return bad_request("Note is not a JSON object");
  PUBLIUS_ASSIGN_OR_RETURN(auto note, parse_note(value.as_object()));
  // A server speaks for its own Notes only (a redirect elsewhere included).
  if (domain::url_origin(note.uri) != domain::url_origin(url))
    return unauthorized("Note served from another host");
  if (microblog_) resolve_local_references(*microblog_, note);
  return note;
}

Result<domain::Account> local_account_at(domain::Microblog& microblog, std::string_view url) {
  // The actor id, or the profile page some servers name in a Mention's href.
  const std::string base = microblog.config().base_url();
  std::string_view name;
  if (url.starts_with(base + "/users/"))
    name = url.substr(base.size() + 7);
  else if (url.starts_with(base + "/@"))
    name = url.substr(base.size() + 2);
  else
    return not_found();
  if (name.empty() || name.find_first_of("/?#@") != std::string_view::npos) return not_found();
  return microblog.accounts().account_by_acct(name);
}

void resolve_local_references(domain::Microblog& microblog, domain::RemoteNote& note) {
  note.in_reply_to_local_id = parse_note_uri(microblog.config(), note.in_reply_to_uri);
  for (const auto& uri : note.mention_uris)
    if (auto local = local_account_at(microblog, uri); local.ok())
      note.mentioned_local_ids.push_back(local->id);
}

}  // namespace publius::federation
