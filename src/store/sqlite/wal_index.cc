#include "store/sqlite/wal_index.h"

#include <atomic>

namespace publius::sqlite {

namespace {
// The header's copies: words 0-11 and 12-23; byte 12 of a copy is isInit.
constexpr size_t kHeaderWords = 12;
constexpr size_t kIsInitByte = 12;
// The WAL index is mapped in regions of this size; the header is at the start of the first.
constexpr int kRegionBytes = 32768;
}  // namespace

WalIndexWatch::WalIndexWatch(sqlite3* db) {
  sqlite3_file* file = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
      file == nullptr || file->pMethods == nullptr || file->pMethods->iVersion < 2 ||
      file->pMethods->xShmMap == nullptr)
    return;
  void volatile* region = nullptr;
  if (file->pMethods->xShmMap(file, 0, kRegionBytes, /*bExtend=*/0, &region) == SQLITE_OK)
    words_ = static_cast<const volatile uint32_t*>(region);
}

std::optional<WalIndexWatch::Header> WalIndexWatch::snapshot() const {
  if (!words_) return std::nullopt;
  // As SQLite's readers do (walIndexTryHdr): the first copy, a barrier, the second. A
  // writer stores the second copy first, so two equal copies are one whole header.
  Header first, second;
  for (size_t i = 0; i < kHeaderWords; ++i) first[i] = words_[i];
  std::atomic_thread_fence(std::memory_order_acquire);
  for (size_t i = 0; i < kHeaderWords; ++i) second[i] = words_[kHeaderWords + i];
  if (first != second) return std::nullopt;
  const uint8_t is_init = reinterpret_cast<const uint8_t*>(first.data())[kIsInitByte];
  if (is_init == 0) return std::nullopt;
  return first;
}

}  // namespace publius::sqlite
