// The legal desk's audit chain: every intake, review, transition, notice and
// production appends an entry holding the SHA-256 of the previous entry and an
// Ed25519 signature (libsodium crypto_sign) by the server's desk key, kept in
// DATA_DIR/legal/signing.key (owner-only). A signed head file,
// DATA_DIR/legal/audit.head, records the newest entry, so deleting entries from
// the end (truncation) is detected as well as edits and reordering.
//
// AuditSigner is immutable after open() and thread-safe. verify_chain() is pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legal/legal_store.h"
#include "util/result.h"

namespace publius::legal {

class AuditSigner {
 public:
  // Loads DIR/signing.key, creating a new key pair (mode 0600) when absent.
  static Result<AuditSigner> open(const std::string& legal_dir);

  // Fills entry_hash and signature of an entry whose other fields are final.
  AuditEntry seal(AuditEntry entry) const;
  std::string sign_hex(std::string_view message) const;
  bool verify_hex(std::string_view message, std::string_view signature_hex) const;
  const std::string& public_key_hex() const { return public_key_hex_; }

 private:
  std::string secret_key_;  // raw 64 bytes
  std::string public_key_;  // raw 32 bytes
  std::string public_key_hex_;
};

// SHA-256 (hex) over every field but entry_hash and signature, length-prefixed
// so no two different entries serialize alike.
std::string audit_entry_hash(const AuditEntry& entry);

struct AuditHead {
  int64_t seq = 0;
  std::string entry_hash;
};

// Writes / reads DIR/audit.head ("seq hash signature"); read returns nullopt when absent.
Status write_audit_head(const std::string& legal_dir, const AuditSigner& signer,
                        const AuditHead& head);
Result<std::optional<AuditHead>> read_audit_head(const std::string& legal_dir,
                                                 const AuditSigner& signer);

struct ChainReport {
  bool intact = true;
  int64_t entries = 0;
  int64_t first_broken_seq = 0;  // the position (1-based) of the first bad entry
  std::string problem;
};

ChainReport verify_chain(const std::vector<AuditEntry>& entries, const AuditSigner& signer,
                         const std::optional<AuditHead>& head);

}  // namespace publius::legal
