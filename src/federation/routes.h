// The documents other fediverse servers read to find and address this server's accounts
// (issue 12, first part): all public (Policy::anyone()), all read-only, none writes.
//   GET /.well-known/webfinger?resource=acct:name@domain (or the actor's URL, or its
//       profile URL): the account's JRD (subject, aliases, links `self` to the actor and
//       the profile page); 400 without a resource or with one of neither form, 404 for
//       another domain or an unknown account
//   GET /.well-known/host-meta: the XRD pointing at WebFinger
//   GET /.well-known/nodeinfo, /nodeinfo/2.0, /nodeinfo/2.1: NodeInfo, usage figures
//       rounded (domain::Accounts::usage)
//   GET /users/:username: with an ActivityPub Accept (application/activity+json, or
//       application/ld+json with the ActivityStreams profile) the account's actor
//       document (a Person, its actor key made on first need), as application/activity+json;
//       with any other Accept a redirect to the profile page /@username, as Mastodon does.
//       The web UI's profile page /@username answers with the same document for an
//       ActivityPub Accept (actor_if_asked, which the command line hands the web UI).
//   GET /users/:username/statuses/:id: a post at its ActivityPub id: the Note for an
//       ActivityPub Accept when anyone may see the post, a redirect to its page otherwise;
//       404 for a post not the account's, a boost, or one not public or unlisted.
//   GET /users/:username/outbox, /followers, /following, /collections/featured: the
//       actor's collections as Mastodon serves them (OrderedCollection with totalItems
//       and `first`; `?page=true[&max_id=ID]` an OrderedCollectionPage of 20 with
//       `next`): Create(Note) of its public and unlisted posts, the actor ids of its
//       followers and follows (totalItems only when the account hides its collections),
//       its pinned public and unlisted posts as Notes; 400 for a malformed max_id. A
//       browser is redirected to the profile page.
// Errors are {"error": "..."} with http/errors.h's status. URLs are built on the instance's
// public URL (domain::InstanceConfig::base_url).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/microblog.h"
#include "http/message.h"
#include "http/router.h"

namespace publius::federation {

inline constexpr std::string_view kActivityJson = "application/activity+json";

// Whether an Accept header asks for ActivityPub JSON (activity+json, or ld+json with the
// ActivityStreams profile) rather than a page.
bool wants_activity_json(std::string_view accept);

// The actor URL of a local account: <base>/users/<username>.
std::string actor_url(const domain::InstanceConfig& config, std::string_view username);

// The actor document of `account` (made with its actor key, made on first need) when the
// request's Accept asks for ActivityPub JSON; nullopt otherwise.
std::optional<Result<http::Response>> actor_if_asked(domain::Microblog& microblog,
                                                     const http::Request& request,
                                                     const domain::Account& account);

// Adds the routes. `microblog` is not owned and must outlive the router's use; the
// handlers are thread-safe as the microblog is.
void register_routes(domain::Microblog& microblog, http::Router& router,
                     std::string software_version);

}  // namespace publius::federation
