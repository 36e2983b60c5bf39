#include "store/sqlite/wal_index.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>

namespace publius::sqlite {

namespace {
// The header's copies: words 0-11 and 12-23; byte 12 of a copy is isInit.
constexpr size_t kHeaderWords = 12;
constexpr size_t kIsInitByte = 12;
constexpr size_t kMappedBytes = 4096;  // the file is at least 32 KiB once initialized
}  // namespace

WalIndexWatch::WalIndexWatch(const std::string& db_path) {
  const int fd = ::open((db_path + "-shm").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size >= static_cast<off_t>(kMappedBytes)) {
    void* mapped = ::mmap(nullptr, kMappedBytes, PROT_READ, MAP_SHARED, fd, 0);
    if (mapped != MAP_FAILED) {
      words_ = static_cast<const volatile uint32_t*>(mapped);
      mapped_bytes_ = kMappedBytes;
    }
  }
  ::close(fd);
}

WalIndexWatch::~WalIndexWatch() {
  if (words_) ::munmap(const_cast<uint32_t*>(words_), mapped_bytes_);
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
