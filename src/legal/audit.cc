#include "legal/audit.h"

#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "util/crypto.h"
#include "util/durable_file.h"

namespace publius::legal {

namespace {

Result<std::string> from_hex(std::string_view hex) {
  std::string out(hex.size() / 2, '\0');
  size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(),
                     hex.size(), nullptr, &len, nullptr) != 0 ||
      len != out.size())
    return bad_request("not hex");
  return out;
}

}  // namespace

Result<AuditSigner> AuditSigner::open(const std::string& legal_dir) {
  std::error_code ec;
  std::filesystem::create_directories(legal_dir, ec);
  if (ec) return internal_error("cannot create " + legal_dir + ": " + ec.message());
  const std::string path = legal_dir + "/signing.key";
  AuditSigner signer;
  std::ifstream in(path);
  if (in) {
    std::string hex;
    in >> hex;
    auto raw = from_hex(hex);
    if (!raw.ok() || raw->size() != crypto_sign_SECRETKEYBYTES)
      return internal_error(path + " is damaged: expected " +
                            std::to_string(crypto_sign_SECRETKEYBYTES * 2) + " hex digits");
    signer.secret_key_ = *raw;
    signer.public_key_.resize(crypto_sign_PUBLICKEYBYTES);
    crypto_sign_ed25519_sk_to_pk(reinterpret_cast<unsigned char*>(signer.public_key_.data()),
                                 reinterpret_cast<const unsigned char*>(signer.secret_key_.data()));
  } else {
    signer.secret_key_.resize(crypto_sign_SECRETKEYBYTES);
    signer.public_key_.resize(crypto_sign_PUBLICKEYBYTES);
    crypto_sign_keypair(reinterpret_cast<unsigned char*>(signer.public_key_.data()),
                        reinterpret_cast<unsigned char*>(signer.secret_key_.data()));
    PUBLIUS_TRY(write_file_durably(path, to_hex(signer.secret_key_) + "\n"));
    PUBLIUS_TRY(write_file_durably(legal_dir + "/signing.pub", to_hex(signer.public_key_) + "\n"));
  }
  signer.public_key_hex_ = to_hex(signer.public_key_);
  return signer;
}

std::string AuditSigner::sign_hex(std::string_view message) const {
  std::string sig(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       reinterpret_cast<const unsigned char*>(secret_key_.data()));
  return to_hex(sig);
}

bool AuditSigner::verify_hex(std::string_view message, std::string_view signature_hex) const {
  auto sig = from_hex(signature_hex);
  if (!sig.ok() || sig->size() != crypto_sign_BYTES) return false;
  return crypto_sign_verify_detached(
             reinterpret_cast<const unsigned char*>(sig->data()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(),
             reinterpret_cast<const unsigned char*>(public_key_.data())) == 0;
}

std::string audit_entry_hash(const AuditEntry& e) {
  std::string canonical;
  for (const std::string& field : {std::to_string(e.seq), std::to_string(e.at_ms), e.action,
                                   e.demand_id, e.payload, e.prev_hash}) {
    canonical += std::to_string(field.size());
    canonical += ':';
    canonical += field;
    canonical += '\n';
  }
  return sha256_hex(canonical);
}

AuditEntry AuditSigner::seal(AuditEntry entry) const {
  entry.entry_hash = audit_entry_hash(entry);
  entry.signature = sign_hex(entry.entry_hash);
  return entry;
}

Status write_audit_head(const std::string& legal_dir, const AuditSigner& signer,
                        const AuditHead& head) {
  const std::string body = std::to_string(head.seq) + " " + head.entry_hash;
  return write_file_durably(legal_dir + "/audit.head", body + " " + signer.sign_hex(body) + "\n");
}

Result<std::optional<AuditHead>> read_audit_head(const std::string& legal_dir,
                                                 const AuditSigner& signer) {
  std::ifstream in(legal_dir + "/audit.head");
  if (!in) return std::optional<AuditHead>();
  AuditHead head;
  std::string signature;
  if (!(in >> head.seq >> head.entry_hash >> signature))
    return internal_error("audit.head is damaged");
  if (!signer.verify_hex(std::to_string(head.seq) + " " + head.entry_hash, signature))
    return internal_error("audit.head signature does not verify");
  return std::optional<AuditHead>(head);
}

ChainReport verify_chain(const std::vector<AuditEntry>& entries, const AuditSigner& signer,
                         const std::optional<AuditHead>& head) {
  ChainReport report;
  report.entries = static_cast<int64_t>(entries.size());
  auto broken = [&](int64_t position, std::string problem) {
    report.intact = false;
    report.first_broken_seq = position;
    report.problem = std::move(problem);
    return report;
  };
  std::string previous_hash;
  for (size_t i = 0; i < entries.size(); ++i) {
    const AuditEntry& e = entries[i];
    const int64_t position = static_cast<int64_t>(i) + 1;
    const std::string where = "entry " + std::to_string(position);
    if (e.seq != position)
      return broken(position, where + ": sequence number " + std::to_string(e.seq) +
                                  " out of order (entries removed or reordered)");
    if (e.prev_hash != previous_hash)
      return broken(position, where + ": does not chain to the previous entry");
    if (audit_entry_hash(e) != e.entry_hash)
      return broken(position, where + ": content does not match its hash (edited)");
    if (!signer.verify_hex(e.entry_hash, e.signature))
      return broken(position, where + ": signature does not verify");
    previous_hash = e.entry_hash;
  }
  if (head && head->seq > 0) {
    const int64_t n = report.entries;
    if (n < head->seq)
      return broken(n + 1, "entry " + std::to_string(n + 1) + ": missing; the log had " +
                               std::to_string(head->seq) + " entries (truncated)");
    if (entries[head->seq - 1].entry_hash != head->entry_hash)
      return broken(head->seq, "entry " + std::to_string(head->seq) +
                                   ": differs from the signed head (rewritten)");
  }
  return report;
}

}  // namespace publius::legal
