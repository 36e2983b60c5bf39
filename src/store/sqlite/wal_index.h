// WalIndexWatch: sees that a WAL-mode SQLite database may have changed without
// a transaction. Every commit, by any connection of any process, rewrites the
// header of the database's shared-memory WAL index (the "-shm" file; layout in
// https://www.sqlite.org/walformat.html, "The WAL-Index Format", stable because
// every SQLite version sharing a database must read it). This maps that header
// read-only, so a look costs two 48-byte memory reads, where PRAGMA
// data_version needs a read transaction (file locks through fcntl).
//
// A look answers whether the header is exactly as in an earlier snapshot; a
// different header (or one being written) means "maybe changed", never "changed
// by someone else": the owner still asks SQLite which commits were not its own.
//
// The mapping stays valid while the process keeps a connection to the database
// open (SQLite truncates or deletes the file only when its last user closes).
// Thread-safety: snapshot() may be called from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace publius::sqlite {

class WalIndexWatch {
 public:
  using Header = std::array<uint32_t, 12>;  // one copy of the WAL-index header, 48 bytes

  // Maps `db_path` + "-shm". A watch that could not map it (no WAL, no file yet) is
  // inert: snapshot() is always nullopt, so every look is "maybe changed".
  explicit WalIndexWatch(const std::string& db_path);
  ~WalIndexWatch();
  WalIndexWatch(const WalIndexWatch&) = delete;
  WalIndexWatch& operator=(const WalIndexWatch&) = delete;

  // The header now; nullopt while a commit is writing it, before SQLite has
  // initialized it, or when nothing is mapped.
  std::optional<Header> snapshot() const;

 private:
  const volatile uint32_t* words_ = nullptr;  // the mapped header's two copies
  size_t mapped_bytes_ = 0;
};

}  // namespace publius::sqlite
