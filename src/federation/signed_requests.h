// Signed requests from other servers: the check the inboxes make of every POST and, under
// authorized fetch (serve --authorized-fetch, Mastodon's AUTHORIZED_FETCH), of every GET of
// an actor document or a Note.
//
// verified_signer() checks, in this order: the Signature header, the signer's server (a
// suspended one, domain::DomainBlocks, is a 403 before anything is fetched), the Date
// window and the Digest when there is a body (401: no fetch for a stale or tampered
// request), the caller's own cheap checks, then the signature against the key it names:
// a key not known yet is fetched with its actor (through the Resolver) and kept only once
// the signature verifies and the actor passes the domain's host rules; a known key that
// fails is fetched again once, in case the actor rotated it.
//
// The shield: nothing of the request but the signer reaches the domain; no address, user
// agent or header is logged or stored. Thread-safe.
#pragma once

#include <functional>

#include "domain/microblog.h"
#include "federation/resolver.h"
#include "http/message.h"

namespace publius::federation {

// The remote account that signed `request`. `before_fetch` runs after the checks that
// need no fetch and before any (the inboxes read the JSON there); its error is returned.
Result<store::RemoteActor> verified_signer(domain::Microblog& microblog, const Resolver& resolver,
                                           const http::Request& request, int64_t max_skew_s,
                                           const std::function<Status()>& before_fetch = {});

// Authorized fetch: admits a GET only when it is signed by a remote actor whose server is
// not suspended (401 unsigned or not verified, 403 from a suspended server). The instance
// actor (/actor), WebFinger and NodeInfo stay public, so that signatures can be verified
// and servers found.
class AuthorizedFetch {
 public:
  // `microblog` and `fetcher` are not owned and must outlive this.
  AuthorizedFetch(domain::Microblog& microblog, const Fetcher& fetcher)
      : microblog_(microblog), resolver_(fetcher) {}
  Status admit(const http::Request& request) const;

 private:
  domain::Microblog& microblog_;
  const Resolver resolver_;
};

}  // namespace publius::federation
