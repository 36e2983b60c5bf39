#include "util/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace publius {
namespace {

Error failure(std::string_view what, const std::string& path) {
  return internal_error("cannot " + std::string(what) + " " + path + ": " +
                        std::error_code(errno, std::generic_category()).message());
}

}  // namespace

bool write_fully(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string temporary_file_name(std::string_view name) { return "." + std::string(name) + ".tmp"; }

Status sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return failure("open the directory", dir);
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return failure("sync the directory", dir);
  return ok_status();
}

Status write_file_durably(const std::string& path, std::string_view bytes,
                          const DurableWriteOptions& options) {
  const std::filesystem::path target(path);
  const std::string dir =
      target.has_parent_path() ? target.parent_path().string() : std::string(".");
  const std::string temp = dir + "/" + temporary_file_name(target.filename().string());
  // A leftover of an interrupted write is replaced; created exclusively, the
  // temporary file is never a link placed there to redirect the write.
  ::unlink(temp.c_str());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, options.mode);
  if (fd < 0) return failure("create", temp);
  bool ok = write_fully(fd, bytes) && (!options.times || ::futimens(fd, options.times) == 0) &&
            ::fsync(fd) == 0;
  int reason = ok ? 0 : errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    reason = errno;
  }
  if (ok && ::rename(temp.c_str(), path.c_str()) != 0) {
    ok = false;
    reason = errno;
  }
  if (!ok) {
    ::unlink(temp.c_str());
    errno = reason;
    return failure("write", path);
  }
  if (options.sync_directory) return sync_directory(dir);
  return ok_status();
}

}  // namespace publius
