// LockFile: an exclusive advisory lock (flock) on a file, shared by every
// process that opens the same path, for work that two processes on one data
// directory (the server and a CLI command) must not do at once.
//
// Locks belong to the open file, so two LockFile objects on one path exclude
// each other even inside one process; a process that dies releases its lock.
//
// Ownership: owns the file descriptor; movable, not copyable.
// Thread-safety: lock()/unlock() on one object must not race; callers pair them
// with their own mutex.
// Errors: Status values naming the path.
#pragma once

#include <string>

#include "util/result.h"

namespace publius {

class LockFile {
 public:
  LockFile() = default;
  ~LockFile();
  LockFile(LockFile&& other) noexcept;
  LockFile& operator=(LockFile&& other) noexcept;
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;

  // Opens (creating, mode 0600) the file at `path`; does not lock it.
  static Result<LockFile> open(const std::string& path);

  // Blocks until this object holds the lock.
  Status lock();
  void unlock();

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace publius
