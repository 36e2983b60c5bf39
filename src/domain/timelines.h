// Timelines: lists of posts, newest first, each already passed through
// Visibility for its reader. Home reads come from the in-memory feeds (fan-out
// on write); public, tag, list and profile timelines are index scans in the store.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "domain/service.h"

namespace publius::domain {

class Timelines final : private ServiceBase {
 public:
  explicit Timelines(Microblog& microblog) : ServiceBase(microblog) {}

  Result<std::vector<Post>> home_timeline(int64_t account_id, const Page& page);
  // With only_media, posts that carry media only; of `origin` only.
  Result<std::vector<Post>> public_timeline(Viewer viewer, const Page& page,
                                            bool only_media = false,
                                            PostOrigin origin = PostOrigin::kAny);
  Result<std::vector<Post>> tag_timeline(Viewer viewer, std::string_view tag, const Page& page,
                                         bool only_media = false);
  // A list's posts; the list must be the owner's (kNotFound otherwise).
  Result<std::vector<Post>> list_timeline(int64_t owner_id, int64_t list_id, const Page& page);
  // Whether `post` shows in the owner's list (its author a member, the owner may see
  // it, reaches_list() admits it), as list_timeline() would show it; kNotFound when
  // the list is not the owner's.
  Result<bool> list_shows(int64_t owner_id, int64_t list_id, const Post& post);
  // An account's posts as `viewer` may see them (its profile).
  Result<std::vector<Post>> account_statuses(Viewer viewer, int64_t account_id,
                                             const AccountPostsFilter& filter, const Page& page);
  // The account's favourites and bookmarks, paged by the action's row id: the rows
  // (row id, post id) of the page, and the posts of them the account may still see.
  using AccountRows = std::vector<std::pair<int64_t, int64_t>>;
  struct SavedPage {
    AccountRows rows;
    std::vector<Post> posts;
  };
  Result<SavedPage> favourites(int64_t account_id, const Page& page);
  Result<SavedPage> bookmarks(int64_t account_id, const Page& page);

 private:
  // A page of the account's home feed read from the store: the posts of the
  // accounts it follows, its own, those mentioning it and those carrying a
  // hashtag it follows, of which reaches_home() (delivery.h) keeps what fan-out
  // would have delivered.
  Result<std::vector<int64_t>> home_from_store(int64_t account_id, const Page& page);
  // What reaches_list() needs to know of the owner's list, read once for many posts.
  struct ListView {
    List list;
    std::vector<int64_t> members;   // ascending
    std::vector<int64_t> followed;  // by the owner, ascending
    ListFacts facts_about(const Post& post) const;
  };
  Result<ListView> list_view(int64_t owner_id, int64_t list_id);
  // The page of `rows` (row id, post id) with the posts the account may still see.
  Result<SavedPage> saved_page(int64_t account_id, AccountRows rows);
};

}  // namespace publius::domain
