#include "util/lock_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

namespace publius {

LockFile::~LockFile() {
  if (fd_ >= 0) ::close(fd_);
}

LockFile::LockFile(LockFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

LockFile& LockFile::operator=(LockFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

Result<LockFile> LockFile::open(const std::string& path) {
  LockFile file;
  file.fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (file.fd_ < 0)
    return internal_error("cannot open " + path + ": " + std::generic_category().message(errno));
  file.path_ = path;
  return file;
}

Status LockFile::lock() {
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno != EINTR)
      return internal_error("cannot lock " + path_ + ": " + std::generic_category().message(errno));
  }
  return ok_status();
}

void LockFile::unlock() { ::flock(fd_, LOCK_UN); }

}  // namespace publius
