// StatementHook: runs a callback once, when a SqliteStore's connection first starts a
// statement whose SQL matches, so a test can land another connection's write at an
// exact point of a store call (between a read and a write, between two reads) instead
// of hoping a thread gets there. The hook runs on the calling thread, inside the
// store's lock: it must not call that store, only another connection.
#pragma once

#include <sqlite3.h>

#include <functional>
#include <string_view>
#include <utility>

#include "store/sqlite/sqlite_store.h"

namespace publius::testing {

class StatementHook {
 public:
  StatementHook(sqlite::SqliteStore& store, std::function<bool(std::string_view sql)> matches,
                std::function<void()> hook)
      : store_(store), matches_(std::move(matches)), hook_(std::move(hook)) {
    store_.with_connection([this](sqlite::Db& db) {
      sqlite3_trace_v2(db.handle(), SQLITE_TRACE_STMT, &on_statement, this);
    });
  }
  ~StatementHook() {
    store_.with_connection(
        [](sqlite::Db& db) { sqlite3_trace_v2(db.handle(), 0, nullptr, nullptr); });
  }
  StatementHook(const StatementHook&) = delete;
  StatementHook& operator=(const StatementHook&) = delete;

  bool fired() const { return fired_; }

  // A statement that writes (or begins the transaction of a write).
  static bool writes(std::string_view sql) {
    return sql.starts_with("BEGIN") || sql.starts_with("INSERT") || sql.starts_with("UPDATE") ||
           sql.starts_with("DELETE");
  }

 private:
  static int on_statement(unsigned, void* self, void*, void* sql) {
    auto* h = static_cast<StatementHook*>(self);
    if (h->fired_ || !h->matches_(static_cast<const char*>(sql))) return 0;
    h->fired_ = true;
    h->hook_();
    return 0;
  }

  sqlite::SqliteStore& store_;
  std::function<bool(std::string_view)> matches_;
  std::function<void()> hook_;
  bool fired_ = false;
};

}  // namespace publius::testing
