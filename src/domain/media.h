// Media (docs/decisions/0002-media-uploads.md): uploads, their alt text and
// focal point, profile pictures, and the sweep of files no post keeps. Uploads
// are processed (media/image_processor.h: decoded, stripped of all metadata,
// re-encoded) and stored before the attachment is returned. Only the owner may
// read, change or delete an attachment through these, and only while it is in
// no post; attached ones are seen through their post.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/service.h"
#include "media/media_files.h"

namespace publius::domain {

class Media final : private ServiceBase {
 public:
  Media(Microblog& microblog, const std::string& media_dir)
      : ServiceBase(microblog), files_(media_dir) {}

  Result<MediaAttachment> upload_media(int64_t account_id, std::string_view bytes,
                                       const MediaChange& details);
  Result<MediaAttachment> own_media(int64_t account_id, int64_t media_id);
  Result<MediaAttachment> update_media(int64_t account_id, int64_t media_id,
                                       const MediaChange& change);
  Status delete_media(int64_t account_id, int64_t media_id);
  // The bytes of a stored media file by name, for serving; kNotFound otherwise.
  Result<std::string> media_file(std::string_view name);
  // The media sweep, which the serve process's erasure pass runs with the wall
  // clock as `now_ms` (ms since the epoch). Deletes the uploads still in no post
  // kUnattachedMediaDays after their upload day and erases their files, then
  // erases the files of DATA/media no attachment names and the temporary files
  // of interrupted writes, once their day is kOrphanMediaAgeDays before today.
  Result<MediaSweep> sweep_media(int64_t now_ms);

  // For the services that attach media and keep profile pictures.
  //
  // The author's attachments for a post, in `ids` order: each must exist, be the
  // author's and be unattached or already on `post_id`; 422 otherwise.
  // With `scheduled_id`, uploads reserved for that scheduled post may be used too.
  Result<std::vector<MediaAttachment>> media_for_post(
      int64_t author_id, const std::vector<int64_t>& ids, std::optional<int64_t> post_id,
      std::optional<int64_t> scheduled_id = std::nullopt);
  // Processes `pictures` and writes their files (all or none), naming them in
  // `update`; returns the names written. Nothing is written unless every
  // picture is accepted.
  Result<std::vector<std::string>> write_profile_pictures(const NewProfilePictures& pictures,
                                                          store::ProfileUpdate& update);
  // After `update` is stored: erases the files of the pictures of `before` it replaced.
  void erase_replaced_pictures(const Account& before, const store::ProfileUpdate& update);
  // Erases stored files by name (those of deleted rows).
  void erase_files(const std::vector<std::string>& names) { files_.erase(names); }

 private:
  media::MediaFiles files_;
  std::atomic<int> uploads_in_progress_{0};
};

// Media rules, as Mastodon's.
inline constexpr size_t kMaxMediaPerPost = 4;
inline constexpr size_t kMaxMediaDescriptionChars = 1500;
// An upload in no post is deleted once this many days have begun since its
// upload day (midnight UTC), the only time kept of it: it lives at least 24
// and at most 48 hours, as Mastodon removes unattached media after a day.
inline constexpr int64_t kUnattachedMediaDays = 2;
// Media files carry only the day they were written: their modification time is
// set to that UTC midnight (the instant of an upload or a new profile picture is
// non-public activity). A file no row names is an orphan once its day is at
// least kOrphanMediaAgeDays before today, so an upload between writing its files
// and inserting its row, even across midnight, is never taken for one.
inline constexpr int64_t kOrphanMediaAgeDays = 2;
// Profile pictures, as Mastodon 4.3 (with libvips) sizes and limits them.
inline constexpr int kAvatarSide = 400;
inline constexpr int kHeaderWidth = 1500;
inline constexpr int kHeaderHeight = 500;
inline constexpr size_t kMaxProfilePictureBytes = 8 * 1024 * 1024;
// Mastodon's focus parameter: "x,y", each a number in [-1, 1]; 422 otherwise.
Result<Focus> parse_focus(std::string_view text);
// Alt text of at most kMaxMediaDescriptionChars characters; 422 otherwise.
Status check_media_description(const std::optional<std::string>& description);
// Direct messages carry no media: they are sealed, and media files are not
// (docs/decisions/0002-media-uploads.md); 422 for media on a direct post.
Status check_media_visibility(Visibility visibility, size_t media_count);

// A post carries media or a poll, not both, and a direct post no poll: polls
// are not sealed, and a vote reveals who read a direct message. 422 otherwise.
Status check_poll_allowed(Visibility visibility, size_t media_count, bool has_poll);

}  // namespace publius::domain
