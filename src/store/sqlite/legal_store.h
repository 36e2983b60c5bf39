// SqliteLegalStore: legal::LegalStore over its own connection to
// DATA_DIR/publius.db (the legal_* tables of schema migration 2). A separate
// connection keeps the desk independent of SqliteStore's caches: it writes only
// tables SqliteStore never reads. Calls are serialized under a mutex.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "legal/legal_store.h"
#include "store/sqlite/db.h"

namespace publius::sqlite {

class SqliteLegalStore final : public legal::LegalStore {
 public:
  // Opens DIR/publius.db, applying pending migrations.
  static Result<std::unique_ptr<SqliteLegalStore>> open(const std::string& data_dir);

  Status apply(const legal::LegalChange& change,
               const std::function<legal::AuditEntry(legal::AuditEntry)>& seal) override;
  Result<std::optional<legal::DemandRow>> demand(const std::string& id) override;
  Result<std::vector<legal::DemandRow>> demands() override;
  Result<std::vector<legal::HistoryRow>> history(const std::string& demand_id) override;
  Result<std::vector<legal::DocumentRow>> documents(const std::string& demand_id) override;
  Result<std::vector<legal::AuditEntry>> audit_entries() override;

 private:
  explicit SqliteLegalStore(Db db) : db_(std::move(db)) {}
  Status write_demand(const legal::DemandRow& row, bool insert);
  std::mutex mu_;
  Db db_;
};

}  // namespace publius::sqlite
