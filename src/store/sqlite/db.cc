#include "store/sqlite/db.h"

namespace publius::sqlite {
namespace {
// The store's error contract (store/store.h) from SQLite's extended result code
// of the call that just failed on `db`.
Error sqlite_error(sqlite3* db, std::string_view what) {
  std::string message = std::string(what) + ": " + sqlite3_errmsg(db);
  const int code = sqlite3_extended_errcode(db);
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return conflict(std::move(message));
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      // Every reference in the schema cascades (or nulls) when its row is deleted, so
      // a failed foreign key is a write naming a row that is gone: deleted meanwhile.
      return Error{ErrorCode::kNotFound, std::move(message)};
    default:
      break;
  }
  // Still busy after the busy timeout: another writer holds the file; worth retrying.
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
    return unavailable(std::move(message));
  return internal_error(std::move(message));
}
}  // namespace

Stmt::~Stmt() {
  if (!in_use_) {
    sqlite3_finalize(stmt_);
  } else {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *in_use_ = false;
  }
}

Stmt& Stmt::bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Stmt& Stmt::bind(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Stmt& Stmt::bind(int i, std::string_view v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::bind_blob(int i, std::string_view v) {
  if (v.empty()) return bind_null(i);
  sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::bind(int i, std::optional<int64_t> v) { return v ? bind(i, *v) : bind_null(i); }
Stmt& Stmt::bind_null(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}

bool Stmt::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) status_ = sqlite_error(db_, "query failed");
  return false;
}

Status Stmt::run() {
  while (step()) {
  }
  return status_;
}

std::string Stmt::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::string Stmt::blob(int col) const {
  const auto* p = sqlite3_column_blob(stmt_, col);
  if (!p) return {};
  return std::string(static_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::optional<int64_t> Stmt::optional_int64(int col) const {
  if (is_null(col)) return std::nullopt;
  return int64(col);
}

Result<Db> Db::open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) return sqlite_error(raw, "cannot open database");
  sqlite3_busy_timeout(raw, 10000);
  // secure_delete overwrites freed pages so deleted posts and accounts do not
  // linger in a seized file; FULL sync makes every acknowledged write durable.
  PUBLIUS_TRY(
      db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
              "PRAGMA secure_delete=ON; PRAGMA temp_store=MEMORY;"));
  return db;
}

Db& Db::operator=(Db&& o) noexcept {
  if (this != &o) {
    finalize_cache();
    if (db_) sqlite3_close_v2(db_);
    db_ = o.db_;
    cache_ = std::move(o.cache_);
    o.db_ = nullptr;
  }
  return *this;
}

void Db::finalize_cache() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  cache_.clear();
}

Db::~Db() {
  finalize_cache();
  if (db_) sqlite3_close_v2(db_);
}

Result<Stmt> Db::prepare_cached(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt, nullptr) != SQLITE_OK) {
      return sqlite_error(db_, "cannot prepare statement");
    }
    it = cache_.emplace(std::string(sql), Cached{stmt}).first;
  } else if (it->second.in_use) {
    return prepare(sql);
  }
  it->second.in_use = true;
  return Stmt(db_, it->second.stmt, &it->second.in_use);
}

Result<Stmt> Db::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return sqlite_error(db_, "cannot prepare statement");
  }
  return Stmt(db_, stmt);
}

Status Db::exec_cached(std::string_view sql) {
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, prepare_cached(sql));
  return stmt.run();
}

Status Db::exec(std::string_view sql) {
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return sqlite_error(db_, "statement failed");
  }
  return ok_status();
}

Result<Transaction> Transaction::begin(Db& db) {
  PUBLIUS_TRY(db.exec("BEGIN IMMEDIATE"));
  return Transaction(&db);
}

Result<Transaction> Transaction::begin_read(Db& db) {
  PUBLIUS_TRY(db.exec("BEGIN DEFERRED"));
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_) (void)db_->exec("ROLLBACK");
}

Status Transaction::commit() {
  Db* db = db_;
  db_ = nullptr;
  return db->exec("COMMIT");
}

}  // namespace publius::sqlite
