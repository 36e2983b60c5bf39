// A minimal RAII layer over the SQLite C API: Db owns a connection, Stmt a
// prepared statement. Neither is thread-safe; a Db is used by one thread at a
// time (SqliteStore serializes access). Errors come back as Status values whose
// messages carry SQLite's text, which never contains bound parameter values, and
// whose codes keep the store's contract (store/store.h): a uniqueness violation
// is kConflict, a foreign key naming a row that is gone kNotFound, a file still
// locked by another writer after the busy timeout kUnavailable, anything else
// kInternal.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "util/result.h"

namespace publius::sqlite {

class Stmt {
 public:
  // Owns `stmt`: finalizes it on destruction.
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  // Borrows `stmt` from the Db's cache, which marks it `in_use` while lent: on
  // destruction it is reset for its next use and `in_use` cleared.
  Stmt(sqlite3* db, sqlite3_stmt* stmt, bool* in_use) : db_(db), stmt_(stmt), in_use_(in_use) {}
  Stmt(Stmt&& o) noexcept : db_(o.db_), stmt_(o.stmt_), in_use_(o.in_use_) {
    o.stmt_ = nullptr;
    o.in_use_ = nullptr;
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Binds are 1-based like SQLite's; each returns *this for chaining.
  Stmt& bind(int i, int64_t v);
  Stmt& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Stmt& bind(int i, bool v) { return bind(i, static_cast<int64_t>(v)); }
  Stmt& bind(int i, double v);
  Stmt& bind(int i, std::string_view v);
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, std::optional<int64_t> v);
  Stmt& bind_null(int i);
  // Binds bytes as a BLOB; an empty value binds NULL (no blob stored).
  Stmt& bind_blob(int i, std::string_view v);

  // Advances; true while a row is available. Errors end iteration and are kept in status().
  bool step();
  // Makes the statement runnable again with new bindings.
  void reset() { sqlite3_reset(stmt_); }
  // Runs to completion, for statements without result rows.
  Status run();
  const Status& status() const { return status_; }

  int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  bool boolean(int col) const { return sqlite3_column_int64(stmt_, col) != 0; }
  std::string text(int col) const;
  std::string blob(int col) const;  // empty for NULL
  std::optional<int64_t> optional_int64(int col) const;
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool* in_use_ = nullptr;  // the cache's mark, when borrowed from it
  Status status_ = ok_status();
};

class Db {
 public:
  // Opens (creating if needed) the database file at path in WAL mode with
  // synchronous=FULL (acknowledged writes survive power loss) and secure_delete.
  static Result<Db> open(const std::string& path);
  Db(Db&& o) noexcept : db_(o.db_), cache_(std::move(o.cache_)) { o.db_ = nullptr; }
  Db& operator=(Db&& o) noexcept;
  Db(const Db&) = delete;
  ~Db();

  // Compiles `sql` anew: for texts that carry values (id lists, paging bounds), which
  // would fill the cache with statements never run again.
  Result<Stmt> prepare(std::string_view sql);
  // Compiles `sql` once per connection and lends the compiled statement out again:
  // for every text drawn from a fixed set, where compiling would cost more than
  // running. While it is lent (a caller still holds the Stmt, as a statement stepped
  // inside the loop of the same statement does), the same text is compiled anew.
  Result<Stmt> prepare_cached(std::string_view sql);
  // Runs one or more statements without parameters.
  Status exec(std::string_view sql);
  // Runs one statement that returns no rows, compiled once and kept (prepare_cached):
  // for the few statements run on every write (BEGIN, SAVEPOINT, RELEASE, COMMIT).
  Status exec_cached(std::string_view sql);
  int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }
  sqlite3* handle() { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  void finalize_cache();
  sqlite3* db_;
  struct Cached {
    sqlite3_stmt* stmt;
    bool in_use = false;  // lent to a Stmt
  };
  // Node-based: a lent Stmt points at its entry's `in_use` while the map grows.
  std::unordered_map<std::string, Cached> cache_;
};

// A transaction; rolls back on destruction unless commit() ran.
class Transaction {
 public:
  // BEGIN IMMEDIATE: takes the write lock now, so the reads that decide a write
  // and the write itself see one state.
  static Result<Transaction> begin(Db& db);
  // BEGIN DEFERRED, for reads only: every read until commit() sees the one
  // snapshot taken by the first, whatever other connections commit meanwhile.
  static Result<Transaction> begin_read(Db& db);
  Transaction(Transaction&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  ~Transaction();
  Status commit();

 private:
  explicit Transaction(Db* db) : db_(db) {}
  Db* db_;
};

}  // namespace publius::sqlite
