// LegalDesk: what the operator uses when a government demand arrives. It
// records the demand (strict intake), reviews it at once against the rules file
// and the disclosure inventory, walks it through the workflow's legal moves
// only, tells the targeted users (unless a court order forbids it, and then as
// soon as the order expires), builds a production package of approved and
// existing data only, keeps a signed hash-chained audit log of every step, and
// publishes transparency numbers with a signed warrant canary.
//
// Files under DATA_DIR/legal/: rules.json (the review rules; written from the
// built-in default when absent, then read from there so the operator can edit
// it), counsel.txt (the counsel text in user notices; same), signing.key /
// signing.pub (the desk's Ed25519 key), audit.head (signed newest audit entry),
// documents/<sha256> (stored demand documents), notice_account (the username
// of the account notices come from; created on first notice, `legal` if free),
// desk.lock (the lock the server and the CLI take for each desk operation).
//
// Held notices are released by release_expired_notices(), which open() and
// every public operation call first; in the server, a NoticeReleaser thread
// also calls it when an order expires, so a notice goes out on time even when
// nobody uses the desk.
//
// Ownership: `store` and `legal` are not owned and must outlive the desk.
// Thread-safety: all methods are serialized on an internal mutex and, across
// processes sharing the data directory (the server and the CLI), on an flock of
// DATA_DIR/legal/desk.lock, so a held notice is sent by exactly one of them.
// Errors: Result values; kBadRequest/kUnprocessable name the offending field or
// flag, kNotFound for an unknown demand id, kConflict for a move the workflow
// does not allow.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "domain/microblog.h"
#include "legal/audit.h"
#include "legal/demand.h"
#include "legal/legal_store.h"
#include "legal/review.h"
#include "shield/inventory.h"
#include "store/store.h"
#include "timeline/home_feeds.h"
#include "util/lock_file.h"
#include "util/periodic_thread.h"

namespace publius::legal {

struct DeskOptions {
  std::string data_dir;
  std::string domain = "localhost";  // named in user notices
  std::function<int64_t()> clock;    // ms since the epoch; default: wall clock
};

// A demand document given as bytes (an upload) rather than a path.
struct DocumentUpload {
  std::string name;  // shown to the operator; no directories
  std::string bytes;
};

// One file of a production package, relative to the package root.
struct PackageFile {
  std::string path;
  std::string bytes;
};

struct TransparencyOptions {
  std::string period;           // 2017H1 | 2017H2 | 2017 | 2017-01..2017-06
  std::string format = "json";  // json | csv | html
  bool band = false;            // report counts 1..9 as "<10"
};

// True when the workflow allows `from` -> `to`.
bool is_legal_move(std::string_view from, std::string_view to);

class LegalDesk {
 public:
  // `microblog` sends user notices (as direct posts from the notice account) and
  // must outlive the desk, as must `store` and `legal`.
  static Result<std::unique_ptr<LegalDesk>> open(domain::Microblog& microblog, store::Store& store,
                                                 LegalStore& legal, DeskOptions options);

  // Records and reviews a demand; returns {"id", "state", "review"}.
  // Document paths in the JSON are read relative to the working directory;
  // `uploads` are stored the same way (content-addressed by SHA-256).
  Result<std::string> intake(std::string_view demand_json,
                             const std::vector<DocumentUpload>& uploads = {});
  // {"id", "state", "demand", "review", "history", "notice", "documents", "production"}.
  Result<std::string> show_json(const std::string& id);
  Result<std::string> show_text(const std::string& id);
  Result<std::string> list_json();
  Result<std::string> list_text();
  // Applies one workflow move; returns show_json of the demand after it.
  Result<std::string> transition(const std::string& id, std::string_view to,
                                 std::string_view reason);
  // Writes the package to out_dir (created; must be empty or absent), moves the
  // demand to `produced` and returns manifest.json's text.
  Result<std::string> produce(const std::string& id, const std::vector<std::string>& approved,
                              const std::string& out_dir);
  // produce() into the desk's own store, DATA_DIR/legal/productions/ID-MS, where
  // stored_package() finds it again (the admin API and the web UI use these).
  Result<std::string> produce_stored(const std::string& id,
                                     const std::vector<std::string>& approved);
  // The newest stored package of a demand: manifest.json first, then every file
  // it lists. kNotFound when none was stored; kInternal when a file no longer
  // matches the SHA-256 its manifest records.
  Result<std::vector<PackageFile>> stored_package(const std::string& id);
  Result<ChainReport> verify();
  Result<std::string> transparency(const TransparencyOptions& options);
  // The half-years (e.g. "2017H1") in which demands were received, newest first.
  Result<std::vector<std::string>> transparency_periods();
  // Sends every held notice whose court order has expired.
  Status release_expired_notices();
  // How long (ms, by the desk's clock; 0 when overdue) until the next held
  // notice is due; nullopt when no notice is held.
  Result<std::optional<int64_t>> ms_until_next_release();

  const Rules& rules() const { return rules_; }
  const std::string& legal_dir() const { return legal_dir_; }

 private:
  // Holds the mutex and the data directory's desk lock for one operation.
  class Exclusive;

  LegalDesk(domain::Microblog& microblog, store::Store& store, LegalStore& legal,
            DeskOptions options);
  Status load_files();
  int64_t now() const { return options_.clock(); }
  Status release_locked();
  Status commit(LegalChange change);
  Result<DemandRow> find(const std::string& id);
  Result<std::map<std::string, std::optional<shield::AccountInventory>>> inventories(
      const Demand& d);
  // Sends the notice DMs to every local target; returns how many were sent.
  Result<int> send_notice(const DemandRow& row, const Demand& demand);
  Result<int64_t> notice_account_id();
  Result<std::string> show_json_locked(const std::string& id);
  Result<std::string> produce_locked(const std::string& id,
                                     const std::vector<std::string>& approved,
                                     const std::string& out_dir);

  store::Store& store_;
  LegalStore& legal_;
  DeskOptions options_;
  std::string legal_dir_;
  Rules rules_;
  std::string counsel_;
  std::optional<AuditSigner> signer_;
  shield::StoreDisclosureInventory inventory_;
  domain::Microblog& microblog_;  // sends the notices, as any post is sent
  std::mutex mu_;
  LockFile lock_file_;  // DATA_DIR/legal/desk.lock
};

// Releases held notices while the server runs: a thread that wakes when the
// earliest held order expires, and at least every `poll_ms` (demands recorded
// by another process, the CLI, are found that way), and calls
// release_expired_notices(). Failures are logged and retried at the next wake.
//
// Ownership: `desk` is not owned and must outlive the releaser. The destructor
// stops and joins the thread.
class NoticeReleaser {
 public:
  NoticeReleaser(LegalDesk& desk, int64_t poll_ms);

 private:
  // One wake: releases what is due; returns how long to sleep.
  std::chrono::milliseconds release_due();

  LegalDesk& desk_;
  const int64_t poll_ms_;
  PeriodicThread thread_;  // last: runs release_due() once the above are set
};

// A POSIX ustar archive of `files` under the directory `root`, each file dated
// `mtime_s` (seconds since the epoch). Paths must fit ustar's 100-byte name field
// (with root); longer ones are refused with kBadRequest.
Result<std::string> ustar_archive(const std::string& root, const std::vector<PackageFile>& files,
                                  int64_t mtime_s);

}  // namespace publius::legal
