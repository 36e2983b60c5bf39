// SqliteLegalStore: legal::LegalStore over the legal_* tables (schema
// migration 2) in DATA_DIR/publius.db, through the connection of the process's
// SqliteStore on the same file (SqliteStore::with_connection), under that
// store's mutex. Sharing the connection is what keeps the desk's own commits
// from counting as another process's: a separate connection's commits move the
// microblog store's PRAGMA data_version, and every warm home feed would be
// dropped after each legal action. The desk writes only tables SqliteStore
// never caches, so its caches stay exact.
#pragma once

#include <string>

#include "legal/legal_store.h"
#include "store/sqlite/sqlite_store.h"

namespace publius::sqlite {

class SqliteLegalStore final : public legal::LegalStore {
 public:
  // The legal tables of `store`'s database, which SqliteStore::open() migrated.
  // `store` must outlive this.
  explicit SqliteLegalStore(SqliteStore& store) : store_(store) {}

  Status apply(const legal::LegalChange& change,
               const std::function<legal::AuditEntry(legal::AuditEntry)>& seal) override;
  Result<std::optional<legal::DemandRow>> demand(const std::string& id) override;
  Result<std::vector<legal::DemandRow>> demands() override;
  Result<std::vector<legal::HistoryRow>> history(const std::string& demand_id) override;
  Result<std::vector<legal::DocumentRow>> documents(const std::string& demand_id) override;
  Result<std::vector<legal::AuditEntry>> audit_entries() override;

 private:
  SqliteStore& store_;
};

}  // namespace publius::sqlite
