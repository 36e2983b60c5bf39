// The ActivityPub inboxes: POST /users/:username/inbox (an account's) and POST /inbox
// (the server's shared inbox), public routes whose authentication is the request's
// HTTP Signature.
//
// Every request is checked before anything is stored, in this order: its size
// (413 beyond max_body_bytes), its Signature header, the Date window and the Digest
// (401: no fetch is made for a stale or tampered request), its JSON (400), then the
// signature against the key it names: a key not known yet is fetched with its actor
// (through the SSRF-safe Fetcher) and kept only once the signature verifies and the
// actor passes the domain's host rules; a known key that fails is fetched again once,
// in case the actor rotated it. An unknown or unreachable key, a signature that does
// not verify, or an activity whose actor is not the key's owner is a 401 and nothing
// is stored. A verified activity is handed to the domain (domain::Federation):
// Follow and Undo(Follow) of a local account, Accept and Reject of a local account's
// Follow (only the followed actor's own), Create and Update of an embedded Note or
// Question (its markup sanitized, its mentions of local actors and a reply to a local
// post resolved here; only its image attachments are fetched, by the domain's
// MediaFetcher, within this request), Delete of a Note or of the actor itself;
// others are accepted (202) and ignored for now.
//
// The shield: nothing of the request but the activity's content reaches the domain;
// no address, user agent or header is logged or stored. Thread-safe.
#pragma once

#include <boost/json.hpp>
#include <string_view>

#include "domain/microblog.h"
#include "federation/fetcher.h"
#include "federation/http_signature.h"
#include "federation/resolver.h"
#include "http/message.h"
#include "http/router.h"

namespace publius::federation {

struct InboxOptions {
  size_t max_body_bytes = 256 * 1024;
  int64_t max_skew_s = 12 * 3600;
};

class Inbox {
 public:
  // `microblog` and `fetcher` are not owned and must outlive this.
  Inbox(domain::Microblog& microblog, const Fetcher& fetcher, InboxOptions options = {});

  // Adds both inbox routes. The router holds a reference to this.
  void register_routes(http::Router& router);

  // Receives one POST (the shared inbox when `username` is empty): 202 once handled.
  Result<http::Response> receive(const http::Request& request, std::string_view username);

 private:
  // The remote account that signed `request`, after the checks the header comment lists.
  Result<store::RemoteActor> verified_sender(const http::Request& request);
  Status dispatch(const store::RemoteActor& sender, const boost::json::object& activity);
  // The local account an actor URL (or profile page) of this server names; kNotFound
  // otherwise.
  Result<domain::Account> local_actor(std::string_view url);

  domain::Microblog& microblog_;
  const Resolver resolver_;
  const InboxOptions options_;
};

}  // namespace publius::federation
