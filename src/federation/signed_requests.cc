#include "federation/signed_requests.h"

#include "federation/http_signature.h"
#include "util/time.h"

namespace publius::federation {
namespace {

// The request as the verifier reads it; `target` (path and query) is kept by the caller.
IncomingRequest incoming(const http::Request& request, const std::string& target) {
  return {.method = request.method,
          .target = target,
          .header = [&request](std::string_view name) -> std::optional<std::string_view> {
            for (const auto& [k, v] : request.headers)
              if (k == name) return std::string_view(v);
            return std::nullopt;
          },
          .body = request.body};
}

}  // namespace

Result<store::RemoteActor> verified_signer(domain::Microblog& microblog, const Resolver& resolver,
                                           const http::Request& request, int64_t max_skew_s,
                                           const std::function<Status()>& before_fetch) {
  const auto header = request.header("signature");
  if (header.empty()) return unauthorized(std::string(signature_error::kMissing));
  PUBLIUS_ASSIGN_OR_RETURN(auto signature, parse_signature_header(header));
  // A suspended server is refused before anything is fetched or stored.
  PUBLIUS_ASSIGN_OR_RETURN(
      bool suspended, microblog.domain_blocks().suspends(domain::url_authority(signature.key_id)));
  if (suspended) return forbidden("Domain is blocked");
  const std::string target =
      request.query.empty() ? request.path : request.path + "?" + request.query;
  const IncomingRequest in = incoming(request, target);
  const VerifyOptions verify{.now_unix_s = now_ms() / 1000, .max_skew_s = max_skew_s};
  // Every check but the key's first: with no key, only a request that passed the others
  // fails at the key. A stale, tampered or incomplete request costs no fetch.
  if (auto s = verify_request(in, signature, "", verify);
      s.ok() || s.error().message != signature_error::kKey)
    return s.ok() ? unauthorized(std::string(signature_error::kKey)) : s.take_error();
  if (before_fetch) PUBLIUS_TRY(before_fetch());

  PUBLIUS_ASSIGN_OR_RETURN(auto known,
                           microblog.federation().remote_actor_by_key_id(signature.key_id));
  if (known && verify_request(in, signature, known->public_pem, verify).ok()) return *known;
  // Unknown, or known but failing (a rotated key): the actor is fetched, once.
  auto fetched = resolver.actor_for_key(signature.key_id);
  if (!fetched.ok()) return unauthorized("Signing key unknown or unreachable");
  if (fetched->key_id != signature.key_id)
    return unauthorized("Signing key unknown or unreachable");
  PUBLIUS_TRY(verify_request(in, signature, fetched->public_pem, verify));
  auto saved = microblog.federation().save_remote_actor(*fetched);
  if (!saved.ok()) return unauthorized("Signing actor refused: " + saved.error().message);
  PUBLIUS_ASSIGN_OR_RETURN(auto stored, microblog.federation().remote_actor(*saved));
  if (!stored) return unauthorized("Signing key unknown or unreachable");
  return *stored;
}

Status AuthorizedFetch::admit(const http::Request& request) const {
  // Mastodon's window for a signed request's Date.
  constexpr int64_t kMaxSkewS = 12 * 3600;
  PUBLIUS_TRY(verified_signer(microblog_, resolver_, request, kMaxSkewS));
  return ok_status();
}

}  // namespace publius::federation
