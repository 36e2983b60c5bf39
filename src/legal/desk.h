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
// of the account notices come from; created on first notice, `legal` if free).
//
// Held notices are released by release_expired_notices(), which open() and
// every public operation call first: a notice goes out at the first legal
// command (or server start, or admin API call) after its order expires.
//
// Ownership: `store` and `legal` are not owned and must outlive the desk.
// Thread-safety: all methods are serialized on an internal mutex.
// Errors: Result values; kBadRequest/kUnprocessable name the offending field or
// flag, kNotFound for an unknown demand id, kConflict for a move the workflow
// does not allow.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "domain/microblog.h"
#include "legal/audit.h"
#include "legal/demand.h"
#include "legal/legal_store.h"
#include "legal/review.h"
#include "shield/inventory.h"
#include "store/store.h"
#include "timeline/home_feeds.h"

namespace publius::legal {

struct DeskOptions {
  std::string data_dir;
  std::string domain = "localhost";  // named in user notices
  std::function<int64_t()> clock;    // ms since the epoch; default: wall clock
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
  static Result<std::unique_ptr<LegalDesk>> open(store::Store& store, LegalStore& legal,
                                                 DeskOptions options);

  // Records and reviews a demand; returns {"id", "state", "review"}.
  // Document paths are read relative to the working directory.
  Result<std::string> intake(std::string_view demand_json);
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
  Result<ChainReport> verify();
  Result<std::string> transparency(const TransparencyOptions& options);
  // Sends every held notice whose court order has expired.
  Status release_expired_notices();

  const Rules& rules() const { return rules_; }
  const std::string& legal_dir() const { return legal_dir_; }

 private:
  LegalDesk(store::Store& store, LegalStore& legal, DeskOptions options);
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

  store::Store& store_;
  LegalStore& legal_;
  DeskOptions options_;
  std::string legal_dir_;
  Rules rules_;
  std::string counsel_;
  std::optional<AuditSigner> signer_;
  shield::StoreDisclosureInventory inventory_;
  timeline::HomeFeeds feeds_;
  domain::Microblog notices_;  // posts notices; its own feeds, a longer length limit
  std::mutex mu_;
};

}  // namespace publius::legal
