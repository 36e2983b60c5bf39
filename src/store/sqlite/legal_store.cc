#include "store/sqlite/legal_store.h"

#include "store/sqlite/db.h"

namespace publius::sqlite {

using legal::AuditEntry;
using legal::DemandRow;

namespace {

constexpr const char* kDemandColumns =
    "id, intake_seq, received_ms, demand_json, review_json, state, notice_status, notice_ms, "
    "produced_json, challenged, created_ms";

DemandRow read_demand(const Stmt& s) {
  DemandRow r;
  r.id = s.text(0);
  r.intake_seq = s.int64(1);
  r.received_ms = s.int64(2);
  r.demand_json = s.text(3);
  r.review_json = s.text(4);
  r.state = s.text(5);
  r.notice_status = s.text(6);
  r.notice_ms = s.optional_int64(7);
  if (!s.is_null(8)) r.produced_json = s.text(8);
  r.challenged = s.boolean(9);
  r.created_ms = s.int64(10);
  return r;
}

Status write_demand(Db& db, const DemandRow& r, bool insert) {
  std::string sql = insert ? std::string("INSERT INTO legal_demands (") + kDemandColumns +
                                 ") VALUES (?1, (SELECT coalesce(max(intake_seq), 0) + 1 FROM "
                                 "legal_demands), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                           : "UPDATE legal_demands SET received_ms = ?3, demand_json = ?4, "
                             "review_json = ?5, state = ?6, notice_status = ?7, notice_ms = ?8, "
                             "produced_json = ?9, challenged = ?10 WHERE id = ?1";
  PUBLIUS_ASSIGN_OR_RETURN(auto s, db.prepare_cached(sql));
  s.bind(1, r.id).bind(3, r.received_ms).bind(4, r.demand_json).bind(5, r.review_json);
  s.bind(6, r.state).bind(7, r.notice_status).bind(8, r.notice_ms);
  if (r.produced_json)
    s.bind(9, *r.produced_json);
  else
    s.bind_null(9);
  s.bind(10, r.challenged).bind(11, r.created_ms);
  PUBLIUS_TRY(s.run());
  if (!insert && db.changes() == 0) return not_found("no demand " + r.id);
  return ok_status();
}

}  // namespace

Status SqliteLegalStore::apply(const legal::LegalChange& change,
                               const std::function<AuditEntry(AuditEntry)>& seal) {
  return store_.with_connection([&](Db& db) -> Status {
    PUBLIUS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(db));
    if (change.insert_demand) PUBLIUS_TRY(write_demand(db, *change.insert_demand, true));
    if (change.update_demand) PUBLIUS_TRY(write_demand(db, *change.update_demand, false));
    for (const auto& h : change.history) {
      PUBLIUS_ASSIGN_OR_RETURN(
          auto s, db.prepare_cached("INSERT INTO legal_history (demand_id, at_ms, "
                                    "from_state, to_state, reason) VALUES (?, ?, ?, ?, ?)"));
      s.bind(1, h.demand_id)
          .bind(2, h.at_ms)
          .bind(3, h.from_state)
          .bind(4, h.to_state)
          .bind(5, h.reason);
      PUBLIUS_TRY(s.run());
    }
    for (const auto& d : change.documents) {
      PUBLIUS_ASSIGN_OR_RETURN(
          auto s, db.prepare_cached("INSERT OR IGNORE INTO legal_documents "
                                    "(demand_id, sha256, name, size) VALUES (?, ?, ?, ?)"));
      s.bind(1, d.demand_id).bind(2, d.sha256).bind(3, d.name).bind(4, d.size);
      PUBLIUS_TRY(s.run());
    }
    for (AuditEntry entry : change.audit) {
      // The chain continues from the last row, read inside this transaction so
      // two writers can never fork it.
      PUBLIUS_ASSIGN_OR_RETURN(
          auto last,
          db.prepare_cached("SELECT seq, entry_hash FROM legal_audit ORDER BY seq DESC LIMIT 1"));
      if (last.step()) {
        entry.seq = last.int64(0) + 1;
        entry.prev_hash = last.text(1);
      } else {
        PUBLIUS_TRY(last.status());
        entry.seq = 1;
        entry.prev_hash = "";
      }
      entry = seal(std::move(entry));
      PUBLIUS_ASSIGN_OR_RETURN(
          auto s,
          db.prepare_cached("INSERT INTO legal_audit (seq, at_ms, action, demand_id, payload, "
                            "prev_hash, entry_hash, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
      s.bind(1, entry.seq).bind(2, entry.at_ms).bind(3, entry.action).bind(4, entry.demand_id);
      s.bind(5, entry.payload)
          .bind(6, entry.prev_hash)
          .bind(7, entry.entry_hash)
          .bind(8, entry.signature);
      PUBLIUS_TRY(s.run());
    }
    return tx.commit();
  });
}

Result<std::optional<DemandRow>> SqliteLegalStore::demand(const std::string& id) {
  return store_.with_connection([&](Db& db) -> Result<std::optional<DemandRow>> {
    PUBLIUS_ASSIGN_OR_RETURN(auto s, db.prepare_cached(std::string("SELECT ") + kDemandColumns +
                                                       " FROM legal_demands WHERE id = ?"));
    s.bind(1, id);
    if (s.step()) return std::optional<DemandRow>(read_demand(s));
    PUBLIUS_TRY(s.status());
    return std::optional<DemandRow>();
  });
}

Result<std::vector<DemandRow>> SqliteLegalStore::demands() {
  return store_.with_connection([&](Db& db) -> Result<std::vector<DemandRow>> {
    PUBLIUS_ASSIGN_OR_RETURN(auto s, db.prepare_cached(std::string("SELECT ") + kDemandColumns +
                                                       " FROM legal_demands ORDER BY intake_seq"));
    std::vector<DemandRow> out;
    while (s.step()) out.push_back(read_demand(s));
    PUBLIUS_TRY(s.status());
    return out;
  });
}

Result<std::vector<legal::HistoryRow>> SqliteLegalStore::history(const std::string& demand_id) {
  return store_.with_connection([&](Db& db) -> Result<std::vector<legal::HistoryRow>> {
    PUBLIUS_ASSIGN_OR_RETURN(auto s,
                             db.prepare_cached("SELECT demand_id, at_ms, from_state, to_state, "
                                               "reason FROM legal_history WHERE demand_id = ? "
                                               "ORDER BY id"));
    s.bind(1, demand_id);
    std::vector<legal::HistoryRow> out;
    while (s.step()) out.push_back({s.text(0), s.int64(1), s.text(2), s.text(3), s.text(4)});
    PUBLIUS_TRY(s.status());
    return out;
  });
}

Result<std::vector<legal::DocumentRow>> SqliteLegalStore::documents(const std::string& demand_id) {
  return store_.with_connection([&](Db& db) -> Result<std::vector<legal::DocumentRow>> {
    PUBLIUS_ASSIGN_OR_RETURN(
        auto s, db.prepare_cached("SELECT demand_id, sha256, name, size FROM "
                                  "legal_documents WHERE demand_id = ? ORDER BY name"));
    s.bind(1, demand_id);
    std::vector<legal::DocumentRow> out;
    while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.int64(3)});
    PUBLIUS_TRY(s.status());
    return out;
  });
}

Result<std::vector<AuditEntry>> SqliteLegalStore::audit_entries() {
  return store_.with_connection([&](Db& db) -> Result<std::vector<AuditEntry>> {
    // Physical row order (rowid is seq): verification itself detects reordering.
    PUBLIUS_ASSIGN_OR_RETURN(auto s,
                             db.prepare_cached("SELECT seq, at_ms, action, demand_id, payload, "
                                               "prev_hash, entry_hash, signature FROM legal_audit "
                                               "ORDER BY rowid"));
    std::vector<AuditEntry> out;
    while (s.step())
      out.push_back({s.int64(0), s.int64(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6),
                     s.text(7)});
    PUBLIUS_TRY(s.status());
    return out;
  });
}

}  // namespace publius::sqlite
