// Tags: hashtags as entities (a week of public use; an id derived from the
// name, so no row is needed), following them, and featuring them on one's
// profile. A followed tag's public posts
// reach the follower's home feed by the same fan-out as a followed account's
// (Delivery::deliver), minus authors the follower blocks, is blocked by or
// mutes. Tags are named as written without '#' (any case); a name that is no
// hashtag (is_valid_tag) is kNotFound, as Mastodon.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/service.h"

namespace publius::domain {

class Tags final : private ServiceBase {
 public:
  explicit Tags(Microblog& microblog) : ServiceBase(microblog) {}

  // `following` is set for a signed-in viewer.
  Result<Tag> tag(Viewer viewer, std::string_view name);
  // Those of `names` that are hashtags, in order.
  Result<std::vector<Tag>> tags(Viewer viewer, const std::vector<std::string>& names);
  // follow_tag() (idempotent; at most kMaxFollowedTags per account, 422 beyond)
  // brings the public posts carrying the tag into the account's home timeline,
  // earlier ones included, unless their author is blocked, blocking or muted;
  // unfollow_tag() takes them out again unless they came by another way.
  Result<Tag> follow_tag(int64_t account_id, std::string_view name);
  Result<Tag> unfollow_tag(int64_t account_id, std::string_view name);
  // The account's followed tags, paged by Tag::id as every list.
  Result<std::vector<Tag>> followed_tags(int64_t account_id, const Page& page);

  // Featured hashtags (Mastodon's FeaturedTag), shown on the account's profile with
  // its posts anyone may see that carry them (kNotFound for an unknown account).
  Result<std::vector<FeaturedTag>> featured_tags(int64_t account_id);
  // Features `name` (as written, '#' allowed) on the account's profile; featuring it
  // again gives the same feature. 422 for a name that is no hashtag, and beyond
  // kMaxFeaturedTags features.
  Result<FeaturedTag> feature_tag(int64_t account_id, std::string_view name);
  // kNotFound unless `featured_tag_id` is one of the account's features.
  Status unfeature_tag(int64_t account_id, int64_t featured_tag_id);
  // Up to kMaxFeaturedTags hashtags of the account's own posts anyone may see, the most
  // recently used first, not featured yet (Mastodon's suggestions).
  Result<std::vector<Tag>> featured_tag_suggestions(int64_t account_id);

 private:
  // Tag entities for normalized `names`, with their history and, for a viewer, `following`.
  Result<std::vector<Tag>> tag_entities(Viewer viewer, const std::vector<std::string>& names);
};

// Hashtags: the days of a Tag's history (Mastodon shows a week), how many tags one
// account may follow (each page of them is read whole from the store), and feature.
inline constexpr int kTagHistoryDays = 7;
inline constexpr size_t kMaxFollowedTags = 1000;
// How many hashtags one account may feature, as Mastodon
// (configuration.accounts.max_featured_tags).
inline constexpr size_t kMaxFeaturedTags = 10;
// The stable id of a hashtag, from its normalized name alone: the first 52 bits of
// its SHA-256, plus one (so never 0, and exact as a JavaScript number).
int64_t tag_id(std::string_view normalized_name);

}  // namespace publius::domain
