// MediaFiles: the directory of processed media files (DATA/media). Each upload
// is stored under a random 128-bit key as <key>.<ext> and its preview as
// <key>-small.<ext>; nothing of the client's (file name, type) is part of a
// name. Writes are durable and all-or-nothing: bytes go to a temporary file in
// the same directory, are fsynced, renamed into place and the directory is
// fsynced; on any failure the temporary file is removed (a crash can still
// leave it, or leave files whose row was never inserted: names_written_before()
// finds them for the sweep). Removal overwrites a file with zeros before
// unlinking it (best effort on journaling or copy-on-write file systems and
// SSDs: see docs/decisions/0002-media-uploads.md).
//
// Thread-safe: no state beyond the directory path. Errors are Status values
// (kInternal) whose messages name no client data.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace publius::media {

class MediaFiles {
 public:
  // `dir` is created on first write. An empty dir refuses every write.
  explicit MediaFiles(std::string dir) : dir_(std::move(dir)) {}

  // A fresh random key: 32 lower-case hex characters.
  static std::string new_key();
  // Whether `name` is exactly <32 hex>[-small].<jpg|png|webp|gif>: the only
  // names ever read or removed, so no path can leave the directory.
  static bool is_valid_name(std::string_view name);
  // "image/jpeg", ... by the name's extension; empty for an invalid name.
  static std::string_view content_type_of(std::string_view name);
  // Whether `name` is ".<valid name>.tmp", the temporary file a write renames
  // (temporary_file_name(), util/durable_file.h).
  static bool is_temporary_name(std::string_view name);
  // The 32-hex key of a valid or temporary name (MediaAttachment::file_key).
  static std::string_view key_of(std::string_view name);

  bool enabled() const { return !dir_.empty(); }

  // Writes all `files` (name, bytes) durably, or none of them: on failure the
  // ones already written are removed again.
  Status write_all(const std::vector<std::pair<std::string, std::string>>& files);
  // The bytes of a stored file; kNotFound for an invalid or missing name.
  Result<std::string> read(std::string_view name) const;
  // Erases the named files (valid or temporary names); names that are neither
  // or already gone are skipped.
  void erase(const std::vector<std::string>& names) const;
  // The valid and temporary names of the regular files last modified before
  // `cutoff_ms` (ms since the epoch); other entries are ignored. Empty when the
  // directory does not exist yet.
  std::vector<std::string> names_written_before(int64_t cutoff_ms) const;

 private:
  std::string dir_;
};

}  // namespace publius::media
