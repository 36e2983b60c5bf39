// Durable, all-or-nothing file writes: write_file_durably() leaves either the
// whole new file at `path` or what was there before, and once it returns the
// file survives a crash or power loss. The bytes go to a temporary file beside
// the target (temporary_file_name()), which is fsynced and renamed over the
// target; then the directory is fsynced, so the rename itself is on disk. On
// failure the temporary file is removed. A crash can still leave a temporary
// file behind; the next write of the same path replaces it.
//
// Thread-safety: safe for distinct paths; two writers of one path at once must
// be serialized by the caller (they share the temporary file).
// Errors: kInternal, naming the path and the system's reason, never the bytes.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <string>
#include <string_view>

#include "util/result.h"

namespace publius {

struct DurableWriteOptions {
  mode_t mode = 0600;  // of a new file (the umask applies)
  // The file's access and modification times ([0] and [1], as futimens takes
  // them); nullptr keeps the moment of writing. A caller that must not record
  // when something happened (shield rule) passes a day.
  const timespec* times = nullptr;
  // false: the caller writes several files into one directory and calls
  // sync_directory() once after the last.
  bool sync_directory = true;
};

Status write_file_durably(const std::string& path, std::string_view bytes,
                          const DurableWriteOptions& options = {});

// fsyncs the directory `dir`: the entries created or renamed in it are then durable.
Status sync_directory(const std::string& dir);

// ".NAME.tmp": the temporary file a write of the file named `name` goes through.
std::string temporary_file_name(std::string_view name);

// Writes all of `bytes` to the open file `fd`, through short writes and
// interruptions; false (errno set) on failure.
bool write_fully(int fd, std::string_view bytes);

}  // namespace publius
