#include "media/media_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "util/crypto.h"
#include "util/durable_file.h"
#include "util/time.h"

namespace publius::media {
namespace {

// Access and modification times of today's UTC midnight: a file (or the directory) keeps the
// day it was written, not the instant (shield rule: uploads are non-public activity).
const timespec* today_times() {
  static thread_local timespec times[2];
  const int64_t day_ms = now_day_ms();
  times[0] = times[1] = timespec{static_cast<time_t>(day_ms / 1000), 0};
  return times;
}

}  // namespace

std::string MediaFiles::new_key() {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(random_u64()),
                static_cast<unsigned long long>(random_u64()));
  return buf;
}

bool MediaFiles::is_valid_name(std::string_view name) {
  if (name.size() < 32) return false;
  for (char c : name.substr(0, 32))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  std::string_view rest = name.substr(32);
  if (rest.starts_with("-small")) rest.remove_prefix(6);
  return rest == ".jpg" || rest == ".png" || rest == ".webp" || rest == ".gif";
}

std::string_view MediaFiles::content_type_of(std::string_view name) {
  if (!is_valid_name(name)) return "";
  if (name.ends_with(".jpg")) return "image/jpeg";
  if (name.ends_with(".png")) return "image/png";
  if (name.ends_with(".webp")) return "image/webp";
  return "image/gif";
}

bool MediaFiles::is_temporary_name(std::string_view name) {
  constexpr std::string_view kSuffix = ".tmp";
  return name.size() > 1 + kSuffix.size() && name.starts_with('.') && name.ends_with(kSuffix) &&
         is_valid_name(name.substr(1, name.size() - 1 - kSuffix.size()));
}

std::string_view MediaFiles::key_of(std::string_view name) {
  return name.substr(name.starts_with('.') ? 1 : 0, 32);
}

Status MediaFiles::write_all(const std::vector<std::pair<std::string, std::string>>& files) {
  if (!enabled()) return internal_error("media storage is not configured");
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return internal_error("cannot create the media directory");
  std::vector<std::string> written;
  for (const auto& [name, bytes] : files) {
    if (!is_valid_name(name)) {
      erase(written);
      return internal_error("invalid media file name");
    }
    // The directory is synced once, after the last file.
    if (!write_file_durably(dir_ + "/" + name, bytes,
                            {.mode = 0640, .times = today_times(), .sync_directory = false})
             .ok()) {
      erase(written);
      return internal_error("cannot write a media file");
    }
    written.push_back(name);
  }
  // The renames are durable only once the directory entry is; the directory, too, keeps
  // only the day of its last change.
  if (::utimensat(AT_FDCWD, dir_.c_str(), today_times(), 0) != 0 || !sync_directory(dir_).ok()) {
    erase(written);
    return internal_error("cannot sync the media directory");
  }
  return ok_status();
}

Result<std::string> MediaFiles::read(std::string_view name) const {
  if (!enabled() || !is_valid_name(name)) return not_found();
  const std::string path = dir_ + "/" + std::string(name);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return not_found();
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return internal_error("cannot read a media file");
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

void MediaFiles::erase(const std::vector<std::string>& names) const {
  if (!enabled()) return;
  for (const auto& name : names) {
    if (!is_valid_name(name) && !is_temporary_name(name)) continue;
    const std::string path = dir_ + "/" + name;
    // Zeros over the content first, so the image is not left in the freed blocks
    // on file systems that overwrite in place.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0) {
      struct stat st {};
      if (::fstat(fd, &st) == 0 && st.st_size > 0) {
        const std::string zeros(static_cast<size_t>(st.st_size), '\0');
        if (write_fully(fd, zeros)) ::fsync(fd);
      }
      ::close(fd);
    }
    ::unlink(path.c_str());
  }
  (void)sync_directory(dir_);  // best effort, as the erasure itself
}

std::vector<std::string> MediaFiles::names_written_before(int64_t cutoff_ms) const {
  std::vector<std::string> names;
  if (!enabled()) return names;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir_, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!is_valid_name(name) && !is_temporary_name(name)) continue;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    const int64_t modified_ms =
        int64_t{st.st_mtim.tv_sec} * 1000 + int64_t{st.st_mtim.tv_nsec} / 1000000;
    if (modified_ms < cutoff_ms) names.push_back(std::move(name));
  }
  return names;
}

}  // namespace publius::media
