// InstanceSigner: the instance actor's key (federation/activities.h: instance_actor_url),
// with which the server signs what it says as itself: every GET the fetcher makes of
// another server (draft-cavage over (request-target), host and date, no digest for a
// GET, as Mastodon signs its fetches) and forwarded reports. The key is made on first
// need (Federation::instance_actor_key), read once and kept in memory only.
// Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "domain/microblog.h"
#include "federation/fetcher.h"
#include "federation/http_signature.h"

namespace publius::federation {

class InstanceSigner {
 public:
  // `microblog` is not owned and must outlive this.
  explicit InstanceSigner(domain::Microblog& microblog) : microblog_(microblog) {}

  Result<SigningKey> key();
  std::string key_id() const;
  // The Date and Signature headers ("Name: value") of a GET of `url`, signed now.
  Result<std::vector<std::string>> get_headers(const ParsedUrl& url);

 private:
  domain::Microblog& microblog_;
  std::mutex mu_;
  std::optional<SigningKey> key_;
};

}  // namespace publius::federation
