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
// post resolved here; a parent not known is fetched by its id, a few hops up, and its
// image attachments by the domain's MediaFetcher, within this request), Update of the
// actor itself (its profile and key), Move of the actor itself, Delete of a Note or of
// the actor itself, Like and Announce of a post (a Note not known fetched by its id),
// Block of a local account, and the Undo of each, Flag (a report) of a local account and
// its posts; others are accepted (202) and ignored for now. A request signed by a key on
// a suspended server (domain::DomainBlocks) is a 403 before anything is fetched or
// stored. POST /actor/inbox, the instance actor's inbox, is the shared inbox.
//
// The shield: nothing of the request but the activity's content reaches the domain;
// no address, user agent or header is logged or stored. Thread-safe.
#pragma once

#include <boost/json.hpp>
#include <functional>
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
  // --federation-onion-only: activities are taken from actors on .onion hosts only
  // (others are 403, nothing stored), as the fetcher reaches no other host.
  bool onion_only = false;
};

// An activity's object (or another `member` naming one, e.g. a Move's "target") as a
// URL: the string itself, or an embedded object's id; empty when it is neither.
std::string object_id(const boost::json::object& activity, std::string_view member = "object");

class Inbox {
 public:
  // `microblog` and `fetcher` are not owned and must outlive this.
  Inbox(domain::Microblog& microblog, const Fetcher& fetcher, InboxOptions options = {});

  // Adds both inbox routes. The router holds a reference to this.
  void register_routes(http::Router& router);
  // Told the server (host[:port]) of every verified request, so deliveries to a server
  // taken for gone resume (DeliveryHosts::heard_from). Set before serving.
  void on_heard_from(std::function<void(std::string_view host)> heard) {
    heard_from_ = std::move(heard);
  }

  // Receives one POST (the shared inbox when `username` is empty): 202 once handled.
  Result<http::Response> receive(const http::Request& request, std::string_view username);

 private:
  // The remote account that signed `request`, after the checks the header comment lists.
  Result<store::RemoteActor> verified_sender(const http::Request& request);
  Status dispatch(const store::RemoteActor& sender, const boost::json::object& activity);
  // Like, Announce and Block (inbox_social.cc), and the Undo of each (`undone`: the
  // embedded activity, whose actor, when named, must be the sender's).
  Status dispatch_social(const store::RemoteActor& sender, const boost::json::object& activity);
  Status undo_social(const store::RemoteActor& sender, const boost::json::object& undone);
  // Update(Person) (or another actor type) of the sender's own actor document: its
  // profile and key; 401 for another actor's.
  Status receive_actor_update(const store::RemoteActor& sender,
                              const boost::json::object& activity);
  // Move of the sender to its `target` (a local actor, or a remote one fetched again):
  // 422 unless the target's alsoKnownAs names the sender; 401 for another's Move.
  Status receive_move(const store::RemoteActor& sender, const boost::json::object& activity);
  // A Flag (a report from another server) about a local account and its posts.
  Status receive_flag(const store::RemoteActor& sender, const boost::json::object& activity);
  // The local account an actor URL (or profile page) of this server names; kNotFound
  // otherwise.
  Result<domain::Account> local_actor(std::string_view url);

  domain::Microblog& microblog_;
  const Resolver resolver_;
  const InboxOptions options_;
  std::function<void(std::string_view host)> heard_from_;
};

}  // namespace publius::federation
