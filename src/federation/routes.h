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
//   GET /actor: the instance actor (an Application named by the domain, with its own
//       key), which signs what the server says as itself (forwarded reports).
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
#include "federation/signed_requests.h"
#include "http/message.h"
#include "http/router.h"

namespace publius::federation {

inline constexpr std::string_view kActivityJson = "application/activity+json";

// Whether an Accept header asks for ActivityPub JSON (activity+json, or ld+json with the
// ActivityStreams profile) rather than a page.
bool wants_activity_json(std::string_view accept);

// The actor URL of a local account: <base>/users/<username>.
std::string actor_url(const domain::InstanceConfig& config, std::string_view username);

// The actor document (a Person) of local `account`, with its actor key (made on first
// need), its alsoKnownAs and the movedTo of a moved account.
Result<std::string> actor_document(domain::Microblog& microblog, const domain::Account& account);

// The actor document of `account` (made with its actor key, made on first need) when the
// request's Accept asks for ActivityPub JSON; nullopt otherwise.
// Under authorized fetch (`gate` given) the document goes only to a signed request
// (AuthorizedFetch::admit: 401 or 403 otherwise).
std::optional<Result<http::Response>> actor_if_asked(domain::Microblog& microblog,
                                                     const http::Request& request,
                                                     const domain::Account& account,
                                                     const AuthorizedFetch* gate = nullptr);

// The ActivityPub ids of a post (a local one's note_uri(), a remote one's own uri) and
// of its author's actor; kNotFound when its remote author is gone.
struct PostActivityIds {
  std::string note;
  std::string author;
};
Result<PostActivityIds> post_activity_ids(domain::Microblog& microblog, const domain::Post& post);
// The ActivityPub id of the post `post` replies to, for its Note's inReplyTo; empty when
// it replies to none, or to one gone.
Result<std::string> parent_note_uri(domain::Microblog& microblog, const domain::Post& post);

// Adds the routes. `microblog` (and `gate`, when given: authorized fetch for the actor
// documents and Notes) is not owned and must outlive the router's use; the handlers are
// thread-safe as the microblog is.
void register_routes(domain::Microblog& microblog, http::Router& router,
                     std::string software_version, const AuthorizedFetch* gate = nullptr);

}  // namespace publius::federation
