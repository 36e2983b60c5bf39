// The instance's VAPID key (RFC 8292): one P-256 key pair, generated on first use
// and kept in DATA_DIR/push/vapid.key (mode 0600, beside the other instance secrets
// such as legal/signing.key; a backup carries it). Push services bind a
// subscription to the public key the client subscribed with, so the key must
// outlive restarts; the subscriptions themselves do not (push/subscriptions.h).
//
// Immutable once opened: safe from any thread.
// Errors: kInternal when the file cannot be written or is damaged (never its bytes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "push/web_push_crypto.h"
#include "util/result.h"

namespace publius::push {

class VapidKey {
 public:
  // Reads DATA_DIR/push/vapid.key, or creates it with a fresh key pair.
  static Result<VapidKey> open(const std::string& data_dir);
  explicit VapidKey(P256KeyPair pair);

  // The public key, base64url: the app's vapid_key and the instance's
  // configuration.vapid.public_key, which clients pass to the push service.
  const std::string& public_key_base64url() const { return public_base64url_; }
  const P256KeyPair& pair() const { return pair_; }
  // A JWT for pushes to `endpoint`'s origin, expiring at `expires_at_s` (at most
  // 24 h ahead, RFC 8292), naming `subject` (an https: or mailto: URI) as the sender.
  Result<std::string> jwt_for(std::string_view endpoint, int64_t expires_at_s,
                              std::string_view subject) const;

 private:
  P256KeyPair pair_;
  std::string public_base64url_;
};

// The origin (scheme://host[:port]) of an http(s) URL: a VAPID JWT's audience.
std::string origin_of(std::string_view url);

}  // namespace publius::push
