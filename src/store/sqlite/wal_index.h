// WalIndexWatch: sees that a WAL-mode SQLite database may have changed without
// a transaction. Every commit, by any connection of any process, rewrites the
// header of the database's shared-memory WAL index (the "-shm" file; layout in
// https://www.sqlite.org/walformat.html, "The WAL-Index Format", stable because
// every SQLite version sharing a database must read it). This reads that header
// where the connection itself has it mapped, so a look costs two 48-byte memory
// reads, where PRAGMA data_version needs a read transaction (file locks through
// fcntl).
//
// The mapping is the connection's own, asked of its VFS (xShmMap of the main
// file, without extending it): the watch opens no file of its own, because
// closing any descriptor of the -shm file would drop the process's fcntl locks
// on it, SQLite's included, and let another process take the file over and
// truncate it under every mapping.
//
// A look answers whether the header is exactly as in an earlier snapshot; a
// different header (or one being written) means "maybe changed", never "changed
// by someone else": the owner still asks SQLite which commits were not its own.
//
// Ownership: borrows the connection, which must stay open (and in WAL mode) for
// as long as the watch is used; the mapping is the connection's and goes when it
// closes. Thread-safety: snapshot() may be called from any thread.
#pragma once

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <optional>

namespace publius::sqlite {

class WalIndexWatch {
 public:
  using Header = std::array<uint32_t, 12>;  // one copy of the WAL-index header, 48 bytes

  // Finds `db`'s mapping of the WAL index. A watch that found none (not in WAL mode,
  // or a VFS without shared memory) is inert: snapshot() is always nullopt, so every
  // look is "maybe changed".
  explicit WalIndexWatch(sqlite3* db);
  WalIndexWatch(const WalIndexWatch&) = delete;
  WalIndexWatch& operator=(const WalIndexWatch&) = delete;

  // The header now; nullopt while a commit is writing it, before SQLite has
  // initialized it, or when nothing is mapped.
  std::optional<Header> snapshot() const;

 private:
  const volatile uint32_t* words_ = nullptr;  // the mapped header's two copies
};

}  // namespace publius::sqlite
