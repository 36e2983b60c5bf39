// LegalStore: persistence for the legal desk (demands, their history, stored
// documents and the audit chain). One implementation today,
// sqlite::SqliteLegalStore, in the same database file as the microblog.
//
// Every write goes through apply(): one atomic transaction holding the demand
// row, history rows, document rows and audit entries together, so an intake or
// a transition is recorded entirely or not at all, and the audit chain can never
// miss a change that was stored.
//
// Thread-safety: implementations are safe to call from any thread.
// Errors: Result values; kNotFound where the caller named a missing demand.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace publius::legal {

struct DemandRow {
  std::string id;
  int64_t intake_seq = 0;  // 1, 2, ... in order of intake; assigned by the store
  int64_t received_ms = 0;
  std::string demand_json;  // legal::demand_to_json without the id
  std::string review_json;  // legal::review_to_json
  std::string state;
  std::string notice_status;  // pending | sent | held
  std::optional<int64_t> notice_ms;
  std::optional<std::string> produced_json;  // the production summary, once produced
  bool challenged = false;                   // ever entered `challenged`
  int64_t created_ms = 0;
};

struct HistoryRow {
  std::string demand_id;
  int64_t at_ms = 0;
  std::string from_state;
  std::string to_state;
  std::string reason;
};

struct DocumentRow {
  std::string demand_id;
  std::string sha256;
  std::string name;  // base name as given at intake
  int64_t size = 0;
};

struct AuditEntry {
  int64_t seq = 0;  // 1, 2, ...; assigned by the store
  int64_t at_ms = 0;
  std::string action;  // intake | review | transition | notice | production
  std::string demand_id;
  std::string payload;    // JSON
  std::string prev_hash;  // entry_hash of seq-1 ("" for the first)
  std::string entry_hash;
  std::string signature;
};

// One atomic change.
struct LegalChange {
  std::optional<DemandRow> insert_demand;
  std::optional<DemandRow> update_demand;  // replaces the row with the same id
  std::vector<HistoryRow> history;
  std::vector<DocumentRow> documents;
  // Appended in order; seq and prev_hash are filled by the store, then `seal`
  // (see apply) computes entry_hash and signature.
  std::vector<AuditEntry> audit;
};

class LegalStore {
 public:
  virtual ~LegalStore() = default;
  // `seal` receives each audit entry with seq and prev_hash set and returns it
  // with entry_hash and signature set.
  virtual Status apply(const LegalChange& change,
                       const std::function<AuditEntry(AuditEntry)>& seal) = 0;
  virtual Result<std::optional<DemandRow>> demand(const std::string& id) = 0;
  virtual Result<std::vector<DemandRow>> demands() = 0;  // in intake order
  virtual Result<std::vector<HistoryRow>> history(const std::string& demand_id) = 0;
  virtual Result<std::vector<DocumentRow>> documents(const std::string& demand_id) = 0;
  virtual Result<std::vector<AuditEntry>> audit_entries() = 0;  // in row order
};

}  // namespace publius::legal
