#include "federation/instance_signer.h"

#include "federation/activities.h"
#include "util/time.h"

namespace publius::federation {

Result<SigningKey> InstanceSigner::key() {
  // Held while a missing key is read or made: senders starting together make one.
  std::lock_guard lock(mu_);
  if (key_) return *key_;
  PUBLIUS_ASSIGN_OR_RETURN(auto pem, microblog_.federation().instance_actor_key(make_actor_key));
  PUBLIUS_ASSIGN_OR_RETURN(auto key, SigningKey::from_pem(pem.private_pem));
  key_ = key;
  return key;
}

std::string InstanceSigner::key_id() const { return instance_key_id(microblog_.config()); }

Result<std::vector<std::string>> InstanceSigner::get_headers(const ParsedUrl& url) {
  PUBLIUS_ASSIGN_OR_RETURN(auto signing_key, key());
  const std::string host = url.authority();
  PUBLIUS_ASSIGN_OR_RETURN(
      auto headers, sign_request({.method = "GET", .target = url.target, .host = host, .body = {}},
                                 key_id(), signing_key, now_ms() / 1000));
  return std::vector<std::string>{"Date: " + headers.date, "Signature: " + headers.signature};
}

}  // namespace publius::federation
