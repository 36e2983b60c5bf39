// Media: uploads, their details, and which posts may carry them.
#include <algorithm>
#include <charconv>
#include <cmath>

#include "domain/microblog.h"
#include "domain/store_errors.h"
#include "domain/text_format.h"
#include "media/image_processor.h"
#include "util/crypto.h"
#include "util/ids.h"
#include "util/time.h"

namespace publius::domain {
namespace {

// Holds one of the places of images decoded at once while alive (see
// InstanceConfig::max_concurrent_uploads); `others` were already decoding.
struct DecodeSlot {
  explicit DecodeSlot(std::atomic<int>& n) : in_progress(n), others(n.fetch_add(1)) {}
  ~DecodeSlot() { in_progress.fetch_sub(1); }
  DecodeSlot(const DecodeSlot&) = delete;
  DecodeSlot& operator=(const DecodeSlot&) = delete;
  Status granted(int limit) const {
    if (others < limit) return ok_status();
    return Error{ErrorCode::kTooManyRequests,
                 "Too many images are being processed right now; try again in a few seconds"};
  }
  std::atomic<int>& in_progress;
  const int others;
};

}  // namespace

Status check_media_description(const std::optional<std::string>& description) {
  if (description && code_points(*description) > kMaxMediaDescriptionChars) {
    return unprocessable("Validation failed: Description is too long (maximum is " +
                         std::to_string(kMaxMediaDescriptionChars) + " characters)");
  }
  return ok_status();
}

Status check_media_visibility(Visibility visibility, size_t media_count) {
  if (visibility == Visibility::kDirect && media_count > 0) {
    return unprocessable(
        "Validation failed: media cannot be attached to direct messages yet, they are not sealed");
  }
  return ok_status();
}

Result<Focus> parse_focus(std::string_view text) {
  const auto comma = text.find(',');
  auto number = [](std::string_view s, double& out) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size() && std::isfinite(out) && out >= -1 &&
           out <= 1;
  };
  Focus f;
  if (comma == std::string_view::npos || !number(text.substr(0, comma), f.x) ||
      !number(text.substr(comma + 1), f.y)) {
    return unprocessable("Validation failed: focus must be two numbers \"x,y\" between -1 and 1");
  }
  return f;
}

Result<MediaAttachment> Media::upload_media(int64_t account_id, std::string_view bytes,
                                            const MediaChange& details) {
  PUBLIUS_TRY(check_media_description(details.description));
  if (!files_.enabled()) return internal_error("media storage is not configured");
  const DecodeSlot slot(uploads_in_progress_);
  PUBLIUS_TRY(slot.granted(config_.max_concurrent_uploads));
  PUBLIUS_ASSIGN_OR_RETURN(auto image, media::process_image(bytes));
  MediaAttachment m;
  m.id = random_id();  // not time-sortable on purpose (MediaAttachment)
  m.account_id = account_id;
  m.file_key = media::MediaFiles::new_key();
  m.extension = std::string(media::file_extension(image.format));
  m.width = image.original.width;
  m.height = image.original.height;
  m.size = static_cast<int64_t>(image.original.bytes.size());
  m.small_width = image.preview.width;
  m.small_height = image.preview.height;
  m.small_size = static_cast<int64_t>(image.preview.bytes.size());
  m.description = details.description.value_or("");
  if (details.focus) {
    m.focus_x = details.focus->x;
    m.focus_y = details.focus->y;
  }
  m.blurhash = std::move(image.blurhash);
  m.uploaded_day_ms = now_day_ms();
  PUBLIUS_TRY(files_.write_all({{m.file_name(), std::move(image.original.bytes)},
                                {m.small_file_name(), std::move(image.preview.bytes)}}));
  if (auto stored = store_.insert_media(m); !stored.ok()) {
    mb_.media().erase_files(media_file_names({m}));
    return stored.error();
  }
  return m;
}
Result<std::vector<std::string>> Media::write_profile_pictures(const NewProfilePictures& pictures,
                                                               store::ProfileUpdate& update) {
  update.avatar_file.reset();
  update.header_file.reset();
  if (pictures.empty()) return std::vector<std::string>{};
  if (!files_.enabled()) return internal_error("media storage is not configured");
  const DecodeSlot slot(uploads_in_progress_);
  PUBLIUS_TRY(slot.granted(config_.max_concurrent_uploads));
  media::ImageLimits limits;
  limits.max_bytes = kMaxProfilePictureBytes;
  std::vector<std::pair<std::string, std::string>> files;
  auto process = [&](std::string_view label, std::optional<std::string_view> bytes, int width,
                     int height, std::optional<std::string>& name) -> Status {
    if (!bytes) return ok_status();
    auto picture = media::process_cropped_image(*bytes, width, height, limits);
    if (!picture.ok()) {
      Error e = picture.take_error();
      if (e.code == ErrorCode::kUnprocessable)
        e.message = "Validation failed: " + std::string(label) + ": " + e.message;
      return e;
    }
    name = media::MediaFiles::new_key() + "." + std::string(media::file_extension(picture->format));
    files.emplace_back(*name, std::move(picture->image.bytes));
    return ok_status();
  };
  PUBLIUS_TRY(process("Avatar", pictures.avatar, kAvatarSide, kAvatarSide, update.avatar_file));
  PUBLIUS_TRY(process("Header", pictures.header, kHeaderWidth, kHeaderHeight, update.header_file));
  PUBLIUS_TRY(files_.write_all(files));
  std::vector<std::string> names;
  for (auto& [name, bytes] : files) names.push_back(std::move(name));
  return names;
}
void Media::erase_replaced_pictures(const Account& before, const store::ProfileUpdate& update) {
  std::vector<std::string> replaced;
  if (update.avatar_file && !before.avatar_file.empty()) replaced.push_back(before.avatar_file);
  if (update.header_file && !before.header_file.empty()) replaced.push_back(before.header_file);
  mb_.media().erase_files(replaced);
}
Result<MediaAttachment> Media::own_media(int64_t account_id, int64_t media_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto found, store_.media_by_ids({media_id}));
  if (found.empty() || found.front().account_id != account_id) return not_found();
  return found.front();
}
Result<MediaAttachment> Media::update_media(int64_t account_id, int64_t media_id,
                                            const MediaChange& change) {
  PUBLIUS_ASSIGN_OR_RETURN(auto m, own_media(account_id, media_id));
  // As Mastodon: an attachment in a post changes through the post's edit.
  if (m.status_id) return unprocessable("Validation failed: this media is already in a post");
  if (m.scheduled_status_id)
    return unprocessable("Validation failed: this media is in a scheduled post");
  PUBLIUS_TRY(check_media_description(change.description));
  if (change.description) m.description = *change.description;
  if (change.focus) {
    m.focus_x = change.focus->x;
    m.focus_y = change.focus->y;
  }
  PUBLIUS_TRY(store_.update_media_description(m.id, m.description, m.focus_x, m.focus_y));
  return m;
}
Status Media::delete_media(int64_t account_id, int64_t media_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto m, own_media(account_id, media_id));
  if (m.status_id) return unprocessable("Validation failed: this media is in a post");
  if (m.scheduled_status_id)
    return unprocessable("Validation failed: this media is in a scheduled post");
  PUBLIUS_ASSIGN_OR_RETURN(bool deleted, store_.delete_unattached_media(m.id));
  if (!deleted) return unprocessable("Validation failed: this media is in a post");
  mb_.media().erase_files(media_file_names({m}));
  return ok_status();
}
Result<std::string> Media::media_file(std::string_view name) { return files_.read(name); }
Result<MediaSweep> Media::sweep_media(int64_t now_ms) {
  MediaSweep swept;
  if (!files_.enabled()) return swept;
  PUBLIUS_ASSIGN_OR_RETURN(auto expired, store_.delete_unattached_media_uploaded_by(
                                             day_floor_ms(now_ms) - kUnattachedMediaDays * kDayMs));
  mb_.media().erase_files(expired);
  swept.expired_files = expired.size();

  const auto candidates =
      files_.names_written_before(day_floor_ms(now_ms) - (kOrphanMediaAgeDays - 1) * kDayMs);
  std::vector<std::string> keys;
  for (const auto& name : candidates) keys.emplace_back(media::MediaFiles::key_of(name));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  PUBLIUS_ASSIGN_OR_RETURN(auto stored, store_.stored_media_keys(keys));
  std::sort(stored.begin(), stored.end());
  std::vector<std::string> orphans;
  for (const auto& name : candidates) {
    // A temporary file is never named by a row: its write was interrupted.
    if (media::MediaFiles::is_temporary_name(name) ||
        !std::binary_search(stored.begin(), stored.end(), media::MediaFiles::key_of(name)))
      orphans.push_back(name);
  }
  mb_.media().erase_files(orphans);
  swept.orphaned_files = orphans.size();
  return swept;
}
Result<std::vector<MediaAttachment>> Media::media_for_post(int64_t author_id,
                                                           const std::vector<int64_t>& ids,
                                                           std::optional<int64_t> post_id,
                                                           std::optional<int64_t> scheduled_id) {
  if (ids.size() > kMaxMediaPerPost) {
    return unprocessable("Validation failed: at most " + std::to_string(kMaxMediaPerPost) +
                         " media attachments per post");
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto found, store_.media_by_ids(ids));
  std::vector<MediaAttachment> ordered;
  for (int64_t id : ids) {
    if (std::any_of(ordered.begin(), ordered.end(), [&](const auto& m) { return m.id == id; }))
      continue;
    auto it = std::find_if(found.begin(), found.end(), [&](const auto& m) { return m.id == id; });
    const bool usable = it != found.end() && it->account_id == author_id &&
                        (!it->status_id || it->status_id == post_id) &&
                        (!it->scheduled_status_id || it->scheduled_status_id == scheduled_id);
    if (!usable) return unprocessable(std::string(kMediaNotAttachable));
    ordered.push_back(*it);
    // In a post: no upload day, and no longer reserved, as stored.
    ordered.back().uploaded_day_ms.reset();
    ordered.back().scheduled_status_id.reset();
  }
  return ordered;
}

}  // namespace publius::domain
