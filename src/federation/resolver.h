// Resolver: finds remote actors through the SSRF-safe Fetcher. By a key id (what an
// inbox needs to check a signature: the actor itself, or a key document naming its
// owner on the same host) and by user@host (WebFinger, then the actor it names: what
// the domain's ActorResolver is, for `lookup` and `search?resolve=true`).
//
// Only what the actor document says is returned, and only when it is answered from the
// host it was asked of (a redirect elsewhere is refused); the host rules for keeping
// it are the domain's (Federation::save_remote_actor). Errors: kUnavailable when a
// server cannot be reached or answers with an error, kNotFound when WebFinger knows no
// such account, kBadRequest when a document is not what was asked, kUnauthorized for
// an actor served from another host. Thread-safe (the Fetcher is).
#pragma once

#include <string_view>

#include "domain/federation.h"
#include "domain/microblog.h"
#include "federation/fetcher.h"

namespace publius::federation {

class Resolver final : public domain::ActorResolver {
 public:
  // `fetcher` and `microblog` are not owned and must outlive this. Without `microblog`,
  // note_at() leaves a Note's references to this server unresolved.
  explicit Resolver(const Fetcher& fetcher, domain::Microblog* microblog = nullptr)
      : fetcher_(fetcher), microblog_(microblog) {}

  // The actor document that `key_id` leads to.
  Result<domain::RemoteActorDocument> actor_for_key(std::string_view key_id) const;
  Result<domain::RemoteActorDocument> actor_for_acct(std::string_view user,
                                                     std::string_view host) const override;
  Result<domain::RemoteActorDocument> actor_at(std::string_view uri) const override;
  Result<domain::RemoteNote> note_at(std::string_view uri) const override;

 private:
  Result<FetchResponse> get(const std::string& url, const char* accept) const;

  const Fetcher& fetcher_;
  domain::Microblog* const microblog_;
};

// The local account an actor URL (or profile page) of this server names; kNotFound
// otherwise.
Result<domain::Account> local_account_at(domain::Microblog& microblog, std::string_view url);
// Resolves what a Note names of this server: the local post it replies to and the local
// accounts it mentions.
void resolve_local_references(domain::Microblog& microblog, domain::RemoteNote& note);

}  // namespace publius::federation
