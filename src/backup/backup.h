// Encrypted backups of a data directory (docs/backup.md).
//
// create_backup() writes one file holding a consistent snapshot of the SQLite
// database (taken through SQLite's online backup API into an in-memory
// database, so it is consistent while the server writes and no plaintext copy
// ever reaches a disk) and every other regular file under the data directory
// (legal desk files, media), as an archive of (relative path, bytes) entries
// encrypted with libsodium's crypto_secretstream_xchacha20poly1305 under a key
// derived from a passphrase with Argon2id. The output appears atomically: it is
// written to a temporary file beside it, fsynced, then renamed.
//
// restore_backup() reverses it into a data directory that does not exist yet
// or is empty, building it in a temporary directory beside the target and
// renaming it into place only when every entry was read and authenticated, so
// a wrong passphrase, a truncated or a tampered file leaves nothing behind.
//
// Thread-safety: the functions share no state; call them from any thread.
// Errors: a BackupError naming the problem (its BackupProblem maps to the
// command's exit code) and, where one is at fault, the flag or file.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace publius::backup {

// Errors are the common Result values (util/result.h): kBadRequest for an unusable
// flag (short passphrase, non-empty target), kUnauthorized when the passphrase does
// not open the backup, kUnprocessable for a file that is no Publius backup, one of a
// newer format, one that ends early or one whose contents fail authentication (the
// message says which), kInternal when reading the data directory or writing the
// output failed. The command line maps them to exit statuses (cli/exit_status.h).

// Passphrase length rule, in bytes. A backup leaves the server, so its key must
// resist offline guessing: Argon2id slows each guess, the length does the rest.
inline constexpr size_t kMinPassphraseBytes = 12;
inline constexpr size_t kMaxPassphraseBytes = 1024;

// How far an operation got: entries done and plaintext bytes so far.
struct Progress {
  uint64_t entries = 0;
  uint64_t bytes = 0;
};
// Called after each entry and every few MiB within a large one.
using ProgressFn = std::function<void(const Progress&)>;

// Argon2id cost, stored in the backup's header. The defaults are libsodium's
// MODERATE (3 passes, 256 MiB); restore refuses headers beyond the maxima so a
// crafted file cannot make it allocate without bound.
struct KdfCost {
  uint64_t opslimit = 3;
  uint64_t memlimit = 256ull << 20;
};

struct BackupOptions {
  std::string data_dir;
  std::string out_path;
  std::string_view passphrase;  // not owned; checked against kMinPassphraseBytes
  KdfCost cost;
  ProgressFn progress;  // may be empty
};
Status create_backup(const BackupOptions& options);

struct RestoreOptions {
  std::string in_path;
  std::string data_dir;         // must not exist, or be an empty directory
  std::string_view passphrase;  // not owned
  ProgressFn progress;          // may be empty
};
Status restore_backup(const RestoreOptions& options);

// The passphrase rule; the message names `flag`.
Status check_passphrase(std::string_view passphrase, std::string_view flag);

}  // namespace publius::backup
