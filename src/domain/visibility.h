// VisibilityRule: the one rule of who may see a post. Every post that leaves the
// server (API, web UI, notifications, search, conversations, a boost's
// original, a reply's parent, the legal desk's notices) passes through it, once:
// the posts attached to a report passed it for their reporter, who shows them to
// the moderators (Reports::reported_posts).
//
// A post is visible to its author; to anyone (signed in or not) when public or
// unlisted; when followers-only, to followers and the accounts it mentions;
// when direct, only to the accounts it mentions. Blocks either way hide
// everything of the other account. A boost is visible only where its original
// is. Mutes and boosts switched off do not hide a post from being read, only
// from lists (filter(): timelines, search, notifications, threads).
#pragma once

#include <vector>

#include "domain/service.h"

namespace publius::domain {

class VisibilityRule final : private ServiceBase {
 public:
  explicit VisibilityRule(Microblog& microblog) : ServiceBase(microblog) {}

  // Whether `viewer` (signed in or not) may see `post`.
  Result<bool> can_view(Viewer viewer, const Post& post);
  // The post if `viewer` may see it; kNotFound otherwise (never reveals that it exists).
  Result<Post> status(Viewer viewer, int64_t status_id);
  // The posts of `ids` that exist and `viewer` may see, without those of accounts
  // the viewer hides (filter()), in the order of `ids` (duplicates kept once).
  Result<std::vector<Post>> statuses(Viewer viewer, const std::vector<int64_t>& ids);
  // Keeps, in order, the posts `viewer` may see (a profile's posts: mutes hide nothing).
  Result<std::vector<Post>> keep_visible(Viewer viewer, std::vector<Post> posts);
  // Keeps, in order, the posts `viewer` may see, and drops those of accounts the
  // viewer blocks, is blocked by or mutes, and boosts by accounts followed with
  // boosts switched off.
  Result<std::vector<Post>> filter(Viewer viewer, std::vector<Post> posts);
  // Of the signed-in `viewers` (ascending), those for whom filter() keeps `post`,
  // ascending: the same rule, its facts read once for all of them (a live event
  // going out to many readers).
  Result<std::vector<int64_t>> filter_readers(const Post& post,
                                              const std::vector<int64_t>& viewers);
  // The posts of `ids` that exist, in the order of `ids`. Not checked: for the
  // domain's own use before filter().
  Result<std::vector<Post>> load(const std::vector<int64_t>& ids);
};

// Whether `post` mentions (for a direct post: is addressed to) `account_id`.
bool mentions(const Post& post, int64_t account_id);

// Where `post` counts and is found beyond its own page (store::PostListing), by
// the rule above: only what anyone may see (public and unlisted posts) counts
// as a reply or lists its hashtags (hashtag search, its author's featured
// tags), as in Mastodon; only public posts are in
// full-text search and the public timelines (unlisted means "not in search");
// every post but boosts and direct messages counts on its author's profile.
// Decided once, when the post is written: a post's visibility never changes.
store::PostListing listing_of(const Post& post);
// The keys under which `post` is found by its hashtags (normalize_tag, each once):
// none for a direct post, whose hashtags are sealed with it.
std::vector<std::string> listed_tag_keys(const Post& post);

}  // namespace publius::domain
